import BGP
import NetAddress

/// What this router originates: configured `networks` (announced whether or not a kernel route
/// exists) and, for the `redistribute` sources, the connected and kernel prefixes the daemon
/// reports. A prefix is originated with ORIGIN IGP when it is a network, INCOMPLETE when only
/// redistributed (as FRR does).
struct LocalOrigination: Sendable {
    var networks: Set<IPPrefix> = []
    var redistribute: Set<LocalRouteSource> = []
    /// How many kernel facts (addresses, routes) back each prefix, by source.
    var known: [IPPrefix: [LocalRouteSource: Int]] = [:]

    init() {}

    /// The ORIGIN to originate `p` with, or nil when it is not originated.
    func origin(_ p: IPPrefix) -> Origin? {
        if networks.contains(p) { return .igp }
        if let k = known[p], k.keys.contains(where: { redistribute.contains($0) }) { return .incomplete }
        return nil
    }

    /// Records a kernel fact. Returns whether the prefix's sources changed.
    mutating func note(_ p: IPPrefix, _ source: LocalRouteSource, present: Bool) {
        guard Self.redistributable(p) else { return }
        var k = known[p] ?? [:]
        k[source, default: 0] += present ? 1 : -1
        if k[source, default: 0] <= 0 { k[source] = nil }
        known[p] = k.isEmpty ? nil : k
    }

    /// Prefixes never redistributed: default routes, link-local, loopback and multicast ranges.
    static func redistributable(_ p: IPPrefix) -> Bool {
        switch p {
        case .v4(let x): return x.length > 0 && !x.address.isLoopback && !x.address.isMulticast && !x.address.isLinkLocal
        case .v6(let x): return x.length > 0 && !x.address.isLinkLocal && !x.address.isMulticast
            && !(x.length == 128 && x.address == IPv6Address(high: 0, low: 1))
        }
    }
}

extension Core {
    /// Adds, replaces or removes the local route of a destination (the local pseudo-peer's
    /// record, path id 0) and re-decides it.
    mutating func setLocal<K: RouteKey>(_ f: inout FamilyTable<K>, _ key: K, _ attributes: RouteAttributes?) {
        let slot = Core.localSlot
        if var a = attributes {
            a.local = true
            a.weight = Core.localWeight
            let id = internPath(a)
            let e = f.table.entry(for: key)
            let had = hasRecord(f.table, e, slot, 0)
            setRecord(&f, e, slot, 0, .candidate, id)
            releaseAttr(id)
            if !had { count(slot, K.familyIndex, received: 1) }
            decide(&f, e)
        } else if let e = f.table.find(key), removeRecord(&f, e, slot, 0, .candidate) {
            count(slot, K.familyIndex, received: -1)
            decide(&f, e)
        }
    }

    /// Re-decides every destination with a path whose next hop's reachability changed.
    mutating func redecide<K: RouteKey>(_ f: inout FamilyTable<K>, changed: [Bool]) {
        for e in 0..<f.table.entryCapacity where f.table.isLive(e) {
            var hit = false
            var r = f.table.first(e)
            while let i = r, !hit {
                let nh = Int(attrs.facts[Int(f.table.recAttr[i])].nextHop)
                hit = f.table.recFlags[i].contains(.candidate) && nh < changed.count && changed[nh]
                r = f.table.next(i)
            }
            if hit { decide(&f, e) }
        }
    }
}
