/// An input to `SessionFSM`: the events of RFC 4271 section 8.1, named in Swift, with the
/// message or NOTIFICATION they carry. `rfcNumber` gives the RFC's event number.
///
/// Messages are typed: the owner frames and decodes bytes (or builds values in tests) and turns
/// each message into one event; `SessionFSM.receive(_:)` does that mapping for a `BGPMessage`.
public enum SessionEvent: Hashable, Sendable {
    /// 1, ManualStart: an operator starts the peer.
    case manualStart
    /// 2, ManualStop: an operator stops the peer. The NOTIFICATION (normally a Cease such as
    /// `.adminShutdown(message:)`) is sent when an OPEN has been sent on the connection.
    case manualStop(NotificationMessage)
    /// 3, AutomaticStart.
    case automaticStart
    /// 4, ManualStart_with_PassiveTcpEstablishment.
    case manualStartPassive
    /// 5, AutomaticStart_with_PassiveTcpEstablishment.
    case automaticStartPassive
    /// 6, AutomaticStart_with_DampPeerOscillations: start, but after the idle hold time when
    /// the session has failed recently.
    case automaticStartDamped
    /// 7, AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment.
    case automaticStartDampedPassive
    /// 8, AutomaticStop: the system stops the session (e.g. Cease/Maximum Number of Prefixes).
    case automaticStop(NotificationMessage)
    /// 9, ConnectRetryTimer_Expires.
    case connectRetryTimerExpires
    /// 10, HoldTimer_Expires.
    case holdTimerExpires
    /// 11, KeepaliveTimer_Expires.
    case keepaliveTimerExpires
    /// 12, DelayOpenTimer_Expires.
    case delayOpenTimerExpires
    /// 13, IdleHoldTimer_Expires.
    case idleHoldTimerExpires
    /// 14, TcpConnection_Valid: a connection request for this peer arrived.
    case tcpConnectionValid
    /// 15, Tcp_CR_Invalid: a connection request from an unexpected address or port.
    case tcpConnectionInvalid
    /// 16, Tcp_CR_Acked: our outgoing connection completed.
    case tcpConnectionAcked
    /// 17, TcpConnectionConfirmed: an incoming connection was accepted.
    case tcpConnectionConfirmed
    /// 18, TcpConnectionFails: the connection failed or the peer closed it.
    case tcpConnectionFails
    /// 19, BGPOpen (and 20, BGPOpen with DelayOpenTimer running: the FSM knows whether that
    /// timer runs). The FSM negotiates the OPEN; one that fails negotiation is handled as
    /// BGPOpenMsgErr with the NOTIFICATION the negotiation chose.
    case bgpOpen(OpenMessage)
    /// 21, BGPHeaderErr: a header or framing error; the NOTIFICATION to send.
    case bgpHeaderErr(NotificationMessage)
    /// 22, BGPOpenMsgErr: an OPEN that does not decode; the NOTIFICATION to send.
    case bgpOpenMsgErr(NotificationMessage)
    /// 23, OpenCollisionDump: collision resolution (section 6.8) chose to close this connection.
    case openCollisionDump
    /// 24, NotifMsgVerErr: a NOTIFICATION with OPEN Message Error/Unsupported Version Number.
    case notifMsgVerErr(NotificationMessage)
    /// 25, NotifMsg: any other NOTIFICATION.
    case notifMsg(NotificationMessage)
    /// 26, KeepAliveMsg.
    case keepAliveMsg
    /// 27, UpdateMsg.
    case updateMsg(UpdateMessage)
    /// 28, UpdateMsgErr: an UPDATE the codec rejected with session reset; the NOTIFICATION.
    case updateMsgErr(NotificationMessage)
    /// A ROUTE-REFRESH (RFC 2918; no event number in RFC 4271). Expected only in Established.
    case routeRefreshMsg(RouteRefreshMessage)
    /// A malformed ROUTE-REFRESH (RFC 7313 section 5); the NOTIFICATION to send.
    case routeRefreshMsgErr(NotificationMessage)
    /// The damping-reset timer fired: the session has been Established long enough.
    case dampingResetTimerExpires

    /// The RFC 4271 event number; nil for the events this project adds.
    public var rfcNumber: Int? {
        switch self {
        case .manualStart: return 1
        case .manualStop: return 2
        case .automaticStart: return 3
        case .manualStartPassive: return 4
        case .automaticStartPassive: return 5
        case .automaticStartDamped: return 6
        case .automaticStartDampedPassive: return 7
        case .automaticStop: return 8
        case .connectRetryTimerExpires: return 9
        case .holdTimerExpires: return 10
        case .keepaliveTimerExpires: return 11
        case .delayOpenTimerExpires: return 12
        case .idleHoldTimerExpires: return 13
        case .tcpConnectionValid: return 14
        case .tcpConnectionInvalid: return 15
        case .tcpConnectionAcked: return 16
        case .tcpConnectionConfirmed: return 17
        case .tcpConnectionFails: return 18
        case .bgpOpen: return 19
        case .bgpHeaderErr: return 21
        case .bgpOpenMsgErr: return 22
        case .openCollisionDump: return 23
        case .notifMsgVerErr: return 24
        case .notifMsg: return 25
        case .keepAliveMsg: return 26
        case .updateMsg: return 27
        case .updateMsgErr: return 28
        case .routeRefreshMsg, .routeRefreshMsgErr, .dampingResetTimerExpires: return nil
        }
    }

    /// The timer whose expiry this event reports, if it is a timer event.
    public var timer: SessionTimer? {
        switch self {
        case .connectRetryTimerExpires: return .connectRetry
        case .holdTimerExpires: return .hold
        case .keepaliveTimerExpires: return .keepalive
        case .delayOpenTimerExpires: return .delayOpen
        case .idleHoldTimerExpires: return .idleHold
        case .dampingResetTimerExpires: return .dampingReset
        default: return nil
        }
    }

    /// True for the events that report a received message (RFC 6608 "unexpected message").
    public var isMessage: Bool {
        switch self {
        case .bgpOpen, .bgpHeaderErr, .bgpOpenMsgErr, .notifMsgVerErr, .notifMsg, .keepAliveMsg,
             .updateMsg, .updateMsgErr, .routeRefreshMsg, .routeRefreshMsgErr:
            return true
        default:
            return false
        }
    }

    /// The event for a timer's expiry.
    public static func expired(_ timer: SessionTimer) -> SessionEvent {
        switch timer {
        case .connectRetry: return .connectRetryTimerExpires
        case .hold: return .holdTimerExpires
        case .keepalive: return .keepaliveTimerExpires
        case .delayOpen: return .delayOpenTimerExpires
        case .idleHold: return .idleHoldTimerExpires
        case .dampingReset: return .dampingResetTimerExpires
        }
    }
}
