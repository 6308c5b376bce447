import BGP
import NetAddress

/// The three tables the RIB keeps, one per family it interprets.
enum FamilyIndex: Int, CaseIterable, Sendable {
    case ipv4 = 0, ipv6 = 1, evpn = 2

    var family: Family {
        switch self { case .ipv4: return .ipv4Unicast; case .ipv6: return .ipv6Unicast; case .evpn: return .l2vpnEVPN }
    }

    init?(_ family: Family) {
        switch family {
        case .ipv4Unicast: self = .ipv4
        case .ipv6Unicast: self = .ipv6
        case .l2vpnEVPN: self = .evpn
        default: return nil
        }
    }
}

/// The key of one destination in a family table: an IPv4 or IPv6 prefix, or an EVPN route. The
/// table hashes keys itself (Fibonacci hashing of a mixed 64-bit value), so the keys that matter
/// for speed, IPv4 prefixes, cost one multiplication.
protocol RouteKey: Hashable, Sendable {
    static var familyIndex: FamilyIndex { get }
    /// A well-mixed hash; the table uses its top bits.
    var mixedHash: UInt64 { get }
    /// The IP prefix, for the FIB and for prefix lists (for EVPN, a type-5 route's prefix).
    var ipPrefix: IPPrefix? { get }
    /// An NLRI list of this family from keys and path identifiers.
    static func nlriList(_ items: [(Self, UInt32?)]) -> NLRIList
}

@inline(__always) func fibonacciMix(_ x: UInt64) -> UInt64 {
    (x ^ (x >> 31)) &* 0x9E37_79B9_7F4A_7C15
}

extension IPv4Prefix: RouteKey {
    static var familyIndex: FamilyIndex { .ipv4 }
    @inline(__always) var mixedHash: UInt64 { fibonacciMix(key) }
    var ipPrefix: IPPrefix? { .v4(self) }
    static func nlriList(_ items: [(IPv4Prefix, UInt32?)]) -> NLRIList {
        .ipv4Unicast(items.map { IPv4NLRI($0.0, pathID: $0.1) })
    }
}

extension IPv6Prefix: RouteKey {
    static var familyIndex: FamilyIndex { .ipv6 }
    @inline(__always) var mixedHash: UInt64 {
        fibonacciMix(address.high ^ fibonacciMix(address.low ^ UInt64(length)))
    }
    var ipPrefix: IPPrefix? { .v6(self) }
    static func nlriList(_ items: [(IPv6Prefix, UInt32?)]) -> NLRIList {
        .ipv6Unicast(items.map { IPv6NLRI($0.0, pathID: $0.1) })
    }
}

extension EVPNRoute: RouteKey {
    static var familyIndex: FamilyIndex { .evpn }
    var mixedHash: UInt64 { fibonacciMix(UInt64(bitPattern: Int64(hashValue))) }
    var ipPrefix: IPPrefix? {
        if case .ipPrefix(let r) = self { return r.prefix }
        return nil
    }
    static func nlriList(_ items: [(EVPNRoute, UInt32?)]) -> NLRIList {
        .evpn(items.map { EVPNNLRI($0.0, pathID: $0.1) })
    }
}
