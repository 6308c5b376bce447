import BGP
import NetAddress

/// The type-specific part of one message: a JSON object under a key named after the type, and
/// the indented detail lines of the readable form.
enum MessageRender {
    /// The JSON key and object of a message's body (`"update": {...}`); nil for KEEPALIVE.
    static func json(_ m: BGPMessage) -> (String, JSONValue)? {
        switch m {
        case .open(let o): return ("open", openJSON(o))
        case .update(let u): return ("update", updateJSON(u))
        case .notification(let n): return ("notification", NotificationText.json(n))
        case .keepalive: return nil
        case .routeRefresh(let r): return ("route_refresh", routeRefreshJSON(r))
        }
    }

    static func openJSON(_ m: OpenMessage) -> JSONValue {
        var o = JSONObject()
        o.set("version", m.version)
        o.set("my_as", m.myAS)
        o.set("asn", m.asn)
        o.set("hold_time", m.holdTime)
        o.set("bgp_id", m.bgpIdentifier.description)
        o.set("extended_parameters", m.extendedParameters)
        o.set("capabilities", .array(m.capabilities.map(CapabilityRender.json)))
        let others: [JSONValue] = m.parameters.compactMap {
            if case .unknown(let t, let v) = $0 {
                return .object([("type", .int(Int(t))), ("value", .string(hexString(v)))])
            }
            return nil
        }
        if !others.isEmpty { o.set("other_parameters", .array(others)) }
        return o.value
    }

    static func routeRefreshJSON(_ r: RouteRefreshMessage) -> JSONValue {
        var o = JSONObject()
        CapabilityRender.familyJSON(r.family, into: &o)
        o.set("subtype", r.subtype.rawValue)
        o.set("subtype_name", subtypeName(r.subtype))
        if !r.orf.isEmpty { o.set("orf", hexString(r.orf)) }
        return o.value
    }

    /// RFC 7313 section 3.2.
    static func subtypeName(_ s: RouteRefreshMessage.Subtype) -> String {
        switch s.rawValue {
        case 0: return "normal"
        case 1: return "borr"
        case 2: return "eorr"
        default: return "reserved-\(s.rawValue)"
        }
    }

    static func updateJSON(_ u: UpdateMessage) -> JSONValue {
        var o = JSONObject()
        o.set("withdrawn", .array(u.withdrawn.map { NLRIRender.prefixJSON($0.prefix.description, $0.pathID) }))
        o.set("attributes", AttributeRender.json(u.attributes))
        if let r = u.mpReach {
            var x = JSONObject()
            CapabilityRender.familyJSON(r.family, into: &x)
            x.set("next_hop", NLRIRender.nextHopJSON(r.nextHop))
            if r.reserved != 0 { x.set("reserved", r.reserved) }
            x.set("nlri", NLRIRender.json(r.nlri))
            o.set("mp_reach", x.value)
        }
        if let r = u.mpUnreach {
            var x = JSONObject()
            CapabilityRender.familyJSON(r.family, into: &x)
            x.set("withdrawn", NLRIRender.json(r.nlri))
            o.set("mp_unreach", x.value)
        }
        o.set("nlri", .array(u.nlri.map { NLRIRender.prefixJSON($0.prefix.description, $0.pathID) }))
        o.set("end_of_rib", u.endOfRIB.map { JSONValue.string($0.description) } ?? .null)
        o.set("treat_as_withdraw", u.treatAsWithdraw)
        o.set("diagnostics", .array(u.diagnostics.map(diagnosticJSON)))
        return o.value
    }

    static func diagnosticJSON(_ d: AttributeDiagnostic) -> JSONValue {
        .object([("code", .int(Int(d.code))), ("action", .string(d.action.description)), ("reason", .string(d.reason))])
    }

    // MARK: Text

    /// The indented lines under a message's header line.
    static func lines(_ m: BGPMessage) -> [String] {
        switch m {
        case .open(let o):
            var out = ["version \(o.version), my AS \(o.myAS)" + (UInt32(o.myAS) == o.asn ? "" : " (AS \(o.asn))")
                       + ", hold time \(o.holdTime), BGP id \(o.bgpIdentifier)"
                       + (o.extendedParameters ? ", extended optional parameters (RFC 9072)" : "")]
            out += o.capabilities.map { "capability " + CapabilityRender.text($0) }
            for case .unknown(let t, let v) in o.parameters {
                out.append("optional parameter \(t): \(hexString(v))")
            }
            return out
        case .update(let u): return updateLines(u)
        case .notification(let n): return NotificationText.lines(n)
        case .keepalive: return []
        case .routeRefresh(let r):
            return ["\(r.family) \(subtypeName(r.subtype))" + (r.orf.isEmpty ? "" : ", ORF \(hexString(r.orf))")]
        }
    }

    static func updateLines(_ u: UpdateMessage) -> [String] {
        var out: [String] = []
        if let eor = u.endOfRIB { return ["End-of-RIB \(eor)"] }
        if let a = AttributeRender.line(u.attributes) { out.append(a) }
        let vxlan = AttributeRender.isVXLAN(u.attributes)
        if let r = u.mpReach {
            out.append("\(r.family) next-hop \(NLRIRender.nextHopText(r.nextHop))" + (r.reserved != 0 ? " (reserved octet \(r.reserved))" : ""))
            out += NLRIRender.lines(r.nlri, sign: "  + ", vxlan: vxlan)
        }
        if !u.nlri.isEmpty {
            out.append("ipv4-unicast nlri")
            out += u.nlri.map { "  + " + NLRIRender.prefixText($0.prefix.description, $0.pathID) }
        }
        if let r = u.mpUnreach {
            out.append("\(r.family) withdrawn")
            out += NLRIRender.lines(r.nlri, sign: "  - ", vxlan: vxlan)
        }
        if !u.withdrawn.isEmpty {
            out.append("ipv4-unicast withdrawn")
            out += u.withdrawn.map { "  - " + NLRIRender.prefixText($0.prefix.description, $0.pathID) }
        }
        for d in u.diagnostics {
            out.append("RFC 7606: \(d.action) (attribute \(d.code)): \(d.reason)")
        }
        if u.treatAsWithdraw { out.append("RFC 7606: the announced routes are treated as withdrawn") }
        return out
    }
}
