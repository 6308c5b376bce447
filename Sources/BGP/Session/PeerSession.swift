// Session: everything between the bytes of one peer's TCP connections and the RIB.
//
// `Negotiation` turns our OPEN and the peer's into a `NegotiatedSession` (and the `CodecContext`
// the codec needs) or the NOTIFICATION that rejects the peer. `OpenConfiguration` builds our own
// OPEN. `GracefulRestartState` and `RouteRefreshState` are the per-peer route-retention and
// refresh rules (RFC 4724, 8538, 9494, 2918, 7313) as pure values. `PeerSession` combines them
// with framing, decoding and the `SessionFSM`s of the peer's connections, so the daemon only
// moves bytes, runs timers and hands routes to the RIB.
//
// It must never import the kernel, sockets, clocks, logging or the RIB.

/// One configured BGP peer as a pure value: its TCP connections (at most two while a collision
/// is resolved), their state machines, OPEN negotiation, graceful restart and route refresh.
///
/// The daemon's connection handler only moves bytes and runs timers:
/// ```
///   start() / stop(_:)                      -> actions
///   .connect(id)      -> open TCP, then tcpConnected(id) or tcpFailed(id)
///   incoming TCP      -> acceptIncoming()  -> .accepted(id, actions) or .rejected
///   bytes from id     -> receive(_:on:)    -> actions
///   .startTimer(t, d) -> after d, timerFired(t)
///   routes to send    -> sendUpdates(_:), sendEndOfRIB(_:), begin/endRefreshResponse(_:)
/// ```
/// and carries out the returned `PeerSessionAction`s in order.
///
/// Connections: the primary machine connects (unless passive), listens and restarts after
/// failures with a damped backoff. A connection that arrives while the primary waits without
/// one is given to the primary; one that arrives while the primary has a connection (or an
/// attempt in progress: abandoning it could close the very connection the peer keeps) gets a
/// second machine, and the two are resolved per RFC 4271 section 6.8 when an OPEN arrives
/// (`CollisionResolver`). The survivor becomes the primary.
public struct PeerSession: Sendable {
    public internal(set) var configuration: PeerSessionConfiguration
    /// The session, while one is Established.
    public internal(set) var session: NegotiatedSession? {
        didSet { acceptedFamilies = (session?.families ?? []).subtracting(disabledFamilies) }
    }
    /// Graceful restart (helper) state, across sessions.
    public internal(set) var gracefulRestart: GracefulRestartState
    /// Enhanced route refresh state of the current session.
    public internal(set) var routeRefresh: RouteRefreshState
    /// Families disabled by RFC 7606 for the rest of the current session.
    public internal(set) var disabledFamilies: Set<Family> = [] {
        didSet { acceptedFamilies = (session?.families ?? []).subtracting(disabledFamilies) }
    }
    /// The session's families less the disabled ones: what UPDATEs may carry.
    var acceptedFamilies: Set<Family> = []
    /// Started and not stopped.
    public internal(set) var enabled = false
    /// Message counters and the last NOTIFICATIONs each way.
    public internal(set) var statistics = PeerStatistics()

    var primary: Machine
    var secondary: Machine?
    /// A reused buffer for the actions of one machine event (no allocation per message).
    var scratch: [SessionAction] = []
    /// Timer actions of the call in progress, the last one per timer: they are appended at the
    /// end of the call, so a burst of UPDATEs restarts the hold timer once.
    var timerActions: [(PeerTimer, Duration?)] = []
    var nextConnection: UInt64 = 1
    var nextMachine: UInt32 = 2
    let jitter: Jitter

    /// One state machine and the connection it drives.
    struct Machine: Sendable {
        let id: UInt32
        var fsm: SessionFSM
        var connection: ConnectionID?
        var direction: ConnectionDirection = .outgoing
        var tcpUp = false
        /// Received bytes not yet framed into a whole message.
        var inbound: [UInt8] = []
        /// The codec context of this connection (what we decode and encode with).
        var codecContext: CodecContext { fsm.codecContext }
    }

