// FSM: the BGP session state machine of RFC 4271 section 8 as a pure value.
//
// `SessionFSM` consumes `SessionEvent`s (the RFC's numbered events, carrying typed messages) and
// returns `SessionAction`s: connect, send a message, drop the connection, start or stop a timer,
// deliver an UPDATE, report that the session came up or went down. It owns no socket, clock,
// logger or random source of its own; timers are actions out and events in, and the jitter of
// RFC 4271 section 10 comes from an injected `Jitter`. One `SessionFSM` drives one TCP
// connection; `CollisionResolver` decides between two of them (section 6.8), and
// `PeerSession` (in Session/) runs them for a configured peer.
//
// It must never import the kernel, sockets, clocks, logging or the RIB.

/// The BGP finite state machine of RFC 4271 section 8 for one TCP connection, as a value.
///
/// ```
///  Idle --start--> Connect --TCP up / send OPEN--> OpenSent --OPEN / send KEEPALIVE--> OpenConfirm
///    ^               |  ^                             |                                  |
///    |        TCP fails |ConnectRetry                 | error / NOTIFICATION             | KEEPALIVE
///    |               v  |                             v                                  v
///    +----------- Active --TCP up / send OPEN-----> (Idle)                          Established
/// ```
/// Feed it events with `handle(_:)` (or messages with `receive(_:)`), carry out the returned
/// actions in order, and hand timer expiries back as events. Timer events for a timer that is
/// not running are stale (the owner's cancel raced the expiry) and are ignored: a stopped timer
/// cannot expire.
///
/// Where this machine departs from the letter of section 8.2.2, the comment at that transition
/// says why; the departures follow RFC 6608, RFC 4271 section 6 and what FRR and BIRD do.
public struct SessionFSM: Sendable {
    public internal(set) var state: SessionState = .idle
    /// The settings; changes apply from the next transition that reads them.
    public var configuration: SessionConfiguration
    /// RFC 4271 ConnectRetryCounter: failures since the last start.
    public internal(set) var connectRetryCounter = 0
    /// Consecutive failures for the restart backoff; forgotten after `idleHold.resetAfter` in
    /// Established, or on a manual start or stop.
    public internal(set) var consecutiveFailures = 0
    /// The negotiated session, from the peer's OPEN until the connection closes.
    public internal(set) var negotiated: NegotiatedSession? {
        didSet {
            // Cached apart: reading them through the optional would copy the whole session on
            // every message.
            holdTime = negotiated?.holdTime ?? 0
            keepaliveTime = negotiated?.keepaliveTime ?? 0
            codecContext = negotiated?.codecContext ?? .initial
        }
    }
    /// The codec context of the connection: `.initial` until the peer's OPEN is accepted.
    public internal(set) var codecContext: CodecContext = .initial
    var holdTime: UInt16 = 0
    var keepaliveTime: UInt16 = 0
    /// The timers currently running.
    public internal(set) var runningTimers: Set<SessionTimer> = []
    /// Why the connection last closed.
    public internal(set) var lastCloseCause: SessionCloseCause?
    /// Why the peer's last refused OPEN was refused (for the log).
    public internal(set) var lastOpenRejection: OpenRejection?

    var jitter: Jitter
    /// Automatic restart is armed: set by a start event, cleared by ManualStop.
    var autoRestartArmed = false
    /// A damped start (event 7) asked for passive establishment.
    var pendingPassiveStart = false

    public init(configuration: SessionConfiguration, jitter: Jitter = .random()) {
        self.configuration = configuration
        self.jitter = jitter
    }

    /// Runs one event through the machine.
    public mutating func handle(_ event: SessionEvent) -> [SessionAction] {
        var out: [SessionAction] = []
        handle(event, into: &out)
        return out
    }

