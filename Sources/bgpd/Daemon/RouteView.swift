import BGP
import RIB

/// RIB paths as `bgpd show routes` presents them.
enum RouteView {
    static func entry(family: Family, destination: String, paths: [RIBPath], names: [UInt32: String]) -> RouteEntry {
        RouteEntry(family: family.description, prefix: destination, paths: paths.map { path($0, names: names) })
    }

    static func path(_ p: RIBPath, names: [UInt32: String]) -> PathEntry {
        let a = p.attributes
        var hops: [String] = []
        if let nh = p.nextHop { hops.append(nh.description) } else if let v4 = a.nextHop { hops.append(v4.description) }
        return PathEntry(
            from: p.peer.map { names[$0.rawValue] ?? $0.description } ?? "local",
            pathID: p.pathID == 0 ? nil : p.pathID, best: p.best, stale: p.stale, nextHops: hops,
            asPath: a.asPath?.description ?? "", origin: a.origin?.description ?? "incomplete",
            med: a.med, localPref: a.localPref,
            communities: (a.communities ?? []).map(\.description),
            largeCommunities: (a.largeCommunities ?? []).map(\.description),
            extendedCommunities: (a.extendedCommunities ?? []).map { String(describing: $0) })
    }
}

// The RIB and FIBNetlink both name a type `FIBChange` and `FIBNextHop` (they know nothing of
// each other); the module `RIB` also has a type `RIB`, so `RIB.FIBChange` does not name the
// RIB's. These aliases, declared where only the RIB is imported, name the RIB's types for
// `FIBTask`, which imports both.
typealias RIBFIBChange = FIBChange
typealias RIBFIBNextHop = FIBNextHop
