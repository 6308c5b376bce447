import BGP
import NetAddress

/// A destination in a family table.
public enum RIBDestination: Hashable, Sendable, CustomStringConvertible {
    case prefix(IPPrefix)
    case evpn(EVPNRoute)

    public var description: String {
        switch self {
        case .prefix(let p): return p.description
        case .evpn(let r): return r.description
        }
    }
}

/// One path to a destination, as `show` commands and tests see it.
public struct RIBPath: Hashable, Sendable {
    /// The peer it came from; nil for a locally originated path.
    public var peer: PeerID?
    public var pathID: UInt32
    /// The attributes after import policy (normalised: AS_PATH merged with AS4_PATH).
    public var attributes: PathAttributes
    public var nextHop: NextHop?
    public var best: Bool
    /// In the installed ECMP set.
    public var multipath: Bool
    /// Retained through a graceful restart.
    public var stale: Bool
    /// The next hop resolves (always true for EVPN and local paths).
    public var reachable: Bool
    /// For a reachable path that is not best: the decision step at which the best path beat it.
    public var lostBy: DecisionRule?
    /// Local weight.
    public var weight: UInt32
}

/// One Loc-RIB destination: its paths, best first, and what is installed for it.
public struct LocRIBRoute: Hashable, Sendable {
    public var destination: RIBDestination
    public var paths: [RIBPath]
    /// The installed ECMP set (IP families); empty when the best path is local or none is.
    public var nextHops: [FIBNextHop]
}

/// Counts for `bgpd show summary`, all maintained incrementally.
public struct RIBSummary: Hashable, Sendable {
    /// Destinations with a best path, per family.
    public var routes: [Family: Int]
    /// Per peer and family: received, accepted, sent.
    public var peers: [PeerID: [Family: PeerCounters]]
    /// Distinct attribute sets stored (received, local and exported).
    public var attributeSets: Int
    /// Distinct BGP next hops tracked.
    public var nextHops: Int
}

extension RIB {
    /// The counters for `bgpd show summary`.
    public var summary: RIBSummary {
        var peers: [PeerID: [Family: PeerCounters]] = [:]
        for (slot, p) in core.peers.enumerated().dropFirst() {
            var m: [Family: PeerCounters] = [:]
            for fi in FamilyIndex.allCases where p.info.families.contains(fi.family) {
                m[fi.family] = core.counters[core.counterIndex(slot, fi)]
            }
            peers[p.info.id] = m
        }
        return RIBSummary(routes: [.ipv4Unicast: v4.bestCount, .ipv6Unicast: v6.bestCount, .l2vpnEVPN: evpn.bestCount],
                          peers: peers, attributeSets: core.attrs.liveCount, nextHops: core.nextHops.count)
    }

    /// Whether a peer's session is up as far as the RIB knows.
    public func isPeerUp(_ peer: PeerID) -> Bool {
        core.lookupSlot(peer).map { core.peers[$0].up } ?? false
    }

    /// The counters of one peer in one family.
    public func counters(peer: PeerID, family: Family) -> PeerCounters {
        guard let s = core.lookupSlot(peer), let fi = FamilyIndex(family) else { return PeerCounters() }
        return core.counters[core.counterIndex(s, fi)]
    }

    /// The number of destinations with a best path in a family.
    public func routeCount(_ family: Family) -> Int {
        switch FamilyIndex(family) {
        case .ipv4: return v4.bestCount
        case .ipv6: return v6.bestCount
        case .evpn: return evpn.bestCount
        case nil: return 0
        }
    }

    /// The paths to a prefix (post-policy), best first, each non-best one with the rule it lost by.
    public func paths(for prefix: IPPrefix) -> [RIBPath] {
        switch prefix {
        case .v4(let p): return v4.table.find(p).map { core.describe(v4.table, $0) } ?? []
        case .v6(let p): return v6.table.find(p).map { core.describe(v6.table, $0) } ?? []
        }
    }

    /// The paths to an EVPN route, best first.
    public func paths(for route: EVPNRoute) -> [RIBPath] {
        evpn.table.find(route).map { core.describe(evpn.table, $0) } ?? []
    }

    /// The installed ECMP set of a prefix.
    public func installedNextHops(_ prefix: IPPrefix) -> [FIBNextHop] {
        switch prefix {
        case .v4(let p): return v4.table.find(p).map { core.sets.sets[Int(v4.table.installed($0))] } ?? []
        case .v6(let p): return v6.table.find(p).map { core.sets.sets[Int(v6.table.installed($0))] } ?? []
        }
    }

    /// The Loc-RIB of a family: every destination with a best path, sorted (IP by prefix, EVPN
    /// by text).
    public func locRIB(_ family: Family) -> [LocRIBRoute] {
        switch FamilyIndex(family) {
        case .ipv4: return core.routes(v4).sorted { $0.0 < $1.0 }.map(\.1)
        case .ipv6: return core.routes(v6).sorted { $0.0 < $1.0 }.map(\.1)
        case .evpn: return core.routes(evpn).sorted { $0.1.destination.description < $1.1.destination.description }.map(\.1)
        case nil: return []
        }
    }

