import NetAddress

// FIBState: the writer's model of the kernel FIB, as a value type that does no I/O.
//
// For every prefix it holds what we want (`want`) and what we believe the kernel has (`have`).
// Next hops are shared kernel objects: one nexthop object per (gateway, interface), one group per
// distinct set of members with weights (a single next hop too), reference counted by the routes
// (and groups) using them. Routes point at groups; a group whose routes all move together takes
// the new members in place (`applyMigrations`).
// The writer asks the model for operations in dependency order (nexthops, groups, routes, then
// garbage), sends them, and reports each result back; link events and kernel notifications
// also come in here. Because it is a plain value, every decision is unit-testable without a kernel.
//
// Invariants:
//  - an object with refs > 0 is never deleted; one with refs == 0 is deleted (after convergence
//    when it was adopted from a previous run);
//  - a group's kernel membership is always its wanted members whose nexthop objects exist
//    (link up), so a link going down shrinks every group that used it with one message per group;
//  - routes are replaced in place (NLM_F_REPLACE), never deleted and re-added.

/// Identity of a single nexthop object.
struct NexthopKey: Hashable {
    var gateway: IPAddress?
    var interfaceIndex: UInt32
    var onlink: Bool
    /// Family of the object: the gateway's, or for a device-only next hop the route's.
    var v6: Bool

    init(_ hop: FIBNextHop, routeIsV4: Bool) {
        gateway = hop.gateway
        interfaceIndex = hop.interfaceIndex
        onlink = hop.onlink
        v6 = hop.gateway.map { !$0.isV4 } ?? !routeIsV4
    }

    init(gateway: IPAddress?, interfaceIndex: UInt32, onlink: Bool, v6: Bool) {
        self.gateway = gateway
        self.interfaceIndex = interfaceIndex
        self.onlink = onlink
        self.v6 = v6
    }
}

struct NexthopObject {
    let id: UInt32
    let key: NexthopKey
    /// Routes and groups using it.
    var refs = 0
    /// The kernel holds it (as far as we know).
    var present = false
    /// Found at start-up; kept until convergence even when unused.
    var adopted = false
    /// Indexed by key (false for duplicates found at start-up, which are only cleaned up).
    var indexed = true
    /// The kernel removed it or refused it because its link is down: re-create on link up.
    var waitingForLink = false
    var lastError: FIBFailure?
}

struct GroupObject {
    let id: UInt32
    /// Wanted members, sorted by id.
    let members: [NexthopGroupMember]
    var refs = 0
    var present = false
    /// What the kernel's group holds (the wanted members whose objects exist).
    var installed: [NexthopGroupMember] = []
    var adopted = false
    var indexed = true
    /// Multipath mode: bumped whenever the usable member set changes.
    var version: UInt32 = 0
    var lastError: FIBFailure?
}

struct FIBState {
    let config: FIBConfiguration
    var routes = RouteMap()
    var dirtyRoutes: [IPPrefix] = []
    var nexthops: [UInt32: NexthopObject] = [:]
    var nexthopByKey: [NexthopKey: UInt32] = [:]
    var groups: [UInt32: GroupObject] = [:]
    var groupByMembers: [[NexthopGroupMember]: UInt32] = [:]
    /// Objects to look at in the next plan.
    var dirtyObjects: Set<UInt32> = []
    /// Objects whose refs reached zero.
    var garbage: Set<UInt32> = []
    /// Ids in our range that belong to someone else (another protocol); never used or touched.
    var reserved: Set<UInt32> = []
    /// Link usability by index (up and carrier). Unknown links count as usable.
    var links: [UInt32: Bool] = [:]
    /// Objects that became present / were removed by the kernel since the last route scan.
    var revived: Set<UInt32> = []
    var lost: Set<UInt32> = []
    /// Objects some route is waiting for (its install was held back because they were missing).
    var pendingObjects: Set<UInt32> = []
    /// Routes whose last install failed, with why.
    var routeErrors: [IPPrefix: FIBFailure] = [:]
    /// Prefixes to try again after a transient error.
    var retry: [IPPrefix] = []
    /// Group-to-group moves of the current batch (see `applyMigrations`).
    var migrations: [Migration: Int] = [:]
    /// Route operations planned directly by `set` (see `takeDirectOps`).
    var directOps: [FIBOperation] = []
    var readyCache: (id: UInt32, ready: Bool)?
    /// The next hops of the last `set` and the object they resolved to.
    private var lastHops: [FIBNextHop] = []
    private var lastHopsV4 = false
    private var lastHopsID: UInt32 = 0
    private var lastHopsValid = false
    /// References taken through `lastHops` and not yet added to the object.
    private var lastHopsRefs = 0
    /// Failures found while planning (routes with no usable next hop), for the writer to report.
    var pendingFailures: [FIBFailure] = []
    var converged = false
    private var cursor: UInt32

