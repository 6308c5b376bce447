// EVPN NLRI (AFI 25, SAFI 70) to and from the wire: route types 1-5 as typed values, any other
// type kept as `.unknown` and skipped by its length octet (RFC 7606 5.4), so a route type we do not
// know never costs the session. A known type whose length or inner length fields do not add up is
// a malformed NLRI: the whole field is refused (the caller disables the family, RFC 7606 5.3).
//
// Labels are the 3 octets as carried; for VXLAN they are the VNI (RFC 8365 5.1.3).

import NetAddress

extension EVPNRoute {
    /// Decodes the value of one route of `type` (the octets after Route Type and Length).
    static func decode(type: UInt8, value: UnsafeRawBufferPointer) throws(NLRIParseError) -> EVPNRoute {
        var r = WireReader(value)
        let n = value.count
        do {
            switch type {
            case 1:
                // RD 8, ESI 10, Ethernet Tag 4, MPLS Label 3 (RFC 7432 7.1).
                guard n == 25 else { throw NLRIParseError(reason: "EVPN type 1 length \(n), expected 25") }
                return .ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(
                    rd: try r.rd(), esi: try r.esi(), ethernetTag: try r.u32(), label: EVPNLabel(raw: try r.u24())))
            case 2:
                // RD 8, ESI 10, Tag 4, MAC Len 1, MAC 6, IP Len 1, IP 0/4/16, Label1 3, Label2 0/3 (7.2).
                guard n >= 33 else { throw NLRIParseError(reason: "EVPN type 2 length \(n) is too short") }
                let rd = try r.rd(), esi = try r.esi(), tag = try r.u32()
                let macBits = try r.u8()
                guard macBits == 48 else { throw NLRIParseError(reason: "EVPN type 2 MAC length \(macBits), expected 48") }
                let mac = try r.mac()
                let ipBits = try r.u8()
                let ip: IPAddress?
                switch ipBits {
                case 0: ip = nil
                case 32: ip = .v4(try r.ipv4())
                case 128: ip = .v6(try r.ipv6())
                default: throw NLRIParseError(reason: "EVPN type 2 IP length \(ipBits)")
                }
                let label1 = EVPNLabel(raw: try r.u24())
                let label2: EVPNLabel?
                switch r.remaining {
                case 0: label2 = nil
                case 3: label2 = EVPNLabel(raw: try r.u24())
                default: throw NLRIParseError(reason: "EVPN type 2 length \(n) does not match IP length \(ipBits)")
                }
                return .macIP(MACIPAdvertisementRoute(rd: rd, esi: esi, ethernetTag: tag, mac: mac, ip: ip,
                                                      label1: label1, label2: label2))
            case 3:
                // RD 8, Ethernet Tag 4, IP Len 1, Originating Router's IP 4/16 (7.3).
                guard n == 17 || n == 29 else { throw NLRIParseError(reason: "EVPN type 3 length \(n), expected 17 or 29") }
                let rd = try r.rd(), tag = try r.u32()
                return .inclusiveMulticast(InclusiveMulticastRoute(rd: rd, ethernetTag: tag,
                                                                   originatingRouter: try r.sizedIP(total: n, v4: 17)))
            case 4:
                // RD 8, ESI 10, IP Len 1, Originating Router's IP 4/16 (7.4).
                guard n == 23 || n == 35 else { throw NLRIParseError(reason: "EVPN type 4 length \(n), expected 23 or 35") }
                let rd = try r.rd(), esi = try r.esi()
                return .ethernetSegment(EthernetSegmentRoute(rd: rd, esi: esi,
                                                             originatingRouter: try r.sizedIP(total: n, v4: 23)))
            case 5:
                // RD 8, ESI 10, Tag 4, IP Prefix Len 1, IP Prefix 4/16, GW IP 4/16, Label 3 (RFC 9136 3.1).
                guard n == 34 || n == 58 else { throw NLRIParseError(reason: "EVPN type 5 length \(n), expected 34 or 58") }
                let rd = try r.rd(), esi = try r.esi(), tag = try r.u32()
                let bits = try r.u8()
                let prefix: IPAddress, gateway: IPAddress
                if n == 34 {
                    guard bits <= 32 else { throw NLRIParseError(reason: "EVPN type 5 IPv4 prefix length \(bits)") }
                    prefix = .v4(try r.ipv4()); gateway = .v4(try r.ipv4())
                } else {
                    guard bits <= 128 else { throw NLRIParseError(reason: "EVPN type 5 IPv6 prefix length \(bits)") }
                    prefix = .v6(try r.ipv6()); gateway = .v6(try r.ipv6())
                }
                return .ipPrefix(IPPrefixRoute(rd: rd, esi: esi, ethernetTag: tag, prefixAddress: prefix,
                                               prefixLength: bits, gateway: gateway, label: EVPNLabel(raw: try r.u24())))
            default:
                return .unknown(type: type, value: Array(value))
            }
        } catch let e as NLRIParseError {
            throw e
        } catch {
            throw NLRIParseError(reason: "EVPN type \(type) route shorter than its fields")
        }
    }

    /// Route Type, Length and value.
    func encode(into out: inout [UInt8]) {
        out.append(routeType)
        let lengthAt = out.count
        out.append(0)
        switch self {
        case .ethernetAutoDiscovery(let r):
            out.appendU64(r.rd.raw); out.appendESI(r.esi); out.appendU32(r.ethernetTag); out.appendU24(r.label.raw)
        case .macIP(let r):
            out.appendU64(r.rd.raw); out.appendESI(r.esi); out.appendU32(r.ethernetTag)
            out.append(48); out.appendMAC(r.mac)
            switch r.ip {
            case nil: out.append(0)
            case .v4(let a)?: out.append(32); out.appendIPv4(a)
            case .v6(let a)?: out.append(128); out.appendIPv6(a)
            }
            out.appendU24(r.label1.raw)
            if let l2 = r.label2 { out.appendU24(l2.raw) }
        case .inclusiveMulticast(let r):
            out.appendU64(r.rd.raw); out.appendU32(r.ethernetTag)
            out.append(r.originatingRouter.isV4 ? 32 : 128); out.appendIP(r.originatingRouter)
        case .ethernetSegment(let r):
            out.appendU64(r.rd.raw); out.appendESI(r.esi)
            out.append(r.originatingRouter.isV4 ? 32 : 128); out.appendIP(r.originatingRouter)
        case .ipPrefix(let r):
            out.appendU64(r.rd.raw); out.appendESI(r.esi); out.appendU32(r.ethernetTag)
            out.append(r.prefixLength); out.appendIP(r.prefixAddress)
            // RFC 9136 3.1: the gateway is of the prefix's family; a mismatched value is written as zeros.
            switch (r.prefixAddress, r.gateway) {
            case (.v4, .v4(let g)): out.appendIPv4(g)
            case (.v6, .v6(let g)): out.appendIPv6(g)
            case (.v4, .v6): out.appendIPv4(.zero)
            case (.v6, .v4): out.appendIPv6(.zero)
            }
            out.appendU24(r.label.raw)
        case .unknown(_, let value):
            out.append(contentsOf: value.prefix(255))
        }
        out[lengthAt] = UInt8(truncatingIfNeeded: out.count - lengthAt - 1)
    }

    /// The encoded size: Route Type, Length and value.
    var wireLength: Int {
        switch self {
        case .ethernetAutoDiscovery: return 2 + 25
        case .macIP(let r):
            let ip = r.ip.map { $0.isV4 ? 4 : 16 } ?? 0
            return 2 + 33 + ip + (r.label2 == nil ? 0 : 3)
        case .inclusiveMulticast(let r): return 2 + (r.originatingRouter.isV4 ? 17 : 29)
        case .ethernetSegment(let r): return 2 + (r.originatingRouter.isV4 ? 23 : 35)
        case .ipPrefix(let r): return 2 + (r.prefixAddress.isV4 ? 34 : 58)
        case .unknown(_, let v): return 2 + Swift.min(v.count, 255)
        }
    }
}

