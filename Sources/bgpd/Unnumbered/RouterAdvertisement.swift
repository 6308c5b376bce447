// Unnumbered peering (RFC 8950 sessions over IPv6 link-local addresses): how bgpd finds the
// peer's address on an interface that has none configured.
//
// Both sides send IPv6 Router Advertisements from their link-local address; each learns the
// other's address (and MAC, from the source link-layer address option) from the RAs it hears,
// and from the kernel's neighbour table. FRR's zebra only learns a peer this way (it records the
// RA source as the interface's "connected neighbour"), so without our RAs FRR never connects.
// This file is the pure packet codec; `ICMPv6Socket` moves the packets and `UnnumberedService`
// runs the timers.

import NetAddress

/// ICMPv6 Router Advertisement and Router Solicitation messages (RFC 4861 sections 4.1, 4.2).
///
/// ```
/// Router Advertisement:
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |     Code      |          Checksum             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Cur Hop Limit |M|O|  Reserved |       Router Lifetime         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Reachable Time                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                          Retrans Timer                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   Options ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-
///
/// Source Link-Layer Address option (type 1, length in units of 8 octets):
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     Type      |    Length     |    Link-Layer Address ...
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The checksum is left 0: the kernel computes it for raw ICMPv6 sockets (RFC 3542 section 3.1).
enum NDMessage: Hashable, Sendable {
    case routerSolicitation(sourceMAC: MACAddress?)
    case routerAdvertisement(RouterAdvertisement)

    static let typeRouterSolicitation: UInt8 = 133
    static let typeRouterAdvertisement: UInt8 = 134
    static let optionSourceLinkLayer: UInt8 = 1

    /// The ICMPv6 bytes (header included, checksum 0).
    var bytes: [UInt8] {
        switch self {
        case .routerSolicitation(let mac):
            var b: [UInt8] = [Self.typeRouterSolicitation, 0, 0, 0, 0, 0, 0, 0]
            if let mac { b += [Self.optionSourceLinkLayer, 1] + mac.bytes }
            return b
        case .routerAdvertisement(let ra):
            var b: [UInt8] = [Self.typeRouterAdvertisement, 0, 0, 0, ra.curHopLimit, 0,
                              UInt8(ra.routerLifetime >> 8), UInt8(ra.routerLifetime & 0xFF)]
            b += [UInt8](repeating: 0, count: 8)   // reachable time, retrans timer: unspecified
            if let mac = ra.sourceMAC { b += [Self.optionSourceLinkLayer, 1] + mac.bytes }
            return b
        }
    }

    /// Parses a received RS or RA. Returns nil for anything malformed, which RFC 4861 section
    /// 6.1 says to discard silently: bad code, too short, or an option of length 0.
    init?(bytes: [UInt8]) {
        guard bytes.count >= 8, bytes[1] == 0 else { return nil }
        let optionsStart: Int
        switch bytes[0] {
        case Self.typeRouterSolicitation: optionsStart = 8
        case Self.typeRouterAdvertisement: optionsStart = 16
        default: return nil
        }
        guard bytes.count >= optionsStart else { return nil }
        var mac: MACAddress?
        var at = optionsStart
        while at < bytes.count {
            guard at + 2 <= bytes.count else { return nil }
            let length = Int(bytes[at + 1]) * 8
            guard length > 0, at + length <= bytes.count else { return nil }
            if bytes[at] == Self.optionSourceLinkLayer, length >= 8 {
                mac = MACAddress(bytes: bytes[(at + 2)..<(at + 8)])
            }
            at += length
        }
        if bytes[0] == Self.typeRouterSolicitation {
            self = .routerSolicitation(sourceMAC: mac)
        } else {
            self = .routerAdvertisement(RouterAdvertisement(
                curHopLimit: bytes[4], routerLifetime: UInt16(bytes[6]) << 8 | UInt16(bytes[7]), sourceMAC: mac))
        }
    }

    var sourceMAC: MACAddress? {
        switch self {
        case .routerSolicitation(let m): return m
        case .routerAdvertisement(let ra): return ra.sourceMAC
        }
    }
}

/// The fields of a Router Advertisement that bgpd sends or reads.
struct RouterAdvertisement: Hashable, Sendable {
    /// 64, as FRR sends: zebra logs a warning when a neighbour's differs from its own.
    var curHopLimit: UInt8 = 64
    /// Seconds; 0 means "not a default router", which keeps hosts on the link from routing
    /// through us while peers still learn our address.
    var routerLifetime: UInt16
    var sourceMAC: MACAddress?
}

/// All-nodes and all-routers link-scope multicast groups.
extension IPv6Address {
    static let allNodes = IPv6Address(high: 0xFF02_0000_0000_0000, low: 1)
    static let allRouters = IPv6Address(high: 0xFF02_0000_0000_0000, low: 2)
}
