/// An output of `SessionFSM`: what the owner of the connection must do, in order.
public enum SessionAction: Hashable, Sendable {
    /// Initiate a TCP connection to the peer; report `.tcpConnectionAcked` or
    /// `.tcpConnectionFails`.
    case connect
    /// Send a message on the connection.
    case send(BGPMessage)
    /// Close the TCP connection (after flushing what was sent before). RFC 4271 "drops the TCP
    /// connection".
    case disconnect
    /// Start (or restart) a timer; when it fires, hand the FSM `SessionEvent.expired(timer)`.
    case startTimer(SessionTimer, Duration)
    /// Cancel a timer.
    case stopTimer(SessionTimer)
    /// The session reached Established with these negotiated parameters (boxed: the value is
    /// large and rare, and would otherwise size every action).
    indirect case established(NegotiatedSession)
    /// A received UPDATE for the RIB (with its RFC 7606 diagnostics).
    case deliverUpdate(UpdateMessage)
    /// A received ROUTE-REFRESH for the refresh logic.
    case deliverRouteRefresh(RouteRefreshMessage)
    /// The session left Established: RFC 4271 "deletes all routes associated with this
    /// connection", unless graceful restart retains them (decided from the cause by
    /// `GracefulRestartState`).
    case sessionDown(SessionCloseCause)
}

/// Why a connection was closed.
public enum SessionCloseCause: Hashable, Sendable, CustomStringConvertible {
    /// We sent this NOTIFICATION (as it went on the wire, so a Hard Reset wrapper is visible).
    case notificationSent(NotificationMessage)
    /// The peer sent this NOTIFICATION.
    case notificationReceived(NotificationMessage)
    /// The TCP connection failed or was closed by the peer without a NOTIFICATION.
    case connectionFailed
    /// Stopped locally before any OPEN was sent, so no NOTIFICATION went out.
    case stoppedWithoutNotification

    public var description: String {
        switch self {
        case .notificationSent(let n): return "sent \(n.summary)"
        case .notificationReceived(let n): return "received \(n.summary)"
        case .connectionFailed: return "connection failed"
        case .stoppedWithoutNotification: return "stopped"
        }
    }

    /// The NOTIFICATION involved, sent or received.
    public var notification: NotificationMessage? {
        switch self {
        case .notificationSent(let n), .notificationReceived(let n): return n
        case .connectionFailed, .stoppedWithoutNotification: return nil
        }
    }
}
