import BGP
import NetAddress

/// Everything that describes one path besides its destination: the BGP path attributes, the next
/// hop (from NEXT_HOP or MP_REACH_NLRI, one field for every family), and the local facts that
/// travel with a path inside the RIB but never on the wire.
///
/// These are what the RIB interns: paths with equal `RouteAttributes` share one stored copy.
struct RouteAttributes: Hashable, Sendable {
    /// The path attributes, normalised on import: AS_PATH holds the RFC 6793 merge of AS_PATH and
    /// AS4_PATH (so AS4_PATH is nil), AGGREGATOR likewise, and `path.nextHop` is nil (the next
    /// hop is `nextHop`).
    var path: PathAttributes
    /// The next hop received (for imported paths) or to send (for exported ones).
    var nextHop: NextHop?
    /// The interface (ifindex) that scopes a link-local next hop; 0 when none.
    var scope: UInt32 = 0
    /// Local weight (not a BGP attribute): the first tie-breaker, as FRR's.
    var weight: UInt32 = 0
    /// The path was originated here (`networks`, `redistribute`, local EVPN).
    var local: Bool = false
}

extension RouteAttributes {
    /// Builds the normalised form of received attributes.
    init(received a: PathAttributes, nextHop: NextHop?) {
        var p = a
        if a.as4Path != nil || a.as4Aggregator != nil {
            p.asPath = a.effectiveASPath
            p.aggregator = a.effectiveAggregator
            p.as4Path = nil
            p.as4Aggregator = nil
        }
        if p.nextHop != nil { p.nextHop = nil }
        self.init(path: p, nextHop: nextHop)
    }
}
