import Testing
import NetAddress
@testable import BGP

/// Two `PeerSession`s wired back to back in memory over bytes, with a simulated TCP: connection attempts
/// complete only when nothing else is pending, so both sides can have attempts in flight at
/// once (a simultaneous open, the source of connection collisions).
struct PeerNet {
    enum Side: Hashable { case a, b }
    struct End: Hashable { var side: Side; var id: ConnectionID }
    enum Op { case receive([UInt8], ConnectionID), connected(ConnectionID), failed(ConnectionID), timer(PeerTimer) }

    var a: PeerSession
    var b: PeerSession
    var links: [End: End] = [:]
    var queue: [(Side, Op)] = []
    var connects: [End] = []
    var timers: [Side: [PeerTimer: Duration]] = [.a: [:], .b: [:]]
    /// Everything but transport and timer actions, per side, in order.
    var reports: [Side: [PeerSessionAction]] = [:]
    /// Messages as sent: (from, connection on the sender's side, message).
    var wire: [(Side, ConnectionID, BGPMessage)] = []
    /// Incoming connections each side refused.
    var rejections: [Side: [String]] = [.a: [], .b: []]
    /// When set, bytes are delivered in pieces of this size (drip-feeding the framer).
    var chunk: Int?

    init(a: PeerSession, b: PeerSession) {
        self.a = a
        self.b = b
        reports = [.a: [], .b: []]
    }

    static func other(_ s: Side) -> Side { s == .a ? .b : .a }

    /// Every whole message in `bytes`.
    static func decodeAll(_ bytes: [UInt8], context: CodecContext) -> [BGPMessage] {
        var out: [BGPMessage] = []
        var rest = bytes[...]
        while let n = try? BGPFraming.nextMessageLength(Array(rest), maxLength: 65535) {
            guard let m = try? BGPMessage.decode(Array(rest.prefix(n)), context: context) else {
                Issue.record("undecodable message on the wire")
                break
            }
            out.append(m)
            rest = rest.dropFirst(n)
        }
        return out
    }

    mutating func apply(_ actions: [PeerSessionAction], from side: Side) {
        for action in actions {
            switch action {
            case .connect(let id):
                connects.append(End(side: side, id: id))
            case .send(let id, let bytes):
                // The wire log decodes with what the receiver will use: the sender's context,
                // ADD-PATH directions swapped.
                let sender = side == .a ? a : b
                let context = sender.slot(of: id).map { sender.machine($0).codecContext.reversed } ?? .initial
                for m in Self.decodeAll(bytes, context: context) { wire.append((side, id, m)) }
                if let peer = links[End(side: side, id: id)] {
                    var i = 0
                    let step = max(1, chunk ?? bytes.count)
                    while i < bytes.count {
                        queue.append((peer.side, .receive(Array(bytes[i..<min(bytes.count, i + step)]), peer.id)))
                        i += step
                    }
                }
            case .close(let id):
                let end = End(side: side, id: id)
                connects.removeAll { $0 == end }
                if let peer = links.removeValue(forKey: end) {
                    links[peer] = nil
                    queue.append((peer.side, .failed(peer.id)))
                }
            case .startTimer(let t, let d):
                timers[side, default: [:]][t] = d
            case .cancelTimer(let t):
                timers[side, default: [:]][t] = nil
            default:
                reports[side, default: []].append(action)
            }
        }
    }

    mutating func with(_ side: Side, _ body: (inout PeerSession) -> [PeerSessionAction]) {
        let actions = side == .a ? body(&a) : body(&b)
        apply(actions, from: side)
        run()
    }

