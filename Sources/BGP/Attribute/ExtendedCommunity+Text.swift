// Extended communities as people read and write them, in the forms FRR shows so that output can
// be compared side by side: `RT:65100:100 ET:8 Rmac:02:00:00:00:3a:01`.

import NetAddress

extension ExtendedCommunity: CustomStringConvertible {
    /// `RT:65100:100`, `RT:10.0.0.1:5`, `RT:4200000002:7`, `SoO:65000:1`, `ET:8`,
    /// `Default Gateway`, `MM:3`, `MM:3, sticky MAC`, `ESI-label-Rt:AA:100`,
    /// `ES-Import-Rt:00:11:22:33:44:55`, `Rmac:02:00:00:00:3a:01`, `LB:65001:125000000 (1000 Mbps)`;
    /// anything else as its type, sub-type and value in hex: `0x8006:000000000001`.
    public var description: String {
        switch kind {
        case .routeTargetAS2, .routeTargetIPv4, .routeTargetAS4:
            return "RT:" + (administratorText ?? "")
        case .routeOrigin:
            return "SoO:" + (administratorText ?? "")
        case .encapsulation(let t):
            return "ET:\(t)"
        case .defaultGateway:
            return "Default Gateway"
        case .macMobility(let sticky, let seq):
            return sticky ? "MM:\(seq), sticky MAC" : "MM:\(seq)"
        case .esiLabel(let single, let label):
            return "ESI-label-Rt:\(single ? "SA" : "AA"):\(label.raw)"
        case .esImportRouteTarget(let mac):
            return "ES-Import-Rt:\(mac)"
        case .routerMAC(let mac):
            return "Rmac:\(mac)"
        case .linkBandwidth(let asn, let bps, _):
            let bytes = bps.isFinite && bps >= 0 && bps < 1e18 ? String(UInt64(bps)) : String(describing: bps)
            let mbps = bps.isFinite && bps >= 0 && bps < 1e15 ? " (\(UInt64((Double(bps) * 8 / 1_000_000).rounded())) Mbps)" : ""
            return "LB:\(asn):\(bytes)\(mbps)"
        case .other:
            return "0x" + Self.hex(UInt64(type) << 8 | UInt64(subtype), digits: 4) + ":" + Self.hex(value, digits: 12)
        }
    }

    /// The administrator and number of a route target or route origin, as configured:
    /// `65100:100`, `10.0.0.1:5`, `4200000002:7`. Nil for other kinds.
    public var administratorText: String? {
        guard subtype == 0x02 || subtype == 0x03 else { return nil }
        let v = value
        switch type {
        case 0x00: return "\(v >> 32):\(v & 0xFFFF_FFFF)"
        case 0x01: return "\(IPv4Address(UInt32(truncatingIfNeeded: v >> 16))):\(v & 0xFFFF)"
        case 0x02: return "\(v >> 16):\(v & 0xFFFF)"
        default: return nil
        }
    }

    /// A route target from its text: `65100:100` (2-octet AS), `4200000002:7` (4-octet AS),
    /// `10.0.0.1:5` (IPv4), optionally preceded by `RT:`. Nil when the number does not fit the form.
    public init?(routeTarget text: String) {
        var t = Substring(text)
        if t.hasPrefix("RT:") || t.hasPrefix("rt:") { t = t.dropFirst(3) }
        guard let colon = t.lastIndex(of: ":") else { return nil }
        let admin = t[..<colon], numberText = t[t.index(after: colon)...]
        guard let number = UInt32(numberText) else { return nil }
        if let ip = IPv4Address(admin) {
            guard number <= 0xFFFF else { return nil }
            self = .routeTarget(ipv4: ip, number: UInt16(number))
        } else if let asn = UInt32(admin) {
            guard asn <= 0xFFFF || number <= 0xFFFF else { return nil }
            self = .routeTarget(asn: asn, number: number)
        } else {
            return nil
        }
    }

    private static func hex(_ v: UInt64, digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: Swift.max(0, digits - s.count)) + s
    }
}
