import BGP
import Logging
import NetAddress
import RIB

/// The one task that owns the RIB. Peers hand it received UPDATEs (one call per UPDATE, so a
/// 500-prefix UPDATE is one trip) and session changes; it hands each peer its export delta and
/// the FIB writer its kernel changes. Because each call is awaited by the peer that made it, a
/// peer that floods us is slowed down to the speed of the RIB, and through TCP, the peer.
actor RoutingEngine {
    private var rib: RIB
    private var sinks: [PeerID: @Sendable (PeerExport) -> Void] = [:]
    private var refreshers: [PeerID: @Sendable (Family) -> Void] = [:]
    private let fib: FIBTask
    private let logger: Logger
    /// Start-up convergence: the neighbours whose End-of-RIB we wait for (nil until the daemon
    /// has said which), what each negotiated and what it has sent End-of-RIB for.
    private var awaited: Set<PeerID>?
    private var families: [PeerID: Set<Family>] = [:]
    private var endOfRIB: [PeerID: Set<Family>] = [:]
    private(set) var converged = false
    private var convergenceDeadline: Task<Void, Never>?
    /// Each neighbour's configured import and export policy (nil: the default), set by the
    /// daemon before its session starts and on every reload. `peerUp` applies it, so a reload
    /// that races with a session coming up still ends with the configured policy.
    private var policies: [PeerID: NeighborPolicies] = [:]

    struct NeighborPolicies: Hashable, Sendable {
        var importPolicy: Policy?
        var exportPolicy: Policy?
    }

    init(config: Config, logger: Logger) {
        self.rib = RIB(config: Self.ribConfig(config))
        self.logger = logger
        self.fib = FIBTask(config: config.fib, logger: logger)
    }

    static func ribConfig(_ c: Config) -> RIBConfig {
        RIBConfig(localAS: c.asn, routerID: c.routerID, maximumPaths: c.maximumPaths, multipathRelax: c.multipathRelax,
                  defaultEBGPPolicy: c.ebgpRequiresPolicy ? .rfc8212 : .acceptAll)
    }

    func start() async {
        await fib.start()
        let events = fib.kernelEvents
        Task { [weak self] in
            for await batch in events { await self?.kernelChanged(batch) }
        }
    }

    /// True when the kernel held our routes of a previous run at start: bgpd restarted with its
    /// forwarding state preserved (the F bit of graceful restart).
    var restartedWithForwardingState: Bool {
        get async { await fib.restarted }
    }

    /// The RIB has converged after start-up once every neighbour in `peers` is Established and
    /// has sent End-of-RIB for each family it negotiated (a peer without graceful restart sends
    /// none; it counts once Established), or when `deadline` has passed. The FIB then drops the
    /// routes of a previous run that nobody announced again.
    func expectConvergence(of peers: Set<PeerID>, deadline: Duration) {
        awaited = peers
        convergenceDeadline = Task { [weak self] in
            try? await Task.sleep(for: deadline)
            guard !Task.isCancelled else { return }
            await self?.declareConverged(reason: "restart time (\(deadline)) elapsed")
        }
        checkConvergence()
    }

    /// End-of-RIB from a neighbour (RFC 4724 section 2).
    func endOfRIB(_ id: PeerID, family: Family) {
        endOfRIB[id, default: []].insert(family)
        checkConvergence()
    }

    private func checkConvergence() {
        guard !converged, let awaited else { return }
        for id in awaited {
            guard let f = families[id], f.isSubset(of: endOfRIB[id] ?? []) else { return }
        }
        declareConverged(reason: "End-of-RIB from every neighbor")
    }

    private func declareConverged(reason: String) {
        guard !converged else { return }
        converged = true
        convergenceDeadline?.cancel()
        logger.info("RIB converged after start-up: \(reason)")
        fib.submitConverged()
    }

    /// AS or router ID changed: every session is restarted by the daemon; the RIB starts empty
    /// but keeps the local origination settings that the daemon sends again.
    func reconfigure(_ c: Config) {
        rib = RIB(config: Self.ribConfig(c))
        sinks = [:]
    }

    /// The neighbour's import and export policy from now on (nil: the default). On an
    /// Established session the RIB applies a change at once without a reset: the export
    /// difference is sent; imported routes are judged again from the soft-reconfiguration copy,
    /// or the peer is asked for them again (ROUTE-REFRESH).
    func setPolicy(_ id: PeerID, import importPolicy: Policy?, export exportPolicy: Policy?) {
        let p = NeighborPolicies(importPolicy: importPolicy, exportPolicy: exportPolicy)
        guard policies[id] != p else { return }
        policies[id] = p
        dispatch(rib.setPolicy(peer: id, import: importPolicy, export: exportPolicy))
    }

    /// The neighbour is no longer configured.
    func forgetPolicy(_ id: PeerID) {
        policies[id] = nil
    }

    /// `policy:` (the default for eBGP neighbours without their own) changed: applied to those
    /// neighbours without resetting sessions.
    func updateDefaultPolicy(_ c: Config) {
        dispatch(rib.updateConfig(Self.ribConfig(c)))
    }

    func setRedistribute(_ sources: Set<LocalRouteSource>) {
        dispatch(rib.setRedistribute(sources))
    }

    func setNetworks(_ prefixes: [IPPrefix]) {
        dispatch(rib.setNetworks(Set(prefixes)))
    }

    func kernelChanged(_ events: [KernelEvent]) {
        dispatch(rib.kernelChanged(events))
    }

    /// A session reached Established: the peer gets the Loc-RIB through `sink`, then End-of-RIB.
    /// `refresh` is called when the RIB needs the peer's routes again (an import policy changed).
    /// `sendsEndOfRIB`: the peer advertised graceful restart, so it marks the end of its
    /// initial table (without it the session counts as converged once up).
    func peerUp(_ info: PeerInfo, sendsEndOfRIB: Bool = true, sink: @escaping @Sendable (PeerExport) -> Void,
                refresh: @escaping @Sendable (Family) -> Void = { _ in }) {
        var info = info
        if let p = policies[info.id] {
            info.importPolicy = p.importPolicy
            info.exportPolicy = p.exportPolicy
        }
        sinks[info.id] = sink
        refreshers[info.id] = refresh
        families[info.id] = sendsEndOfRIB ? info.families : []
        endOfRIB[info.id] = []
        dispatch(rib.peerUp(info))
        checkConvergence()
    }

    /// A session left Established; with `retainStale` its routes stay (marked stale) for a
    /// gracefully restarting peer.
    func peerDown(_ id: PeerID, retainStale: Bool) {
        sinks[id] = nil
        refreshers[id] = nil
        families[id] = nil
        dispatch(rib.peerDown(id, retainStale: retainStale))
    }

    /// The neighbour was removed or its session reset without graceful restart.
    func flushStale(_ id: PeerID, family: Family) {
        dispatch(rib.flushStale(peer: id, family: family))
    }

    func apply(_ update: UpdateMessage, from id: PeerID) async {
        dispatch(rib.apply(update: update, from: id))
        // The kernel takes routes more slowly than the RIB decides them. Rather than queue a
        // whole table of changes in memory, the UPDATE's sender waits (and through TCP, its
        // peer). The changes are already queued in order, so whatever runs on this actor
        // meanwhile queues behind them.
        if fib.backlogged { await fib.waitForRoom() }
    }

    /// The peer asked for our routes again (ROUTE-REFRESH): what we last sent it, as one export.
    /// `addPath`: the session sends path identifiers for the family (the RIB sends best paths
    /// with identifier 1 there).
    func adjRIBOut(_ id: PeerID, family: Family, addPath: Bool) -> PeerExport {
        var groups: [Int: ExportAnnouncement] = [:]
        var order: [Int] = []
        var keys: [(PathAttributes, NextHop?)] = []
        for (dest, attrs, nh) in rib.adjRIBOut(peer: id, family: family) {
            let k = keys.firstIndex { $0.0 == attrs && $0.1 == nh } ?? { keys.append((attrs, nh)); return keys.count - 1 }()
            if groups[k] == nil {
                groups[k] = ExportAnnouncement(family: family, attributes: attrs, nextHop: nh, nlri: .empty(family))
                order.append(k)
            }
            groups[k]?.nlri.append(dest, pathID: addPath ? 1 : nil)
        }
        return PeerExport(steps: order.compactMap { groups[$0].map { .announce($0) } })
    }

    func counters(_ id: PeerID, families: [Family]) -> [Family: PeerCounters] {
        var out: [Family: PeerCounters] = [:]
        for f in families { out[f] = rib.counters(peer: id, family: f) }
        return out
    }

    /// Loc-RIB and FIB sizes from running counters.
    /// The FIB writer's view for `show fib`.
    func fib(family: Family?, prefix: IPPrefix?, limit: Int) async -> FIBReply? {
        await fib.reply(family: family, prefix: prefix, limit: limit)
    }

    func counts() async -> (locRIB: [String: Int], fib: [String: Int]?) {
        var loc: [String: Int] = [:]
        for f in [Family.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN] { loc[f.description] = rib.routeCount(f) }
        return (loc, await fib.counts())
    }

    func routes(family: Family?, prefix: IPPrefix?, peerNames: [UInt32: String]) -> [RouteEntry] {
        var out: [RouteEntry] = []
        if let prefix {
            let f: Family = prefix.isV4 ? .ipv4Unicast : .ipv6Unicast
            let paths = rib.paths(for: prefix)
            if !paths.isEmpty { out.append(RouteView.entry(family: f, destination: prefix.description, paths: paths, names: peerNames)) }
            return out
        }
        for f in family.map({ [$0] }) ?? [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN] {
            for r in rib.locRIB(f) {
                out.append(RouteView.entry(family: f, destination: r.destination.description, paths: r.paths, names: peerNames))
            }
        }
        return out
    }

    /// At exit with keep-on-exit, before the sessions close: their withdrawals stay out of the kernel.
    func freezeFIB() async {
        await fib.freeze()
    }

    /// At exit: the FIB writer removes what it installed unless told to keep it.
    func shutdown(keepFIB: Bool) async {
        await fib.shutdown(keep: keepFIB)
    }

    private func dispatch(_ out: RIBOutput) {
        for (peer, export) in out.exports where !export.isEmpty { sinks[peer]?(export) }
        if !out.fibChanges.isEmpty { fib.submit(out.fibChanges) }
        for r in out.routeRefreshRequests { refreshers[r.peer]?(r.family) }
    }
}

extension NLRIList {
    /// Adds one destination of the list's family.
    mutating func append(_ d: RIBDestination, pathID: UInt32?) {
        switch (self, d) {
        case (.ipv4Unicast(var l), .prefix(.v4(let p))): l.append(IPv4NLRI(p, pathID: pathID)); self = .ipv4Unicast(l)
        case (.ipv6Unicast(var l), .prefix(.v6(let p))): l.append(IPv6NLRI(p, pathID: pathID)); self = .ipv6Unicast(l)
        case (.evpn(var l), .evpn(let r)): l.append(EVPNNLRI(r, pathID: pathID)); self = .evpn(l)
        default: break
        }
    }
}
