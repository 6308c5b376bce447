import BGP
import NetAddress

extension Core {
    /// Identifies an exported attribute set within one export pass: the same source attributes
    /// from the same peer with the same policy outcome give the same exported set.
    struct ExportKey: Hashable {
        var attr: UInt32
        var source: Int
        var outcome: PolicyOutcome
    }

    /// Whether the peer's export policy can never send anything (RFC 8212 default, `reject-all`),
    /// so its Adj-RIB-Out need not even be looked at.
    func exportsNothing(_ p: Int) -> Bool {
        let pol = peers[p].exportPolicy
        return pol.isTrivial && pol.defaultDisposition == .reject
    }

    /// Our own next hop towards a peer for a family (next-hop-self).
    ///
    /// IPv4 NLRI go with our IPv4 address unless RFC 8950 is negotiated; then, like IPv6, with an
    /// IPv6 next hop: towards a directly connected peer our global and link-local addresses
    /// (RFC 2545), or, with no global address, the link-local address in the configured form
    /// (FRR's `[LL, LL]` by default).
    func selfNextHop(_ dst: PeerState, _ fi: FamilyIndex) -> NextHop? {
        let info = dst.info
        if fi == .ipv4 && !info.extendedNextHop.contains(.ipv4Unicast) { return info.localIPv4.map { .ipv4($0) } }
        if fi == .evpn { return info.localIPv4.map { .ipv4($0) } ?? .ipv4(config.routerID) }
        if let ll = info.localLinkLocal, info.interfaceIndex != nil {
            if let g = info.localIPv6, !g.isLinkLocal { return .ipv6Pair(global: g, linkLocal: ll) }
            switch info.linkLocalNextHop {
            case .double: return .ipv6Pair(global: ll, linkLocal: ll)
            case .native: return .ipv6Pair(global: .zero, linkLocal: ll)
            case .single: return .ipv6(ll)
            }
        }
        return info.localIPv6.map { .ipv6($0) }
    }

    /// Whether a received next hop can be passed on unchanged to an iBGP peer: not link-local
    /// (meaningless off its link), and of a family the peer accepts for these NLRI.
    func passable(_ nh: NextHop?, to dst: PeerState, _ fi: FamilyIndex) -> Bool {
        guard let nh, let g = nh.global else { return false }
        switch (fi, g) {
        case (.ipv4, .v6): return dst.info.extendedNextHop.contains(.ipv4Unicast)
        case (.ipv6, .v4): return false
        default: return true
        }
    }

    /// The attribute set (one reference for the caller) the destination's best path is sent to
    /// peer `p` with, or 0 when it is not sent: split horizon, NO_ADVERTISE / NO_EXPORT /
    /// NO_EXPORT_SUBCONFED, no iBGP to iBGP unless reflecting (RFC 4456), export policy.
    mutating func exportID<K: RouteKey>(_ t: PathTable<K>, _ e: Int, to p: Int, cache: inout [ExportKey: UInt32],
                                        verdicts: inout [UInt32: [Bool]]) -> UInt32 {
        guard let r = t.best(e) else { return 0 }
        let src = Int(t.recPeer[r])
        guard src != p else { return 0 }
        let attr = t.recAttr[r]
        let fa = attrs.facts[Int(attr)]
        if fa.flags.contains(.noAdvertise) { return 0 }
        let dst = peers[p]
        if dst.external && !fa.flags.isDisjoint(with: [.noExport, .noExportSubconfed]) { return 0 }
        if src != Core.localSlot && !peers[src].external && !dst.external
            && !(peers[src].info.routeReflectorClient || dst.info.routeReflectorClient) { return 0 }
        let policy = dst.exportPolicy
        var outcome = PolicyOutcome.accept
        if policy.isTrivial {
            guard policy.defaultDisposition == .accept else { return 0 }
        } else {
            let v: [Bool]
            if let known = verdicts[attr] { v = known } else {
                v = policy.attributeVerdicts(attrs.attributes(attr), family: K.familyIndex.family)
                verdicts[attr] = v
            }
            outcome = policy.outcome(verdicts: v, prefix: t.key(e).ipPrefix)
            guard outcome.accepted else { return 0 }
        }
        let key = ExportKey(attr: attr, source: src, outcome: outcome)
        if let id = cache[key] {
            attrs.retain(id)
            return id
        }
        let id = buildExport(attr, from: src, to: p, K.familyIndex, policy: policy, outcome: outcome)
        cache[key] = id
        attrs.retain(id)
        return id
    }

