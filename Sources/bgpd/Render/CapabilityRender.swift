import BGP

/// OPEN capabilities as JSON objects and as short text (`mp ipv4-unicast`, `add-path ipv4-unicast receive`).
enum CapabilityRender {
    /// IANA "Capability Codes" names for the codes swiftbgp does not interpret.
    static func name(code: UInt8) -> String {
        switch code {
        case 1: return "multiprotocol"
        case 2: return "route-refresh"
        case 3: return "outbound-route-filtering"
        case 5: return "extended-next-hop"
        case 6: return "extended-message"
        case 7: return "bgpsec"
        case 8: return "multiple-labels"
        case 9: return "bgp-role"
        case 64: return "graceful-restart"
        case 65: return "four-octet-as"
        case 66: return "dynamic-capability"
        case 67: return "multisession"
        case 69: return "add-path"
        case 70: return "enhanced-route-refresh"
        case 71: return "long-lived-graceful-restart"
        case 73: return "fqdn"
        case 128: return "route-refresh-cisco"
        case 131: return "multisession-cisco"
        default: return "capability-\(code)"
        }
    }

    static func familyJSON(_ f: Family, into o: inout JSONObject) {
        o.set("family", f.description)
        o.set("afi", f.afi.rawValue)
        o.set("safi", f.safi.rawValue)
    }

    static func directionText(_ d: AddPathDirection) -> String {
        switch (d.contains(.receive), d.contains(.send)) {
        case (true, true): return "send-receive"
        case (true, false): return "receive"
        case (false, true): return "send"
        case (false, false): return "none"
        }
    }

    static func json(_ c: Capability) -> JSONValue {
        var o = JSONObject()
        o.set("code", c.code)
        o.set("name", name(code: c.code))
        switch c {
        case .multiprotocol(let f):
            familyJSON(f, into: &o)
        case .routeRefresh, .routeRefreshCisco, .extendedMessage, .enhancedRouteRefresh:
            break
        case .extendedNextHop(let entries):
            o.set("entries", .array(entries.map { e in
                var x = JSONObject()
                familyJSON(e.family, into: &x)
                x.set("next_hop_afi", e.nextHopAFI.rawValue)
                return x.value
            }))
        case .gracefulRestart(let g):
            o.set("flags", g.flags)
            o.set("restarting", g.restarting)
            o.set("notification", g.notification)
            o.set("restart_time", g.restartTime)
            o.set("families", .array(g.families.map { e in
                var x = JSONObject()
                familyJSON(e.family, into: &x)
                x.set("flags", e.flags)
                x.set("forwarding_preserved", e.forwardingPreserved)
                return x.value
            }))
        case .fourOctetAS(let asn):
            o.set("asn", asn)
        case .addPath(let entries):
            o.set("families", .array(entries.map { e in
                var x = JSONObject()
                familyJSON(e.family, into: &x)
                x.set("send_receive", e.direction.rawValue)
                x.set("direction", directionText(e.direction))
                return x.value
            }))
        case .longLivedGracefulRestart(let entries):
            o.set("families", .array(entries.map { e in
                var x = JSONObject()
                familyJSON(e.family, into: &x)
                x.set("flags", e.flags)
                x.set("stale_time", e.staleTime)
                return x.value
            }))
        case .fqdn(let host, let domain):
            o.set("hostname", String(decoding: host, as: UTF8.self))
            o.set("domain", String(decoding: domain, as: UTF8.self))
        case .unknown(_, let value):
            o.set("value", hexString(value))
        }
        return o.value
    }

    static func text(_ c: Capability) -> String {
        switch c {
        case .multiprotocol(let f): return "mp \(f)"
        case .routeRefresh: return "route-refresh"
        case .routeRefreshCisco: return "route-refresh(old)"
        case .extendedMessage: return "extended-message"
        case .enhancedRouteRefresh: return "enhanced-route-refresh"
        case .extendedNextHop(let e):
            return "extended-next-hop " + e.map { "\($0.family)/\($0.nextHopAFI)" }.joined(separator: " ")
        case .gracefulRestart(let g):
            var s = "graceful-restart time \(g.restartTime)"
            if g.restarting { s += " R" }
            if g.notification { s += " N" }
            for f in g.families { s += " \(f.family)" + (f.forwardingPreserved ? "(F)" : "") }
            return s
        case .fourOctetAS(let a): return "4-octet-as \(a)"
        case .addPath(let e):
            return "add-path " + e.map { "\($0.family) \(directionText($0.direction))" }.joined(separator: ", ")
        case .longLivedGracefulRestart(let e):
            return "llgr" + e.map { " \($0.family) stale \($0.staleTime)s" }.joined()
        case .fqdn(let h, let d):
            let host = String(decoding: h, as: UTF8.self), dom = String(decoding: d, as: UTF8.self)
            return "fqdn \(host)" + (dom.isEmpty ? "" : ".\(dom)")
        case .unknown(9, let v) where v.count == 1:
            // RFC 9234 section 4.1.
            let roles = ["provider", "route-server", "route-server-client", "customer", "peer"]
            return "bgp-role " + (Int(v[0]) < roles.count ? roles[Int(v[0])] : "value \(v[0])")
        case .unknown(let code, let v):
            return "\(name(code: code)) (code \(code))" + (v.isEmpty ? "" : " " + hexString(v))
        }
    }
}
