import NetAddress

/// A route distinguisher (RFC 4364 section 4.2): 8 octets, a 2-octet type and 6 octets of value.
/// Stored as the 8 octets big-endian so it compares and hashes as one integer.
public struct RouteDistinguisher: Hashable, Sendable, Comparable {
    public var raw: UInt64
    public init(raw: UInt64) { self.raw = raw }

    /// Type 0: 2-octet AS and a 4-octet number.
    public init(as2 asn: UInt16, number: UInt32) { raw = UInt64(asn) << 32 | UInt64(number) }
    /// Type 1: an IPv4 address and a 2-octet number (FRR's auto RD is RouterID:index).
    public init(ipv4 address: IPv4Address, number: UInt16) {
        raw = 1 << 48 | UInt64(address.value) << 16 | UInt64(number)
    }
    /// Type 2: 4-octet AS and a 2-octet number.
    public init(as4 asn: UInt32, number: UInt16) { raw = 2 << 48 | UInt64(asn) << 16 | UInt64(number) }

    public var type: UInt16 { UInt16(truncatingIfNeeded: raw >> 48) }

    public static func < (a: RouteDistinguisher, b: RouteDistinguisher) -> Bool { a.raw < b.raw }
}

/// An Ethernet Segment Identifier (RFC 7432 section 5): a type octet and 9 value octets.
/// All zeros means a single-homed segment.
public struct ESI: Hashable, Sendable, Comparable {
    /// Octets 0-1 (type and first value octet).
    public var high: UInt16
    /// Octets 2-9.
    public var low: UInt64
    public init(high: UInt16, low: UInt64) { self.high = high; self.low = low }

    public static let zero = ESI(high: 0, low: 0)
    public var isZero: Bool { high == 0 && low == 0 }
    public var type: UInt8 { UInt8(truncatingIfNeeded: high >> 8) }

    public static func < (a: ESI, b: ESI) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }
}

/// A 3-octet MPLS label field as carried in EVPN NLRI. For VXLAN (RFC 8365 section 5.1.3) the
/// whole 24 bits are the VNI; for MPLS the label is the high 20 bits.
public struct EVPNLabel: Hashable, Sendable {
    /// The 24 bits as on the wire.
    public var raw: UInt32
    public init(raw: UInt32) { self.raw = raw & 0xFF_FFFF }
    public init(vni: UInt32) { self.raw = vni & 0xFF_FFFF }
    /// The VNI: all 24 bits (RFC 8365).
    public var vni: UInt32 { raw }
    /// The MPLS label: the high 20 bits.
    public var mplsLabel: UInt32 { raw >> 4 }
}

/// An EVPN route (AFI 25, SAFI 70), one case per route type of RFC 7432 and RFC 9136.
///
/// ```
/// +-----------------------------------+
/// |    Route Type (1 octet)           |
/// +-----------------------------------+
/// |     Length (1 octet)              |
/// +-----------------------------------+
/// | Route Type specific (variable)    |
/// +-----------------------------------+
/// ```
/// A route type swiftbgp does not know is kept as `.unknown` and skipped by its length; it never
/// resets a session.
public enum EVPNRoute: Hashable, Sendable {
    case ethernetAutoDiscovery(EthernetAutoDiscoveryRoute)   // 1
    case macIP(MACIPAdvertisementRoute)                      // 2
    case inclusiveMulticast(InclusiveMulticastRoute)         // 3
    case ethernetSegment(EthernetSegmentRoute)               // 4
    case ipPrefix(IPPrefixRoute)                             // 5
    case unknown(type: UInt8, value: [UInt8])

    public var routeType: UInt8 {
        switch self {
        case .ethernetAutoDiscovery: return 1
        case .macIP: return 2
        case .inclusiveMulticast: return 3
        case .ethernetSegment: return 4
        case .ipPrefix: return 5
        case .unknown(let t, _): return t
        }
    }

    public var rd: RouteDistinguisher? {
        switch self {
        case .ethernetAutoDiscovery(let r): return r.rd
        case .macIP(let r): return r.rd
        case .inclusiveMulticast(let r): return r.rd
        case .ethernetSegment(let r): return r.rd
        case .ipPrefix(let r): return r.rd
        case .unknown: return nil
        }
    }
}