    /// Builds the attributes sent to a peer: eBGP prepends our AS, drops LOCAL_PREF, MED
    /// (unless `sendMED`), the reflection attributes and non-transitive extended communities,
    /// and sets next-hop-self; iBGP sets LOCAL_PREF, adds ORIGINATOR_ID and CLUSTER_LIST when
    /// reflecting, and keeps the next hop unless it cannot be passed on. Export policy actions
    /// come after these defaults (so a policy MED is sent), our AS prepend last.
    private mutating func buildExport(_ attr: UInt32, from srcSlot: Int, to p: Int, _ fi: FamilyIndex,
                                      policy: Policy, outcome: PolicyOutcome) -> UInt32 {
        let a = attrs.attributes(attr)
        let src = peers[srcSlot], dst = peers[p]
        let selfNH = selfNextHop(dst, fi)
        var o = RouteAttributes(path: a.path, nextHop: a.nextHop)
        o.path.nextHop = nil
        if dst.external {
            o.path.localPref = nil
            if !dst.info.sendMED { o.path.med = nil }
            o.path.originatorID = nil
            o.path.clusterList = nil
            if let ecs = o.path.extendedCommunities {
                let kept = ecs.filter(\.isTransitive)
                o.path.extendedCommunities = kept.isEmpty ? nil : kept
            }
            // EVPN keeps the VTEP as next hop (what FRR does for l2vpn evpn).
            if fi != .evpn || o.nextHop == nil { o.nextHop = selfNH }
        } else {
            o.path.localPref = a.path.localPref ?? config.defaultLocalPref
            if srcSlot != Core.localSlot && !src.external {
                o.path.originatorID = a.path.originatorID ?? src.info.routerID
                o.path.clusterList = [config.effectiveClusterID] + (a.path.clusterList ?? [])
            }
            if fi == .evpn {
                if o.nextHop == nil { o.nextHop = selfNH }
            } else if a.local || dst.info.nextHopSelf || !passable(o.nextHop, to: dst, fi) {
                o.nextHop = selfNH
            } else if let g = o.nextHop?.global, case .v6(let x) = g {
                o.nextHop = .ipv6(x)   // the link-local half is only valid on the link it came from
            }
        }
        let linkLocal = dst.info.interfaceIndex != nil ? dst.info.localLinkLocal : nil
        policy.apply(outcome, to: &o, context: PolicyContext(localAS: config.localAS, selfNextHop: selfNH,
                                                             selfLinkLocal: fi == .evpn ? nil : linkLocal))
        if o.path.asPath == nil { o.path.asPath = .empty }
        if o.path.origin == nil { o.path.origin = .incomplete }
        if dst.external { o.path.asPath = prepended(o.path.asPath ?? .empty, config.localAS) }
        guard o.nextHop != nil else { return 0 }
        return internExport(o)
    }

    /// Brings peer `p`'s Adj-RIB-Out up to date for `entries` and emits only the difference:
    /// withdrawals, then announcements grouped by attribute set (in first-seen order, so output
    /// is deterministic), then End-of-RIB when asked.
    mutating func syncAdjOut<K: RouteKey>(_ f: inout FamilyTable<K>, slot p: Int, entries: [Int], endOfRIB: Bool = false) {
        let fi = K.familyIndex
        let peer = peers[p].info.id
        let pathID: UInt32? = peers[p].info.addPathSend.contains(fi.family) ? 1 : nil
        while f.adjOut.count <= p { f.adjOut.append([]) }
        let capacity = f.table.entryCapacity
        if f.adjOut[p].count < capacity {
            f.adjOut[p].append(contentsOf: repeatElement(0, count: capacity - f.adjOut[p].count))
        }
        var withdrawn: [(K, UInt32?)] = []
        var groupOf: [UInt32: Int] = [:]
        var groups: [(attr: UInt32, items: [(K, UInt32?)])] = []
        var cache: [ExportKey: UInt32] = [:]
        var verdicts: [UInt32: [Bool]] = [:]
        for e in entries where f.table.isLive(e) {
            let want = exportID(f.table, e, to: p, cache: &cache, verdicts: &verdicts)
            let have = f.adjOut[p][e]
            if want == have {
                releaseAttr(want)
                continue
            }
            f.adjOut[p][e] = want
            releaseAttr(have)
            let key = f.table.key(e)
            if want == 0 {
                withdrawn.append((key, pathID))
                count(p, fi, sent: -1)
            } else {
                if have == 0 { count(p, fi, sent: 1) }
                if let g = groupOf[want] {
                    groups[g].items.append((key, pathID))
                } else {
                    groupOf[want] = groups.count
                    groups.append((want, [(key, pathID)]))
                }
            }
        }
        for id in cache.values { releaseAttr(id) }
        if !withdrawn.isEmpty { emit(peer, .withdraw(K.nlriList(withdrawn))) }
        for g in groups {
            let a = attrs.attributes(g.attr)
            emit(peer, .announce(ExportAnnouncement(family: fi.family, attributes: a.path, nextHop: a.nextHop,
                                                    nlri: K.nlriList(g.items))))
        }
        if endOfRIB { emit(peer, .endOfRIB(fi.family)) }
    }

    /// Drops a peer's whole Adj-RIB-Out of a family (session gone): nothing is sent.
    mutating func clearAdjOut<K: RouteKey>(_ f: inout FamilyTable<K>, slot p: Int) {
        guard p < f.adjOut.count else { return }
        for id in f.adjOut[p] where id != 0 { releaseAttr(id) }
        f.adjOut[p] = []
        counters[counterIndex(p, K.familyIndex)].sent = 0
    }

    /// Ends a call for one family: exports the touched destinations to every peer that may get
    /// them, then frees destinations left with nothing.
    mutating func finish<K: RouteKey>(_ f: inout FamilyTable<K>) {
        guard !f.changed.isEmpty else { return }
        let bit = UInt8(1) << UInt8(K.familyIndex.rawValue)
        for p in 1..<peers.count where peers[p].exportMask & bit != 0 {
            syncAdjOut(&f, slot: p, entries: f.changed)
        }
        for e in f.changed where f.table.isLive(e) && f.table.head(e) == 0 && f.table.installed(e) == 0 {
            if f.adjOut.contains(where: { e < $0.count && $0[e] != 0 }) { continue }
            f.table.removeEntry(e)
        }
        f.changed.removeAll(keepingCapacity: true)
    }
}