    init(config: FIBConfiguration) {
        self.config = config
        cursor = config.nexthopIDs.lowerBound
    }

    // MARK: desired state

    /// Makes `route` the wanted state of its prefix. Returns a failure if the route is invalid.
    mutating func set(_ route: FIBRoute) -> FIBFailure? {
        let want: Target
        switch route.kind {
        case .blackhole: want = .blackhole
        case .unreachable: want = .unreachable
        case .unicast:
            let v4 = route.prefix.isV4
            // Routes of one batch mostly share their next hops (one UPDATE, many prefixes):
            // the last set's object is reused without building keys again.
            if lastHopsValid && lastHopsV4 == v4 && lastHops == route.nextHops {
                // Counted here and added to the object in one go (`flushRefs`).
                lastHopsRefs += 1
                want = .object(lastHopsID)
                break
            }
            flushRefs()
            var hops: [FIBNextHop] = []
            for h in route.nextHops where !hops.contains(where: { $0.gateway == h.gateway && $0.interfaceIndex == h.interfaceIndex }) {
                hops.append(h)
            }
            if hops.isEmpty {
                return FIBFailure(subject: .route(route.prefix), operation: "install", errno: 22,
                                  message: "a unicast route needs at least one next hop", willRetry: false)
            }
            if !v4, let bad = hops.first(where: { $0.gateway?.isV4 == true }) {
                return FIBFailure(subject: .route(route.prefix), operation: "install", errno: 22,
                                  message: "an IPv6 route cannot use the IPv4 gateway \(bad.gateway.map { "\($0)" } ?? "")", willRetry: false)
            }
            // With nexthop objects every route points at a group, a single next hop included, so
            // that its set can later change in place (FRR PR #22111: a singleton object cannot
            // grow into a group without a new id). Groups are shared, so there is one singleton
            // group per next hop (PR #20023). Multipath mode uses the next hop directly.
            let single = hops.count == 1 && !config.useNexthopObjects
            guard let id = single ? acquireNexthop(NexthopKey(hops[0], routeIsV4: v4)) : acquireGroup(hops, routeIsV4: v4) else {
                return FIBFailure(subject: .route(route.prefix), operation: "install", errno: 28,
                                  message: "no free nexthop id in \(config.nexthopIDs)", willRetry: false)
            }
            want = .object(id)
            lastHops = route.nextHops
            lastHopsV4 = v4
            lastHopsID = id
            lastHopsValid = true
        }
        // With nexthop objects, a route whose object exists (or is about to be created in this
        // sync) is planned right here, in the same lookup: this is the hot path of big batches.
        let direct: Bool
        switch want.kind {
        case .object: direct = config.useNexthopObjects && objectReady(want.id)
        case .blackhole, .unreachable: direct = true
        default: direct = false
        }
        var old = Target.none
        var queued = false
        var op: FIBOperation?
        var clearedError = false
        routes.modify(route.prefix) { slot in
            var e = slot ?? RouteEntry(want: .none, have: .none)
            old = e.want
            e.want = want
            e.flags.remove(.stale)
            if direct && !e.flags.contains(.dirty) {
                if e.have != want {
                    switch want.kind {
                    case .object: op = .nexthopRoute(route.prefix, id: want.id, previous: e.have)
                    case .blackhole: op = .route(route.prefix, .blackhole, previous: e.have)
                    default: op = .route(route.prefix, .unreachable, previous: e.have)
                    }
                    e.have = want
                }
                clearedError = e.flags.contains(.failed)
                e.flags.remove(.failed)
            } else if !e.flags.contains(.dirty) {
                e.flags.insert(.dirty)
                queued = true
            }
            slot = e
        }
        if let op { directOps.append(op) }
        if clearedError { routeErrors[route.prefix] = nil }
        if queued { dirtyRoutes.append(route.prefix) }
        if old.kind == .object && want.kind == .object && old.id != want.id && config.useNexthopObjects {
            migrations[Migration(from: old.id, to: want.id), default: 0] += 1
        }
        release(old)
        return nil
    }

    /// Routes of a batch that moved from one group to another, counted per pair.
    struct Migration: Hashable {
        var from: UInt32
        var to: UInt32
    }

