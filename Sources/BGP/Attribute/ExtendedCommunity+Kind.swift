// The typed view of extended communities (RFC 4360 and the EVPN/tunnel RFCs), constructors for
// the ones swiftbgp originates, and their text in the style FRR prints (`RT:65100:100`, `ET:8`,
// `Rmac:02:00:00:00:3a:01`, `MM:3`, `LB:65001:125000000`).

import NetAddress

/// A BGP tunnel encapsulation type (IANA "BGP Tunnel Encapsulation Attribute Tunnel Types"), as
/// carried in the Encapsulation extended community (RFC 9012 4.1).
public struct TunnelEncapsulation: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let vxlan = TunnelEncapsulation(rawValue: 8)
    public static let nvgre = TunnelEncapsulation(rawValue: 9)
    public static let mpls = TunnelEncapsulation(rawValue: 10)
    public static let mplsInGRE = TunnelEncapsulation(rawValue: 11)
    public static let vxlanGPE = TunnelEncapsulation(rawValue: 12)
    public static let mplsInUDP = TunnelEncapsulation(rawValue: 13)
    public static let geneve = TunnelEncapsulation(rawValue: 19)
}

extension ExtendedCommunity {
    /// Builds a community from type, sub-type and the 6 value octets.
    public init(type: UInt8, subtype: UInt8, value: UInt64) {
        self.init(raw: UInt64(type) << 56 | UInt64(subtype) << 48 | (value & 0xFFFF_FFFF_FFFF))
    }

    /// What this community means, for the kinds swiftbgp acts on or shows.
    public var kind: ExtendedCommunityKind {
        let v = value
        switch (type, subtype) {
        case (0x00, 0x02): return .routeTargetAS2(asn: UInt16(truncatingIfNeeded: v >> 32), number: UInt32(truncatingIfNeeded: v))
        case (0x01, 0x02): return .routeTargetIPv4(address: IPv4Address(UInt32(truncatingIfNeeded: v >> 16)), number: UInt16(truncatingIfNeeded: v))
        case (0x02, 0x02): return .routeTargetAS4(asn: UInt32(truncatingIfNeeded: v >> 16), number: UInt16(truncatingIfNeeded: v))
        case (0x00, 0x03), (0x01, 0x03), (0x02, 0x03): return .routeOrigin(self)
        // RFC 9012 4.1: four reserved octets, then the 2-octet tunnel type.
        case (0x03, 0x0C): return .encapsulation(tunnelType: UInt16(truncatingIfNeeded: v))
        case (0x03, 0x0D): return .defaultGateway
        // RFC 7432 7.7: Flags (1, bit 0x01 sticky), Reserved (1), Sequence Number (4).
        case (0x06, 0x00): return .macMobility(sticky: (v >> 40) & 0x01 != 0, sequence: UInt32(truncatingIfNeeded: v))
        // 7.5: Flags (1, bit 0x01 single-active), Reserved (2), ESI Label (3).
        case (0x06, 0x01): return .esiLabel(singleActive: (v >> 40) & 0x01 != 0, label: EVPNLabel(raw: UInt32(truncatingIfNeeded: v & 0xFF_FFFF)))
        case (0x06, 0x02): return .esImportRouteTarget(MACAddress(v))
        case (0x06, 0x03): return .routerMAC(MACAddress(v))
        // draft-ietf-idr-link-bandwidth: 2-octet AS, IEEE-754 single precision bytes per second.
        case (0x40, 0x04), (0x00, 0x04):
            return .linkBandwidth(asn: UInt16(truncatingIfNeeded: v >> 32),
                                  bytesPerSecond: Float(bitPattern: UInt32(truncatingIfNeeded: v)),
                                  transitive: type == 0x00)
        default: return .other
        }
    }

    /// The community a kind describes; nil for `.other`.
    public init?(kind: ExtendedCommunityKind) {
        switch kind {
        case .routeTargetAS2(let asn, let n): self.init(type: 0x00, subtype: 0x02, value: UInt64(asn) << 32 | UInt64(n))
        case .routeTargetIPv4(let a, let n): self.init(type: 0x01, subtype: 0x02, value: UInt64(a.value) << 16 | UInt64(n))
        case .routeTargetAS4(let asn, let n): self.init(type: 0x02, subtype: 0x02, value: UInt64(asn) << 16 | UInt64(n))
        case .routeOrigin(let c): self = c
        case .encapsulation(let t): self.init(type: 0x03, subtype: 0x0C, value: UInt64(t))
        case .defaultGateway: self.init(type: 0x03, subtype: 0x0D, value: 0)
        case .macMobility(let sticky, let seq): self.init(type: 0x06, subtype: 0x00, value: (sticky ? 1 << 40 : 0) | UInt64(seq))
        case .esiLabel(let single, let label): self.init(type: 0x06, subtype: 0x01, value: (single ? 1 << 40 : 0) | UInt64(label.raw))
        case .esImportRouteTarget(let mac): self.init(type: 0x06, subtype: 0x02, value: mac.value)
        case .routerMAC(let mac): self.init(type: 0x06, subtype: 0x03, value: mac.value)
        case .linkBandwidth(let asn, let bps, let transitive):
            self.init(type: transitive ? 0x00 : 0x40, subtype: 0x04, value: UInt64(asn) << 32 | UInt64(bps.bitPattern))
        case .other: return nil
        }
    }

