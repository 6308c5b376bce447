import Glibc
import NetAddress

// Planning: which operations bring the kernel to the wanted state, in dependency order, and how
// each result changes the model. The writer calls, in order: planNexthops, planGroups,
// scanRoutes, planRoutes (in chunks), planGarbageGroups, planGarbageNexthops, and reports every
// operation's outcome through `record`.

extension FIBState {
    /// Phase 1: nexthop objects that are wanted but not in the kernel.
    mutating func planNexthops() -> [FIBOperation] {
        readyCache = nil
        flushRefs()
        guard config.useNexthopObjects else { return [] }
        var ops: [FIBOperation] = []
        for id in dirtyObjects.sorted() {
            guard let nh = nexthops[id] else { continue }
            dirtyObjects.remove(id)
            if nh.refs > 0, !nh.present, !(nh.waitingForLink && links[nh.key.interfaceIndex] == false) {
                ops.append(.nexthop(id: id, key: nh.key))
            }
        }
        return ops
    }

    /// Phase 2: groups to create, or to replace in place because their usable members changed.
    /// In multipath mode groups are not kernel objects; a change bumps their version instead,
    /// which makes `scanRoutes` re-send the routes using them.
    mutating func planGroups() -> [FIBOperation] {
        var ops: [FIBOperation] = []
        for id in dirtyObjects.sorted() {
            guard let g = groups[id] else { continue }
            dirtyObjects.remove(id)
            let live = liveMembers(g)
            if !config.useNexthopObjects {
                if g.installed != live {
                    groups[id]?.installed = live
                    groups[id]?.version &+= 1
                    revived.insert(id)
                }
                continue
            }
            guard g.refs > 0 || g.adopted else { continue }
            if live.isEmpty {
                // A group cannot be empty. Routes using it can no longer forward anyway.
                if g.present { ops.append(.deleteObject(id: id)) }
            } else if !g.present || g.installed != live {
                ops.append(.group(id: id, members: live))
            }
        }
        return ops
    }

    /// Brings route entries up to date with objects that appeared or vanished since the last scan
    /// (O(routes), but only after such changes, never per route change).
    mutating func scanRoutes() {
        guard !revived.isEmpty || !lost.isEmpty else { return }
        // Only objects that routes point at directly matter: a next hop used only inside groups
        // changes no route (the group replace covers it), so no walk of a million routes for it.
        // And a new object has no route waiting for it (the routes planned with it are already
        // counted as installed): only objects some route waited for are worth a walk.
        let revived = self.revived.filter {
            hasRouteReferences($0) && (!config.useNexthopObjects || pendingObjects.contains($0))
        }
        let lost = self.lost.filter(hasRouteReferences)
        pendingObjects.subtract(revived)
        self.revived = []
        self.lost = []
        guard !revived.isEmpty || !lost.isEmpty || hasFailedRoutes else { return }
        var dirty: [IPPrefix] = []
        routes.updateAll { prefix, e in
            if e.have.kind == .object, lost.contains(e.have.id) { e.have = .none }
            let touched = e.want.kind == .object && (revived.contains(e.want.id) || lost.contains(e.want.id))
            if (touched && (e.have != e.want || !config.useNexthopObjects))
                || (e.want.kind == .object && e.have != e.want && e.flags.contains(.failed)) {
                if !e.flags.contains(.dirty) {
                    e.flags.insert(.dirty)
                    dirty.append(prefix)
                }
            }
        }
        dirtyRoutes += dirty
    }

    /// Whether any route may point at this object directly (groups: any reference; single next
    /// hops: more references than the groups that contain them).
    private func hasRouteReferences(_ id: UInt32) -> Bool {
        if let g = groups[id] { return g.refs > 0 || g.adopted }
        guard let nh = nexthops[id] else { return false }
        let inGroups = groups.values.reduce(0) { $0 + ($1.members.contains { $0.id == id } ? 1 : 0) }
        return nh.refs > inGroups || nh.adopted
    }

    /// Whether some route's last install failed (they are retried when objects come back).
    private var hasFailedRoutes: Bool { !routeErrors.isEmpty }

