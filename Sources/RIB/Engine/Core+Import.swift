import BGP
import NetAddress

extension Core {
    /// Whether a received path must be refused for a loop: our AS in its AS_PATH (RFC 4271
    /// 9.1.2), our router ID as ORIGINATOR_ID or our cluster ID in its CLUSTER_LIST (RFC 4456 8).
    func isLoop(_ a: RouteAttributes) -> Bool {
        if a.path.asPath?.contains(config.localAS) == true { return true }
        if a.path.originatorID == config.routerID { return true }
        if a.path.clusterList?.contains(config.effectiveClusterID) == true { return true }
        return false
    }

    /// Whether the peer holds any record for (peer, path id) at an entry.
    @inline(__always)
    func hasRecord<K>(_ t: PathTable<K>, _ e: Int, _ slot: Int, _ pathID: UInt32) -> Bool {
        t.findRecord(e, peer: UInt16(truncatingIfNeeded: slot), pathID: pathID, kind: RecordFlags.kinds) != nil
    }

    /// Sets the record of one kind for (peer, path id) to `attr` (taking a new reference to it),
    /// creating it if needed. The record becomes fresh.
    mutating func setRecord<K>(_ f: inout FamilyTable<K>, _ e: Int, _ slot: Int, _ pathID: UInt32,
                               _ kind: RecordFlags, _ attr: UInt32) {
        let peer = UInt16(truncatingIfNeeded: slot)
        if let r = f.table.findRecord(e, peer: peer, pathID: pathID, kind: kind) {
            let old = f.table.recAttr[r]
            if old != attr {
                attrs.retain(attr)
                f.table.setAttr(r, attr)
                releaseAttr(old)
            }
            f.table.setFlags(r, f.table.recFlags[r].subtracting(.stale))
            return
        }
        attrs.retain(attr)
        f.table.addRecord(e, peer: peer, pathID: pathID, flags: kind, attr: attr)
        if kind == .candidate { count(slot, K.familyIndex, accepted: 1) }
    }

    /// Removes the record of one kind for (peer, path id), if any. Returns whether one existed.
    @discardableResult
    mutating func removeRecord<K>(_ f: inout FamilyTable<K>, _ e: Int, _ slot: Int, _ pathID: UInt32,
                                  _ kind: RecordFlags) -> Bool {
        guard let r = f.table.findRecord(e, peer: UInt16(truncatingIfNeeded: slot), pathID: pathID, kind: kind)
        else { return false }
        if f.table.recFlags[r].contains(.candidate) { count(slot, K.familyIndex, accepted: -1) }
        releaseAttr(f.removeRecord(e, r))
        return true
    }

    /// Gives the candidate record of (peer, path id) the outcome of import policy: the accepted
    /// attributes (`attr`, nonzero) or a rejection (a marker unless the pre-policy copy is kept).
    mutating func place<K>(_ f: inout FamilyTable<K>, _ e: Int, _ slot: Int, _ pathID: UInt32,
                           accepted attr: UInt32, soft: Bool) {
        if attr != 0 {
            setRecord(&f, e, slot, pathID, .candidate, attr)
            removeRecord(&f, e, slot, pathID, .rejected)
        } else {
            removeRecord(&f, e, slot, pathID, .candidate)
            if soft { removeRecord(&f, e, slot, pathID, .rejected) } else { setRecord(&f, e, slot, pathID, .rejected, 0) }
        }
    }

