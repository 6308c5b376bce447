import BGP
import NetAddress

/// How an extended community is shown: a kind name, its value in the notation operators type
/// into FRR (`65100:100`), and FRR's short form (`RT:65100:100`, `ET:8`, `Rmac:...`).
///
/// Read from the 8 raw octets (RFC 4360 section 2 layout), so every value can be shown, whatever
/// the codec interprets.
struct ExtendedCommunityText {
    var kind: String
    /// The value alone: `65100:100`, `8`, `02:00:00:00:3a:01`; the hex of the 6 value octets
    /// for kinds without a notation.
    var value: String
    /// FRR's `show bgp` form.
    var short: String

    init(_ c: ExtendedCommunity) {
        let v = c.value
        let as2 = UInt16(truncatingIfNeeded: v >> 32), num4 = UInt32(truncatingIfNeeded: v)
        let ip = IPv4Address(UInt32(truncatingIfNeeded: v >> 16)), num2 = UInt16(truncatingIfNeeded: v)
        let as4 = UInt32(truncatingIfNeeded: v >> 16)
        let mac = MACAddress(v)
        func twoPart(_ type: UInt8) -> String? {
            switch type & 0x3F {   // the high bits are IANA authority and transitivity
            case 0x00: return "\(as2):\(num4)"
            case 0x01: return "\(ip):\(num2)"
            case 0x02: return "\(as4):\(num2)"
            default: return nil
            }
        }
        switch (c.type, c.subtype) {
        case (0x00, 0x02), (0x01, 0x02), (0x02, 0x02):
            let s = twoPart(c.type) ?? ""
            self.init(kind: "route-target", value: s, short: "RT:" + s)
        case (0x00, 0x03), (0x01, 0x03), (0x02, 0x03):
            let s = twoPart(c.type) ?? ""
            self.init(kind: "route-origin", value: s, short: "SoO:" + s)
        case (0x03, 0x0C):
            // RFC 9012 section 4.1: the tunnel type is the low two octets.
            let t = UInt16(truncatingIfNeeded: v)
            self.init(kind: "encapsulation", value: String(t), short: "ET:\(t)" + (t == 8 ? " (VXLAN)" : ""))
        case (0x03, 0x0D):
            self.init(kind: "default-gateway", value: "", short: "DefGw")
        case (0x06, 0x00):
            // RFC 7432 section 7.7: flags octet (bit 0x01 sticky), reserved, 4-octet sequence.
            let sticky = (v >> 40) & 0x01 != 0
            self.init(kind: "mac-mobility", value: "\(num4)" + (sticky ? " sticky" : ""),
                      short: "MM:\(num4)" + (sticky ? ", sticky MAC" : ""))
        case (0x06, 0x01):
            // RFC 7432 section 7.5: flags (0x01 single-active), 2 reserved, 3-octet label.
            let single = (v >> 40) & 0x01 != 0
            let label = UInt32(truncatingIfNeeded: v) & 0xFF_FFFF
            self.init(kind: "esi-label", value: "\(label)" + (single ? " single-active" : " all-active"),
                      short: "ESI-label-Rt:" + (single ? "SA" : "AA"))
        case (0x06, 0x02):
            self.init(kind: "es-import-route-target", value: mac.description, short: "ES-Import-Rt:\(mac)")
        case (0x06, 0x03):
            self.init(kind: "router-mac", value: mac.description, short: "Rmac:\(mac)")
        case (0x40, 0x04), (0x00, 0x04):
            let bw = Float(bitPattern: num4)
            self.init(kind: "link-bandwidth", value: "\(as2):\(bw)", short: "LB:\(as2):\(bw)")
        default:
            let h = hexString(c.bigEndianBytes.dropFirst(2))
            self.init(kind: "other", value: h, short: "0x\(hexString([c.type, c.subtype])):\(h)")
        }
    }

    init(kind: String, value: String, short: String) {
        self.kind = kind
        self.value = value
        self.short = short
    }

    static func json(_ c: ExtendedCommunity) -> JSONValue {
        let t = ExtendedCommunityText(c)
        var o = JSONObject()
        o.set("raw", hexString(c.bigEndianBytes))
        o.set("type", c.type)
        o.set("subtype", c.subtype)
        o.set("transitive", c.isTransitive)
        o.set("kind", t.kind)
        if !t.value.isEmpty { o.set("value", t.value) }
        o.set("text", t.short)
        return o.value
    }
}

extension ExtendedCommunity {
    /// The 8 octets as on the wire.
    var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: raw >> (56 - 8 * UInt64($0))) } }
}
