/// Text output of `bgpd show` for people, laid out like FRR's `show bgp summary` and
/// `show bgp neighbors` so that operators comparing the two read the same columns.
enum HumanFormat {
    static func summary(_ s: SummaryReply) -> String {
        var out = "BGP router identifier \(s.routerID), local AS number \(s.asn)\n"
        out += "Loc-RIB routes: " + families(s.locRIB) + "\n"
        if let fib = s.fib { out += "FIB routes: " + families(fib) + "\n" }
        out += "\n"
        let header = [pad("Neighbor", 25), lpad("V", 1), lpad("AS", 10), lpad("MsgRcvd", 9), lpad("MsgSent", 9),
                      lpad("Up/Down", 9), lpad("State/PfxRcd", 12), lpad("PfxSnt", 8), "Desc"]
        out += header.joined(separator: " ") + "\n"
        for p in s.neighbors {
            // As in FRR: the prefix count replaces the state once Established.
            let state = p.state == "Established" ? String(p.prefixesAccepted) : p.state
            let row = [pad(p.neighbor, 25), "4", lpad(p.remoteAS.map(String.init) ?? "?", 10),
                       lpad(String(p.messagesReceived), 9), lpad(String(p.messagesSent), 9),
                       lpad(p.upDownSeconds.map(duration) ?? "never", 9), lpad(state, 12),
                       lpad(String(p.prefixesSent), 8), p.description ?? "N/A"]
            out += row.joined(separator: " ") + "\n"
        }
        out += "\nTotal number of neighbors \(s.neighbors.count)\n"
        return out
    }

    static func neighbors(_ list: [NeighborDetail]) -> String {
        list.map(neighbor).joined(separator: "\n")
    }

    static func neighbor(_ n: NeighborDetail) -> String {
        let s = n.summary
        var out = "BGP neighbor is \(s.neighbor), remote AS \(s.remoteAS.map(String.init) ?? "unknown")"
        if let d = s.description { out += ", description: \(d)" }
        out += "\n  BGP state = \(s.state)"
        if let t = s.upDownSeconds { out += s.state == "Established" ? ", up for \(duration(t))" : ", down for \(duration(t))" }
        out += "\n"
        if let id = n.remoteRouterID { out += "  Remote router ID \(id)\n" }
        if let l = n.localEndpoint, let r = n.remoteEndpoint { out += "  Local \(l), remote \(r)\n" }
        if let u = n.unnumbered {
            out += "  Unnumbered on \(u.interface) (ifindex \(u.interfaceIndex)): local \(u.localLinkLocal), peer "
            out += (u.peerLinkLocal ?? "not yet learnt")
            if let m = u.peerMAC { out += " MAC \(m)" }
            if let f = u.learntFrom { out += " (from \(f))" }
            out += "\n"
        }
        if let h = n.negotiatedHoldTime { out += "  Hold time \(h) s, keepalive interval \(n.keepaliveInterval ?? 0) s\n" }
        if !n.options.isEmpty { out += "  Options: \(n.options.joined(separator: ", "))\n" }
        if !n.capabilities.isEmpty {
            out += "  Negotiated capabilities:\n"
            for c in n.capabilities { out += "    \(c)\n" }
        }
        out += "  Message statistics:\n"
        out += "    " + pad("", 22) + lpad("Sent", 10) + lpad("Rcvd", 10) + "\n"
        for type in ["OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE", "ROUTE-REFRESH"] {
            out += "    " + pad(type, 22) + lpad(String(n.messages.sent[type] ?? 0), 10)
                + lpad(String(n.messages.received[type] ?? 0), 10) + "\n"
        }
        out += "  Prefixes:\n"
        out += "    " + pad("", 22) + lpad("Rcvd", 10) + lpad("Accepted", 10) + lpad("Sent", 10) + lpad("Stale", 10) + "\n"
        for (f, c) in n.prefixes.sorted(by: { $0.key < $1.key }) {
            out += "    " + pad(f, 22) + lpad(String(c.received), 10) + lpad(String(c.accepted), 10)
                + lpad(String(c.sent), 10) + lpad(String(c.stale), 10) + "\n"
        }
        out += "  Connections established \(n.establishedTransitions); dropped \(n.droppedTransitions)\n"
        if let e = n.lastError { out += "  Last error (\(e.direction)): \(e.text)\n" }
        return out
    }

    static func routes(_ routes: [RouteEntry]) -> String {
        var out = "Status codes: * valid, > best, S stale\n\n"
        out += "   " + pad("Network", 28) + pad("Next Hop", 40) + lpad("Metric", 7) + lpad("LocPrf", 7) + "  " + pad("From", 20) + "Path\n"
        for r in routes {
            for (i, p) in r.paths.enumerated() {
                let flags = (p.stale ? "S" : "*") + (p.best ? ">" : " ") + " "
                let net = i == 0 ? r.prefix + (p.pathID.map { " id \($0)" } ?? "") : (p.pathID.map { "  id \($0)" } ?? "")
                let nh = p.nextHops.joined(separator: ",")
                out += flags + pad(net, 28) + pad(nh, 40) + lpad(p.med.map(String.init) ?? "", 7)
                    + lpad(p.localPref.map(String.init) ?? "", 7) + "  " + pad(p.from, 20)
                    + (p.asPath.isEmpty ? "" : p.asPath + " ") + originCode(p.origin) + "\n"
                if !p.communities.isEmpty || !p.largeCommunities.isEmpty || !p.extendedCommunities.isEmpty {
                    out += "      " + (p.communities + p.largeCommunities + p.extendedCommunities).joined(separator: " ") + "\n"
                }
            }
        }
        out += "\nDisplayed \(routes.count) routes and \(routes.reduce(0) { $0 + $1.paths.count }) total paths\n"
        return out
    }

    static func version(client: String, daemon: VersionReply?) -> String {
        var out = "bgpd (swiftbgp) \(client)\n"
        if let d = daemon {
            out += "running daemon: \(d.version), pid \(d.pid), up \(duration(d.uptimeSeconds)), config \(d.configFile)"
            if d.failedReloads > 0 { out += " (\(d.failedReloads) failed reloads)" }
            out += "\n"
        }
        return out
    }

    static func originCode(_ origin: String) -> String {
        switch origin {
        case "igp": return "i"
        case "egp": return "e"
        default: return "?"
        }
    }

    /// `hh:mm:ss` under a day, then `NdNNhNNm`, then `NwNdNNh`, as FRR prints peer uptime.
    static func duration(_ seconds: Int) -> String {
        let s = max(0, seconds)
        let (d, h, m, sec) = (s / 86400, s / 3600 % 24, s / 60 % 60, s % 60)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        if d == 0 { return "\(two(s / 3600)):\(two(m)):\(two(sec))" }
        if d < 7 { return "\(d)d\(two(h))h\(two(m))m" }
        return "\(d / 7)w\(d % 7)d\(two(h))h"
    }

    private static func families(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func lpad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
