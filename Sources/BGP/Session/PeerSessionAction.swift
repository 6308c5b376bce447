/// One TCP connection of a peer, as `PeerSession` names it. The daemon maps it to its channel.
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: ConnectionID, b: ConnectionID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "conn#\(rawValue)" }
}

/// A timer of a `PeerSession`. The daemon keeps at most one running timer per value: starting
/// one that runs replaces it.
public enum PeerTimer: Hashable, Sendable, CustomStringConvertible {
    /// A timer of one of the peer's state machines (`machine` tells them apart across
    /// connection collisions and restarts).
    case session(machine: UInt32, SessionTimer)
    /// A graceful-restart or route-refresh timer of the peer.
    case retention(RetentionTimer)

    public var description: String {
        switch self {
        case .session(let m, let t): return "\(t)#\(m)"
        case .retention(let t): return t.description
        }
    }
}

/// What the owner of a `PeerSession` must do, in order.
public enum PeerSessionAction: Hashable, Sendable {
    /// Open a TCP connection to the peer; report `tcpConnected(_:)` or `tcpFailed(_:)`.
    case connect(ConnectionID)
    /// Write these bytes (one or more whole messages) on the connection.
    case send(ConnectionID, [UInt8])
    /// Close the connection once what was sent before is written (or abandon the attempt).
    case close(ConnectionID)
    /// Start (or restart) a timer; call `timerFired(_:)` when it fires.
    case startTimer(PeerTimer, Duration)
    /// Cancel a timer.
    case cancelTimer(PeerTimer)
    /// The session is up (boxed: large and rare).
    indirect case established(NegotiatedSession)
    /// An UPDATE for the RIB. Its `diagnostics` say what RFC 7606 repaired; when
    /// `treatAsWithdraw` is true, every prefix it announces is to be handled as withdrawn.
    case update(UpdateMessage)
    /// The peer finished its initial table for the family (End-of-RIB), after any stale
    /// routes of the family were flushed.
    case endOfRIB(Family)
    /// The peer asked for our Adj-RIB-Out of the family: call `beginRefreshResponse`, send the
    /// UPDATEs, then `endRefreshResponse`.
    case refreshRequested(Family)
    /// Work on the routes learnt from this peer (flush, mark stale ...).
    case routes(PeerRouteAction)
    /// RFC 7606 AFI/SAFI disable: the family is off for the rest of this session (its routes
    /// are flushed by a `.routes` action before this one).
    case familyDisabled(Family, reason: String)
    /// The session left Established. `retainRoutes` tells whether graceful restart keeps the
    /// peer's routes (as stale) or they were flushed; the `.routes` actions before it say which.
    case down(SessionCloseCause, retainRoutes: Bool)
    /// Something worth a log line.
    case log(PeerSessionLogLevel, String)
}

/// The severity of a `PeerSessionAction.log`.
public enum PeerSessionLogLevel: Int, Hashable, Sendable, Comparable {
    case debug, info, notice, warning
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The answer to an incoming connection.
public enum IncomingDecision: Hashable, Sendable {
    /// Keep the connection under this ID and carry out the actions (our OPEN is among them).
    case accepted(ConnectionID, [PeerSessionAction])
    /// Close the connection.
    case rejected(reason: String)
}
