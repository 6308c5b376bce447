// BGP: the wire codec, capabilities, OPEN negotiation and the session state machine.
//
// This module owns every byte a BGP peer sends or receives: messages, path attributes, NLRI of
// the families swiftbgp speaks (IPv4/IPv6 unicast, L2VPN EVPN) and the raw form of every other.
// Data flows in one way: bytes -> `BGPFraming` (RFC 4271 section 6.1 header checks) ->
// `BGPMessage.decode(_:context:)` -> typed values, and back out through `encode(context:)`.
// Every choice that depends on capabilities comes from one `CodecContext`, built by OPEN
// negotiation. Decoding never traps: a malformed message is either repaired per RFC 7606
// (recorded in `UpdateMessage.diagnostics`) or rejected with a `BGPDecodeError` that carries the
// NOTIFICATION it maps to.
//
// It must never import the kernel, sockets, clocks, logging or the RIB.

import NetAddress

/// Address Family Identifier (IANA "Address Family Numbers").
public struct AFI: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = AFI(rawValue: 1)
    public static let ipv6 = AFI(rawValue: 2)
    public static let l2vpn = AFI(rawValue: 25)

    public var description: String {
        switch self {
        case .ipv4: return "ipv4"
        case .ipv6: return "ipv6"
        case .l2vpn: return "l2vpn"
        default: return "afi-\(rawValue)"
        }
    }
    public static func < (a: AFI, b: AFI) -> Bool { a.rawValue < b.rawValue }
}

/// Subsequent Address Family Identifier (IANA "SAFI Values").
public struct SAFI: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let unicast = SAFI(rawValue: 1)
    public static let multicast = SAFI(rawValue: 2)
    public static let labeledUnicast = SAFI(rawValue: 4)
    public static let evpn = SAFI(rawValue: 70)
    public static let mplsVPN = SAFI(rawValue: 128)

    public var description: String {
        switch self {
        case .unicast: return "unicast"
        case .multicast: return "multicast"
        case .labeledUnicast: return "labeled-unicast"
        case .evpn: return "evpn"
        case .mplsVPN: return "vpn"
        default: return "safi-\(rawValue)"
        }
    }
    public static func < (a: SAFI, b: SAFI) -> Bool { a.rawValue < b.rawValue }
}

/// An (AFI, SAFI) pair: one address family as BGP negotiates and carries it.
public struct Family: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var afi: AFI
    public var safi: SAFI
    @inlinable public init(afi: AFI, safi: SAFI) { self.afi = afi; self.safi = safi }

    public static let ipv4Unicast = Family(afi: .ipv4, safi: .unicast)
    public static let ipv6Unicast = Family(afi: .ipv6, safi: .unicast)
    public static let l2vpnEVPN = Family(afi: .l2vpn, safi: .evpn)

    /// `ipv4-unicast`, `ipv6-unicast`, `l2vpn-evpn`: the names used in config and output.
    public var description: String { "\(afi)-\(safi)" }

    /// Parses the names `description` prints.
    public init?(name: String) {
        switch name {
        case "ipv4-unicast": self = .ipv4Unicast
        case "ipv6-unicast": self = .ipv6Unicast
        case "l2vpn-evpn": self = .l2vpnEVPN
        default: return nil
        }
    }

    public static func < (a: Family, b: Family) -> Bool {
        a.afi != b.afi ? a.afi < b.afi : a.safi < b.safi
    }
}
