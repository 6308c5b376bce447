import FIBNetlink
import NetAddress

/// FIBNetlink's snapshot as the control protocol carries it (`bgpd show fib`): interface
/// indexes get their names, flags become words.
enum FIBView {
    static func reply(_ s: FIBSnapshot) -> FIBReply {
        var names: [UInt32: String?] = [:]
        func hop(_ h: FIBNetlink.FIBNextHop) -> FIBHopEntry {
            let name: String?
            if let known = names[h.interfaceIndex] { name = known } else {
                name = InterfaceNames.name(of: h.interfaceIndex)
                names[h.interfaceIndex] = .some(name)
            }
            return FIBHopEntry(gateway: h.gateway?.description, interface: name, interfaceIndex: h.interfaceIndex,
                               weight: h.weight, onlink: h.onlink)
        }
        let routes = s.routes.map { r -> FIBRouteEntry in
            let type: String
            switch r.kind {
            case .unicast?: type = "unicast"
            case .blackhole?: type = "blackhole"
            case .unreachable?: type = "unreachable"
            case nil: type = "adopted"
            }
            var offload: [String] = []
            if r.offload.contains(.offload) { offload.append("offload") }
            if r.offload.contains(.trap) { offload.append("trap") }
            if r.offload.contains(.offloadFailed) { offload.append("offload-failed") }
            return FIBRouteEntry(prefix: r.prefix.description, type: type, nextHops: r.nextHops.map(hop),
                                 activeNextHops: r.activeNextHops.map(hop), nexthopID: r.nexthopID,
                                 installed: r.installed, stale: r.stale, offload: offload, error: r.error)
        }
        let objects = s.nexthopObjects.map { o in
            FIBNexthopEntry(id: o.id, nextHop: o.nextHop.map(hop),
                            members: o.members?.map { FIBGroupMember(id: $0.id, weight: $0.weight) },
                            activeMembers: o.activeMembers?.map { FIBGroupMember(id: $0.id, weight: $0.weight) },
                            references: o.references, installed: o.installed, error: o.error)
        }
        let st = s.statistics
        return FIBReply(
            table: s.table, metric: s.metric, routeProtocol: Int(s.routeProtocol), mode: s.mode, converged: s.converged,
            totalRoutes: s.totalRoutes, routes: routes, nexthopObjects: objects,
            statistics: FIBStatisticsEntry(messagesSent: st.messagesSent, batchesSent: st.batchesSent, failures: st.failures,
                                           resyncs: st.resyncs, repairs: st.repairs, retries: st.retries,
                                           routesInstalled: st.routesInstalled, objectsInstalled: st.objectsInstalled))
    }
}
