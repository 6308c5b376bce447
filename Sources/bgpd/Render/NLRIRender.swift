import BGP
import NetAddress

/// NLRI and next hops, as JSON and as text: prefixes in canonical form (`10.0.0.0/24`,
/// `2001:db8::/32`), EVPN routes field by field.
enum NLRIRender {
    // MARK: JSON

    static func json(_ list: NLRIList) -> JSONValue {
        switch list {
        case .ipv4Unicast(let l): return .array(l.map { prefixJSON($0.prefix.description, $0.pathID) })
        case .ipv6Unicast(let l): return .array(l.map { prefixJSON($0.prefix.description, $0.pathID) })
        case .evpn(let l): return .array(l.map { evpnJSON($0.route, pathID: $0.pathID) })
        case .other(_, let raw): return raw.isEmpty ? .array([]) : .object([("raw", .string(hexString(raw)))])
        }
    }

    static func prefixJSON(_ prefix: String, _ pathID: UInt32?) -> JSONValue {
        var o = JSONObject()
        o.set("prefix", prefix)
        o.set("path_id", pathID)
        return o.value
    }

    static func labelJSON(_ l: EVPNLabel) -> JSONValue {
        .object([("raw", .int(Int(l.raw))), ("vni", .int(Int(l.vni))), ("mpls_label", .int(Int(l.mplsLabel)))])
    }

    static func evpnJSON(_ r: EVPNRoute, pathID: UInt32?) -> JSONValue {
        var o = JSONObject()
        o.set("route_type", r.routeType)
        o.set("route_type_name", evpnTypeName(r.routeType))
        switch r {
        case .ethernetAutoDiscovery(let x):
            o.set("rd", x.rd.description)
            o.set("esi", x.esi.description)
            o.set("ethernet_tag", x.ethernetTag)
            o.set("label", labelJSON(x.label))
        case .macIP(let x):
            o.set("rd", x.rd.description)
            o.set("esi", x.esi.description)
            o.set("ethernet_tag", x.ethernetTag)
            o.set("mac", x.mac.description)
            o.set("ip", x.ip.map { JSONValue.string($0.description) } ?? .null)
            o.set("label1", labelJSON(x.label1))
            o.set("label2", x.label2.map(labelJSON) ?? .null)
        case .inclusiveMulticast(let x):
            o.set("rd", x.rd.description)
            o.set("ethernet_tag", x.ethernetTag)
            o.set("originating_router", x.originatingRouter.description)
        case .ethernetSegment(let x):
            o.set("rd", x.rd.description)
            o.set("esi", x.esi.description)
            o.set("originating_router", x.originatingRouter.description)
        case .ipPrefix(let x):
            o.set("rd", x.rd.description)
            o.set("esi", x.esi.description)
            o.set("ethernet_tag", x.ethernetTag)
            o.set("prefix", x.prefix.map { JSONValue.string($0.description) } ?? .null)
            o.set("prefix_address", x.prefixAddress.description)
            o.set("prefix_length", x.prefixLength)
            o.set("gateway", x.gateway.description)
            o.set("label", labelJSON(x.label))
        case .unknown(_, let v):
            o.set("value", hexString(v))
        }
        o.set("path_id", pathID)
        o.set("text", r.description)
        return o.value
    }

    static func evpnTypeName(_ t: UInt8) -> String {
        switch t {
        case 1: return "ethernet-auto-discovery"
        case 2: return "mac-ip-advertisement"
        case 3: return "inclusive-multicast-ethernet-tag"
        case 4: return "ethernet-segment"
        case 5: return "ip-prefix"
        default: return "unknown"
        }
    }

    static func nextHopJSON(_ nh: NextHop) -> JSONValue {
        var o = JSONObject()
        switch nh {
        case .ipv4(let a): o.set("address", a.description)
        case .ipv6(let a): o.set("address", a.description)
        case .ipv6Pair(let g, let ll):
            o.set("address", g.description)
            o.set("link_local", ll.description)
        case .raw(let b): o.set("raw", hexString(b))
        }
        o.set("length", nh.wireLength)
        return o.value
    }

    // MARK: Text

    /// `10.0.0.1`, `fe80::1 fe80::1` (global and link-local), or the octets in hex.
    static func nextHopText(_ nh: NextHop) -> String {
        switch nh {
        case .ipv4(let a): return a.description
        case .ipv6(let a): return a.description
        case .ipv6Pair(let g, let ll): return "\(g) \(ll)"
        case .raw(let b): return b.isEmpty ? "(none)" : "\(b.count) octets \(hexString(b))"
        }
    }

    /// One line per NLRI, prefixed `+ ` (announced) or `- ` (withdrawn).
    static func lines(_ list: NLRIList, sign: String, vxlan: Bool) -> [String] {
        switch list {
        case .ipv4Unicast(let l): return l.map { sign + prefixText($0.prefix.description, $0.pathID) }
        case .ipv6Unicast(let l): return l.map { sign + prefixText($0.prefix.description, $0.pathID) }
        case .evpn(let l): return l.map { sign + evpnText($0.route, vxlan: vxlan) + pathIDText($0.pathID) }
        case .other(_, let raw): return raw.isEmpty ? [] : [sign + "\(raw.count) octets of NLRI (not interpreted): \(hexString(raw))"]
        }
    }

    static func prefixText(_ p: String, _ pathID: UInt32?) -> String { p + pathIDText(pathID) }
    static func pathIDText(_ id: UInt32?) -> String { id.map { " path-id \($0)" } ?? "" }

    /// `vni 100` on VXLAN routes (the whole 24 bits, RFC 8365), `label 6` (the 20-bit MPLS label)
    /// otherwise.
    static func labelText(_ l: EVPNLabel, vxlan: Bool) -> String {
        vxlan ? "vni \(l.vni)" : "label \(l.mplsLabel)"
    }

    static func evpnText(_ r: EVPNRoute, vxlan: Bool) -> String {
        switch r {
        case .ethernetAutoDiscovery(let x):
            return "[1] rd \(x.rd) esi \(x.esi) tag \(x.ethernetTag) \(labelText(x.label, vxlan: vxlan))"
        case .macIP(let x):
            var s = "[2] rd \(x.rd)"
            if !x.esi.isZero { s += " esi \(x.esi)" }
            s += " tag \(x.ethernetTag) mac \(x.mac)"
            if let ip = x.ip { s += " ip \(ip)" }
            s += " " + labelText(x.label1, vxlan: vxlan)
            if let l2 = x.label2 { s += " l3 " + labelText(l2, vxlan: vxlan) }
            return s
        case .inclusiveMulticast(let x):
            return "[3] rd \(x.rd) tag \(x.ethernetTag) originator \(x.originatingRouter)"
        case .ethernetSegment(let x):
            return "[4] rd \(x.rd) esi \(x.esi) originator \(x.originatingRouter)"
        case .ipPrefix(let x):
            let p = x.prefix?.description ?? "\(x.prefixAddress)/\(x.prefixLength)"
            var s = "[5] rd \(x.rd)"
            if !x.esi.isZero { s += " esi \(x.esi)" }
            s += " tag \(x.ethernetTag) prefix \(p) gateway \(x.gateway) " + labelText(x.label, vxlan: vxlan)
            return s
        case .unknown(let t, let v):
            return "[\(t)] \(v.count) octets: \(hexString(v))"
        }
    }
}
