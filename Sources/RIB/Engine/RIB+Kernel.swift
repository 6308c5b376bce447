import BGP
import NetAddress

extension RIB {
    /// Applies kernel changes (connected prefixes and routes, from the daemon's netlink monitor):
    /// the next-hop resolver view is updated and every next hop re-resolved, so paths whose next
    /// hop became unreachable leave the best-path set (and come back); `redistribute` origination
    /// follows addresses and routes as they come and go.
    public mutating func kernelChanged(_ events: [KernelEvent]) -> RIBOutput {
        var resolverChanged = false
        var touched: [IPPrefix] = []
        for ev in events {
            let changed = core.nextHops.resolver.apply(ev)
            resolverChanged = resolverChanged || changed
            guard changed else { continue }
            switch ev {
            case let .connected(prefix, _, present):
                local.note(prefix, .connected, present: present)
                touched.append(prefix)
            case let .route(prefix, source, _, _, _, present):
                local.note(prefix, source, present: present)
                touched.append(prefix)
            }
        }
        var seen = Set<IPPrefix>()
        for p in touched where seen.insert(p).inserted { reconcileLocal(p) }
        if resolverChanged && core.config.nextHopResolution == .kernel {
            let changed = core.nextHops.refreshAll(sets: &core.sets)
            if changed.contains(true) {
                core.redecide(&v4, changed: changed)
                core.redecide(&v6, changed: changed)
            }
        }
        return finishAll()
    }

    /// Sets the configured `networks`: announced with ORIGIN IGP whether or not a kernel route
    /// exists.
    public mutating func setNetworks(_ prefixes: Set<IPPrefix>) -> RIBOutput {
        let affected = local.networks.union(prefixes)
        local.networks = prefixes
        for p in affected.sorted() { reconcileLocal(p) }
        return finishAll()
    }

    /// Sets which kernel route sources are redistributed (`redistribute: [connected, static, kernel]`).
    public mutating func setRedistribute(_ sources: Set<LocalRouteSource>) -> RIBOutput {
        local.redistribute = sources
        for p in local.known.keys.sorted() { reconcileLocal(p) }
        return finishAll()
    }

    private mutating func reconcileLocal(_ p: IPPrefix) {
        let attrs = local.origin(p).map {
            RouteAttributes(path: PathAttributes(origin: $0, asPath: .empty), nextHop: nil)
        }
        switch p {
        case .v4(let x): core.setLocal(&v4, x, attrs)
        case .v6(let x): core.setLocal(&v6, x, attrs)
        }
    }

    /// Originates an EVPN route (a local MAC/IP, the IMET route of a local VNI, a type-5 prefix)
    /// with the given attributes and next hop (our VTEP address). Replaces an earlier one for
    /// the same route.
    public mutating func originateEVPN(_ route: EVPNRoute, attributes: PathAttributes, nextHop: NextHop) -> RIBOutput {
        core.setLocal(&evpn, route, RouteAttributes(received: attributes, nextHop: nextHop))
        return finishAll()
    }

    /// Stops originating an EVPN route.
    public mutating func withdrawEVPN(_ route: EVPNRoute) -> RIBOutput {
        core.setLocal(&evpn, route, nil)
        return finishAll()
    }
}
