import NetAddress

extension RouteDistinguisher: CustomStringConvertible {
    /// `65000:100` (type 0), `10.0.0.1:2` (type 1), `4200000001:7` (type 2), `type:hex` otherwise.
    public var description: String {
        switch type {
        case 0: return "\((raw >> 32) & 0xFFFF):\(raw & 0xFFFF_FFFF)"
        case 1: return "\(IPv4Address(UInt32(truncatingIfNeeded: raw >> 16))):\(raw & 0xFFFF)"
        case 2: return "\((raw >> 16) & 0xFFFF_FFFF):\(raw & 0xFFFF)"
        default: return "\(type):\(String(raw & 0xFFFF_FFFF_FFFF, radix: 16))"
        }
    }
}

extension ESI: CustomStringConvertible {
    /// Ten colon-separated hex octets: `00:00:00:00:00:00:00:00:00:00`.
    public var description: String {
        var bytes: [UInt8] = [UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high)]
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))) }
        return bytes.map { b in b < 16 ? "0" + String(b, radix: 16) : String(b, radix: 16) }.joined(separator: ":")
    }
}

extension EVPNRoute: CustomStringConvertible {
    /// FRR's bracket notation, preceded by the RD: `10.0.0.1:2 [2]:[0]:[48]:[02:00:00:00:aa:01]:[32]:[10.100.0.11]`.
    public var description: String {
        func ipPart(_ ip: IPAddress?) -> String {
            guard let ip else { return "[0]" }
            return "[\(ip.isV4 ? 32 : 128)]:[\(ip)]"
        }
        switch self {
        case .ethernetAutoDiscovery(let r):
            return "\(r.rd) [1]:[\(r.esi)]:[\(r.ethernetTag)]"
        case .macIP(let r):
            return "\(r.rd) [2]:[\(r.ethernetTag)]:[48]:[\(r.mac)]" + (r.ip == nil ? "" : ":" + ipPart(r.ip))
        case .inclusiveMulticast(let r):
            return "\(r.rd) [3]:[\(r.ethernetTag)]:" + ipPart(r.originatingRouter)
        case .ethernetSegment(let r):
            return "\(r.rd) [4]:[\(r.esi)]:" + ipPart(r.originatingRouter)
        case .ipPrefix(let r):
            return "\(r.rd) [5]:[\(r.ethernetTag)]:[\(r.prefixLength)]:[\(r.prefixAddress)]"
        case .unknown(let t, let v):
            return "[\(t)]:len \(v.count)"
        }
    }
}
