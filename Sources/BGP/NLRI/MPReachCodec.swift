// MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760) values, their next hops and their NLRI by family.
//
// Families swiftbgp interprets (IPv4/IPv6 unicast, EVPN) decode to typed lists; any other family
// keeps its NLRI raw (`NLRIList.other`) and a next hop of unusual length raw (`NextHop.raw`), so a
// VPNv4 or labeled-unicast UPDATE from a capture decodes and re-encodes unchanged.

import NetAddress

/// An MP_REACH_NLRI or MP_UNREACH_NLRI that cannot be parsed. With a family, RFC 7606 allows
/// disabling just that family; without one (the AFI/SAFI could not be read), the session resets.
struct MPParseError: Error {
    var family: Family?
    var reason: String
}

extension NLRIList {
    /// Decodes a field of NLRI of `family`.
    static func decode(_ buf: UnsafeRawBufferPointer, family: Family, addPath: Bool) throws(NLRIParseError) -> NLRIList {
        switch family {
        case .ipv4Unicast: return .ipv4Unicast(try PrefixCodec.decodeIPv4(buf, addPath: addPath))
        case .ipv6Unicast: return .ipv6Unicast(try PrefixCodec.decodeIPv6(buf, addPath: addPath))
        case .l2vpnEVPN: return .evpn(try EVPNCodec.decode(buf, addPath: addPath))
        default: return .other(family: family, raw: Array(buf))
        }
    }

    /// Appends the NLRI. A typed list of another family than `family` says is written as it is;
    /// keeping them consistent is the builder's business.
    func encode(into out: inout [UInt8], addPath: Bool) {
        switch self {
        case .ipv4Unicast(let l): PrefixCodec.encode(l, addPath: addPath, into: &out)
        case .ipv6Unicast(let l): PrefixCodec.encode(l, addPath: addPath, into: &out)
        case .evpn(let l): EVPNCodec.encode(l, addPath: addPath, into: &out)
        case .other(_, let raw): out.append(contentsOf: raw)
        }
    }
}

extension NextHop {
    /// A next hop of `bytes.count` octets.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> NextHop {
        var r = WireReader(bytes)
        do {
            switch bytes.count {
            case 4: return .ipv4(try r.ipv4())
            case 16: return .ipv6(try r.ipv6())
            case 32:
                let global = try r.ipv6()
                return .ipv6Pair(global: global, linkLocal: try r.ipv6())
            default: break
            }
        } catch {}
        return .raw(Array(bytes))
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .ipv4(let a): out.appendIPv4(a)
        case .ipv6(let a): out.appendIPv6(a)
        case .ipv6Pair(let g, let ll): out.appendIPv6(g); out.appendIPv6(ll)
        case .raw(let b): out.append(contentsOf: b.prefix(255))
        }
    }

    /// Whether a next hop of `length` octets makes sense for NLRI of `family`. IPv4 unicast may
    /// carry an IPv6 next hop (RFC 8950); EVPN carries the VTEP address of either family.
    static func lengthFits(_ length: Int, family: Family) -> Bool {
        switch family {
        case .ipv4Unicast: return length == 4 || length == 16 || length == 32
        case .ipv6Unicast: return length == 16 || length == 32
        case .l2vpnEVPN: return length == 4 || length == 16 || length == 32
        default: return true
        }
    }
}

extension MPReach {
    /// Decodes the value of an MP_REACH_NLRI attribute.
    static func decode(_ value: UnsafeRawBufferPointer, context: CodecContext) throws(MPParseError) -> MPReach {
        var r = WireReader(value)
        let family: Family
        do {
            let afi = AFI(rawValue: try r.u16())
            family = Family(afi: afi, safi: SAFI(rawValue: try r.u8()))
        } catch {
            throw MPParseError(family: nil, reason: "MP_REACH_NLRI of \(value.count) octets has no AFI/SAFI")
        }
        let nextHop: NextHop, reserved: UInt8
        do {
            let nhBytes = try r.bytes(Int(try r.u8()))
            // RFC 7606 7.11: "If the Length of Next Hop Network Address field of the MP_REACH
            // attribute is inconsistent with that which was expected, the attribute is considered
            // malformed."
            guard NextHop.lengthFits(nhBytes.count, family: family) else {
                throw MPParseError(family: family, reason: "next hop of \(nhBytes.count) octets for \(family)")
            }
            nextHop = NextHop.decode(nhBytes)
            reserved = try r.u8()
        } catch let e as MPParseError {
            throw e
        } catch {
            throw MPParseError(family: family, reason: "MP_REACH_NLRI next hop overruns the attribute")
        }
        let nlri: NLRIList
        do {
            nlri = try NLRIList.decode(r.rest(), family: family, addPath: context.receivesPathIDs(family))
        } catch {
            throw MPParseError(family: family, reason: "MP_REACH_NLRI \(family): \(error.reason)")
        }
        return MPReach(family: family, nextHop: nextHop, nlri: nlri, reserved: reserved)
    }

    func encodeValue(into out: inout [UInt8], context: CodecContext) {
        out.appendU16(afi.rawValue)
        out.append(safi.rawValue)
        out.append(UInt8(truncatingIfNeeded: Swift.min(nextHop.wireLength, 255)))
        nextHop.encode(into: &out)
        out.append(reserved)
        nlri.encode(into: &out, addPath: context.sendsPathIDs(family))
    }
}

extension MPUnreach {
    /// Decodes the value of an MP_UNREACH_NLRI attribute.
    static func decode(_ value: UnsafeRawBufferPointer, context: CodecContext) throws(MPParseError) -> MPUnreach {
        var r = WireReader(value)
        let family: Family
        do {
            let afi = AFI(rawValue: try r.u16())
            family = Family(afi: afi, safi: SAFI(rawValue: try r.u8()))
        } catch {
            throw MPParseError(family: nil, reason: "MP_UNREACH_NLRI of \(value.count) octets has no AFI/SAFI")
        }
        do {
            return MPUnreach(family: family,
                             nlri: try NLRIList.decode(r.rest(), family: family, addPath: context.receivesPathIDs(family)))
        } catch {
            throw MPParseError(family: family, reason: "MP_UNREACH_NLRI \(family): \(error.reason)")
        }
    }

    func encodeValue(into out: inout [UInt8], context: CodecContext) {
        out.appendU16(afi.rawValue)
        out.append(safi.rawValue)
        nlri.encode(into: &out, addPath: context.sendsPathIDs(family))
    }
}

extension CodecContext {
    /// Received NLRI of `family` carry path identifiers.
    @inline(__always)
    func receivesPathIDs(_ family: Family) -> Bool {
        !addPathReceive.isEmpty && addPathReceive.contains(family)
    }

    /// Sent NLRI of `family` carry path identifiers.
    @inline(__always)
    func sendsPathIDs(_ family: Family) -> Bool {
        !addPathSend.isEmpty && addPathSend.contains(family)
    }
}
