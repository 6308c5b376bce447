/// The six states of RFC 4271 section 8.2.2. Raw values are those of the BGP4-MIB
/// `bgpPeerState` (RFC 4273), which `show` output and metrics use.
public enum SessionState: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case idle = 1
    case connect = 2
    case active = 3
    case openSent = 4
    case openConfirm = 5
    case established = 6

    public var description: String {
        switch self {
        case .idle: return "Idle"
        case .connect: return "Connect"
        case .active: return "Active"
        case .openSent: return "OpenSent"
        case .openConfirm: return "OpenConfirm"
        case .established: return "Established"
        }
    }
}

/// The timers of one session (RFC 4271 sections 8.1.3 and 10), plus the one that forgets past
/// failures for restart damping.
public enum SessionTimer: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// ConnectRetryTimer: how long to wait before trying to connect again. Jittered.
    case connectRetry
    /// HoldTimer: the peer is declared dead when nothing arrives for this long. Not jittered.
    case hold
    /// KeepaliveTimer: when to send the next KEEPALIVE. Jittered.
    case keepalive
    /// DelayOpenTimer (optional, RFC 4271 8.1.1): wait for the peer's OPEN before sending ours.
    case delayOpen
    /// IdleHoldTimer (RFC 4271 8.1.1, DampPeerOscillations): how long to stay in Idle after a
    /// failure before the automatic restart. Grows exponentially with repeated failures.
    case idleHold
    /// Started when the session becomes Established; when it fires, the session counts as
    /// stable and the restart backoff returns to its base (BIRD calls this "error forget time").
    case dampingReset

    public var description: String {
        switch self {
        case .connectRetry: return "connect-retry"
        case .hold: return "hold"
        case .keepalive: return "keepalive"
        case .delayOpen: return "delay-open"
        case .idleHold: return "idle-hold"
        case .dampingReset: return "damping-reset"
        }
    }
}
