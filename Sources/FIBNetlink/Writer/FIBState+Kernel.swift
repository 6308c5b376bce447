import NetAddress

// What the kernel tells the model: link state changes, changes others made to our objects and
// routes, and full dumps (start-up adoption and resynchronisation after ENOBUFS).

extension FIBState {
    /// A link's usability changed (or it was removed: `usable` false). On Linux a link going down
    /// (admin down, or carrier loss) makes the kernel delete every nexthop object on it, shrink
    /// the groups that used them and drop routes left without a next hop, all without notifying
    /// us. The model follows: those objects are gone, their groups are re-planned with the members
    /// that remain (one group replace each), and on link up everything is put back.
    mutating func linkChanged(index: UInt32, usable: Bool) {
        flushRefs()
        let old = links[index]
        links[index] = usable
        guard old != usable else { return }
        var touched: [UInt32] = []
        for (id, nh) in nexthops where nh.key.interfaceIndex == index {
            touched.append(id)
            if !config.useNexthopObjects { continue }
            if usable {
                // Also when the link is new to us (created after a next hop on it failed).
                if (nh.refs > 0 || nh.adopted) && !nh.present {
                    nexthops[id]?.waitingForLink = false
                    dirtyObjects.insert(id)
                }
            } else if nh.present {
                nexthops[id]?.present = false
                nexthops[id]?.waitingForLink = true
                lost.insert(id)
            }
        }
        for id in touched {
            if !config.useNexthopObjects { revived.insert(id) }
            markGroupsDirty(containing: id)
        }
        if config.useNexthopObjects && !usable { noteGroupsEmptiedByKernel() }
    }

    /// The kernel deletes a group when its last member goes; mark such groups (and so their
    /// routes) as gone.
    mutating func noteGroupsEmptiedByKernel() {
        for (gid, g) in groups where g.present && !g.installed.isEmpty {
            if g.installed.allSatisfy({ nexthops[$0.id]?.present != true }) {
                groups[gid]?.present = false
                groups[gid]?.installed = []
                lost.insert(gid)
                dirtyObjects.insert(gid)
            }
        }
    }

    /// Someone else deleted one of our nexthop objects or groups (RTM_DELNEXTHOP not caused by
    /// us). The kernel also removed the routes that used it. Returns whether it was ours.
    mutating func objectDeletedByOthers(_ id: UInt32) -> Bool {
        if nexthops[id] != nil {
            nexthops[id]?.present = false
            lost.insert(id)
            dirtyObjects.insert(id)
            markGroupsDirty(containing: id)
            noteGroupsEmptiedByKernel()
            return true
        }
        if groups[id] != nil {
            groups[id]?.present = false
            groups[id]?.installed = []
            lost.insert(id)
            dirtyObjects.insert(id)
            return true
        }
        return false
    }

    /// Someone else created or replaced one of our objects: remember what the kernel now has so
    /// that the next plan puts back what we want.
    mutating func objectChangedByOthers(_ m: NexthopMessage) {
        guard let id = m.id else { return }
        if groups[id] != nil {
            groups[id]?.present = true
            groups[id]?.installed = (m.group ?? []).sorted { $0.id < $1.id }
            dirtyObjects.insert(id)
        } else if let nh = nexthops[id] {
            let same = m.gateway == nh.key.gateway && m.outputInterface == nh.key.interfaceIndex
            nexthops[id]?.present = same
            dirtyObjects.insert(id)
        }
    }

    /// A route of ours changed in the kernel for another reason than our request (someone's
    /// `ip route`, the kernel, or an offload flag change by a driver). Returns the new offload
    /// flags when they changed.
    mutating func routeChangedInKernel(_ m: RouteSummary, deleted: Bool) -> FIBOffloadFlags? {
        let prefix = m.destination
        guard var e = routes[prefix] else {
            // Not ours (any more): remove it once converged, leave it alone before.
            if !deleted {
                routes[prefix] = RouteEntry(want: .none, have: target(of: m), flags: converged ? [] : .stale)
                if converged { markDirty(prefix) }
            }
            return nil
        }
        let oldOffload = e.offload
        e.have = deleted ? .none : target(of: m)
        if !deleted { e.setOffload(FIBOffloadFlags(m.flags)) }
        routes[prefix] = e
        if e.have != e.want { markDirty(prefix) }
        let newOffload = e.offload
        return !deleted && newOffload != oldOffload ? newOffload : nil
    }

    /// How a kernel route message maps to a target in our model.
    func target(of m: RouteSummary) -> Target {
        switch m.type {
        case .blackhole: return .blackhole
        case .unreachable: return .unreachable
        default:
            if let id = m.nexthopID, nexthops[id] != nil || groups[id] != nil { return .object(id) }
            return Target(kind: .foreign, id: 0)
        }
    }

    /// Whether a route message is one of ours (protocol, table, metric).
    func isOurs(_ m: RouteSummary) -> Bool {
        m.protocol == config.routeProtocol && m.table == config.table && m.priority == config.metric
    }

