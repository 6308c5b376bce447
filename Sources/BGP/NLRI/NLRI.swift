import NetAddress

/// An IPv4 unicast NLRI: a prefix and, on ADD-PATH sessions, its path identifier (RFC 7911).
///
/// ```
/// +---------------------------+
/// | Path Identifier (4 octets)|   only when ADD-PATH is negotiated for the direction
/// +---------------------------+
/// |   Length (1 octet)        |
/// +---------------------------+
/// |   Prefix (variable)       |   ceil(Length / 8) octets
/// +---------------------------+
/// ```
public struct IPv4NLRI: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var prefix: IPv4Prefix
    public var pathID: UInt32?
    @inlinable public init(_ prefix: IPv4Prefix, pathID: UInt32? = nil) { self.prefix = prefix; self.pathID = pathID }
    public var description: String { pathID.map { "\(prefix) path-id \($0)" } ?? prefix.description }
    public static func < (a: IPv4NLRI, b: IPv4NLRI) -> Bool {
        a.prefix != b.prefix ? a.prefix < b.prefix : (a.pathID ?? 0) < (b.pathID ?? 0)
    }
}

/// An IPv6 unicast NLRI, with its ADD-PATH path identifier when present.
public struct IPv6NLRI: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var prefix: IPv6Prefix
    public var pathID: UInt32?
    @inlinable public init(_ prefix: IPv6Prefix, pathID: UInt32? = nil) { self.prefix = prefix; self.pathID = pathID }
    public var description: String { pathID.map { "\(prefix) path-id \($0)" } ?? prefix.description }
    public static func < (a: IPv6NLRI, b: IPv6NLRI) -> Bool {
        a.prefix != b.prefix ? a.prefix < b.prefix : (a.pathID ?? 0) < (b.pathID ?? 0)
    }
}

/// An EVPN NLRI with its ADD-PATH path identifier when present.
public struct EVPNNLRI: Hashable, Sendable, CustomStringConvertible {
    public var route: EVPNRoute
    public var pathID: UInt32?
    public init(_ route: EVPNRoute, pathID: UInt32? = nil) { self.route = route; self.pathID = pathID }
    public var description: String { pathID.map { "\(route) path-id \($0)" } ?? route.description }
}

/// The NLRI of one MP_REACH_NLRI or MP_UNREACH_NLRI attribute, by family.
public enum NLRIList: Hashable, Sendable {
    case ipv4Unicast([IPv4NLRI])
    case ipv6Unicast([IPv6NLRI])
    case evpn([EVPNNLRI])
    /// A family swiftbgp does not interpret (VPNv4, labeled unicast, flowspec ...): kept raw so
    /// it can be shown and passed on unchanged.
    case other(family: Family, raw: [UInt8])

    /// An empty list of the family's kind.
    public static func empty(_ family: Family) -> NLRIList {
        switch family {
        case .ipv4Unicast: return .ipv4Unicast([])
        case .ipv6Unicast: return .ipv6Unicast([])
        case .l2vpnEVPN: return .evpn([])
        default: return .other(family: family, raw: [])
        }
    }

    public var isEmpty: Bool {
        switch self {
        case .ipv4Unicast(let l): return l.isEmpty
        case .ipv6Unicast(let l): return l.isEmpty
        case .evpn(let l): return l.isEmpty
        case .other(_, let raw): return raw.isEmpty
        }
    }

    /// The number of NLRI (unknown families count as one when not empty).
    public var count: Int {
        switch self {
        case .ipv4Unicast(let l): return l.count
        case .ipv6Unicast(let l): return l.count
        case .evpn(let l): return l.count
        case .other(_, let raw): return raw.isEmpty ? 0 : 1
        }
    }
}

