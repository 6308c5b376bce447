/// `bgpd show fib` for people: one line per route in the style of `ip route`, then the nexthop
/// objects and groups the routes point at, as `ip nexthop` shows them.
extension HumanFormat {
    static func fib(_ f: FIBReply) -> String {
        var out = "FIB: table \(f.table), metric \(f.metric), protocol \(f.routeProtocol), \(f.mode)"
        out += f.converged ? "\n" : ", converging (routes of a previous run kept until the RIB has converged)\n"
        let s = f.statistics
        out += "Routes: \(f.totalRoutes)"
        if f.routes.count < f.totalRoutes { out += " (showing \(f.routes.count))" }
        out += "; installed \(s.routesInstalled), nexthop objects \(s.objectsInstalled); netlink: \(s.messagesSent) messages"
        out += " in \(s.batchesSent) batches, \(s.failures) failures, \(s.repairs) repairs, \(s.resyncs) resyncs\n\n"
        for r in f.routes { out += route(r) + "\n" }
        if !f.nexthopObjects.isEmpty {
            out += "\nNexthop objects:\n"
            for o in f.nexthopObjects { out += "  " + nexthop(o) + "\n" }
        }
        return out
    }

    static func route(_ r: FIBRouteEntry) -> String {
        var s = r.type == "unicast" || r.type == "adopted" ? r.prefix : "\(r.type) \(r.prefix)"
        if let id = r.nexthopID { s += " nhid \(id)" }
        if !r.nextHops.isEmpty { s += " " + r.nextHops.map(hop).joined(separator: ", ") }
        if r.installed && r.activeNextHops.count < r.nextHops.count {
            s += " (active: \(r.activeNextHops.map(hop).joined(separator: ", ")))"
        }
        if !r.offload.isEmpty { s += " [" + r.offload.joined(separator: ",") + "]" }
        if r.stale { s += " (stale: left by a previous run)" } else if !r.installed {
            s += " (not installed" + (r.error.map { ": \($0)" } ?? "") + ")"
        }
        return s
    }

    static func hop(_ h: FIBHopEntry) -> String {
        var s = h.gateway.map { "via \($0) " } ?? ""
        s += "dev \(h.interface ?? "#\(h.interfaceIndex)")"
        if h.weight != 1 { s += " weight \(h.weight)" }
        if h.onlink { s += " onlink" }
        return s
    }

    static func nexthop(_ o: FIBNexthopEntry) -> String {
        var s = "id \(o.id)"
        if let h = o.nextHop { s += " " + hop(h) }
        if let m = o.members {
            s += " group " + m.map { $0.weight == 1 ? "\($0.id)" : "\($0.id),\($0.weight)" }.joined(separator: "/")
            if let a = o.activeMembers, a != m { s += " (active: " + a.map { "\($0.id)" }.joined(separator: "/") + ")" }
        }
        s += ", \(o.references) users"
        if !o.installed { s += " (not installed" + (o.error.map { ": \($0)" } ?? "") + ")" }
        return s
    }
}
