import BGP
import NetAddress

/// How an extended community is shown in JSON: the codec's typed view (`kind`) named, its value
/// in the notation operators type into FRR (`65100:100`), and the codec's FRR-style text
/// (`RT:65100:100`, `ET:8`, `Rmac:...`).
enum ExtendedCommunityText {
    /// The kind's name and its value alone (empty for kinds without one).
    static func kindAndValue(_ c: ExtendedCommunity) -> (String, String) {
        switch c.kind {
        case .routeTargetAS2, .routeTargetIPv4, .routeTargetAS4:
            return ("route-target", c.administratorText ?? "")
        case .routeOrigin:
            return ("route-origin", c.administratorText ?? "")
        case .encapsulation(let t):
            return ("encapsulation", String(t))
        case .defaultGateway:
            return ("default-gateway", "")
        case .macMobility(let sticky, let seq):
            return ("mac-mobility", "\(seq)" + (sticky ? " sticky" : ""))
        case .esiLabel(let single, let label):
            return ("esi-label", "\(label.raw) " + (single ? "single-active" : "all-active"))
        case .esImportRouteTarget(let mac):
            return ("es-import-route-target", mac.description)
        case .routerMAC(let mac):
            return ("router-mac", mac.description)
        case .linkBandwidth(let asn, let bps, _):
            return ("link-bandwidth", "\(asn):\(bps)")
        case .other:
            return ("other", hexString(c.bigEndianBytes.dropFirst(2)))
        }
    }

    static func json(_ c: ExtendedCommunity) -> JSONValue {
        let (kind, value) = kindAndValue(c)
        var o = JSONObject()
        o.set("raw", hexString(c.bigEndianBytes))
        o.set("type", c.type)
        o.set("subtype", c.subtype)
        o.set("transitive", c.isTransitive)
        o.set("kind", kind)
        if !value.isEmpty { o.set("value", value) }
        o.set("text", c.description)
        return o.value
    }
}

extension ExtendedCommunity {
    /// The 8 octets as on the wire.
    var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: raw >> (56 - 8 * UInt64($0))) } }
}
