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

/// The RFC 6793 section 4.2.3 merge of AS_PATH and AS4_PATH: when AS4_PATH is present and no
/// longer than AS_PATH, the leading ASes of AS_PATH that AS4_PATH lacks, followed by AS4_PATH.
func mergedASPath(_ a: PathAttributes) -> ASPath? {
    guard let as4 = a.as4Path else { return a.asPath }
    guard let as2 = a.asPath else { return as4 }
    // Counted as the decision process counts them would be wrong here: RFC 6793 counts every AS
    // of a sequence and each set as one, confederation segments not at all.
    let n2 = as2.length, n4 = as4.length
    if n2 < n4 { return as2 }
    var keep = n2 - n4
    var segments: [ASPathSegment] = []
    for s in as2.segments where keep > 0 {
        switch s.type {
        case .sequence:
            let take = min(keep, s.asns.count)
            segments.append(ASPathSegment(type: .sequence, asns: Array(s.asns.prefix(take))))
            keep -= take
        case .set:
            segments.append(s)
            keep -= 1
        case .confedSequence, .confedSet:
            segments.append(s)
        }
    }
    return ASPath(segments: segments + as4.segments)
}

extension RouteAttributes {
    /// Builds the normalised form of received attributes.
    init(received a: PathAttributes, nextHop: NextHop?) {
        var p = a
        p.asPath = mergedASPath(a)
        p.as4Path = nil
        if let agg = a.aggregator, agg.asn == UInt32(asTrans), let agg4 = a.as4Aggregator {
            p.aggregator = agg4
        }
        p.as4Aggregator = nil
        p.nextHop = nil
        self.init(path: p, nextHop: nextHop)
    }
}
