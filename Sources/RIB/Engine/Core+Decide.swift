import BGP
import NetAddress

extension Core {
    /// Builds the decision view of a record.
    @inline(__always)
    func candidate<K>(_ t: PathTable<K>, _ r: Int) -> Candidate {
        let attr = t.recAttr[r]
        let f = attrs.facts[Int(attr)]
        let slot = Int(t.recPeer[r])
        let p = peers[slot]
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
            external: !isLocal && p.external,
            igpCost: nextHops.cost(f.nextHop),
            routerID: f.flags.contains(.hasOriginatorID) ? f.originatorID
                : (isLocal ? config.routerID.value : p.info.routerID.value),
            clusterListLength: f.clusterListLength,
            peerHigh: p.addressHigh, peerLow: p.addressLow,
            pathID: t.recPathID[r], peerID: isLocal ? 0 : p.info.id.rawValue,
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
        var members: [Int] = []
        if let (best, set) = Decision.select(scratch, options: options) {
            let b = scratch[best].record
            for k in set { f.table.setFlags(scratch[k].record, f.table.recFlags[scratch[k].record].union(.multipath)) }
            f.table.setFlags(b, f.table.recFlags[b].union([.best, .multipath]))
            f.table.moveToFront(e, b)
            members = set
            if !hadBest { f.bestCount += 1 }
        } else if hadBest {
            f.bestCount -= 1
        }
        if K.familyIndex == .evpn {
            installEVPN(&f, e, best: members.first.map { scratch[$0].attr } ?? 0)
            return
        }
        if let first = members.first, !scratch[first].local {
            desired = nextHopSet(members)
        }
        let installed = f.table.installed[e]
        if desired == installed {
            sets.release(desired)
            return
        }
        if let prefix = f.table.keys[e].ipPrefix {
            let kind: FIBChange.Kind = installed == 0 ? .add : (desired == 0 ? .delete : .replace)
            out.fib.append(FIBChange(kind: kind, prefix: prefix, nextHops: sets.sets[Int(desired)]))
        }
        sets.release(installed)
        f.table.installed[e] = desired
    }

    /// The interned FIB next-hop set of an ECMP set (indices into `scratch`), with one reference
    /// for the caller; 0 when nothing is reachable.
    private mutating func nextHopSet(_ members: [Int]) -> UInt32 {
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
    /// the old dataplane entry and adds the new one.
    private mutating func installEVPN<K: RouteKey>(_ f: inout FamilyTable<K>, _ e: Int, best: UInt32) {
        let installed = f.table.installed[e]
        guard best != installed, let route = f.table.keys[e] as? EVPNRoute else { return }
        if installed != 0, let c = evpnChange(route, attrs.attributes(installed), present: false) { out.evpn.append(c) }
        if best != 0, let c = evpnChange(route, attrs.attributes(best), present: true) { out.evpn.append(c) }
        attrs.retain(best)
        releaseAttr(installed)
        f.table.installed[e] = best
    }
}
