import BGP
import NetAddress

/// A routing policy: ordered terms, the first that matches decides (or, with `.next`, applies its
/// actions and lets the following terms go on). Policies are plain values; the daemon builds them
/// from the YAML config (keys in docs/policy.md) and hands them to the RIB per neighbour.
public struct Policy: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var terms: [PolicyTerm]
    /// What happens to a route no accepting or rejecting term matched. `.reject` is FRR's
    /// implicit deny at the end of a route-map.
    public var defaultDisposition: PolicyDisposition

    public init(name: String, terms: [PolicyTerm] = [], defaultDisposition: PolicyDisposition = .reject) {
        self.name = name
        self.terms = terms
        self.defaultDisposition = defaultDisposition == .next ? .reject : defaultDisposition
    }

    /// The built-in `accept-all`: every route, unchanged.
    public static let acceptAll = Policy(name: "accept-all", defaultDisposition: .accept)
    /// The built-in `reject-all`: nothing.
    public static let rejectAll = Policy(name: "reject-all", defaultDisposition: .reject)

    /// The built-in policy of that name, if any.
    public static func builtIn(named name: String) -> Policy? {
        switch name {
        case "accept-all": return .acceptAll
        case "reject-all": return .rejectAll
        default: return nil
        }
    }

    /// True when some term looks at the prefix, so the result may differ between the prefixes of
    /// one UPDATE.
    public var dependsOnPrefix: Bool {
        terms.contains { $0.conditions.contains { if case .prefix = $0 { return true } else { return false } } }
    }

    public var description: String { name }
}

/// What a matching term does with the route.
public enum PolicyDisposition: String, Hashable, Sendable {
    /// Apply the term's actions and accept the route.
    case accept
    /// Reject the route.
    case reject
    /// Apply the term's actions and go on with the next term.
    case next
}

/// One term: if every condition holds, apply the actions, then the disposition.
public struct PolicyTerm: Hashable, Sendable {
    public var name: String
    /// All must hold; an empty list always holds.
    public var conditions: [PolicyCondition]
    public var actions: [PolicyAction]
    public var disposition: PolicyDisposition

    public init(name: String = "", conditions: [PolicyCondition] = [], actions: [PolicyAction] = [],
                disposition: PolicyDisposition = .accept) {
        self.name = name
        self.conditions = conditions
        self.actions = actions
        self.disposition = disposition
    }
}

/// A test on a route.
public enum PolicyCondition: Hashable, Sendable {
    /// The prefix is permitted by the prefix list (EVPN: a type-5 route's prefix).
    case prefix(PrefixList)
    /// Some listed community is present.
    case community(anyOf: [Community])
    /// Some listed large community is present.
    case largeCommunity(anyOf: [LargeCommunity])
    /// Some listed extended community is present.
    case extendedCommunity(anyOf: [ExtendedCommunity])
    /// The AS path text matches the pattern (FRR-style regular expression).
    case asPath(ASPathPattern)
    /// The next hop lies in one of the prefixes.
    case nextHop(in: [IPPrefix])
    /// The route is of one of the families.
    case family([Family])
}

/// A change to a route's attributes.
public enum PolicyAction: Hashable, Sendable {
    case setLocalPref(UInt32)
    case setMED(UInt32)
    /// Local weight (the first tie-breaker; never sent).
    case setWeight(UInt32)
    /// Set the next hop. On export to a directly connected IPv6 or RFC 8950 peer, an IPv6 global
    /// address is sent together with our link-local address (32 bytes), so the link-local form
    /// is not lost (FRR issue 3922).
    case setNextHop(IPAddress)
    /// Set our own address as next hop (export only).
    case setNextHopSelf
    case addCommunities([Community])
    case removeCommunities([Community])
    case addLargeCommunities([LargeCommunity])
    case removeLargeCommunities([LargeCommunity])
    case addExtendedCommunities([ExtendedCommunity])
    case removeExtendedCommunities([ExtendedCommunity])
    /// Prepend `asn` (our AS when nil) `count` times.
    case prepend(asn: UInt32?, count: Int)
}

/// A policy that cannot be built: what is wrong, for the person who wrote the config.
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