    /// Runs one event through the machine, appending its actions to `out` (which a caller on
    /// the per-message path reuses rather than allocating a new array per message).
    public mutating func handle(_ event: SessionEvent, into out: inout [SessionAction]) {
        if let timer = event.timer {
            guard runningTimers.remove(timer) != nil else { return }
        }
        switch state {
        case .idle: idle(event, &out)
        case .connect: connectOrActive(event, &out)
        case .active: connectOrActive(event, &out)
        case .openSent: openSent(event, &out)
        case .openConfirm: openConfirm(event, &out)
        case .established: established(event, &out)
        }
    }

    /// Maps a received message to its event (19, 24-27 or ROUTE-REFRESH) and handles it.
    public mutating func receive(_ message: BGPMessage) -> [SessionAction] {
        handle(Self.event(for: message))
    }

    /// The event a received message raises.
    public static func event(for message: BGPMessage) -> SessionEvent {
        switch message {
        case .open(let o): return .bgpOpen(o)
        case .update(let u): return .updateMsg(u)
        case .notification(let n): return n.isVersionError ? .notifMsgVerErr(n) : .notifMsg(n)
        case .keepalive: return .keepAliveMsg
        case .routeRefresh(let r): return .routeRefreshMsg(r)
        }
    }

    /// Sends messages on an Established session (UPDATEs, ROUTE-REFRESH). RFC 4271 8.2.2: "Each
    /// time the local system sends a KEEPALIVE or UPDATE message, it restarts its
    /// KeepaliveTimer, unless the negotiated HoldTime value is zero." Nothing is sent in any
    /// other state.
    public mutating func send(_ messages: [BGPMessage]) -> [SessionAction] {
        guard state == .established, !messages.isEmpty else { return [] }
        var out = messages.map { SessionAction.send($0) }
        if messages.contains(where: { if case .update = $0 { return true } else { return false } }) {
            restartKeepalive(&out)
        }
        return out
    }

    // MARK: - Building blocks named after the RFC's phrases

    mutating func startTimer(_ t: SessionTimer, _ d: Duration, _ out: inout [SessionAction]) {
        runningTimers.insert(t)
        out.append(.startTimer(t, d))
    }

    mutating func stopTimer(_ t: SessionTimer, _ out: inout [SessionAction]) {
        if runningTimers.remove(t) != nil { out.append(.stopTimer(t)) }
    }

    mutating func jittered(_ d: Duration) -> Duration { jitter.apply(to: d) }

    mutating func restartConnectRetry(_ out: inout [SessionAction]) {
        startTimer(.connectRetry, jittered(configuration.connectRetryTime), &out)
    }

    mutating func restartKeepalive(_ out: inout [SessionAction]) {
        guard keepaliveTime > 0 else { return }
        startTimer(.keepalive, jittered(.seconds(keepaliveTime)), &out)
    }

    mutating func restartHold(_ out: inout [SessionAction]) {
        guard holdTime > 0 else { return }
        startTimer(.hold, .seconds(holdTime), &out)
    }

    /// "Initializes all BGP resources, sets ConnectRetryCounter to zero, starts the
    /// ConnectRetryTimer" and either initiates a connection (Connect) or waits for one (Active).
    mutating func start(passive: Bool, _ out: inout [SessionAction]) {
        connectRetryCounter = 0
        pendingPassiveStart = false
        stopTimer(.idleHold, &out)
        if configuration.passive {
            state = .active
        } else if passive {
            restartConnectRetry(&out)
            state = .active
        } else {
            restartConnectRetry(&out)
            out.append(.connect)
            state = .connect
        }
    }

    /// "Sends an OPEN message to its peer, sets the HoldTimer to a large value".
    mutating func sendOpen(_ out: inout [SessionAction]) {
        out.append(.send(.open(configuration.localOpen)))
        startTimer(.hold, configuration.openSentHoldTime, &out)
    }

