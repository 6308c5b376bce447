import BGP

extension RIB {
    /// Applies a changed configuration (a reload) without resetting sessions:
    /// - decision settings (`maximumPaths`, `multipathRelax`, `alwaysCompareMED`,
    ///   `defaultLocalPref`) and next-hop resolution settings re-run the decision process for
    ///   every destination;
    /// - a changed `defaultEBGPPolicy` re-applies import and export to every eBGP neighbour that
    ///   has no policy of its own, as `setPolicy` does (ROUTE-REFRESH requests when needed).
    ///
    /// `localAS`, `routerID` and `clusterID` are stored for what is built next; the daemon resets
    /// every session when they change (as FRR does), which rebuilds what peers were sent.
    public mutating func updateConfig(_ config: RIBConfig) -> RIBOutput {
        let old = core.config
        core.config = config
        core.options = DecisionOptions(maximumPaths: config.maximumPaths, multipathRelax: config.multipathRelax,
                                       alwaysCompareMED: config.alwaysCompareMED)
        var output = RIBOutput()
        if old.defaultEBGPPolicy != config.defaultEBGPPolicy {
            for slot in 1..<core.peers.count where core.peers[slot].external {
                let info = core.peers[slot].info
                guard info.importPolicy == nil || info.exportPolicy == nil else { continue }
                // The effective policies are derived again under the new default.
                output.append(setPolicy(peer: info.id, import: info.importPolicy, export: info.exportPolicy))
            }
        }
        let redecide = old.maximumPaths != config.maximumPaths || old.multipathRelax != config.multipathRelax
            || old.alwaysCompareMED != config.alwaysCompareMED || old.defaultLocalPref != config.defaultLocalPref
        let reresolve = old.nextHopResolution != config.nextHopResolution || old.resolveViaDefault != config.resolveViaDefault
        if reresolve {
            core.nextHops.mode = config.nextHopResolution
            core.nextHops.resolver.resolveViaDefault = config.resolveViaDefault
            _ = core.nextHops.refreshAll(sets: &core.sets)
        }
        if redecide || reresolve {
            core.redecideAll(&v4)
            core.redecideAll(&v6)
            core.redecideAll(&evpn)
        }
        output.append(finishAll())
        return output
    }
}

extension Core {
    /// Re-decides every destination of a family.
    mutating func redecideAll<K: RouteKey>(_ f: inout FamilyTable<K>) {
        for e in 0..<f.table.entryCapacity where f.table.isLive(e) { decide(&f, e) }
    }
}
