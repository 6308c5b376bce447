/// What a configuration reload changes, decided purely from the old and new `Config` so that the
/// rule "reset only the sessions whose session parameters changed" is unit-tested.
///
/// Operators of FRR complain that a reload resets every session (FRR issues 22953, 16596); here a
/// change of networks, timers of other peers, descriptions or metrics never touches a session.
struct ConfigDiff: Hashable, Sendable {
    enum NeighborChange: Hashable, Sendable {
        /// New neighbour: start it.
        case add(NeighborConfig)
        /// Gone from the config: Cease/Peer De-configured (RFC 4486 subcode 3).
        case remove(PeerKey)
        /// Only descriptive fields changed: update in place.
        case update(NeighborConfig)
        /// The import or export policy changed (a name, or the definition of a policy it names),
        /// and nothing else that matters to the session: the RIB applies the new policy without
        /// a reset (export: the difference is sent; import: soft reconfiguration or ROUTE-REFRESH).
        case policy(NeighborConfig)
        /// A session parameter changed: Cease/Other Configuration Change (subcode 6) and restart.
        case restart(NeighborConfig)
        /// `shutdown` turned on: Cease/Administrative Shutdown (subcode 2), stay down.
        case shutdown(NeighborConfig)
        /// `shutdown` turned off: start it.
        case enable(NeighborConfig)
    }

    var neighbors: [NeighborChange] = []
    /// AS, router ID, graceful-restart or multipath changed: every session restarts.
    var restartAll = false
    /// `policy:` / `ebgp-requires-policy` changed: the RIB re-applies the defaults to the eBGP
    /// neighbours without a policy of their own, without resetting sessions.
    var defaultPolicyChanged = false
    /// A declaration under `policies:` or `prefix-lists:` changed. Neighbours using it show up
    /// as `.policy` changes; this alone only changes what `bgpd show policy` prints.
    var policiesChanged = false
    var listenChanged = false
    var networksChanged = false
    var redistributeChanged = false
    var controlSocketChanged = false
    var metricsChanged = false
    var routerAdvertisementsChanged = false
    /// Keys that only take effect when the daemon restarts.
    var needsRestart: [String] = []

    var isEmpty: Bool {
        neighbors.isEmpty && !restartAll && !defaultPolicyChanged && !policiesChanged && !listenChanged && !networksChanged && !redistributeChanged && !controlSocketChanged
            && !metricsChanged && !routerAdvertisementsChanged && needsRestart.isEmpty
    }

    static func compute(old: Config, new: Config) -> ConfigDiff {
        var d = ConfigDiff()
        d.restartAll = old.asn != new.asn || old.routerID != new.routerID || old.gracefulRestart != new.gracefulRestart
            || old.maximumPaths != new.maximumPaths || old.multipathRelax != new.multipathRelax
        d.defaultPolicyChanged = old.ebgpRequiresPolicy != new.ebgpRequiresPolicy
        d.policiesChanged = old.policies != new.policies || old.prefixLists != new.prefixLists
        d.listenChanged = old.listen != new.listen
        d.networksChanged = old.networks != new.networks
        d.redistributeChanged = old.redistribute != new.redistribute
        d.controlSocketChanged = old.controlSocket != new.controlSocket
        d.metricsChanged = old.metrics != new.metrics
        d.routerAdvertisementsChanged = old.routerAdvertisements != new.routerAdvertisements
        if old.pidFile != new.pidFile { d.needsRestart.append("pidfile") }
        // keep-on-exit is read at exit, so it applies at once; installing or not needs a start.
        if old.fib.install != new.fib.install { d.needsRestart.append("fib install") }

        let before = Dictionary(old.neighbors.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Set(new.neighbors.map(\.key))
        for n in old.neighbors where !after.contains(n.key) { d.neighbors.append(.remove(n.key)) }
        for n in new.neighbors {
            guard let o = before[n.key] else { d.neighbors.append(.add(n)); continue }
            if o == n { continue }
            if !o.shutdown && n.shutdown { d.neighbors.append(.shutdown(n)); continue }
            if o.shutdown && !n.shutdown { d.neighbors.append(.enable(n)); continue }
            var a = o, b = n
            a.description = nil; b.description = nil
            if n.shutdown || a == b { d.neighbors.append(.update(n)); continue }
            a.importPolicy = nil; a.exportPolicy = nil
            b.importPolicy = nil; b.exportPolicy = nil
            d.neighbors.append(a == b ? .policy(n) : .restart(n))
        }
        return d
    }
}
