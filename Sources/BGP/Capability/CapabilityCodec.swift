// Capability values (RFC 5492) to and from the wire. A known code whose value does not parse, or
// that carries bits we would not reproduce (a non-zero reserved octet, an ADD-PATH direction
// outside 1-3), is kept as `.unknown` with its bytes: the OPEN still decodes and re-encodes byte for
// byte, and negotiation simply does not see the capability.

extension Capability {
    /// Decodes one capability from its code and value.
    static func decode(code: UInt8, value: UnsafeRawBufferPointer) -> Capability {
        var r = WireReader(value)
        do {
            if let c = try parse(code: code, &r), r.isAtEnd { return c }
        } catch {}
        return .unknown(code: code, value: Array(value))
    }

    private static func parse(code: UInt8, _ r: inout WireReader) throws(ShortRead) -> Capability? {
        switch code {
        case 1:
            let afi = AFI(rawValue: try r.u16())
            guard try r.u8() == 0 else { return nil }  // reserved
            return .multiprotocol(Family(afi: afi, safi: SAFI(rawValue: try r.u8())))
        case 2: return r.isAtEnd ? .routeRefresh : nil
        case 128: return r.isAtEnd ? .routeRefreshCisco : nil
        case 6: return r.isAtEnd ? .extendedMessage : nil
        case 70: return r.isAtEnd ? .enhancedRouteRefresh : nil
        case 65: return .fourOctetAS(try r.u32())
        case 5:
            var entries: [ExtendedNextHopEntry] = []
            while !r.isAtEnd {
                let afi = AFI(rawValue: try r.u16())
                let safi = try r.u16()
                guard safi <= 0xFF else { return nil }
                let nh = AFI(rawValue: try r.u16())
                entries.append(ExtendedNextHopEntry(family: Family(afi: afi, safi: SAFI(rawValue: UInt8(safi))), nextHopAFI: nh))
            }
            return .extendedNextHop(entries)
        case 64:
            let word = try r.u16()
            var entries: [GracefulRestartCapability.Entry] = []
            while !r.isAtEnd {
                let afi = AFI(rawValue: try r.u16())
                let safi = SAFI(rawValue: try r.u8())
                entries.append(.init(family: Family(afi: afi, safi: safi), flags: try r.u8()))
            }
            return .gracefulRestart(GracefulRestartCapability(flags: UInt8(truncatingIfNeeded: word >> 12),
                                                              restartTime: word & 0x0FFF, families: entries))
        case 69:
            var entries: [AddPathEntry] = []
            while !r.isAtEnd {
                let afi = AFI(rawValue: try r.u16())
                let safi = SAFI(rawValue: try r.u8())
                // RFC 7911 4: "If any other value is received, then the capability SHOULD be
                // treated as not understood and ignored."
                let dir = try r.u8()
                guard (1...3).contains(dir) else { return nil }
                entries.append(AddPathEntry(family: Family(afi: afi, safi: safi), direction: AddPathDirection(rawValue: dir)))
            }
            return .addPath(entries)
        case 71:
            var entries: [LLGREntry] = []
            while !r.isAtEnd {
                let afi = AFI(rawValue: try r.u16())
                let safi = SAFI(rawValue: try r.u8())
                let flags = try r.u8()
                entries.append(LLGREntry(family: Family(afi: afi, safi: safi), flags: flags, staleTime: try r.u24()))
            }
            return .longLivedGracefulRestart(entries)
        case 73:
            let hostname = Array(try r.bytes(Int(try r.u8())))
            let domain = Array(try r.bytes(Int(try r.u8())))
            return .fqdn(hostname: hostname, domain: domain)
        default:
            return nil
        }
    }

    /// Appends code, length and value. A value longer than 255 octets (possible only for a
    /// capability built locally) is cut to 255, the most the length octet can say.
    func encode(into out: inout [UInt8]) {
        out.append(code)
        let lengthAt = out.count
        out.append(0)
        encodeValue(into: &out)
        var length = out.count - lengthAt - 1
        if length > 255 {
            out.removeLast(length - 255)
            length = 255
        }
        out[lengthAt] = UInt8(truncatingIfNeeded: length)
    }

    func encodeValue(into out: inout [UInt8]) {
        switch self {
        case .multiprotocol(let f):
            out.appendU16(f.afi.rawValue)
            out.append(0)
            out.append(f.safi.rawValue)
        case .routeRefresh, .routeRefreshCisco, .extendedMessage, .enhancedRouteRefresh:
            break
        case .fourOctetAS(let asn):
            out.appendU32(asn)
        case .extendedNextHop(let entries):
            for e in entries {
                out.appendU16(e.family.afi.rawValue)
                out.appendU16(UInt16(e.family.safi.rawValue))
                out.appendU16(e.nextHopAFI.rawValue)
            }
        case .gracefulRestart(let gr):
            out.appendU16(UInt16(gr.flags & 0x0F) << 12 | (gr.restartTime & 0x0FFF))
            for e in gr.families {
                out.appendU16(e.family.afi.rawValue)
                out.append(e.family.safi.rawValue)
                out.append(e.flags)
            }
        case .addPath(let entries):
            for e in entries {
                out.appendU16(e.family.afi.rawValue)
                out.append(e.family.safi.rawValue)
                out.append(e.direction.rawValue)
            }
        case .longLivedGracefulRestart(let entries):
            for e in entries {
                out.appendU16(e.family.afi.rawValue)
                out.append(e.family.safi.rawValue)
                out.append(e.flags)
                out.appendU24(e.staleTime)
            }
        case .fqdn(let hostname, let domain):
            out.append(UInt8(truncatingIfNeeded: Swift.min(hostname.count, 255)))
            out.append(contentsOf: hostname.prefix(255))
            out.append(UInt8(truncatingIfNeeded: Swift.min(domain.count, 255)))
            out.append(contentsOf: domain.prefix(255))
        case .unknown(_, let value):
            out.append(contentsOf: value)
        }
    }
}