    /// Whether a nexthop message is one of ours (id range and protocol).
    func isOurs(_ m: NexthopMessage) -> Bool {
        guard let id = m.id else { return false }
        return config.nexthopIDs.contains(id) && m.protocol == config.nexthopProtocol
    }

    /// Reconciles the model with full dumps of the kernel's nexthop objects and routes. At
    /// start-up this adopts what a previous run left (so a restart never blackholes the host);
    /// after ENOBUFS it finds out what we missed. Everything that differs is queued for the next plan.
    mutating func reconcile(nexthopDump: [NexthopMessage], routeDump: [RouteSummary]) {
        flushRefs()
        // Nexthop objects first, then groups (which reference them).
        var seen: Set<UInt32> = []
        for m in nexthopDump {
            guard let id = m.id, config.nexthopIDs.contains(id) else { continue }
            guard m.protocol == config.nexthopProtocol else { reserved.insert(id); continue }
            seen.insert(id)
            if m.group != nil { continue }
            if let nh = nexthops[id] {
                let same = m.gateway == nh.key.gateway && m.outputInterface == nh.key.interfaceIndex
                nexthops[id]?.present = same
                if !same { dirtyObjects.insert(id) }
                continue
            }
            let key = NexthopKey(gateway: m.gateway, interfaceIndex: m.outputInterface ?? 0, onlink: m.flags.contains(.onlink),
                                 v6: m.gateway.map { !$0.isV4 } ?? (m.family == .inet6))
            var nh = NexthopObject(id: id, key: key)
            nh.present = true
            nh.adopted = !converged
            // In multipath mode objects left by an object-mode run are only cleaned up, never reused.
            nh.indexed = nexthopByKey[key] == nil && config.useNexthopObjects
            if nh.indexed { nexthopByKey[key] = id }
            nexthops[id] = nh
            garbage.insert(id)
        }
        for m in nexthopDump {
            guard let id = m.id, seen.contains(id), let kernelMembers = m.group else { continue }
            let members = kernelMembers.sorted { $0.id < $1.id }
            if groups[id] != nil {
                groups[id]?.present = true
                groups[id]?.installed = members
                dirtyObjects.insert(id)
                continue
            }
            guard members.allSatisfy({ nexthops[$0.id] != nil }) else { continue }
            var g = GroupObject(id: id, members: members)
            g.present = true
            g.installed = members
            g.adopted = !converged
            g.indexed = groupByMembers[members] == nil && config.useNexthopObjects
            if g.indexed { groupByMembers[members] = id }
            groups[id] = g
            for mem in members { nexthops[mem.id]?.refs += 1 }
            garbage.insert(id)
        }
        // Objects we believed present but the kernel does not have.
        for (id, nh) in nexthops where nh.present && !seen.contains(id) {
            nexthops[id]?.present = false
            lost.insert(id)
            dirtyObjects.insert(id)
        }
        for (id, g) in groups where g.present && !seen.contains(id) {
            groups[id]?.present = false
            groups[id]?.installed = []
            lost.insert(id)
            dirtyObjects.insert(id)
        }
        for id in seen where nexthops[id]?.refs ?? 1 > 0 && groups[id]?.refs ?? 1 > 0 { garbage.remove(id) }

        // Routes.
        var kernel: [IPPrefix: (Target, FIBOffloadFlags)] = [:]
        kernel.reserveCapacity(routeDump.count)
        for m in routeDump where isOurs(m) { kernel[m.destination] = (target(of: m), FIBOffloadFlags(m.flags)) }
        var dirty: [IPPrefix] = []
        routes.updateAll { prefix, e in
            let have = kernel.removeValue(forKey: prefix)
            e.have = have?.0 ?? .none
            e.setOffload(have?.1 ?? [])
            if e.have != e.want && !e.flags.contains(.dirty) {
                e.flags.insert(.dirty)
                dirty.append(prefix)
            }
        }
        dirtyRoutes += dirty
        for (prefix, have) in kernel {
            var e = RouteEntry(want: .none, have: have.0, flags: converged ? [] : .stale)
            e.setOffload(have.1)
            routes[prefix] = e
            if converged { markDirty(prefix) }
        }
    }

    /// The RIB has converged: routes and objects left by a previous run that it did not claim
    /// are removed in the next plan.
    mutating func markConverged() {
        guard !converged else { return }
        flushRefs()
        converged = true
        var dirty: [IPPrefix] = []
        routes.updateAll { prefix, e in
            if e.flags.contains(.stale) {
                e.flags.remove(.stale)
                if !e.flags.contains(.dirty) {
                    e.flags.insert(.dirty)
                    dirty.append(prefix)
                }
            }
        }
        dirtyRoutes += dirty
        for (id, nh) in nexthops where nh.adopted {
            nexthops[id]?.adopted = false
            if nh.refs <= 0 { garbage.insert(id) }
        }
        for (id, g) in groups where g.adopted {
            groups[id]?.adopted = false
            if g.refs <= 0 { garbage.insert(id) }
        }
    }
}
