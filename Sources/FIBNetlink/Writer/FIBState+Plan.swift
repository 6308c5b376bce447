import Glibc
import NetAddress

// Planning: which operations bring the kernel to the wanted state, in dependency order, and how
// each result changes the model. The writer calls, in order: planNexthops, planGroups,
// scanRoutes, planRoutes (in chunks), planGarbageGroups, planGarbageNexthops, and reports every
// operation's outcome through `record`.

extension FIBState {
    /// Phase 1: nexthop objects that are wanted but not in the kernel.
    mutating func planNexthops() -> [FIBOperation] {
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
        let revived = self.revived, lost = self.lost
        self.revived = []
        self.lost = []
        var dirty: [IPPrefix] = []
        routes.updateAll { prefix, e in
            if e.have.kind == .object, lost.contains(e.have.id) { e.have = .none }
            let touched = e.want.kind == .object && (revived.contains(e.want.id) || lost.contains(e.want.id))
            if touched || (e.want.kind == .object && e.have != e.want && e.flags.contains(.failed)) {
                if !e.flags.contains(.dirty) {
                    e.flags.insert(.dirty)
                    dirty.append(prefix)
                }
            }
        }
        dirtyRoutes += dirty
    }

    /// Phase 3: up to `limit` route operations from the dirty queue.
    mutating func planRoutes(limit: Int) -> [FIBOperation] {
        var ops: [FIBOperation] = []
        ops.reserveCapacity(min(limit, dirtyRoutes.count))
        while ops.count < limit, let prefix = dirtyRoutes.popLast() {
            guard var e = routes[prefix] else { continue }
            e.flags.remove(.dirty)
            routes[prefix] = e
            switch e.want.kind {
            case .none:
                if e.have.kind == .none {
                    routes[prefix] = nil
                } else if !e.flags.contains(.stale) || converged {
                    ops.append(.deleteRoute(prefix))
                }
            case .blackhole:
                if e.have != e.want { ops.append(.route(prefix, .blackhole)) }
            case .unreachable:
                if e.have != e.want { ops.append(.route(prefix, .unreachable)) }
            case .object:
                let id = e.want.id
                if config.useNexthopObjects {
                    let present = nexthops[id]?.present ?? groups[id]?.present ?? false
                    if present {
                        if e.have != e.want { ops.append(.route(prefix, .nexthopObject(id))) }
                    } else {
                        notePending(prefix, objectID: id)
                        if e.have.kind != .none { ops.append(.deleteRoute(prefix)) }
                    }
                } else {
                    let hops = nextHops(of: id, liveOnly: true)
                    let version = groups[id]?.version ?? (usable(id) ? 1 : 0)
                    if hops.isEmpty {
                        notePending(prefix, objectID: id)
                        if e.have.kind != .none { ops.append(.deleteRoute(prefix)) }
                    } else if e.have != e.want || e.haveVersion != version {
                        ops.append(.route(prefix, .inline(hops.map {
                            InlineNextHop(gateway: $0.gateway, interfaceIndex: $0.interfaceIndex, weight: $0.weight, onlink: $0.onlink)
                        })))
                    }
                }
            case .foreign:
                break
            }
        }
        return ops
    }

    /// A route cannot be installed because none of its next hops is usable: remember why, once.
    private mutating func notePending(_ prefix: IPPrefix, objectID: UInt32) {
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
    var hasWork: Bool { !dirtyRoutes.isEmpty || !dirtyObjects.isEmpty || !revived.isEmpty || !lost.isEmpty }

    // MARK: results

    /// Applies the kernel's answer to one operation. `error` is 0 or a positive errno; `message`
    /// is the extended ACK text. Returns a failure to report, if any.
    mutating func record(_ op: FIBOperation, error: Int32, message: String?) -> FIBFailure? {
        let text = message ?? (error == 0 ? "" : String(cString: strerror(error)))
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
            let f = FIBFailure(subject: .group(id: id), operation: "install", errno: error, message: text, willRetry: false)
            groups[id]?.lastError = f
            return f
        case .deleteObject(let id):
            let gone = error == 0 || error == ENOENT || error == ESRCH
            if !gone {
                return FIBFailure(subject: groups[id] != nil ? .group(id: id) : .group(id: id), operation: "remove",
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
        case .route(let prefix, _):
            guard var e = routes[prefix] else { return nil }
            if error == 0 {
                e.have = e.want
                e.haveVersion = e.want.kind == .object ? (groups[e.want.id]?.version ?? (usable(e.want.id) ? 1 : 0)) : 0
                e.flags.remove(.failed)
                routes[prefix] = e
                routeErrors[prefix] = nil
                return nil
            }
            let transient = error == ENOBUFS || error == EBUSY || error == EAGAIN || error == ENOMEM || error == EINTR
            e.flags.insert(.failed)
            routes[prefix] = e
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
