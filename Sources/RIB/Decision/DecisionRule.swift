/// The steps of the decision process, in the order they are applied (RFC 4271 section 9.1.2, with
/// the usual tie-breakers). The first step at which two paths differ decides between them;
/// `RIB.paths(for:)` reports it for every path that lost.
///
/// Paths whose next hop is unreachable take no part (RFC 4271 9.1.2: "If the NEXT_HOP attribute
/// of a BGP route depicts an address that is not resolvable ... excluded").
public enum DecisionRule: Int, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A fresh path beats a stale one (kept through a graceful restart, RFC 4724), as RFC 9494
    /// treats LLGR-stale paths: least preferred.
    case freshness
    /// Highest local weight (not a BGP attribute; set by import policy, 32768 for local routes).
    case weight
    /// Highest LOCAL_PREF (RFC 4271 9.1.1; the configured default when absent).
    case localPreference
    /// A path originated here beats a learned one.
    case locallyOriginated
    /// Shortest AS_PATH: an AS_SET counts 1, confederation segments 0 (RFC 4271 9.1.2.2 a, RFC 5065).
    case asPathLength
    /// Lowest ORIGIN: IGP < EGP < INCOMPLETE (9.1.2.2 b).
    case origin
    /// Lowest MULTI_EXIT_DISC, between paths from the same neighbour AS unless
    /// `alwaysCompareMED` (9.1.2.2 c); a missing MED counts 0.
    case med
    /// A path learned over eBGP beats one learned over iBGP (9.1.2.2 d).
    case externalOverInternal
    /// Lowest IGP cost to the next hop (9.1.2.2 e): the metric of the kernel route resolving it,
    /// 0 for connected and link-local next hops. Paths equal up to here may share an ECMP set.
    case igpCost
    /// Lowest BGP identifier of the advertising router, the ORIGINATOR_ID when the path was
    /// reflected (9.1.2.2 f, RFC 4456 section 9).
    case routerID
    /// Shortest CLUSTER_LIST (RFC 4456 section 9).
    case clusterListLength
    /// Lowest peer address (9.1.2.2 g).
    case peerAddress
    /// Lowest ADD-PATH path identifier, then lowest peer id: never equal for two distinct paths,
    /// so the order is total and the result does not depend on arrival order.
    case pathID

    public var description: String {
        switch self {
        case .freshness: return "freshness"
        case .weight: return "weight"
        case .localPreference: return "local-preference"
        case .locallyOriginated: return "locally-originated"
        case .asPathLength: return "as-path-length"
        case .origin: return "origin"
        case .med: return "med"
        case .externalOverInternal: return "ebgp-over-ibgp"
        case .igpCost: return "igp-cost"
        case .routerID: return "router-id"
        case .clusterListLength: return "cluster-list-length"
        case .peerAddress: return "peer-address"
        case .pathID: return "path-id"
        }
    }

    public static func < (a: DecisionRule, b: DecisionRule) -> Bool { a.rawValue < b.rawValue }
}

/// One path as the decision process sees it: every value it compares, flattened.
struct Candidate: Sendable {
    var record: Int
    var attr: UInt32
    var fresh: Bool
    var weight: UInt32
    var localPref: UInt32
    var local: Bool
    var asPathLength: UInt16
    var origin: UInt8
    var med: UInt32
    var neighbourAS: UInt32
    var external: Bool
    var igpCost: UInt32
    var routerID: UInt32
    var clusterListLength: UInt16
    /// The peer address as two integers ordering IPv4 before IPv6.
    var peerHigh: UInt64
    var peerLow: UInt64
    var pathID: UInt32
    var peerID: UInt32
    var nextHop: UInt32
    var bandwidth: Float
    var hasBandwidth: Bool
}

enum Decision {
    /// Compares two paths rule by rule up to `last`. Returns the deciding rule and whether `a`
    /// wins, or nil when they are equal through `last`.
    @inline(__always)
    static func compare(_ a: Candidate, _ b: Candidate, compareMED: Bool,
                        through last: DecisionRule = .pathID) -> (rule: DecisionRule, aWins: Bool)? {
        if a.fresh != b.fresh { return (.freshness, a.fresh) }
        if a.weight != b.weight { return (.weight, a.weight > b.weight) }
        if a.localPref != b.localPref { return (.localPreference, a.localPref > b.localPref) }
        if a.local != b.local { return (.locallyOriginated, a.local) }
        if a.asPathLength != b.asPathLength { return (.asPathLength, a.asPathLength < b.asPathLength) }
        if a.origin != b.origin { return (.origin, a.origin < b.origin) }
        if compareMED && a.med != b.med { return (.med, a.med < b.med) }
        if a.external != b.external { return (.externalOverInternal, a.external) }
        if a.igpCost != b.igpCost { return (.igpCost, a.igpCost < b.igpCost) }
        if last <= .igpCost { return nil }
        if a.routerID != b.routerID { return (.routerID, a.routerID < b.routerID) }
        if a.clusterListLength != b.clusterListLength {
            return (.clusterListLength, a.clusterListLength < b.clusterListLength)
        }
        if a.peerHigh != b.peerHigh { return (.peerAddress, a.peerHigh < b.peerHigh) }
        if a.peerLow != b.peerLow { return (.peerAddress, a.peerLow < b.peerLow) }
        if a.pathID != b.pathID { return (.pathID, a.pathID < b.pathID) }
        if a.peerID != b.peerID { return (.pathID, a.peerID < b.peerID) }
        return nil
    }

    /// Whether MED is compared between two paths.
    @inline(__always)
    static func comparesMED(_ a: Candidate, _ b: Candidate, always: Bool) -> Bool {
        always || a.neighbourAS == b.neighbourAS
    }

    /// `a` is better than `b`.
    @inline(__always)
    static func better(_ a: Candidate, _ b: Candidate, always: Bool) -> Bool {
        compare(a, b, compareMED: comparesMED(a, b, always: always))?.aWins ?? false
    }
}