    /// Runs until nothing is pending: queued events first, then connection attempts (all
    /// accepted on the far side before any is reported connected).
    mutating func run() {
        var guardCount = 0
        while !queue.isEmpty || !connects.isEmpty {
            guardCount += 1
            precondition(guardCount < 10_000, "PeerNet did not settle")
            if !queue.isEmpty {
                let (side, op) = queue.removeFirst()
                let actions: [PeerSessionAction]
                switch op {
                case .receive(let m, let id): actions = side == .a ? a.receive(m, on: id) : b.receive(m, on: id)
                case .connected(let id): actions = side == .a ? a.tcpConnected(id) : b.tcpConnected(id)
                case .failed(let id): actions = side == .a ? a.tcpFailed(id) : b.tcpFailed(id)
                case .timer(let t): actions = side == .a ? a.timerFired(t) : b.timerFired(t)
                }
                apply(actions, from: side)
                continue
            }
            let batch = connects
            connects = []
            for end in batch {
                let far = Self.other(end.side)
                let decision = far == .a ? a.acceptIncoming() : b.acceptIncoming()
                switch decision {
                case .accepted(let id, let actions):
                    let farEnd = End(side: far, id: id)
                    links[end] = farEnd
                    links[farEnd] = end
                    // The connecting side learns it is connected before any data arrives.
                    queue.append((end.side, .connected(end.id)))
                    apply(actions, from: far)
                case .rejected(let reason):
                    rejections[far, default: []].append(reason)
                    queue.append((end.side, .failed(end.id)))
                }
            }
        }
    }

    /// Fires a running timer.
    mutating func fire(_ t: PeerTimer, on side: Side) {
        guard timers[side]?[t] != nil else { Issue.record("timer \(t) is not running on \(side)"); return }
        timers[side]?[t] = nil
        queue.append((side, .timer(t)))
        run()
    }

    /// Fires the first running timer of `kind` on `side`.
    mutating func fire(_ kind: SessionTimer, on side: Side) {
        guard let t = timers[side]?.keys.first(where: { if case .session(_, kind) = $0 { return true } else { return false } })
        else { Issue.record("no \(kind) timer on \(side)"); return }
        fire(t, on: side)
    }

    /// Both TCP ends of every link see the connection fail (a cable pull, a crash).
    mutating func breakLinks() {
        for (end, _) in links { queue.append((end.side, .failed(end.id))) }
        links = [:]
        run()
    }

    func established(_ side: Side) -> NegotiatedSession? {
        for r in reports[side] ?? [] { if case .established(let n) = r { return n } }
        return nil
    }

    func routes(_ side: Side) -> [PeerRouteAction] {
        (reports[side] ?? []).compactMap { if case .routes(let r) = $0 { return r } else { return nil } }
    }

    func downs(_ side: Side) -> [(SessionCloseCause, Bool)] {
        (reports[side] ?? []).compactMap { if case .down(let c, let r) = $0 { return (c, r) } else { return nil } }
    }

    func updates(_ side: Side) -> [UpdateMessage] {
        (reports[side] ?? []).compactMap { if case .update(let u) = $0 { return u } else { return nil } }
    }
}

enum SessionFixture {
    static let gr = GracefulRestartCapability(flags: 0x4, restartTime: 120, families: [
        .init(family: .ipv4Unicast, flags: 0x80), .init(family: .ipv6Unicast, flags: 0x80)])

    static func open(_ asn: UInt32, _ id: IPv4Address, gr: GracefulRestartCapability?) -> OpenMessage {
        OpenConfiguration(asn: asn, routerID: id, holdTime: 9, gracefulRestart: gr).makeOpen()
    }

    static func peer(_ asn: UInt32, _ id: IPv4Address, peerAS: UInt32, gr: GracefulRestartCapability? = SessionFixture.gr,
                     passive: Bool = false, connectRetry: Duration = .seconds(5)) -> PeerSession {
        let s = SessionConfiguration(localOpen: open(asn, id, gr: gr), policy: NegotiationPolicy(peerAS: .number(peerAS)),
                                     connectRetryTime: connectRetry, passive: passive)
        return PeerSession(configuration: PeerSessionConfiguration(session: s), jitter: .none)
    }

    static func pair(grA: GracefulRestartCapability? = gr, grB: GracefulRestartCapability? = gr,
                     passiveB: Bool = true) -> PeerNet {
        PeerNet(a: peer(65001, Fixture.idA, peerAS: 65002, gr: grA),
                b: peer(65002, Fixture.idB, peerAS: 65001, gr: grB, passive: passiveB))
    }

    static func v6Update(_ prefix: String, asPath: [UInt32] = [65001]) -> UpdateMessage {
        let p = IPv6Prefix(prefix)
        precondition(p != nil)
        return UpdateMessage(
            attributes: PathAttributes(origin: .igp, asPath: ASPath(sequence: asPath)),
            mpReach: MPReach(family: .ipv6Unicast, nextHop: .ipv6(IPv6Address("fe80::1")!),
                             nlri: .ipv6Unicast(p.map { [IPv6NLRI($0)] } ?? [])))
    }
}