    // MARK: constructors

    /// A route target `asn:number`: type 0x00 (2-octet AS, 4-octet number) when `asn` fits in 16
    /// bits, type 0x02 (4-octet AS, 2-octet number, RFC 5668) otherwise. With a 4-octet AS only
    /// the low 16 bits of `number` fit; use `routeTargetAS2` for FRR's auto-RT form instead.
    public static func routeTarget(asn: UInt32, number: UInt32) -> ExtendedCommunity {
        if asn <= 0xFFFF { return routeTargetAS2(asn: UInt16(asn), number: number) }
        return ExtendedCommunity(type: 0x02, subtype: 0x02, value: UInt64(asn) << 16 | UInt64(number & 0xFFFF))
    }

    /// A route target of type 0x00: 2-octet AS, 4-octet number.
    public static func routeTargetAS2(asn: UInt16, number: UInt32) -> ExtendedCommunity {
        ExtendedCommunity(type: 0x00, subtype: 0x02, value: UInt64(asn) << 32 | UInt64(number))
    }

    /// A route target of type 0x01: IPv4 address, 2-octet number.
    public static func routeTarget(ipv4: IPv4Address, number: UInt16) -> ExtendedCommunity {
        ExtendedCommunity(type: 0x01, subtype: 0x02, value: UInt64(ipv4.value) << 16 | UInt64(number))
    }

    /// A route origin (Site of Origin) `asn:number`, typed like `routeTarget(asn:number:)`.
    public static func routeOrigin(asn: UInt32, number: UInt32) -> ExtendedCommunity {
        if asn <= 0xFFFF { return ExtendedCommunity(type: 0x00, subtype: 0x03, value: UInt64(asn) << 32 | UInt64(number)) }
        return ExtendedCommunity(type: 0x02, subtype: 0x03, value: UInt64(asn) << 16 | UInt64(number & 0xFFFF))
    }

    /// The Encapsulation community (RFC 9012 4.1); `.encapsulation(.vxlan)` is EVPN's `ET:8`.
    public static func encapsulation(_ tunnel: TunnelEncapsulation) -> ExtendedCommunity {
        ExtendedCommunity(type: 0x03, subtype: 0x0C, value: UInt64(tunnel.rawValue))
    }

    /// The Default Gateway community (RFC 7432 7.8).
    public static let defaultGateway = ExtendedCommunity(type: 0x03, subtype: 0x0D, value: 0)

    /// MAC Mobility (RFC 7432 7.7) with a sequence number; `sticky` marks a static MAC.
    public static func macMobility(sequence: UInt32, sticky: Bool = false) -> ExtendedCommunity {
        ExtendedCommunity(type: 0x06, subtype: 0x00, value: (sticky ? 1 << 40 : 0) | UInt64(sequence))
    }

    /// Router's MAC (RFC 9135 8.1), sent with EVPN type-2/5 routes for symmetric IRB.
    public static func routerMAC(_ mac: MACAddress) -> ExtendedCommunity {
        ExtendedCommunity(type: 0x06, subtype: 0x03, value: mac.value)
    }

    /// Link bandwidth (draft-ietf-idr-link-bandwidth): `asn` and bytes per second. FRR sends the
    /// transitive form (type 0x00) unless told otherwise.
    public static func linkBandwidth(asn: UInt16, bytesPerSecond: Float, transitive: Bool = true) -> ExtendedCommunity {
        ExtendedCommunity(type: transitive ? 0x00 : 0x40, subtype: 0x04, value: UInt64(asn) << 32 | UInt64(bytesPerSecond.bitPattern))
    }

    /// ESI Label (RFC 7432 7.5).
    public static func esiLabel(_ label: EVPNLabel, singleActive: Bool) -> ExtendedCommunity {
        ExtendedCommunity(type: 0x06, subtype: 0x01, value: (singleActive ? 1 << 40 : 0) | UInt64(label.raw))
    }

    /// ES-Import Route Target (RFC 7432 7.6).
    public static func esImportRouteTarget(_ mac: MACAddress) -> ExtendedCommunity {
        ExtendedCommunity(type: 0x06, subtype: 0x02, value: mac.value)
    }
}