    /// Negotiates a received OPEN; on success "sends a KEEPALIVE message, sets the
    /// KeepaliveTimer, sets the HoldTimer according to the negotiated HoldTime value" and moves
    /// to OpenConfirm. Returns the rejection instead when negotiation fails.
    mutating func acceptOpen(_ open: OpenMessage, sendOwnOpen: Bool,
                             _ out: inout [SessionAction]) -> OpenRejection? {
        switch Negotiation.negotiate(local: configuration.localOpen, peer: open, policy: configuration.policy) {
        case .failure(let rejection):
            lastOpenRejection = rejection
            return rejection
        case .success(let n):
            negotiated = n
            stopTimer(.connectRetry, &out)
            stopTimer(.delayOpen, &out)
            if sendOwnOpen { out.append(.send(.open(configuration.localOpen))) }
            out.append(.send(.keepalive))
            // "If the negotiated hold time value is zero, then the HoldTimer and KeepaliveTimer
            // are not started."
            if n.holdTime == 0 { stopTimer(.hold, &out) }
            restartKeepalive(&out)
            restartHold(&out)
            state = .openConfirm
            return nil
        }
    }

    /// A NOTIFICATION as it goes on the wire. RFC 8538 section 5.1: once the N bit has been
    /// exchanged, the Cease subcodes that mean "flush" travel inside a Hard Reset.
    func wireNotification(_ n: NotificationMessage) -> NotificationMessage {
        guard state == .established, negotiated?.gracefulRestartNotification == true,
              n.code == NotificationCode.cease.rawValue else { return n }
        switch CeaseSubcode(rawValue: n.subcode) {
        case .maximumPrefixesReached, .administrativeShutdown, .peerDeconfigured:
            return .hardReset(inner: n)
        case .administrativeReset:
            return configuration.policy.hardAdministrativeReset ? .hardReset(inner: n) : n
        default:
            return n
        }
    }

    /// Sends `n` and returns the close cause that records it.
    mutating func sendNotification(_ n: NotificationMessage, _ out: inout [SessionAction]) -> SessionCloseCause {
        let wire = wireNotification(n)
        out.append(.send(.notification(wire)))
        return .notificationSent(wire)
    }

    /// How a transition to Idle treats the counters.
    enum IdleKind {
        /// "Increments the ConnectRetryCounter by 1, (optionally) performs peer oscillation
        /// damping".
        case failure
        /// The counter is left alone (e.g. a connection attempt failed in Connect).
        case quiet
        /// ManualStop: "sets the ConnectRetryCounter to zero"; no automatic restart.
        case manualStop
    }

    /// "Stops the ConnectRetryTimer, (deletes all routes), releases all BGP resources, drops the
    /// TCP connection ... changes its state to Idle", then arms the automatic restart.
    ///
    /// Every timer is stopped on the way: none has an effect in Idle (RFC 4271 ignores their
    /// expiry there), so a running one would only leave a stale event behind.
    mutating func enterIdle(_ cause: SessionCloseCause, _ kind: IdleKind, _ out: inout [SessionAction]) {
        for t in SessionTimer.allCases where t != .idleHold { stopTimer(t, &out) }
        if state != .idle { out.append(.disconnect) }
        if state == .established { out.append(.sessionDown(cause)) }
        state = .idle
        negotiated = nil
        lastCloseCause = cause
        switch kind {
        case .failure:
            connectRetryCounter += 1
            consecutiveFailures += 1
        case .quiet:
            break
        case .manualStop:
            connectRetryCounter = 0
            consecutiveFailures = 0
            autoRestartArmed = false
            stopTimer(.idleHold, &out)
        }
        guard autoRestartArmed, configuration.automaticRestart else { return }
        if consecutiveFailures > 0 {
            // Damped: stay in Idle (refusing connections) for the backoff, then start again.
            pendingPassiveStart = false
            startTimer(.idleHold, jittered(configuration.idleHold.delay(afterFailures: consecutiveFailures)), &out)
        } else {
            // Nothing to damp (a connection attempt failed): wait in Active, listening, until
            // the ConnectRetryTimer says to try again. This is event 5, generated by us.
            start(passive: true, &out)
        }
    }
}