    public init(configuration: PeerSessionConfiguration, jitter: Jitter = .random()) {
        self.configuration = configuration
        self.jitter = jitter
        self.gracefulRestart = GracefulRestartState(stalePathTime: configuration.stalePathTime)
        self.routeRefresh = RouteRefreshState(refreshTimeLimit: configuration.refreshTimeLimit)
        self.primary = Machine(id: 1, fsm: SessionFSM(configuration: configuration.session, jitter: jitter.forked(1)))
    }

    /// The most advanced state among the peer's connections (for `show` and metrics).
    public var state: SessionState {
        guard let other = secondary?.fsm.state, other.rawValue > primary.fsm.state.rawValue else { return primary.fsm.state }
        return other
    }

    /// The open connections, for diagnostics.
    public var connections: [ConnectionID] {
        [primary.connection, secondary?.connection].compactMap { $0 }
    }

    /// Why the primary connection last closed, and why the peer's last OPEN was refused.
    public var lastCloseCause: SessionCloseCause? { primary.fsm.lastCloseCause }
    public var lastOpenRejection: OpenRejection? { primary.fsm.lastOpenRejection ?? secondary?.fsm.lastOpenRejection }

    // MARK: - Operator and TCP events

    /// Starts the peer (RFC 4271 ManualStart, or ManualStart_with_PassiveTcpEstablishment for a
    /// passive peer).
    public mutating func start() -> [PeerSessionAction] {
        enabled = true
        var out: [PeerSessionAction] = []
        run(.primary, configuration.session.passive ? .manualStartPassive : .manualStart, &out)
        return finish(out)
    }

    /// Stops the peer with `notification` (normally `.adminShutdown(message:)`; RFC 8538 wraps
    /// it in a Hard Reset when both sides set the N bit). Stale routes still held from an
    /// earlier session are flushed; those of a session this call closes follow the graceful
    /// restart rules for the NOTIFICATION sent.
    public mutating func stop(_ notification: NotificationMessage = .adminShutdown()) -> [PeerSessionAction] {
        enabled = false
        var out: [PeerSessionAction] = []
        let wasEstablished = session != nil
        if secondary != nil { run(.secondary, .manualStop(notification), &out) }
        run(.primary, .manualStop(notification), &out)
        if !wasEstablished { retention(gracefulRestart.abandon(), &out) }
        return finish(out)
    }

    /// Applies new settings. When our OPEN or what we accept changes, the connections are
    /// closed with Cease/Other Configuration Change (a graceful close under RFC 8538: the peer
    /// may keep our routes) and the peer starts again if it was started; other changes (timers,
    /// damping, stale-path time) apply from the next transition that reads them.
    public mutating func reconfigure(_ new: PeerSessionConfiguration) -> [PeerSessionAction] {
        let old = configuration
        configuration = new
        gracefulRestart.stalePathTime = new.stalePathTime
        routeRefresh.refreshTimeLimit = new.refreshTimeLimit
        let reset = old.session.localOpen != new.session.localOpen || old.session.policy != new.session.policy
            || old.session.passive != new.session.passive
        guard reset else {
            primary.fsm.configuration = new.session
            if secondary != nil {
                update(.secondary) {
                    $0.fsm.configuration = new.session
                    $0.fsm.configuration.passive = true
                    $0.fsm.configuration.automaticRestart = false
                }
            }
            return []
        }
        let wasEnabled = enabled
        var out = stop(.cease(.otherConfigurationChange))
        primary.fsm.configuration = new.session
        if wasEnabled { out += start() }
        return finish(out)
    }

    /// Our outgoing connection `id` is up.
    public mutating func tcpConnected(_ id: ConnectionID) -> [PeerSessionAction] {
        guard let slot = slot(of: id), !isUp(slot) else { return [.close(id)] }
        update(slot) { $0.tcpUp = true }
        var out: [PeerSessionAction] = []
        run(slot, .tcpConnectionAcked, &out)
        return finish(out)
    }

    /// Connection `id` failed to connect, or was closed or reset by the peer.
    public mutating func tcpFailed(_ id: ConnectionID) -> [PeerSessionAction] {
        guard let slot = slot(of: id) else { return [] }
        var out: [PeerSessionAction] = []
        run(slot, .tcpConnectionFails, &out)
        return finish(out)
    }

