/// What the RIB must do with the routes learnt from one peer, as decided by the session layer
/// (session down, graceful restart, enhanced route refresh).
///
/// "Stale" is one mark per route: a stale route is still used for forwarding ("MUST NOT
/// differentiate between stale and other routing information during forwarding", RFC 4724
/// section 4.2; how it ranks against fresh paths is the RIB's decision), and it stops being
/// stale when the peer announces it again.
public enum PeerRouteAction: Hashable, Sendable {
    /// Delete every route from this peer.
    case flushAll
    /// Delete every route of these families from this peer.
    case flush(Set<Family>)
    /// Mark every route of these families from this peer stale.
    case markStale(Set<Family>)
    /// Delete the routes of these families from this peer that are still stale.
    case flushStale(Set<Family>)
    /// RFC 9494: the stale routes of these families become long-lived stale: they carry the
    /// LLGR_STALE community and lose to every route that is not long-lived stale.
    case markLongLivedStale(Set<Family>)
}

/// The per-peer timers of route retention, started and stopped by `GracefulRestartState` and
/// `RouteRefreshState`.
public enum RetentionTimer: Hashable, Sendable, CustomStringConvertible {
    /// The peer's advertised restart time: it must be back within it (RFC 4724 4.2).
    case restart
    /// Our upper bound on waiting for End-of-RIB after the peer is back (RFC 4724 4.2 "MAY").
    case stalePath
    /// The long-lived stale time of one family (RFC 9494).
    case longLivedStale(Family)
    /// Our upper bound on waiting for EoRR after a BoRR (RFC 7313 section 4 "MAY").
    case enhancedRefresh(Family)

    public var description: String {
        switch self {
        case .restart: return "gr-restart"
        case .stalePath: return "gr-stale-path"
        case .longLivedStale(let f): return "llgr-stale \(f)"
        case .enhancedRefresh(let f): return "enhanced-refresh \(f)"
        }
    }
}

/// An output of the retention logic.
public enum RetentionOutput: Hashable, Sendable {
    case routes(PeerRouteAction)
    case startTimer(RetentionTimer, Duration)
    case stopTimer(RetentionTimer)
}
