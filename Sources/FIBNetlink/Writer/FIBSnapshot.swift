import NetAddress

// The read-only view behind `bgpd show fib [--json]`: a Sendable value copied out of the writer,
// so the control socket can format it on any thread while the writer carries on.

/// A point-in-time view of the writer's routes and nexthop objects.
public struct FIBSnapshot: Sendable, Hashable {
    /// One of our routes.
    public struct Route: Sendable, Hashable {
        public var prefix: IPPrefix
        /// What the RIB asked for; nil for a route left by a previous run that nobody claimed yet.
        public var kind: FIBRouteKind?
        /// The wanted next hops (empty for blackhole/unreachable).
        public var nextHops: [FIBNextHop]
        /// The next hops the kernel forwards to now (a group shrinks while a link is down).
        public var activeNextHops: [FIBNextHop]
        /// The nexthop object or group the route points at (RTA_NH_ID), if any.
        public var nexthopID: UInt32?
        /// The kernel holds the route as wanted.
        public var installed: Bool
        /// Left by a previous run and not (yet) claimed; removed at convergence.
        public var stale: Bool
        public var offload: FIBOffloadFlags
        /// Why the last attempt failed, if it did.
        public var error: String?
    }

    /// A nexthop object or group of ours.
    public struct NexthopObject: Sendable, Hashable {
        public var id: UInt32
        /// Set for a single next hop.
        public var nextHop: FIBNextHop?
        /// Set for a group: the wanted members (id, weight).
        public var members: [NexthopGroupMember]?
        /// For a group: the members the kernel's group holds now.
        public var activeMembers: [NexthopGroupMember]?
        /// Routes (and, for single next hops, groups) using it.
        public var references: Int
        public var installed: Bool
        public var error: String?
    }

    /// Routes, sorted by prefix (IPv4 first). May be cut to a limit; see `totalRoutes`.
    public var routes: [Route]
    /// The number of routes in the writer, whatever the limit.
    public var totalRoutes: Int
    public var nexthopObjects: [NexthopObject]
    public var statistics: FIBStatistics
    public var table: UInt32
    public var metric: UInt32
    public var routeProtocol: UInt8
    /// "nexthop-objects" or "multipath".
    public var mode: String
    /// Whether stale routes from a previous run have been removed.
    public var converged: Bool
}

/// Counters of the writer's work, for `show fib` and metrics.
public struct FIBStatistics: Sendable, Hashable {
    /// Netlink requests sent (routes, nexthop objects, groups, deletes, FDB/neighbours).
    public var messagesSent = 0
    /// sendmsg(2) calls.
    public var batchesSent = 0
    /// Requests the kernel refused, plus routes left without a usable next hop.
    public var failures = 0
    /// Full re-reads of the kernel after ENOBUFS (or on request).
    public var resyncs = 0
    /// Objects or routes of ours that someone else removed and the writer put back.
    public var repairs = 0
    /// Routes retried after a transient error.
    public var retries = 0
    /// Routes the kernel holds as wanted.
    public var routesInstalled = 0
    /// Nexthop objects and groups the kernel holds.
    public var objectsInstalled = 0
    public init() {}
}

extension FIBState {
    func snapshot(matching filter: (IPPrefix) -> Bool, limit: Int, statistics: FIBStatistics) -> FIBSnapshot {
        var out: [FIBSnapshot.Route] = []
        var installed = 0
        routes.forEach { prefix, e in
            if e.want.kind != .none && e.have == e.want { installed += 1 }
            guard filter(prefix) else { return }
            let kind: FIBRouteKind?
            switch e.want.kind {
            case .object: kind = .unicast
            case .blackhole: kind = .blackhole
            case .unreachable: kind = .unreachable
            case .none, .foreign: kind = nil
            }
            let objectID: UInt32? = e.want.kind == .object ? e.want.id : (e.have.kind == .object ? e.have.id : nil)
            let active: [FIBNextHop]
            if let id = objectID, e.have.kind == .object, let g = groups[id], config.useNexthopObjects {
                active = g.installed.compactMap { m in
                    nexthops[m.id].map { FIBNextHop(gateway: $0.key.gateway, interfaceIndex: $0.key.interfaceIndex, weight: m.weight, onlink: $0.key.onlink) }
                }
            } else if let id = objectID, e.have.kind == .object {
                active = nextHops(of: id, liveOnly: true)
            } else {
                active = []
            }
            out.append(FIBSnapshot.Route(
                prefix: prefix, kind: kind, nextHops: objectID.map { nextHops(of: $0, liveOnly: false) } ?? [],
                activeNextHops: active, nexthopID: config.useNexthopObjects ? objectID : nil,
                installed: e.want.kind != .none && e.have == e.want, stale: e.flags.contains(.stale), offload: e.offload,
                error: routeErrors[prefix]?.message))
        }
        out.sort { $0.prefix < $1.prefix }
        let total = out.count
        if out.count > limit { out.removeLast(out.count - limit) }
        var objects: [FIBSnapshot.NexthopObject] = []
        for (id, nh) in nexthops {
            objects.append(FIBSnapshot.NexthopObject(
                id: id, nextHop: FIBNextHop(gateway: nh.key.gateway, interfaceIndex: nh.key.interfaceIndex, onlink: nh.key.onlink),
                members: nil, activeMembers: nil, references: nh.refs, installed: nh.present, error: nh.lastError?.message))
        }
        for (id, g) in groups {
            objects.append(FIBSnapshot.NexthopObject(id: id, nextHop: nil, members: g.members, activeMembers: g.installed,
                                                     references: g.refs, installed: g.present, error: g.lastError?.message))
        }
        objects.sort { $0.id < $1.id }
        var stats = statistics
        stats.routesInstalled = installed
        stats.objectsInstalled = objects.filter(\.installed).count
        return FIBSnapshot(routes: out, totalRoutes: total, nexthopObjects: objects, statistics: stats, table: config.table,
                           metric: config.metric, routeProtocol: config.routeProtocol.rawValue,
                           mode: config.useNexthopObjects ? "nexthop-objects" : "multipath", converged: converged)
    }
}

extension FIBSnapshot.Route: CustomStringConvertible {
    /// One line in the style of `ip route`, e.g.
    /// `10.0.0.0/24 nhid 186000003 via fe80::2 dev #2 weight 1, via fe80::3 dev #3 weight 1 [offload]`.
    public var description: String {
        var s = prefix.description
        switch kind {
        case .blackhole?: s = "blackhole " + s
        case .unreachable?: s = "unreachable " + s
        default: break
        }
        if let id = nexthopID { s += " nhid \(id)" }
        if !nextHops.isEmpty { s += " " + nextHops.map(\.description).joined(separator: ", ") }
        if activeNextHops.count < nextHops.count && installed { s += " (active: \(activeNextHops.count)/\(nextHops.count))" }
        if offload.contains(.offload) { s += " [offload]" }
        if offload.contains(.trap) { s += " [trap]" }
        if offload.contains(.offloadFailed) { s += " [offload failed]" }
        if stale { s += " (stale)" } else if !installed { s += " (not installed\(error.map { ": \($0)" } ?? ""))" }
        return s
    }
}