    /// A peer's Adj-RIB-In of a family: after import policy, or as received when `prePolicy`
    /// (soft reconfiguration only).
    public func adjRIBIn(peer: PeerID, family: Family, prePolicy: Bool = false) -> [(RIBDestination, RIBPath)] {
        guard let slot = core.lookupSlot(peer) else { return [] }
        let kind: RecordFlags = prePolicy ? .prePolicy : .candidate
        switch FamilyIndex(family) {
        case .ipv4: return core.records(v4.table, slot: slot, kind: kind).map { (.prefix(.v4($0.0)), $0.1) }
        case .ipv6: return core.records(v6.table, slot: slot, kind: kind).map { (.prefix(.v6($0.0)), $0.1) }
        case .evpn: return core.records(evpn.table, slot: slot, kind: kind).map { (.evpn($0.0), $0.1) }
        case nil: return []
        }
    }

    /// What has been announced to a peer in a family (its Adj-RIB-Out): destination, attributes
    /// and next hop as sent.
    public func adjRIBOut(peer: PeerID, family: Family) -> [(RIBDestination, PathAttributes, NextHop?)] {
        guard let slot = core.lookupSlot(peer) else { return [] }
        switch FamilyIndex(family) {
        case .ipv4: return core.sent(v4, slot: slot).map { (.prefix(.v4($0.0)), $0.1, $0.2) }
        case .ipv6: return core.sent(v6, slot: slot).map { (.prefix(.v6($0.0)), $0.1, $0.2) }
        case .evpn: return core.sent(evpn, slot: slot).map { (.evpn($0.0), $0.1, $0.2) }
        case nil: return []
        }
    }
}

extension Core {
    func path<K>(_ t: PathTable<K>, _ r: Int) -> RIBPath {
        let slot = Int(t.recPeer[r])
        let a = attrs.attributes(t.recAttr[r])
        let flags = t.recFlags[r]
        return RIBPath(peer: slot == Core.localSlot ? nil : peers[slot].info.id, pathID: t.recPathID[r],
                       attributes: a.path, nextHop: a.nextHop, best: flags.contains(.best),
                       multipath: flags.contains(.multipath), stale: flags.contains(.stale),
                       reachable: flags.contains(.candidate) && eligible(t, r), lostBy: nil, weight: a.weight)
    }

    func describe<K>(_ t: PathTable<K>, _ e: Int) -> [RIBPath] {
        var out: [RIBPath] = []
        let best = t.best(e).map { candidate(t, $0) }
        var r = t.first(e)
        while let i = r {
            if t.recFlags[i].contains(.candidate) {
                var p = path(t, i)
                if let b = best, !p.best, p.reachable {
                    let c = candidate(t, i)
                    p.lostBy = Decision.compare(b, c, compareMED: Decision.comparesMED(b, c, always: options.alwaysCompareMED))?.rule
                }
                out.append(p)
            }
            r = t.next(i)
        }
        return out
    }

    func routes<K: RouteKey>(_ f: FamilyTable<K>) -> [(K, LocRIBRoute)] where K: Comparable {
        bestEntries(f).map { e in
            (f.table.key(e), route(f, e))
        }
    }

    func routes(_ f: FamilyTable<EVPNRoute>) -> [(EVPNRoute, LocRIBRoute)] {
        bestEntries(f).map { e in (f.table.key(e), route(f, e)) }
    }

    private func route<K: RouteKey>(_ f: FamilyTable<K>, _ e: Int) -> LocRIBRoute {
        let key = f.table.key(e)
        let dest: RIBDestination = (key as? EVPNRoute).map { .evpn($0) } ?? .prefix(key.ipPrefix ?? .v4(IPv4Prefix(key: 0)))
        let hops = K.familyIndex == .evpn ? [] : sets.sets[Int(f.table.installed(e))]
        return LocRIBRoute(destination: dest, paths: describe(f.table, e), nextHops: hops)
    }

    func records<K>(_ t: PathTable<K>, slot: Int, kind: RecordFlags) -> [(K, RIBPath)] {
        var out: [(K, RIBPath)] = []
        let peer = UInt16(truncatingIfNeeded: slot)
        for e in 0..<t.entryCapacity where t.isLive(e) {
            var r = t.first(e)
            while let i = r {
                if t.recPeer[i] == peer && !t.recFlags[i].isDisjoint(with: kind) { out.append((t.key(e), path(t, i))) }
                r = t.next(i)
            }
        }
        return out
    }

    func sent<K>(_ f: FamilyTable<K>, slot: Int) -> [(K, PathAttributes, NextHop?)] {
        guard slot < f.adjOut.count else { return [] }
        var out: [(K, PathAttributes, NextHop?)] = []
        for (e, id) in f.adjOut[slot].enumerated() where id != 0 {
            let a = attrs.attributes(id)
            out.append((f.table.key(e), a.path, a.nextHop))
        }
        return out
    }
}