enum EVPNCodec {
    /// A field of EVPN NLRI, each optionally preceded by a path identifier.
    static func decode(_ buf: UnsafeRawBufferPointer, addPath: Bool) throws(NLRIParseError) -> [EVPNNLRI] {
        var r = WireReader(buf)
        var routes: [EVPNNLRI] = []
        while !r.isAtEnd {
            let pathID: UInt32?
            let type: UInt8
            let value: UnsafeRawBufferPointer
            do {
                pathID = addPath ? try r.u32() : nil
                type = try r.u8()
                value = try r.bytes(Int(try r.u8()))
            } catch {
                throw NLRIParseError(reason: "an EVPN route overruns the NLRI")
            }
            routes.append(EVPNNLRI(try EVPNRoute.decode(type: type, value: value), pathID: pathID))
        }
        return routes
    }

    static func encode(_ routes: [EVPNNLRI], addPath: Bool, into out: inout [UInt8]) {
        for n in routes {
            if addPath { out.appendU32(n.pathID ?? 0) }
            n.route.encode(into: &out)
        }
    }
}

extension WireReader {
    mutating func rd() throws(ShortRead) -> RouteDistinguisher { RouteDistinguisher(raw: try u64()) }

    mutating func esi() throws(ShortRead) -> ESI {
        let high = try u16()
        return ESI(high: high, low: try u64())
    }

    /// IP Length octet and the address, for route types whose total length `total` says which
    /// family it is (`v4` is the IPv4 total). The length octet must agree.
    mutating func sizedIP(total: Int, v4: Int) throws(NLRIParseError) -> IPAddress {
        do {
            let bits = try u8()
            if total == v4 {
                guard bits == 32 else { throw NLRIParseError(reason: "IP length \(bits) in a route sized for IPv4") }
                return .v4(try ipv4())
            }
            guard bits == 128 else { throw NLRIParseError(reason: "IP length \(bits) in a route sized for IPv6") }
            return .v6(try ipv6())
        } catch let e as NLRIParseError {
            throw e
        } catch {
            throw NLRIParseError(reason: "route shorter than its IP address")
        }
    }
}

extension Array where Element == UInt8 {
    mutating func appendESI(_ e: ESI) {
        appendU16(e.high)
        appendU64(e.low)
    }
}