    /// Phase 3: up to `limit` route operations from the dirty queue. Each planned install is
    /// recorded as done at once (`have = want`); `record` restores `previous` if it fails.
    mutating func planRoutes(limit: Int) -> [FIBOperation] {
        var ops: [FIBOperation] = []
        ops.reserveCapacity(min(limit, dirtyRoutes.count))
        // Most routes of a batch point at the same object: look its state up once.
        var lastID: UInt32 = 0, lastPresent = false, lastVersion: UInt32 = 0, haveLast = false
        var pending: [(IPPrefix, UInt32)] = []
        while ops.count < limit, let prefix = dirtyRoutes.popLast() {
            let e0 = routes.modify(prefix) { slot -> RouteEntry? in
                slot?.flags.remove(.dirty)
                if let e = slot, e.want.kind == .none, e.have.kind == .none { slot = nil }
                return slot
            }
            guard let e = e0 else { continue }
            var install: RouteTarget?
            var version: UInt32 = 0
            switch e.want.kind {
            case .none:
                if !e.flags.contains(.stale) || converged { ops.append(.deleteRoute(prefix)) }
            case .blackhole:
                if e.have != e.want { install = .blackhole }
            case .unreachable:
                if e.have != e.want { install = .unreachable }
            case .object:
                let id = e.want.id
                if !haveLast || id != lastID {
                    lastID = id
                    haveLast = true
                    if config.useNexthopObjects {
                        lastPresent = nexthops[id]?.present ?? groups[id]?.present ?? false
                    } else {
                        lastPresent = !nextHops(of: id, liveOnly: true).isEmpty
                        lastVersion = groups[id]?.version ?? (usable(id) ? 1 : 0)
                    }
                }
                if !lastPresent {
                    pending.append((prefix, id))
                    if e.have.kind != .none { ops.append(.deleteRoute(prefix)) }
                } else if config.useNexthopObjects {
                    if e.have != e.want { install = .nexthopObject(id) }
                } else if e.have != e.want || e.haveVersion != lastVersion {
                    version = lastVersion
                    install = .inline(nextHops(of: id, liveOnly: true).map {
                        InlineNextHop(gateway: $0.gateway, interfaceIndex: $0.interfaceIndex, weight: $0.weight, onlink: $0.onlink)
                    })
                }
            case .foreign:
                break
            }
            if let install {
                if case .nexthopObject(let id) = install {
                    ops.append(.nexthopRoute(prefix, id: id, previous: e.have))
                } else {
                    ops.append(.route(prefix, install, previous: e.have))
                }
                let hadError = routes.modify(prefix) { slot -> Bool in
                    guard var x = slot else { return false }
                    let failed = x.flags.contains(.failed)
                    x.have = x.want
                    x.haveVersion = version
                    x.flags.remove(.failed)
                    slot = x
                    return failed
                }
                if hadError { routeErrors[prefix] = nil }
            }
        }
        for (prefix, id) in pending { notePending(prefix, objectID: id) }
        return ops
    }

    /// A route cannot be installed because none of its next hops is usable: remember why, once.
    mutating func notePending(_ prefix: IPPrefix, objectID: UInt32) {
        pendingObjects.insert(objectID)
        var cause = nexthops[objectID]?.lastError
        if cause == nil, let g = groups[objectID] {
            for m in g.members { if let e = nexthops[m.id]?.lastError { cause = e; break } }
        }
        let failure = FIBFailure(subject: .route(prefix), operation: "install", errno: cause?.errno ?? ENETDOWN,
                                 message: "no usable next hop" + (cause.map { ": \($0.message)" } ?? " (link down)"),
                                 willRetry: true)
        if routeErrors[prefix]?.message != failure.message {
            routeErrors[prefix] = failure
            pendingFailures.append(failure)
        }
        routes[prefix]?.flags.insert(.failed)
    }

    /// Phase 4a: groups nobody uses.
    mutating func planGarbageGroups() -> [FIBOperation] {
        flushRefs()
        var ops: [FIBOperation] = []
        for id in garbage.sorted() {
            guard let g = groups[id] else { continue }
            if g.refs > 0 { garbage.remove(id); continue }
            if g.adopted && !converged { continue }
            garbage.remove(id)
            if g.present { ops.append(.deleteObject(id: id)) } else { destroyGroup(id) }
        }
        return ops
    }

    /// Phase 4b: nexthop objects nobody uses (after their groups are gone).
    mutating func planGarbageNexthops() -> [FIBOperation] {
        var ops: [FIBOperation] = []
        for id in garbage.sorted() {
            guard let nh = nexthops[id] else { garbage.remove(id); continue }
            if nh.refs > 0 { garbage.remove(id); continue }
            if nh.adopted && !converged { continue }
            garbage.remove(id)
            if nh.present { ops.append(.deleteObject(id: id)) } else { destroyNexthop(id) }
        }
        return ops
    }