    /// Imports routes of one family from one peer that share one set of received attributes:
    /// loop checks, the pre-policy copy (soft reconfiguration), import policy, interning, and the
    /// decision for each destination. Policy runs its attribute tests once; the prefix tests per
    /// destination; actions once per distinct outcome.
    mutating func announce<K: RouteKey>(_ f: inout FamilyTable<K>, slot: Int, items: some Sequence<(K, UInt32)>,
                                        received: consuming RouteAttributes) {
        let interface = peers[slot].info.interfaceIndex
        var raw = received
        if raw.nextHop?.linkLocal != nil, let i = interface { raw.scope = i }
        // RFC 4271 5.1.5: LOCAL_PREF received from an external peer MUST be ignored.
        if peers[slot].external { raw.path.localPref = nil }
        let refused = isLoop(raw) || Core.nextHopKey(raw) == nil
        let soft = peers[slot].info.softReconfiguration
        let rawID: UInt32 = soft ? internPath(raw) : 0
        let policy = peers[slot].importPolicy
        let verdicts = refused || policy.isTrivial ? [] : policy.attributeVerdicts(raw, family: K.familyIndex.family)
        let constant: PolicyOutcome? = refused ? .reject
            : policy.isTrivial ? (policy.defaultDisposition == .accept ? .accept : .reject)
            : policy.dependsOnPrefix ? nil : policy.outcome(verdicts: verdicts, prefix: nil)
        // With a constant outcome (the usual case) the attributes are interned once, up front.
        let constantID: UInt32 = constant.map { $0.accepted ? importAttributes(raw, policy: policy, outcome: $0, interface: interface) : 0 } ?? 0
        var held: [PolicyOutcome: UInt32] = [:]
        warmSink &+= f.table.warm(items.lazy.map(\.0))
        for (key, pathID) in items {
            let e = f.table.entry(for: key)
            if constantID != 0 && !soft && f.table.head(e) == 0 {
                // A destination seen for the first time: nothing to look up or replace.
                attrs.retain(constantID)
                f.table.addRecord(e, peer: UInt16(truncatingIfNeeded: slot), pathID: pathID, flags: .candidate, attr: constantID)
                count(slot, K.familyIndex, received: 1, accepted: 1)
                decide(&f, e)
                continue
            }
            let had = hasRecord(f.table, e, slot, pathID)
            if soft { setRecord(&f, e, slot, pathID, .prePolicy, rawID) }
            var attr = constantID
            if constant == nil {
                let outcome = policy.outcome(verdicts: verdicts, prefix: key.ipPrefix)
                if !outcome.accepted {
                    attr = 0
                } else if let id = held[outcome] {
                    attr = id
                } else {
                    attr = importAttributes(raw, policy: policy, outcome: outcome, interface: interface)
                    held[outcome] = attr
                }
            }
            place(&f, e, slot, pathID, accepted: attr, soft: soft)
            if !had { count(slot, K.familyIndex, received: 1) }
            decide(&f, e)
        }
        releaseAttr(rawID)
        releaseAttr(constantID)
        for id in held.values { releaseAttr(id) }
    }

    /// Applies import policy actions to received attributes and interns the result (one
    /// reference for the caller).
    mutating func importAttributes(_ raw: RouteAttributes, policy: Policy, outcome: PolicyOutcome,
                                   interface: UInt32?) -> UInt32 {
        if outcome.applied.isEmpty { return internPath(raw) }
        var a = raw
        policy.apply(outcome, to: &a, context: PolicyContext(localAS: config.localAS, selfNextHop: nil, selfLinkLocal: nil))
        a.scope = a.nextHop?.linkLocal != nil ? (interface ?? 0) : 0
        return internPath(a)
    }

    /// Withdraws routes of one family from one peer.
    mutating func withdraw<K: RouteKey>(_ f: inout FamilyTable<K>, slot: Int, items: some Sequence<(K, UInt32)>) {
        for (key, pathID) in items {
            guard let e = f.table.find(key) else { continue }
            var removed = false
            while removeRecord(&f, e, slot, pathID, RecordFlags.kinds) { removed = true }
            if removed {
                count(slot, K.familyIndex, received: -1)
                decide(&f, e)
            }
        }
    }

    /// Re-runs import policy over a peer's kept pre-policy copies (after a policy change).
    mutating func reimport<K: RouteKey>(_ f: inout FamilyTable<K>, slot: Int) {
        let policy = peers[slot].importPolicy
        let peer = UInt16(truncatingIfNeeded: slot)
        var held: [UInt32: [PolicyOutcome: UInt32]] = [:]
        for e in 0..<f.table.entryCapacity where f.table.isLive(e) {
            var pre: [(pathID: UInt32, attr: UInt32)] = []
            var r = f.table.first(e)
            while let i = r {
                if f.table.recPeer[i] == peer && f.table.recFlags[i].contains(.prePolicy) {
                    pre.append((f.table.recPathID[i], f.table.recAttr[i]))
                }
                r = f.table.next(i)
            }
            guard !pre.isEmpty else { continue }
            for (pathID, rawID) in pre {
                let raw = attrs.attributes(rawID)
                let refused = isLoop(raw) || Core.nextHopKey(raw) == nil
                let outcome = refused ? .reject
                    : policy.outcome(verdicts: policy.attributeVerdicts(raw, family: K.familyIndex.family),
                                     prefix: f.table.key(e).ipPrefix)
                var attr: UInt32 = 0
                if outcome.accepted {
                    if let id = held[rawID]?[outcome] { attr = id } else {
                        attr = importAttributes(raw, policy: policy, outcome: outcome, interface: peers[slot].info.interfaceIndex)
                        held[rawID, default: [:]][outcome] = attr
                    }
                }
                place(&f, e, slot, pathID, accepted: attr, soft: true)
            }
            decide(&f, e)
        }
        for m in held.values { for id in m.values { releaseAttr(id) } }
    }
}
