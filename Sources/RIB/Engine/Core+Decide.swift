import BGP
import NetAddress

extension Core {
    /// Builds the decision view of a record. (Reads peer fields one by one: copying a whole
    /// `PeerState` would retain its sets and policies on every candidate.)
    @inline(__always)
    func candidate<K>(_ t: PathTable<K>, _ r: Int) -> Candidate {
        let attr = t.recAttr[r]
        let f = attrs.facts[Int(attr)]
        let slot = Int(t.recPeer[r])
        let isLocal = slot == Core.localSlot
        return Candidate(
            record: r, attr: attr,
            fresh: !t.recFlags[r].contains(.stale),
            weight: f.weight,
            localPref: f.flags.contains(.hasLocalPref) ? f.localPref : config.defaultLocalPref,
            local: f.flags.contains(.local),
            asPathLength: f.asPathLength, origin: f.origin,
            med: f.flags.contains(.hasMED) ? f.med : 0,
            neighbourAS: f.neighbourAS != 0 ? f.neighbourAS : config.localAS,
            external: !isLocal && peers[slot].external,
            igpCost: nextHops.cost(f.nextHop),
            routerID: f.flags.contains(.hasOriginatorID) ? f.originatorID
                : (isLocal ? config.routerID.value : peers[slot].info.routerID.value),
            clusterListLength: f.clusterListLength,
            peerHigh: peers[slot].addressHigh, peerLow: peers[slot].addressLow,
            pathID: t.recPathID[r], peerID: isLocal ? 0 : peers[slot].info.id.rawValue,
            nextHop: f.nextHop, bandwidth: f.bandwidth, hasBandwidth: f.flags.contains(.hasBandwidth))
    }

    /// Whether a candidate record may take part in the decision.
    @inline(__always)
    func eligible<K>(_ t: PathTable<K>, _ r: Int) -> Bool {
        // EVPN next hops are VTEPs reached through the underlay, which the VXLAN device resolves;
        // their reachability is not the RIB's to judge.
        K.familyIndex == .evpn || nextHops.isReachable(attrs.facts[Int(t.recAttr[r])].nextHop)
    }

    /// Runs the decision process for one destination: flags the best path and the ECMP set, keeps
    /// the best first in the list, updates the Loc-RIB count, emits a FIB or EVPN change when
    /// what is installed must change, and queues the destination for export.
    mutating func decide<K: RouteKey>(_ f: inout FamilyTable<K>, _ e: Int) {
        f.changed.append(e)
        // The common case, one path: no candidate building, no selection.
        if let r = f.table.first(e), f.table.next(r) == nil {
            let flags = f.table.recFlags[r]
            if flags.contains(.candidate) && eligible(f.table, r) {
                if !flags.contains(.best) {
                    f.bestCount += 1
                    f.table.setFlags(r, flags.union([.best, .multipath]))
                }
                let attr = f.table.recAttr[r]
                if K.familyIndex == .evpn {
                    installEVPN(&f, e, best: attrs.facts[Int(attr)].flags.contains(.local) ? 0 : attr)
                } else {
                    let facts = attrs.facts[Int(attr)]
                    var desired: UInt32 = 0
                    if !facts.flags.contains(.local) {
                        desired = nextHops.entries[Int(facts.nextHop)].singleSet
                        sets.retain(desired)
                    }
                    install(&f, e, desired)
                }
                return
            }
        }
        let hadBest = f.table.best(e) != nil
        scratch.removeAll(keepingCapacity: true)
        var r = f.table.first(e)
        while let i = r {
            var flags = f.table.recFlags[i]
            if flags.contains(.candidate) {
                flags.subtract([.best, .multipath])
                f.table.setFlags(i, flags)
                if eligible(f.table, i) { scratch.append(candidate(f.table, i)) }
            }
            r = f.table.next(i)
        }
        var desired: UInt32 = 0
        if let best = Decision.select(scratch, options: options, winners: &scratchWinners, members: &scratchMembers) {
            let b = scratch[best].record
            for k in scratchMembers {
                f.table.setFlags(scratch[k].record, f.table.recFlags[scratch[k].record].union(.multipath))
            }
            f.table.setFlags(b, f.table.recFlags[b].union([.best, .multipath]))
            f.table.moveToFront(e, b)
            if !hadBest { f.bestCount += 1 }
        } else {
            scratchMembers.removeAll(keepingCapacity: true)
            if hadBest { f.bestCount -= 1 }
        }
        if K.familyIndex == .evpn {
            let best = scratchMembers.first.map { scratch[$0] }
            installEVPN(&f, e, best: best.map { $0.local ? 0 : $0.attr } ?? 0)
            return
        }
        if let first = scratchMembers.first, !scratch[first].local {
            desired = nextHopSet()
        }
        install(&f, e, desired)
    }

    /// Makes `desired` (a next-hop-set id holding one reference for this call) the installed
    /// state of an IP destination, emitting the FIB change when it differs.
    @inline(__always)
    private mutating func install<K: RouteKey>(_ f: inout FamilyTable<K>, _ e: Int, _ desired: UInt32) {
        let installed = f.table.installed(e)
        if desired == installed {
            sets.release(desired)
            return
        }
        if let prefix = f.table.key(e).ipPrefix {
            let kind: FIBChange.Kind = installed == 0 ? .add : (desired == 0 ? .delete : .replace)
            out.fib.append(FIBChange(kind: kind, prefix: prefix, nextHops: sets.sets[Int(desired)]))
        }
        sets.release(installed)
        f.table.setInstalled(e, desired)
    }

    /// The interned FIB next-hop set of the ECMP set in `scratchMembers` (indices into
    /// `scratch`), with one reference for the caller; 0 when nothing is reachable.
    private mutating func nextHopSet() -> UInt32 {
        let members = scratchMembers
        if members.count == 1 {
            let id = nextHops.entries[Int(scratch[members[0]].nextHop)].singleSet
            sets.retain(id)
            return id
        }
        // Paths sharing a next hop give one kernel next hop; their bandwidths add up.
        var hops: [FIBNextHop] = []
        var bws: [Float?] = []
        for m in members {
            let c = scratch[m]
            guard let h = nextHops.fibNextHop(c.nextHop, weight: 1) else { continue }
            if let k = hops.firstIndex(where: { $0.gateway == h.gateway && $0.interfaceIndex == h.interfaceIndex }) {
                if let b = bws[k], c.hasBandwidth { bws[k] = b + c.bandwidth } else { bws[k] = nil }
            } else {
                hops.append(h)
                bws.append(c.hasBandwidth ? c.bandwidth : nil)
            }
        }
        if hops.isEmpty { return 0 }
        let ws = Decision.weights(bws)
        for k in hops.indices { hops[k].weight = ws[k] }
        return sets.intern(hops)
    }

    /// EVPN: the installed state is the best path's attribute id (retained); a change withdraws
    /// the old dataplane entry and adds the new one. A local best path installs nothing (the
    /// dataplane knows its own MACs and VNIs).
    private mutating func installEVPN<K: RouteKey>(_ f: inout FamilyTable<K>, _ e: Int, best: UInt32) {
        let installed = f.table.installed(e)
        guard best != installed, let route = f.table.key(e) as? EVPNRoute else { return }
        if installed != 0, let c = evpnChange(route, attrs.attributes(installed), present: false) { out.evpn.append(c) }
        if best != 0, let c = evpnChange(route, attrs.attributes(best), present: true) { out.evpn.append(c) }
        attrs.retain(best)
        releaseAttr(installed)
        f.table.setInstalled(e, best)
    }
}
