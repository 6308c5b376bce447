// The daemon: owns the running configuration and wires the parts together.
//
//   Transport (listen/connect) --BGPConnection--> PeerActor (one per neighbour, owns PeerSession)
//   PeerActor --UPDATEs, up/down--> RoutingEngine (the one RIB task) --exports--> PeerActor
//   RoutingEngine --FIB changes--> FIB writer task
//   KernelLinkMonitor --LinkEvent--> UnnumberedService --UnnumberedLink--> PeerActor
//   ControlServer / MetricsServer --queries--> Daemon --> PeerActor / RoutingEngine snapshots
//
// Each piece of mutable state has one owner (an actor); they talk through async calls and
// streams of Sendable values, never shared locks.

import Foundation
import Logging
import NIOCore
import NIOPosix
import NetAddress
import BGP
import RIB

actor Daemon {
    let logger: Logger
    let group: MultiThreadedEventLoopGroup
    let transport: Transport
    let routing: RoutingEngine
    let configPath: String
    private(set) var config: Config
    private var peers: [PeerKey: PeerActor] = [:]
    /// Stable numbers for the RIB, kept across reloads for as long as a neighbour stays configured.
    private var peerIDs: [PeerKey: UInt32] = [:]
    private var nextPeerID: UInt32 = 1
    private var linkMonitor: KernelLinkMonitor?
    private var unnumbered: UnnumberedService?
    private var unnumberedTask: Task<Void, Never>?
    private var unnumberedLinks: [String: UnnumberedLink] = [:]
    /// The generation of each interface's latest report (see `UnnumberedService`).
    private var unnumberedGenerations: [String: UInt64] = [:]
    private var control: ControlServer?
    private var metrics: MetricsServer?
    private let startedAt = Date()
    private var configLoadedAt = Date()
    private var failedReloads = 0
    /// The kernel held our routes of a previous run at start: sessions advertise that
    /// forwarding state was preserved (graceful restart F bit).
    private var restarted = false

    init(config: Config, configPath: String, logger: Logger) {
        self.config = config
        self.configPath = configPath
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.transport = Transport(group: group, logger: logger)
        self.routing = RoutingEngine(config: config, logger: logger)
    }

    // MARK: - Lifecycle

    func start() async throws {
        await routing.start()
        restarted = await routing.restartedWithForwardingState
        control = try await ControlServer.start(path: config.controlSocket, group: group) { [weak self] req in
            guard let self else { return ControlReply(error: "shutting down") }
            return await self.handle(req)
        }
        try await startMetrics()
        try await startListener()
        try startUnnumbered()
        for n in config.neighbors { addPeer(n) }
        let awaited = Set(config.neighbors.filter { !$0.shutdown }.compactMap { peerIDs[$0.key].map(PeerID.init) })
        await routing.expectConvergence(of: awaited, deadline: .seconds(Int(config.gracefulRestart.restartTime)))
        await routing.setNetworks(config.networks)
        await routing.setRedistribute(config.redistribute)
        warnAboutDefaultPolicy(config)
        logger.info("bgpd \(bgpdVersion) running: AS \(config.asn), router-id \(config.routerID), \(config.neighbors.count) neighbors")
    }

    /// SIGTERM/SIGINT: every session gets Cease/Administrative Shutdown (inside a Hard Reset
    /// when the peer set the N bit: it drops our routes), then the RIB withdraws what it
    /// installed in the kernel. With `fib: keep-on-exit` the kernel routes stay; if our graceful
    /// restart capability also says forwarding is preserved, this is a planned restart: the
    /// sessions get Cease/Administrative Reset, not wrapped, so the peers keep our routes (for
    /// the restart time) and traffic flows both ways until bgpd is back.
    func shutdown() async {
        logger.info("shutting down: closing sessions")
        if config.fib.keepOnExit { await routing.freezeFIB() }
        await transport.stopListening()
        let plannedRestart = config.fib.keepOnExit && SessionSetup.preservesForwarding(config)
        let notification: NotificationMessage = plannedRestart
            ? .adminReset(message: "bgpd restarting, forwarding state kept")
            : .adminShutdown(message: "bgpd shutting down")
        if plannedRestart { logger.notice("keep-on-exit: routes stay in the kernel, peers keep ours (graceful restart)") }
        await withTaskGroup(of: Void.self) { g in
            for p in peers.values { g.addTask { await p.stop(notification) } }
        }
        peers = [:]
        await routing.shutdown(keepFIB: config.fib.keepOnExit)
        linkMonitor?.stop()
        await unnumbered?.stopAll()
        await control?.stop()
        await metrics?.stop()
        // The event loop group is not shut down: connection tasks may still be finishing their
        // last writes, and the process exits right after this returns.
    }

    /// SIGHUP: load the file again; a bad file is reported and changes nothing.
    func reload() async {
        switch loadConfigFile(configPath) {
        case .failure(let errors):
            failedReloads += 1
            logger.error("reload failed; keeping the running configuration. Problems:")
            for e in errors.errors { logger.error("\(e.formatted(file: configPath))") }
        case .success(let new):
            await apply(new)
            configLoadedAt = Date()
            logger.info("configuration reloaded from \(configPath)")
        }
    }

    /// RFC 8212 is the default; turning it off is allowed but said out loud, at start and at
    /// every reload while it lasts.
    private func warnAboutDefaultPolicy(_ c: Config) {
        guard !c.ebgpRequiresPolicy else { return }
        logger.warning("policy: accept-all (ebgp-requires-policy: false): eBGP neighbors without their own policy accept and send every route (RFC 8212 would exchange none)")
    }

    private func apply(_ new: Config) async {
        warnAboutDefaultPolicy(new)
        let diff = ConfigDiff.compute(old: config, new: new)
        let old = config
        config = new
        if diff.isEmpty { logger.info("reload: no changes"); return }
        if diff.policiesChanged { logger.info("reload: policy or prefix-list declarations changed") }
        for key in diff.needsRestart { logger.warning("reload: '\(key)' changes take effect when bgpd restarts") }
        if diff.restartAll {
            logger.notice("reload: AS, router-id, graceful-restart or multipath changed; restarting every session")
            await routing.reconfigure(new)
            for (key, p) in peers {
                await p.stop(.cease(.otherConfigurationChange))
                peers[key] = nil
            }
            for n in new.neighbors { addPeer(n) }
        } else {
            if diff.defaultPolicyChanged {
                logger.notice("reload: the default eBGP policy changed; applying it without resetting sessions")
                await routing.updateDefaultPolicy(new)
            }
            for change in diff.neighbors { await apply(change, global: new) }
        }
        if diff.listenChanged {
            await transport.stopListening()
            do { try await startListener() } catch { logger.error("reload: cannot listen: \(error)") }
        } else {
            updateListenerKeys(old: old, new: new)
        }
        if diff.networksChanged { await routing.setNetworks(new.networks) }
        if diff.redistributeChanged { await routing.setRedistribute(new.redistribute) }
        if diff.metricsChanged {
            await metrics?.stop()
            metrics = nil
            do { try await startMetrics() } catch { logger.error("reload: metrics: \(error)") }
        }
        if diff.controlSocketChanged {
            await control?.stop()
            control = try? await ControlServer.start(path: new.controlSocket, group: group) { [weak self] req in
                guard let self else { return ControlReply(error: "shutting down") }
                return await self.handle(req)
            }
        }
        await unnumbered?.reconfigure(interfaces: unnumberedInterfaces(new), settings: new.routerAdvertisements)
    }

    private func apply(_ change: ConfigDiff.NeighborChange, global: Config) async {
        switch change {
        case .add(let n):
            logger.info("reload: neighbor \(n.key) added")
            addPeer(n)
        case .remove(let key):
            logger.info("reload: neighbor \(key) removed")
            await peers[key]?.stop(.cease(.peerDeconfigured))
            peers[key] = nil
            if let id = peerIDs[key] { await routing.forgetPolicy(PeerID(id)) }
            peerIDs[key] = nil
        case .update(let n):
            await peers[n.key]?.reconfigure(n, global: global)
            await setPolicy(n)
        case .policy(let n):
            logger.info("reload: neighbor \(n.key) import/export policy changed; applying it without resetting the session")
            await peers[n.key]?.reconfigure(n, global: global)
            await setPolicy(n)
        case .restart(let n):
            logger.info("reload: neighbor \(n.key) changed; restarting its session")
            await peers[n.key]?.stop(.cease(.otherConfigurationChange))
            peers[n.key] = nil
            addPeer(n)
        case .shutdown(let n):
            logger.info("reload: neighbor \(n.key) shut down")
            await peers[n.key]?.stop(.adminShutdown(message: "shutdown by configuration"))
            await peers[n.key]?.reconfigure(n, global: global)
            await setPolicy(n)
        case .enable(let n):
            logger.info("reload: neighbor \(n.key) enabled")
            await peers[n.key]?.stop(.cease(.otherConfigurationChange))
            peers[n.key] = nil
            addPeer(n)
        }
    }

    private func addPeer(_ n: NeighborConfig) {
        let id = peerIDs[n.key] ?? { let i = nextPeerID; nextPeerID += 1; return i }()
        peerIDs[n.key] = id
        let peer = PeerActor(id: id, neighbor: n, global: config, restarted: restarted, transport: transport,
                             routing: routing, logger: logger)
        peers[n.key] = peer
        let link = n.peer.interfaceName.flatMap { unnumberedLinks[$0] }
        let generation = n.peer.interfaceName.flatMap { unnumberedGenerations[$0] } ?? 0
        let routing = self.routing
        Task {
            // Before the session can come up, so its first table is judged by this policy.
            await routing.setPolicy(PeerID(id), import: n.importPolicy, export: n.exportPolicy)
            if case .interface = n.peer { await peer.unnumberedChanged(link, generation: generation) }
            await peer.start()
        }
    }

    /// The neighbour's configured policies to the RIB (nothing happens when they are unchanged).
    private func setPolicy(_ n: NeighborConfig) async {
        guard let id = peerIDs[n.key] else { return }
        await routing.setPolicy(PeerID(id), import: n.importPolicy, export: n.exportPolicy)
    }

    private func startListener() async throws {
        guard config.listen.enabled else { return }
        var keys: [IPAddress: String] = [:]
        for n in config.neighbors { if let a = n.peer.address, let p = n.password { keys[a] = p } }
        try await transport.listen(address: config.listen.address, port: config.listen.port, md5Keys: keys) { [weak self] conn in
            await self?.accept(conn)
        }
    }

    private func updateListenerKeys(old: Config, new: Config) {
        var before: [IPAddress: String] = [:], after: [IPAddress: String] = [:]
        for n in old.neighbors { if let a = n.peer.address, let p = n.password { before[a] = p } }
        for n in new.neighbors { if let a = n.peer.address, let p = n.password { after[a] = p } }
        for (a, _) in before where after[a] == nil { transport.setListenerKey(peer: a, key: nil) }
        for (a, k) in after where before[a] != k { transport.setListenerKey(peer: a, key: k) }
    }

    private func startMetrics() async throws {
        guard let m = config.metrics else { return }
        metrics = try await MetricsServer.start(address: SocketEndpoint(address: m.address, port: m.port), group: group) { [weak self] in
            await self?.metricsSnapshot() ?? MetricsSnapshot(peers: [], locRIB: [:], fib: nil, uptimeSeconds: 0)
        }
        logger.info("metrics on http://\(SocketEndpoint(address: m.address, port: m.port))/metrics")
    }

    private func unnumberedInterfaces(_ c: Config) -> Set<String> {
        Set(c.neighbors.compactMap { if case .interface(let i) = $0.peer { return i } else { return nil } })
    }

    private func startUnnumbered() throws {
        let monitor = try KernelLinkMonitor()
        let service = UnnumberedService(interfaces: unnumberedInterfaces(config), settings: config.routerAdvertisements,
                                        logger: logger) { [weak self] name, link, generation in
            await self?.unnumberedChanged(name, link, generation: generation)
        }
        linkMonitor = monitor
        unnumbered = service
        monitor.start()
        let routing = self.routing
        unnumberedTask = Task {
            for await batch in monitor.events {
                await service.apply(batch)
                let kernel = batch.compactMap { e -> KernelEvent? in
                    guard case .connected(let index, let prefix, let present) = e else { return nil }
                    return .connected(prefix: prefix, interfaceIndex: index, present: present)
                }
                if !kernel.isEmpty { await routing.kernelChanged(kernel) }
            }
        }
    }

    private func unnumberedChanged(_ interface: String, _ link: UnnumberedLink?, generation: UInt64) async {
        guard generation > unnumberedGenerations[interface, default: 0] else { return }
        unnumberedGenerations[interface] = generation
        // A TCP-MD5 key for an unnumbered peer can only go on the listening socket once its
        // address is known.
        if let n = config.neighbors.first(where: { $0.peer == .interface(interface) }), let key = n.password,
           let peer = link?.peer, peer != unnumberedLinks[interface]?.peer {
            transport.setListenerKey(peer: .v6(peer), key: key)
        }
        unnumberedLinks[interface] = link
        if let p = peers[PeerKey(interface: interface, address: nil)] { await p.unnumberedChanged(link, generation: generation) }
    }

    // MARK: - Incoming connections

    /// Finds the neighbour an accepted connection belongs to: by address (scoped by interface
    /// for link-local addresses), or for a link-local address on an unnumbered interface, that
    /// interface's neighbour. Anything else is refused by closing it.
    private func accept(_ conn: BGPConnection) async {
        let remote = conn.remote
        var candidates: [PeerKey] = []
        let ifname = remote.scopeID == 0 ? nil : InterfaceNames.name(of: remote.scopeID)
        if remote.address.v6?.isLinkLocal == true {
            candidates.append(PeerKey(interface: ifname, address: remote.address.description))
            candidates.append(PeerKey(interface: ifname, address: nil))
        } else {
            candidates.append(PeerKey(interface: nil, address: remote.address.description))
        }
        for key in candidates {
            if let p = peers[key], await p.accept(conn) { return }
        }
        logger.info("refused connection from \(remote): no neighbor configured for it")
        conn.close()
        Task { await conn.run(onBytes: { _ in }, onClose: {}) }
    }

    // MARK: - Queries

    func handle(_ req: ControlRequest) async -> ControlReply {
        switch req.command {
        case .summary:
            let details = await neighborDetails()
            let counts = await routing.counts()
            return ControlReply(summary: SummaryReply(
                routerID: config.routerID.description, asn: config.asn, uptimeSeconds: uptime,
                locRIB: counts.locRIB, fib: counts.fib, neighbors: details.map(\.summary)))
        case .neighbors:
            var details = await neighborDetails()
            if let n = req.neighbor {
                details = details.filter { $0.summary.neighbor == n }
                if details.isEmpty { return ControlReply(error: "no neighbor \(n)") }
            }
            return ControlReply(neighbors: details)
        case .routes:
            if let f = req.family, Family(name: f) == nil { return ControlReply(error: "unknown family \(f)") }
            var prefix: IPPrefix?
            if let p = req.prefix {
                guard let parsed = IPPrefix(p) else { return ControlReply(error: "not a prefix: \(p)") }
                prefix = parsed
            }
            let names = Dictionary(uniqueKeysWithValues: peerIDs.map { ($0.value, $0.key.description) })
            return ControlReply(routes: await routing.routes(family: req.family.flatMap(Family.init(name:)), prefix: prefix,
                                                             peerNames: names))
        case .refresh:
            guard let name = req.neighbor, let key = peers.keys.first(where: { $0.description == name }),
                  let peer = peers[key] else { return ControlReply(error: "no neighbor \(req.neighbor ?? "(none given)")") }
            let family = req.family.flatMap(Family.init(name:))
            if req.family != nil, family == nil { return ControlReply(error: "unknown family \(req.family ?? "")") }
            return await peer.requestRefresh(family)
        case .fib:
            if let f = req.family, Family(name: f) == nil { return ControlReply(error: "unknown family \(f)") }
            var prefix: IPPrefix?
            if let p = req.prefix {
                guard let parsed = IPPrefix(p) else { return ControlReply(error: "not a prefix: \(p)") }
                prefix = parsed
            }
            guard let reply = await routing.fib(family: req.family.flatMap(Family.init(name:)), prefix: prefix,
                                                limit: max(0, req.limit ?? Int.max)) else {
                return ControlReply(error: "routes are not installed in the kernel (fib: {install: false}, or the kernel refused the netlink socket)")
            }
            return ControlReply(fib: reply)
        case .policy:
            if let name = req.name, Policy.builtIn(named: name) == nil, !config.policies.contains(where: { $0.name == name }) {
                return ControlReply(error: "no policy \(name)")
            }
            return ControlReply(policy: PolicyReply.build(config, only: req.name))
        case .version:
            return ControlReply(version: VersionReply(
                version: bgpdVersion, pid: getpid(), uptimeSeconds: uptime, configFile: configPath,
                configLoadedAt: configLoadedAt.timeIntervalSince1970, failedReloads: failedReloads))
        }
    }

    private var uptime: Int { Int(Date().timeIntervalSince(startedAt)) }

    private func neighborDetails() async -> [NeighborDetail] {
        var out: [NeighborDetail] = []
        for key in peers.keys.sorted() {
            if let p = peers[key] { out.append(await p.detail()) }
        }
        return out
    }

    func metricsSnapshot() async -> MetricsSnapshot {
        let details = await neighborDetails()
        let counts = await routing.counts()
        let states = ["Idle": 1, "Connect": 2, "Active": 3, "OpenSent": 4, "OpenConfirm": 5, "Established": 6]
        return MetricsSnapshot(
            peers: details.map { d in
                MetricsSnapshot.Peer(
                    neighbor: d.summary.neighbor, remoteAS: d.summary.remoteAS, state: states[d.summary.state] ?? 0,
                    established: d.summary.state == "Established",
                    prefixesReceived: d.prefixes.mapValues(\.received), prefixesAccepted: d.prefixes.mapValues(\.accepted),
                    prefixesSent: d.prefixes.mapValues(\.sent), messagesReceived: d.messages.received,
                    messagesSent: d.messages.sent, establishedTransitions: d.establishedTransitions)
            },
            locRIB: counts.locRIB, fib: counts.fib, uptimeSeconds: uptime)
    }
}