    /// A TCP connection from the peer's address arrived.
    public mutating func acceptIncoming() -> IncomingDecision {
        guard enabled else { return .rejected(reason: "peer is administratively down") }
        if primary.fsm.state == .idle {
            return .rejected(reason: "peer is in Idle, restart delayed after failures")
        }
        let id = newConnection()
        var out: [PeerSessionAction] = []
        if primary.connection == nil {
            // The primary waits in Active without a connection: it takes this one (RFC 4271
            // event 17).
            primary.connection = id
            primary.direction = .incoming
            primary.tcpUp = true
            run(.primary, .tcpConnectionConfirmed, &out)
            return .accepted(id, finish(out))
        }
        guard secondary == nil else {
            return .rejected(reason: "a connection collision is already being resolved")
        }
        // A second connection (RFC 4271 8.2.2: "the second connection SHALL be tracked until
        // it sends an OPEN message"): its own machine, passive, without automatic restart.
        var c = configuration.session
        c.passive = true
        c.automaticRestart = false
        let mid = nextMachine
        nextMachine += 1
        secondary = Machine(id: mid, fsm: SessionFSM(configuration: c, jitter: jitter.forked(UInt64(mid))),
                            connection: id, direction: .incoming, tcpUp: true)
        run(.secondary, .manualStartPassive, &out)
        run(.secondary, .tcpConnectionConfirmed, &out)
        out.insert(.log(.info, "second connection \(id) from the peer, tracked until its OPEN"), at: 0)
        return .accepted(id, finish(out))
    }

    /// A timer started by an earlier action fired.
    public mutating func timerFired(_ timer: PeerTimer) -> [PeerSessionAction] {
        var out: [PeerSessionAction] = []
        switch timer {
        case .session(let m, let t):
            if primary.id == m { run(.primary, .expired(t), &out) }
            else if secondary?.id == m { run(.secondary, .expired(t), &out) }
        case .retention(.enhancedRefresh(let f)):
            retention(routeRefresh.timerFired(f), &out)
        case .retention(let t):
            retention(gracefulRestart.timerFired(t), &out)
        }
        return finish(out)
    }

    // MARK: - Helpers shared by the extensions

    enum Slot { case primary, secondary }

    // Field accessors: `machine(_:)` copies a whole Machine (its state machine, negotiated
    // session and buffer references), which is too costly on the per-message path.
    func connection(_ s: Slot) -> ConnectionID? { s == .primary ? primary.connection : secondary?.connection }
    func isUp(_ s: Slot) -> Bool { s == .primary ? primary.tcpUp : secondary?.tcpUp ?? false }
    func fsmState(_ s: Slot) -> SessionState { s == .primary ? primary.fsm.state : secondary?.fsm.state ?? .idle }
    func machineID(_ s: Slot) -> UInt32 { s == .primary ? primary.id : secondary?.id ?? 0 }
    func codecContext(_ s: Slot) -> CodecContext {
        s == .primary ? primary.fsm.codecContext : secondary?.fsm.codecContext ?? .initial
    }

    func machine(_ s: Slot) -> Machine {
        switch s {
        case .primary: return primary
        case .secondary: return secondary ?? primary
        }
    }

    /// Runs `body` on the machine in `s`, in place (no copy of its storage is made).
    @discardableResult
    mutating func update<R>(_ s: Slot, _ body: (inout Machine) -> R) -> R? {
        switch s {
        case .primary:
            return body(&primary)
        case .secondary:
            // Move the value out so it is uniquely referenced while `body` mutates it.
            guard var m = secondary else { return nil }
            secondary = nil
            defer { secondary = m }
            return body(&m)
        }
    }

    func slot(of id: ConnectionID) -> Slot? {
        if primary.connection == id { return .primary }
        if secondary?.connection == id { return .secondary }
        return nil
    }

    mutating func newConnection() -> ConnectionID {
        defer { nextConnection += 1 }
        return ConnectionID(rawValue: nextConnection)
    }
}