    /// When every route of group G moved, in this batch, to the same new set whose group N exists
    /// only for them (and is not in the kernel yet), G takes N's members in place: one group
    /// replace under G's id, and not a single route message (a peer going down, or a single next
    /// hop growing into ECMP: FRR issue #19's cases). N is forgotten; its routes point at G again.
    mutating func applyMigrations() {
        guard !migrations.isEmpty else { return }
        flushRefs()
        let moves = migrations
        migrations = [:]
        var renamed: [UInt32: UInt32] = [:]
        for (m, count) in moves {
            guard let g = groups[m.from], let n = groups[m.to], renamed[m.to] == nil, !renamed.values.contains(m.from),
                  g.refs == 0, n.refs == count, !n.present, !n.adopted, g.present, !g.adopted else { continue }
            if g.indexed, groupByMembers[g.members] == g.id { groupByMembers[g.members] = nil }
            groups[n.id] = nil               // N's references on its members now belong to G
            var moved = GroupObject(id: g.id, members: n.members)
            moved.refs = n.refs
            moved.present = true
            moved.installed = g.installed
            moved.version = g.version &+ 1
            moved.indexed = n.indexed
            groups[g.id] = moved
            if n.indexed { groupByMembers[n.members] = g.id }
            for mem in g.members { releaseObject(mem.id) }   // G's old members
            garbage.remove(g.id)
            garbage.remove(n.id)
            dirtyObjects.remove(n.id)
            dirtyObjects.insert(g.id)
            renamed[n.id] = g.id
        }
        guard !renamed.isEmpty else { return }
        lastHopsValid = false
        readyCache = nil
        var kept: [FIBOperation] = []
        kept.reserveCapacity(directOps.count)
        for op in directOps {
            guard case .nexthopRoute(let prefix, let id, let previous) = op, let g = renamed[id] else { kept.append(op); continue }
            routes.modify(prefix) { slot in
                slot?.want = .object(g)
                slot?.have = .object(g)
            }
            if previous != .object(g) { kept.append(.nexthopRoute(prefix, id: g, previous: previous)) }
        }
        directOps = kept
        for prefix in dirtyRoutes {
            routes.modify(prefix) { slot in
                if let w = slot?.want, w.kind == .object, let g = renamed[w.id] { slot?.want = .object(g) }
            }
        }
    }

    /// Whether an object exists in the kernel or will be created before routes are sent.
    private mutating func objectReady(_ id: UInt32) -> Bool {
        if let c = readyCache, c.id == id { return c.ready }
        let ready: Bool
        if let nh = nexthops[id] {
            ready = nh.present || (dirtyObjects.contains(id) && !(nh.waitingForLink && links[nh.key.interfaceIndex] == false))
        } else if let g = groups[id] {
            ready = g.present || dirtyObjects.contains(id)
        } else {
            ready = false
        }
        readyCache = (id, ready)
        return ready
    }

    /// Routes planned by `set`, sent once the objects they need exist. An operation whose object
    /// could not be created is taken back (the route waits for its next hops, as in `planRoutes`).
    mutating func takeDirectOps() -> [FIBOperation] {
        readyCache = nil
        guard !directOps.isEmpty else { return [] }
        var ops: [FIBOperation] = []
        swap(&ops, &directOps)
        // Usually every object was created: then the list goes out as it is.
        var missing: Set<UInt32> = []
        var checked: Set<UInt32> = []
        var lastID: UInt32 = 0
        for op in ops {
            guard case .nexthopRoute(_, let id, _) = op, id != lastID else { continue }
            lastID = id
            if checked.insert(id).inserted, !(nexthops[id]?.present ?? groups[id]?.present ?? false) { missing.insert(id) }
        }
        if missing.isEmpty { return ops }
        var kept: [FIBOperation] = []
        kept.reserveCapacity(ops.count)
        for op in ops {
            if case .nexthopRoute(let prefix, let id, let previous) = op, missing.contains(id) {
                routes.modify(prefix) { $0?.have = previous }
                notePending(prefix, objectID: id)
            } else {
                kept.append(op)
            }
        }
        return kept
    }

    /// Adds the references counted by `set`'s fast path to their object. Anything that reads or
    /// changes reference counts calls this first.
    mutating func flushRefs() {
        guard lastHopsRefs > 0 else { return }
        let n = lastHopsRefs
        lastHopsRefs = 0
        if (groups[lastHopsID]?.refs += n) != nil { return }
        nexthops[lastHopsID]?.refs += n
    }

    /// Removes the wanted state of a prefix (the kernel route goes in the next plan).
    mutating func remove(_ prefix: IPPrefix) {
        guard var entry = routes[prefix] else { return }
        let old = entry.want
        entry.want = .none
        entry.flags.remove(.stale)
        routes[prefix] = entry
        release(old)
        routeErrors[prefix] = nil
        markDirty(prefix)
    }

    mutating func markDirty(_ prefix: IPPrefix) {
        let queued = routes.modify(prefix) { slot -> Bool in
            guard var e = slot, !e.flags.contains(.dirty) else { return false }
            e.flags.insert(.dirty)
            slot = e
            return true
        }
        if queued { dirtyRoutes.append(prefix) }
    }

    // MARK: objects and reference counts

