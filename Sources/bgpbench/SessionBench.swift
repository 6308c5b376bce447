// `bgpbench session`: the cost of the session layer on top of decoding.
//
// One `PeerSession` is brought to Established in memory (our OPEN out, the peer's OPEN and
// KEEPALIVE in), then fed a deterministic UPDATE stream (IPv4, about 8 prefixes per UPDATE,
// ORIGIN, an AS_PATH of 2 to 8 ASes, NEXT_HOP, a MED on half) in 64 KiB reads, as a socket
// would deliver it. The same stream is also framed and decoded alone, so the difference is
// what `PeerSession` adds: buffering, the FSM per message, hold-timer coalescing, actions.

import BGP
import NetAddress
#if canImport(Glibc)
import Glibc
#endif

func runSessionBench(args: [String]) {
    var prefixes = 1_000_000
    var passes = 5
    var i = 0
    while i < args.count {
        switch args[i] {
        case "--prefixes" where i + 1 < args.count: prefixes = Int(args[i + 1]) ?? prefixes; i += 1
        case "--passes" where i + 1 < args.count: passes = max(1, Int(args[i + 1]) ?? passes); i += 1
        default: print("session: unknown option \(args[i])"); exit(2)
        }
        i += 1
    }
    let context = CodecContext(fourOctetAS: true)
    let stream = sessionBenchStream(prefixes: prefixes, context: context)
    print("session: \(prefixes) prefixes, \(String(format2: Double(stream.count) / 1e6)) MB")

    var decodeTimes: [Double] = [], sessionTimes: [Double] = []
    for _ in 0..<passes {
        var t = ContinuousClock.now
        let decoded = decodeOnly(stream, context: context)
        decodeTimes.append(seconds(ContinuousClock.now - t))
        var session = establishedSession()
        t = ContinuousClock.now
        let delivered = feed(&session, stream)
        sessionTimes.append(seconds(ContinuousClock.now - t))
        guard decoded == prefixes, delivered == prefixes else {
            print("session: decoded \(decoded), delivered \(delivered), expected \(prefixes)")
            exit(1)
        }
    }
    decodeTimes.sort()
    sessionTimes.sort()
    let d = decodeTimes[passes / 2], s = sessionTimes[passes / 2]
    print("session: median of \(passes): decode only \(String(format2: d * 1000)) ms, PeerSession.receive \(String(format2: s * 1000)) ms")
    print("session: \(String(format2: Double(prefixes) / s / 1e6)) M prefixes/s through PeerSession, overhead \(String(format2: (s / d - 1) * 100)) % over decoding")
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    print("session: peak RSS \(usage.ru_maxrss / 1024) MB")
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

private extension String {
    init(format2 v: Double) {
        let r = (v * 100).rounded() / 100
        self = "\(r)"
    }
}

private func decodeOnly(_ stream: [UInt8], context: CodecContext) -> Int {
    var n = 0
    stream.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
            guard let length = try? BGPFraming.nextMessageLength(rest, maxLength: 4096) else { return }
            if case .update(let u)? = try? BGPMessage.decode(UnsafeRawBufferPointer(rebasing: rest[..<length]), context: context) {
                n += u.nlri.count
            }
            offset += length
        }
    }
    return n
}

private func establishedSession() -> PeerSession {
    let local = OpenConfiguration(asn: 65001, routerID: IPv4Address(10, 0, 0, 1), gracefulRestart: nil).makeOpen()
    let peer = OpenConfiguration(asn: 65002, routerID: IPv4Address(10, 0, 0, 2), gracefulRestart: nil).makeOpen()
    var s = PeerSession(configuration: PeerSessionConfiguration(session: SessionConfiguration(
        localOpen: local, policy: NegotiationPolicy(peerAS: .number(65002)), passive: true)), jitter: .none)
    _ = s.start()
    guard case .accepted(let id, _) = s.acceptIncoming() else { fatalError("session bench: not accepted") }
    _ = s.receive(BGPMessage.open(peer).encode(context: .initial) + BGPMessage.keepalive.encode(context: .initial), on: id)
    guard s.state == .established else { fatalError("session bench: not established") }
    return s
}

private func feed(_ s: inout PeerSession, _ stream: [UInt8]) -> Int {
    guard let id = s.connections.first else { return 0 }
    var n = 0
    var offset = 0
    stream.withUnsafeBytes { raw in
        while offset < raw.count {
            let end = min(raw.count, offset + 65536)
            for action in s.receive(UnsafeRawBufferPointer(rebasing: raw[offset..<end]), on: id) {
                if case .update(let u) = action { n += u.nlri.count }
            }
            offset = end
        }
    }
    return n
}

private func sessionBenchStream(prefixes: Int, context: CodecContext) -> [UInt8] {
    var out: [UInt8] = []
    var seed: UInt64 = 0x5EED
    func next() -> UInt64 {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return seed >> 33
    }
    var made = 0
    var base: UInt32 = 0x0A00_0000
    while made < prefixes {
        let count = min(8, prefixes - made)
        var nlri: [IPv4NLRI] = []
        for _ in 0..<count {
            if let p = IPv4Prefix(address: IPv4Address(base), length: 24) { nlri.append(IPv4NLRI(p)) }
            base &+= 256
        }
        let path = (0..<(2 + Int(next() % 7))).map { _ in UInt32(64_512 + next() % 1000) }
        let attributes = PathAttributes(origin: .igp, asPath: ASPath(sequence: path), nextHop: IPv4Address(192, 0, 2, 1),
                                        med: next() % 2 == 0 ? UInt32(next() % 1000) : nil)
        BGPMessage.update(UpdateMessage(attributes: attributes, nlri: nlri)).encode(into: &out, context: context)
        made += count
    }
    return out
}