/// MP_REACH_NLRI (RFC 4760 section 3, attribute 14).
///
/// ```
/// +---------------------------------------------------------+
/// | Address Family Identifier (2 octets)                    |
/// +---------------------------------------------------------+
/// | Subsequent Address Family Identifier (1 octet)          |
/// +---------------------------------------------------------+
/// | Length of Next Hop Network Address (1 octet)            |
/// +---------------------------------------------------------+
/// | Network Address of Next Hop (variable)                  |
/// +---------------------------------------------------------+
/// | Reserved (1 octet)                                      |
/// +---------------------------------------------------------+
/// | Network Layer Reachability Information (variable)       |
/// +---------------------------------------------------------+
/// ```
public struct MPReach: Hashable, Sendable {
    public var afi: AFI
    public var safi: SAFI
    public var nextHop: NextHop
    /// The Reserved octet (RFC 4760: "SHOULD be set to 0"), kept for exact re-encoding.
    public var reserved: UInt8
    public var nlri: NLRIList

    public init(family: Family, nextHop: NextHop, nlri: NLRIList, reserved: UInt8 = 0) {
        self.afi = family.afi
        self.safi = family.safi
        self.nextHop = nextHop
        self.nlri = nlri
        self.reserved = reserved
    }

    public var family: Family { Family(afi: afi, safi: safi) }
}

/// MP_UNREACH_NLRI (RFC 4760 section 4, attribute 15).
public struct MPUnreach: Hashable, Sendable {
    public var afi: AFI
    public var safi: SAFI
    public var nlri: NLRIList

    public init(family: Family, nlri: NLRIList) {
        self.afi = family.afi
        self.safi = family.safi
        self.nlri = nlri
    }

    public var family: Family { Family(afi: afi, safi: safi) }
}

/// The next hop of MP_REACH_NLRI, in every form peers send.
///
/// IPv6 next hops (RFC 2545, RFC 8950) come as 16 octets (one global address, or on some peers a
/// link-local address alone) or 32 octets (global followed by link-local). On unnumbered links
/// FRR sends the link-local address in both slots, BIRD sends `::` then the link-local address.
public enum NextHop: Hashable, Sendable, CustomStringConvertible {
    /// 4 octets.
    case ipv4(IPv4Address)
    /// 16 octets: a global address, or a link-local address alone.
    case ipv6(IPv6Address)
    /// 32 octets: a global (possibly `::` or itself link-local) and a link-local address.
    case ipv6Pair(global: IPv6Address, linkLocal: IPv6Address)
    /// Any other length (VPN next hops with route distinguishers, 0-length for some SAFIs ...).
    case raw([UInt8])

    /// The address to forward to. For a pair whose global address is `::` or link-local, the
    /// link-local address.
    public var forwardingAddress: IPAddress? {
        switch self {
        case .ipv4(let a): return .v4(a)
        case .ipv6(let a): return .v6(a)
        case .ipv6Pair(let g, let ll): return (g.isUnspecified || g.isLinkLocal) ? .v6(ll) : .v6(g)
        case .raw: return nil
        }
    }

    /// The global address, unless it is absent, `::` or link-local.
    public var global: IPAddress? {
        switch self {
        case .ipv4(let a): return .v4(a)
        case .ipv6(let a): return a.isLinkLocal ? nil : .v6(a)
        case .ipv6Pair(let g, _): return (g.isUnspecified || g.isLinkLocal) ? nil : .v6(g)
        case .raw: return nil
        }
    }

    /// The link-local address, when one is carried.
    public var linkLocal: IPv6Address? {
        switch self {
        case .ipv4, .raw: return nil
        case .ipv6(let a): return a.isLinkLocal ? a : nil
        case .ipv6Pair(let g, let ll): return ll.isLinkLocal ? ll : (g.isLinkLocal ? g : nil)
        }
    }

    /// The encoded length in octets.
    public var wireLength: Int {
        switch self {
        case .ipv4: return 4
        case .ipv6: return 16
        case .ipv6Pair: return 32
        case .raw(let b): return b.count
        }
    }

    public var description: String {
        switch self {
        case .ipv4(let a): return a.description
        case .ipv6(let a): return a.description
        case .ipv6Pair(let g, let ll): return "\(g) \(ll)"
        case .raw(let b): return "raw:" + b.map { String($0, radix: 16) }.joined()
        }
    }
}