    private mutating func allocateID() -> UInt32? {
        let range = config.nexthopIDs
        let span = UInt64(range.upperBound) - UInt64(range.lowerBound) + 1
        var tries: UInt64 = 0
        while tries < span {
            let id = cursor
            cursor = cursor == range.upperBound ? range.lowerBound : cursor + 1
            tries += 1
            if nexthops[id] == nil && groups[id] == nil && !reserved.contains(id) { return id }
        }
        return nil
    }

    /// Takes a reference on the nexthop object for `key`, creating it in the model if needed.
    mutating func acquireNexthop(_ key: NexthopKey) -> UInt32? {
        if let id = nexthopByKey[key] {
            nexthops[id]?.refs += 1
            return id
        }
        guard let id = allocateID() else { return nil }
        var nh = NexthopObject(id: id, key: key)
        nh.refs = 1
        nexthops[id] = nh
        nexthopByKey[key] = id
        dirtyObjects.insert(id)
        return id
    }

    /// Takes a reference on the group for these next hops, creating it (and its members) if needed.
    mutating func acquireGroup(_ hops: [FIBNextHop], routeIsV4: Bool) -> UInt32? {
        var members: [NexthopGroupMember] = []
        var known = true
        for h in hops {
            guard let id = nexthopByKey[NexthopKey(h, routeIsV4: routeIsV4)] else { known = false; break }
            members.append(NexthopGroupMember(id: id, weight: h.weight))
        }
        if known {
            members.sort { $0.id < $1.id }
            if let gid = groupByMembers[members] {
                groups[gid]?.refs += 1
                return gid
            }
        }
        // A new group holds one reference on each member.
        members = []
        for h in hops {
            guard let id = acquireNexthop(NexthopKey(h, routeIsV4: routeIsV4)) else {
                for m in members { releaseObject(m.id) }
                return nil
            }
            members.append(NexthopGroupMember(id: id, weight: h.weight))
        }
        members.sort { $0.id < $1.id }
        guard let gid = allocateID() else {
            for m in members { releaseObject(m.id) }
            return nil
        }
        var g = GroupObject(id: gid, members: members)
        g.refs = 1
        groups[gid] = g
        groupByMembers[members] = gid
        dirtyObjects.insert(gid)
        return gid
    }

    mutating func release(_ target: Target) {
        if target.kind == .object {
            flushRefs()
            releaseObject(target.id)
        }
    }

    mutating func releaseObject(_ id: UInt32) {
        if groups[id] != nil {
            groups[id]?.refs -= 1
            if groups[id]?.refs ?? 0 <= 0 { garbage.insert(id) }
        } else if nexthops[id] != nil {
            nexthops[id]?.refs -= 1
            if nexthops[id]?.refs ?? 0 <= 0 { garbage.insert(id) }
        }
    }

    /// Forgets a group the kernel no longer has and that nobody uses; releases its members.
    mutating func destroyGroup(_ id: UInt32) {
        flushRefs()
        guard let g = groups.removeValue(forKey: id) else { return }
        lastHopsValid = false   // its id may be reused
        if g.indexed, groupByMembers[g.members] == id { groupByMembers[g.members] = nil }
        for m in g.members { releaseObject(m.id) }
    }

    mutating func destroyNexthop(_ id: UInt32) {
        flushRefs()
        guard let nh = nexthops.removeValue(forKey: id) else { return }
        lastHopsValid = false
        if nh.indexed, nexthopByKey[nh.key] == id { nexthopByKey[nh.key] = nil }
    }

    /// Whether a nexthop object can be used in a group or by a route right now.
    func usable(_ id: UInt32) -> Bool {
        guard let nh = nexthops[id] else { return false }
        if config.useNexthopObjects { return nh.present }
        return links[nh.key.interfaceIndex] ?? true
    }

    /// The members a group should have in the kernel right now.
    func liveMembers(_ g: GroupObject) -> [NexthopGroupMember] {
        g.members.filter { usable($0.id) }
    }

    /// The next hops of a model object, for snapshots and inline (multipath-mode) routes.
    func nextHops(of id: UInt32, liveOnly: Bool) -> [FIBNextHop] {
        if let nh = nexthops[id] {
            if liveOnly && !usable(id) { return [] }
            return [FIBNextHop(gateway: nh.key.gateway, interfaceIndex: nh.key.interfaceIndex, onlink: nh.key.onlink)]
        }
        guard let g = groups[id] else { return [] }
        return g.members.compactMap { m in
            guard let nh = nexthops[m.id], !liveOnly || usable(m.id) else { return nil }
            return FIBNextHop(gateway: nh.key.gateway, interfaceIndex: nh.key.interfaceIndex, weight: m.weight, onlink: nh.key.onlink)
        }
    }
}
