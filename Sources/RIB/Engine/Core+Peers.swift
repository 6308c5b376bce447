import BGP

extension Core {
    /// Removes (or, for graceful restart, marks stale) every record of a peer in one family and
    /// re-decides the destinations it touched. A walk of the table: sessions go down rarely,
    /// and keeping per-peer route lists would cost memory on every route.
    mutating func dropPeer<K: RouteKey>(_ f: inout FamilyTable<K>, slot: Int, retainStale: Bool) {
        let peer = UInt16(truncatingIfNeeded: slot)
        for e in 0..<f.table.entryCapacity where f.table.isLive(e) {
            var touched = false
            var r = f.table.first(e)
            while let i = r {
                r = f.table.next(i)
                guard f.table.recPeer[i] == peer else { continue }
                touched = true
                if retainStale {
                    f.table.setFlags(i, f.table.recFlags[i].union(.stale))
                } else {
                    releaseAttr(f.removeRecord(e, i))
                }
            }
            if touched { decide(&f, e) }
        }
        if !retainStale {
            counters[counterIndex(slot, K.familyIndex)].received = 0
            counters[counterIndex(slot, K.familyIndex)].accepted = 0
        }
    }

    /// Removes a peer's records still stale in one family (End-of-RIB received, or the restart
    /// timer fired).
    mutating func flushStale<K: RouteKey>(_ f: inout FamilyTable<K>, slot: Int) {
        let peer = UInt16(truncatingIfNeeded: slot)
        for e in 0..<f.table.entryCapacity where f.table.isLive(e) {
            var removedIDs: [UInt32] = []
            var r = f.table.first(e)
            while let i = r {
                r = f.table.next(i)
                guard f.table.recPeer[i] == peer, f.table.recFlags[i].contains(.stale) else { continue }
                let pathID = f.table.recPathID[i]
                if f.table.recFlags[i].contains(.candidate) { count(slot, K.familyIndex, accepted: -1) }
                releaseAttr(f.removeRecord(e, i))
                if !removedIDs.contains(pathID) { removedIDs.append(pathID) }
            }
            guard !removedIDs.isEmpty else { continue }
            for id in removedIDs where !hasRecord(f.table, e, slot, id) { count(slot, K.familyIndex, received: -1) }
            decide(&f, e)
        }
    }

    /// Every destination with a best path.
    func bestEntries<K>(_ f: FamilyTable<K>) -> [Int] {
        (0..<f.table.entryCapacity).filter { f.table.isLive($0) && f.table.best($0) != nil }
    }

    /// Sends a peer the whole Loc-RIB of a family (after the session comes up, or after its
    /// export policy changed), then End-of-RIB when asked.
    mutating func dump<K: RouteKey>(_ f: inout FamilyTable<K>, slot: Int, endOfRIB: Bool) {
        if exportsNothing(slot) {
            // Nothing may be sent; withdraw what an earlier policy sent.
            let sent = slot < f.adjOut.count ? (0..<f.adjOut[slot].count).filter { f.adjOut[slot][$0] != 0 } : []
            if !sent.isEmpty { syncAdjOut(&f, slot: slot, entries: sent) }
            if endOfRIB { emit(peers[slot].info.id, .endOfRIB(K.familyIndex.family)) }
            return
        }
        var entries = bestEntries(f)
        if slot < f.adjOut.count {
            // Also what was sent but has no best path any more (only after a policy change).
            for e in 0..<f.adjOut[slot].count where f.adjOut[slot][e] != 0 && f.table.best(e) == nil { entries.append(e) }
        }
        syncAdjOut(&f, slot: slot, entries: entries, endOfRIB: endOfRIB)
    }
}