    /// Whether there is work left for another plan round.
    var hasWork: Bool { !dirtyRoutes.isEmpty || !dirtyObjects.isEmpty || !revived.isEmpty || !lost.isEmpty || !directOps.isEmpty }

    // MARK: results

    /// Applies the kernel's answer to one operation. `error` is 0 or a positive errno; `message`
    /// is the extended ACK text. Returns a failure to report, if any.
    mutating func record(_ op: FIBOperation, error: Int32, message: String?) -> FIBFailure? {
        var text: String { message ?? String(cString: strerror(error)) }
        switch op {
        case .nexthop(let id, let key):
            if error == 0 {
                nexthops[id]?.present = true
                nexthops[id]?.lastError = nil
                nexthops[id]?.waitingForLink = false
                revived.insert(id)
                markGroupsDirty(containing: id)
                return nil
            }
            let linkDown = error == ENETDOWN || error == ENODEV || links[key.interfaceIndex] == false
            nexthops[id]?.waitingForLink = linkDown
            let hop = FIBNextHop(gateway: key.gateway, interfaceIndex: key.interfaceIndex, onlink: key.onlink)
            let f = FIBFailure(subject: .nexthop(hop), operation: "install", errno: error, message: text, willRetry: linkDown)
            nexthops[id]?.lastError = f
            lost.insert(id)
            markGroupsDirty(containing: id)
            return f
        case .group(let id, let members):
            if error == 0 {
                let wasPresent = groups[id]?.present ?? false
                groups[id]?.present = true
                groups[id]?.installed = members
                groups[id]?.lastError = nil
                if !wasPresent { revived.insert(id) }
                return nil
            }
            let f = FIBFailure(subject: .nexthopObject(id: id), operation: "install", errno: error, message: text, willRetry: false)
            groups[id]?.lastError = f
            return f
        case .deleteObject(let id):
            let gone = error == 0 || error == ENOENT || error == ESRCH
            if !gone {
                return FIBFailure(subject: .nexthopObject(id: id), operation: "remove",
                                  errno: error, message: text, willRetry: false)
            }
            if let g = groups[id] {
                if g.refs <= 0 && (!g.adopted || converged) {
                    destroyGroup(id)
                } else {
                    groups[id]?.present = false
                    groups[id]?.installed = []
                    lost.insert(id)
                }
            } else if nexthops[id] != nil {
                destroyNexthop(id)
            }
            return nil
        case .route(let prefix, _, let previous), .nexthopRoute(let prefix, _, let previous):
            // Planned as installed already; only a failure changes the model.
            if error == 0 { return nil }
            let transient = error == ENOBUFS || error == EBUSY || error == EAGAIN || error == ENOMEM || error == EINTR
            routes.modify(prefix) { slot in
                slot?.have = previous
                slot?.haveVersion = 0
                slot?.flags.insert(.failed)
            }
            if transient { retry.append(prefix) }
            let f = FIBFailure(subject: .route(prefix), operation: "install", errno: error, message: text, willRetry: transient)
            routeErrors[prefix] = f
            return f
        case .deleteRoute(let prefix):
            let gone = error == 0 || error == ESRCH || error == ENOENT
            guard var e = routes[prefix] else { return nil }
            if !gone {
                return FIBFailure(subject: .route(prefix), operation: "remove", errno: error, message: text, willRetry: false)
            }
            e.have = .none
            if e.want.kind == .none { routes[prefix] = nil } else { routes[prefix] = e }
            return nil
        case .l2(_, let subject):
            if error == 0 || (op.isDelete && (error == ENOENT || error == ESRCH)) { return nil }
            return FIBFailure(subject: subject, operation: op.isDelete ? "remove" : "install", errno: error, message: text, willRetry: false)
        }
    }

    mutating func markGroupsDirty(containing id: UInt32) {
        for (gid, g) in groups where g.members.contains(where: { $0.id == id }) { dirtyObjects.insert(gid) }
    }

    /// Queues prefixes that failed transiently for another attempt.
    mutating func requeueRetries() -> Int {
        let r = retry
        retry = []
        for p in r { markDirty(p) }
        return r.count
    }
}

extension FIBOperation {
    var isDelete: Bool {
        switch self {
        case .deleteObject, .deleteRoute: return true
        case .l2(let m, _): return m.header.type == .deleteNeighbor
        default: return false
        }
    }
}