/// Type 1, Ethernet Auto-Discovery (RFC 7432 section 7.1): RD 8, ESI 10, Ethernet Tag 4, Label 3.
public struct EthernetAutoDiscoveryRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var esi: ESI
    public var ethernetTag: UInt32
    public var label: EVPNLabel
    public init(rd: RouteDistinguisher, esi: ESI, ethernetTag: UInt32, label: EVPNLabel) {
        self.rd = rd; self.esi = esi; self.ethernetTag = ethernetTag; self.label = label
    }
}

/// Type 2, MAC/IP Advertisement (RFC 7432 section 7.2): RD 8, ESI 10, Ethernet Tag 4, MAC Length 1,
/// MAC 6, IP Length 1, IP 0/4/16, Label1 3, Label2 0/3.
public struct MACIPAdvertisementRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var esi: ESI
    public var ethernetTag: UInt32
    public var mac: MACAddress
    /// Absent for a MAC-only route.
    public var ip: IPAddress?
    /// The L2VNI.
    public var label1: EVPNLabel
    /// The L3VNI for symmetric IRB (RFC 9135), when present.
    public var label2: EVPNLabel?
    public init(rd: RouteDistinguisher, esi: ESI = .zero, ethernetTag: UInt32 = 0, mac: MACAddress,
                ip: IPAddress? = nil, label1: EVPNLabel, label2: EVPNLabel? = nil) {
        self.rd = rd; self.esi = esi; self.ethernetTag = ethernetTag; self.mac = mac; self.ip = ip
        self.label1 = label1; self.label2 = label2
    }
}

/// Type 3, Inclusive Multicast Ethernet Tag (RFC 7432 section 7.3): RD 8, Ethernet Tag 4,
/// IP Length 1, Originating Router's IP 4/16.
public struct InclusiveMulticastRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var ethernetTag: UInt32
    public var originatingRouter: IPAddress
    public init(rd: RouteDistinguisher, ethernetTag: UInt32 = 0, originatingRouter: IPAddress) {
        self.rd = rd; self.ethernetTag = ethernetTag; self.originatingRouter = originatingRouter
    }
}

/// Type 4, Ethernet Segment (RFC 7432 section 7.4): RD 8, ESI 10, IP Length 1, Originating Router's IP 4/16.
public struct EthernetSegmentRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var esi: ESI
    public var originatingRouter: IPAddress
    public init(rd: RouteDistinguisher, esi: ESI, originatingRouter: IPAddress) {
        self.rd = rd; self.esi = esi; self.originatingRouter = originatingRouter
    }
}

/// Type 5, IP Prefix (RFC 9136 section 3.1): RD 8, ESI 10, Ethernet Tag 4, IP Prefix Length 1,
/// IP Prefix 4/16, Gateway IP 4/16, Label 3 (the L3VNI).
public struct IPPrefixRoute: Hashable, Sendable {
    public var rd: RouteDistinguisher
    public var esi: ESI
    public var ethernetTag: UInt32
    /// The IP Prefix field as carried (host bits are not required to be zero on the wire).
    public var prefixAddress: IPAddress
    public var prefixLength: UInt8
    /// The Gateway IP; `0.0.0.0` or `::` when not used.
    public var gateway: IPAddress
    public var label: EVPNLabel
    public init(rd: RouteDistinguisher, esi: ESI = .zero, ethernetTag: UInt32 = 0, prefixAddress: IPAddress,
                prefixLength: UInt8, gateway: IPAddress, label: EVPNLabel) {
        self.rd = rd; self.esi = esi; self.ethernetTag = ethernetTag; self.prefixAddress = prefixAddress
        self.prefixLength = prefixLength; self.gateway = gateway; self.label = label
    }

    /// The prefix with host bits cleared, if the length is valid for the family.
    public var prefix: IPPrefix? {
        switch prefixAddress {
        case .v4(let a): return IPv4Prefix(masking: a, length: prefixLength).map { .v4($0) }
        case .v6(let a): return IPv6Prefix(masking: a, length: prefixLength).map { .v6($0) }
        }
    }
}
