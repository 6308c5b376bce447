import BGP
import Foundation
import Logging
import NetAddress
import RIB

/// One configured neighbour: the single owner of its `PeerSession` (the pure session logic:
/// framing, decoding, the state machines), its TCP connections and its timers. It moves the
/// bytes each connection delivers into the session and carries out the session's actions: open
/// or close connections, write bytes, run timers, and hand routes to the RIB.
actor PeerActor {
    let id: UInt32
    let key: PeerKey
    private(set) var neighbor: NeighborConfig
    private var global: Config
    private let transport: Transport
    let routing: RoutingEngine
    private var logger: Logger

    private(set) var session: PeerSession
    private var connections: [ConnectionID: Link] = [:]
    /// Running timers, each with the generation it was started in.
    private var timers: [PeerTimer: (task: Task<Void, Never>, generation: UInt64)] = [:]
    private var timerGeneration: UInt64 = 0
    var link: UnnumberedLink?
    private var linkGeneration: UInt64 = 0
    /// Connect actions waiting for the unnumbered peer's address to be learnt.
    private var waitingForAddress: [ConnectionID] = []
    var stats = PeerStats()
    /// Exports from the RIB, in order, to this peer's session.
    private var exports: AsyncStream<PeerExport>.Continuation?

    /// A connection (nil while the attempt to open it runs).
    private struct Link {
        var connection: BGPConnection?
    }

    /// `restarted`: bgpd found its kernel routes of a previous run at start (graceful restart's
    /// R and F bits in our OPEN).
    init(id: UInt32, neighbor: NeighborConfig, global: Config, restarted: Bool = false, transport: Transport,
         routing: RoutingEngine, logger: Logger) {
        self.id = id
        self.key = neighbor.key
        self.neighbor = neighbor
        self.global = global
        self.transport = transport
        self.routing = routing
        var l = logger
        l[metadataKey: "peer"] = "\(neighbor.key)"
        self.logger = l
        self.session = PeerSession(configuration: SessionSetup.configuration(neighbor, global: global, restarted: restarted))
    }

    // MARK: - Operator events

    func start() async {
        guard !neighbor.shutdown else {
            stats.adminDown = true
            stats.state = "Shutdown"
            return
        }
        stats.adminDown = false
        await perform(session.start())
    }

    /// Stops the session with `notification` and waits until its connections are closed.
    func stop(_ notification: NotificationMessage) async {
        await perform(session.stop(notification))
        stats.adminDown = true
        for (_, t) in timers { t.task.cancel() }
        timers = [:]
        // Give the NOTIFICATION a moment to leave before the daemon exits.
        for _ in 0..<20 where connections.values.contains(where: { $0.connection != nil }) {
            try? await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Descriptive changes only (see `ConfigDiff`).
    func reconfigure(_ n: NeighborConfig, global: Config) {
        neighbor = n
        self.global = global
        if n.shutdown {
            stats.adminDown = true
            stats.state = "Shutdown"
        }
    }

    /// Asks the peer for its routes again (ROUTE-REFRESH) in `family`, or every negotiated one.
    func requestRefresh(_ family: Family?) async -> ControlReply {
        guard let s = session.session else { return ControlReply(error: "\(key) is not Established") }
        guard s.routeRefresh else { return ControlReply(error: "\(key) did not advertise route refresh") }
        let families = family.map { [$0] } ?? s.families.sorted()
        for f in families { await perform(session.requestRefresh(f)) }
        return ControlReply(message: "route refresh sent to \(key) for \(families.map(\.description).joined(separator: ", "))")
    }

    /// The import policy changed and no soft-reconfiguration copy exists: the routes are asked
    /// for again. A peer without route refresh cannot be asked; the new policy then applies to
    /// what it sends from now on, and the log says how to apply it to the rest.
    private func refreshForPolicy(_ family: Family) async {
        let reply = await requestRefresh(family)
        if let e = reply.error {
            logger.warning("import policy changed but \(e); it applies to routes received from now on (set soft-reconfiguration: true, or reset the session)")
        }
    }

    /// The unnumbered interface's state changed: our link-local address, the peer's.
    func unnumberedChanged(_ l: UnnumberedLink?, generation: UInt64) async {
        // An older report overtaken by a newer one (they come through different tasks).
        guard generation >= linkGeneration else { return }
        linkGeneration = generation
        let learnt = l?.peer != nil && l?.peer != link?.peer
        let lost = link != nil && l == nil
        link = l
        if lost, !connections.isEmpty {
            // The interface went down (or lost its address): a directly connected session cannot
            // survive it, so it is closed now rather than when the hold timer runs out (FRR's
            // fast-external-failover). The session goes through its TCP-failure path and
            // reconnects once the peer is heard again.
            logger.notice("interface \(neighbor.peer.interfaceName ?? "?") is down: closing the session")
            for cid in Array(connections.keys) {
                connections.removeValue(forKey: cid)?.connection?.close()
                await perform(session.tcpFailed(cid))
            }
        }
        guard learnt, let peer = l?.peer else { return }
        logger.info("peer link-local address \(peer) learnt on \(l?.interface ?? "?")")
        // Connect attempts that were waiting for the address go ahead now.
        let waiting = waitingForAddress
        waitingForAddress = []
        for c in waiting { connect(c) }
    }

    // MARK: - Connections

    /// An incoming connection from this neighbour's address. Returns false to have it refused.
    func accept(_ conn: BGPConnection) async -> Bool {
        if neighbor.shutdown { return false }
        if neighbor.ttlSecurity {
            do { try await conn.setGTSM() } catch {
                logger.warning("GTSM on incoming connection: \(error)")
                return false
            }
        }
        switch session.acceptIncoming() {
        case .rejected(let reason):
            logger.info("incoming connection from \(conn.remote) refused: \(reason)")
            return false
        case .accepted(let cid, let actions):
            logger.debug("incoming connection \(cid) from \(conn.remote)")
            if case .interface = neighbor.peer, link?.peer == nil, let a = conn.remote.address.v6 {
                // The peer found us first: its address is the one it connected from.
                link?.peer = a
            }
            connections[cid] = Link(connection: conn)
            run(conn, as: cid)
            await perform(actions)
            return true
        }
    }

    private func remoteEndpoint() -> SocketEndpoint? {
        switch neighbor.peer {
        case .address(let a, let iface):
            let scope = a.v6?.isLinkLocal == true ? iface.flatMap(InterfaceNames.index(of:)) ?? 0 : 0
            return SocketEndpoint(address: a, port: neighbor.port, scopeID: scope)
        case .interface:
            guard let l = link, let peer = l.peer else { return nil }
            return SocketEndpoint(address: .v6(peer), port: neighbor.port, scopeID: l.index)
        }
    }

    private func connect(_ cid: ConnectionID) {
        guard let remote = remoteEndpoint() else {
            // Unnumbered and the peer is not known yet: wait for its RA (or connection).
            waitingForAddress.append(cid)
            return
        }
        connections[cid] = Link()
        let n = neighbor
        let transport = self.transport
        Task {
            do {
                let conn = try await transport.connect(
                    to: remote, source: n.sourceAddress, interface: n.peer.interfaceName, md5Key: n.password,
                    ttlSecurity: n.ttlSecurity, timeout: .seconds(max(2, Int(n.timers.connectRetry))))
                await self.connected(conn, as: cid)
            } catch {
                await self.connectFailed(cid, error)
            }
        }
    }

    private func connected(_ conn: BGPConnection, as cid: ConnectionID) async {
        guard connections[cid] != nil else {
            // The session gave up on this attempt meanwhile.
            conn.close()
            Task { await conn.run(onBytes: { _ in }, onClose: {}) }
            return
        }
        connections[cid]?.connection = conn
        logger.debug("connected \(cid) to \(conn.remote)")
        run(conn, as: cid)
        await perform(session.tcpConnected(cid))
    }

    private func connectFailed(_ cid: ConnectionID, _ error: any Error) async {
        guard connections.removeValue(forKey: cid) != nil else { return }
        logger.debug("connection \(cid) failed: \(error)")
        await perform(session.tcpFailed(cid))
    }

    private func run(_ conn: BGPConnection, as cid: ConnectionID) {
        Task {
            await conn.run(onBytes: { [weak self] bytes in await self?.received(bytes, on: cid) },
                           onClose: { [weak self] in await self?.closed(cid) })
        }
    }

    private func closed(_ cid: ConnectionID) async {
        guard connections.removeValue(forKey: cid) != nil else { return }
        logger.debug("connection \(cid) closed")
        await perform(session.tcpFailed(cid))
    }

    /// Bytes from connection `cid`, as TCP delivered them, to the session.
    private func received(_ bytes: [UInt8], on cid: ConnectionID) async {
        guard connections[cid] != nil else { return }
        await perform(session.receive(bytes, on: cid))
    }

    // MARK: - Session actions

    /// Carries out the session's actions in order.
    func perform(_ actions: [PeerSessionAction]) async {
        // Consecutive messages to one connection go out as one write (up to 64 KiB): a table
        // exported as thousands of UPDATEs costs a few dozen syscalls, not one per message.
        var pending: (cid: ConnectionID, bytes: [UInt8])?
        func flush() {
            if let p = pending, let conn = connections[p.cid]?.connection { conn.send(p.bytes) }
            pending = nil
        }
        for action in actions {
            if case .send(let cid, let bytes) = action {
                // The session logs it; the time of the last one is ours to keep.
                if bytes.count > 18, bytes[18] == 3, let n = NotificationMessage(encoded: bytes) {
                    stats.lastError = SessionError(direction: "sent", code: Int(n.code), subcode: Int(n.subcode),
                                                   text: "sent \(n.summary)", at: Date().timeIntervalSince1970)
                }
                if pending?.cid == cid, let count = pending?.bytes.count, count + bytes.count <= 65_536 {
                    pending?.bytes.append(contentsOf: bytes)
                } else {
                    flush()
                    pending = (cid, bytes)
                }
                continue
            }
            flush()
            switch action {
            case .connect(let cid):
                connect(cid)
            case .send:
                break
            case .close(let cid):
                waitingForAddress.removeAll { $0 == cid }
                connections.removeValue(forKey: cid)?.connection?.close()
            case .startTimer(let t, let d):
                startTimer(t, d)
            case .cancelTimer(let t):
                timers.removeValue(forKey: t)?.task.cancel()
            case .established(let s):
                await established(s)
            case .update(let u):
                for d in u.diagnostics { logger.warning("malformed UPDATE repaired (RFC 7606): \(d)") }
                await routing.apply(u, from: PeerID(id))
            case .endOfRIB(let f):
                logger.info("End-of-RIB received for \(f)")
                stats.endOfRIBReceived.insert(f.description)
                await routing.endOfRIB(PeerID(id), family: f)
            case .refreshRequested(let f):
                await answerRefresh(f)
            case .routes(let r):
                await routeAction(r)
            case .familyDisabled(let f, let reason):
                logger.warning("\(f) disabled for this session: \(reason)")
            case .down(let cause, let retain):
                await down(cause, retain: retain)
            case .log(let level, let text):
                switch level {
                case .debug: logger.debug("\(text)")
                case .info: logger.info("\(text)")
                case .notice: logger.notice("\(text)")
                case .warning: logger.warning("\(text)")
                }
            }
        }
        flush()
        stats.state = stats.adminDown && !session.enabled ? "Shutdown" : session.state.description
    }

    private func startTimer(_ t: PeerTimer, _ d: Duration) {
        timers[t]?.task.cancel()
        timerGeneration += 1
        let generation = timerGeneration
        let task = Task { [weak self] in
            try? await Task.sleep(for: d)
            guard !Task.isCancelled else { return }
            await self?.fire(t, generation: generation)
        }
        timers[t] = (task, generation)
    }

    private func fire(_ t: PeerTimer, generation: UInt64) async {
        // A timer cancelled, or restarted after this task's sleep ended, is stale: only the
        // generation still registered may fire.
        guard timers[t]?.generation == generation else { return }
        timers[t] = nil
        await perform(session.timerFired(t))
    }

    private func established(_ s: NegotiatedSession) async {
        let conn = session.connections.compactMap { connections[$0]?.connection }.first
        stats.established(at: Date(), capabilities: SessionSetup.capabilityNames(s), session: s,
                          local: conn?.local, remote: conn?.remote)
        logger.notice("session Established (AS \(s.peerASN), router-id \(s.peerIdentifier), hold \(s.holdTime) s)")
        guard let conn else { return }
        let info = SessionSetup.peerInfo(id: id, neighbor: neighbor, session: s, local: conn.local, remote: conn.remote, link: link)
        let (stream, continuation) = AsyncStream.makeStream(of: PeerExport.self)
        exports?.finish()
        exports = continuation
        Task { [weak self] in
            for await e in stream { await self?.send(e) }
        }
        await routing.peerUp(info, sendsEndOfRIB: s.gracefulRestart, sink: { continuation.yield($0) }, refresh: { [weak self] family in
            Task { await self?.refreshForPolicy(family) }
        })
    }

    /// An export delta from the RIB, packed into UPDATEs for this session.
    private func send(_ export: PeerExport) async {
        guard let s = session.session else { return }
        let context = s.codecContext
        var updates: [UpdateMessage] = []
        var eor: [Family] = []
        for step in export.steps {
            switch step {
            case .announce(let a):
                updates += UpdateMessage.announcements(a.nlri, nextHop: a.nextHop, attributes: a.attributes, context: context)
            case .withdraw(let l):
                updates += UpdateMessage.withdrawals(l, context: context)
            case .endOfRIB(let f):
                if !updates.isEmpty { await perform(session.sendUpdates(updates)); updates = [] }
                eor.append(f)
                await perform(session.sendEndOfRIB(f))
            }
        }
        if !updates.isEmpty { await perform(session.sendUpdates(updates)) }
        if !eor.isEmpty { logger.info("initial table sent, End-of-RIB for \(eor.map(\.description).joined(separator: ", "))") }
    }

    private func answerRefresh(_ f: Family) async {
        guard let s = session.session else { return }
        logger.info("route refresh requested for \(f)")
        await perform(session.beginRefreshResponse(f))
        let export = await routing.adjRIBOut(PeerID(id), family: f, addPath: s.addPath[f]?.contains(.send) == true)
        await send(export)
        await perform(session.endRefreshResponse(f))
    }

    private func routeAction(_ r: PeerRouteAction) async {
        switch r {
        case .flushAll:
            await routing.peerDown(PeerID(id), retainStale: false)
        case .flush(let families), .flushStale(let families):
            for f in families { await routing.flushStale(PeerID(id), family: f) }
        case .markStale, .markLongLivedStale:
            // Marking happens in the RIB when the session goes down with retainStale (below).
            break
        }
    }

    private func down(_ cause: SessionCloseCause, retain: Bool) async {
        exports?.finish()
        exports = nil
        stats.down(at: Date())
        let now = Date().timeIntervalSince1970
        switch cause {
        case .notificationReceived(let n):
            stats.lastError = SessionError(direction: "received", code: Int(n.code), subcode: Int(n.subcode),
                                           text: "received \(n.summary)", at: now)
        case .notificationSent(let n):
            stats.lastError = SessionError(direction: "sent", code: Int(n.code), subcode: Int(n.subcode),
                                           text: "sent \(n.summary)", at: now)
        case .connectionFailed:
            stats.lastError = SessionError(direction: "local", code: nil, subcode: nil,
                                           text: "connection closed by the peer or failed", at: now)
        case .stoppedWithoutNotification:
            break
        }
        logger.notice("session down: \(cause)\(retain ? "; keeping the peer's routes as stale (graceful restart)" : "")")
        await routing.peerDown(PeerID(id), retainStale: retain)
    }
}
