import Glibc
import NetAddress

// FIBWriter: the one owner of our state in the kernel FIB.
//
// Requests come in as batches of neutral changes (`apply`); the model (`FIBState`) turns them
// into netlink operations in dependency order; this actor encodes them into large sendmsg(2)
// batches, asks for an ACK only on the last message of each batch (errors are always answered,
// and carry the sequence number of the failed request), matches errors to requests, and reports
// them as events without stopping the others. A monitor thread feeds link, address, neighbour,
// route and nexthop notifications back in: a link going down shrinks the groups that used it at
// once, and objects someone else deletes are put back. ENOBUFS on either socket leads to a full
// re-read and reconcile, never to silent drift.
//
// The actor runs on its own thread (WriterExecutor), so blocking netlink calls never occupy
// Swift's cooperative pool.

/// The result of one `apply` call.
public struct FIBBatchResult: Sendable, Hashable {
    /// Changes accepted into the wanted state.
    public var accepted: Int
    /// Everything that failed while applying this batch (also sent as `.failed` events).
    public var failures: [FIBFailure]
}

/// The kernel FIB writer. See the file comment for how it works and README.md for how to wire it.
public actor FIBWriter {
    /// Monitor updates, failures and resynchronisations. One consumer.
    public nonisolated let events: AsyncStream<FIBEvent>
    public nonisolated let configuration: FIBConfiguration

    private let eventSink: AsyncStream<FIBEvent>.Continuation
    private var state: FIBState
    private let socket: NetlinkSocket
    private let sender: BatchSender
    private var inFlight: [Int: ([FIBOperation], Range<Int>)] = [:]
    private var nextTag = 0
    private var monitor: MonitorThread?
    private var monitorTask: Task<Void, Never>?
    private var staleTimer: Task<Void, Never>?
    private var retryTask: Task<Void, Never>?
    private var statistics = FIBStatistics()
    private var needsResync = false
    private var batchFailures: [FIBFailure] = []
    private var started = false
    private var routeMessagesSent = 0
    private let context: EncodeContext

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        WriterExecutor.shared.asUnownedSerialExecutor()
    }

    /// Opens the request socket (inside `configuration.namespace` if set). Nothing is read or
    /// written until `start()`.
    public init(configuration: FIBConfiguration = FIBConfiguration()) throws(NetlinkSocketError) {
        self.configuration = configuration
        context = EncodeContext(configuration)
        state = FIBState(config: configuration)
        socket = try NetlinkSocket(namespace: configuration.namespace, options: configuration.socketOptions)
        sender = BatchSender(socket: socket)
        (events, eventSink) = AsyncStream.makeStream(of: FIBEvent.self, bufferingPolicy: .unbounded)
    }

    /// Reads the kernel and starts monitoring: links, addresses and neighbours are reported as
    /// events (between `.resyncStarted` and `.synchronized`); our routes and nexthop objects left by
    /// a previous run are adopted and stay in place until `converged()` or the stale timeout.
    public func start() throws(NetlinkSocketError) {
        guard !started else { return }
        started = true
        var sysctls: [(String, String)] = []
        if configuration.enableOffloadNotifications {
            sysctls += [("/proc/sys/net/ipv4/fib_notify_on_flag_change", "1"), ("/proc/sys/net/ipv6/fib_notify_on_flag_change", "1")]
        }
        if configuration.useNexthopObjects, let compat = configuration.nexthopCompatMode {
            sysctls.append(("/proc/sys/net/ipv4/nexthop_compat_mode", compat ? "1" : "0"))
        }
        writeSysctls(sysctls)
        if configuration.monitor {
            let m = try MonitorThread(namespace: configuration.namespace, ignoringPortID: socket.portID,
                                      receiveBufferSize: configuration.monitorReceiveBufferSize)
            try m.start()
            monitor = m
        }
        try readKernel(reason: "start")
        sync()
        if let m = monitor {
            monitorTask = Task(executorPreference: WriterExecutor.shared) { [weak self] in
                for await input in m.stream {
                    guard let self else { return }
                    await self.handle(input)
                }
            }
        }
        if let timeout = configuration.staleRouteTimeout {
            staleTimer = Task(executorPreference: WriterExecutor.shared) { [weak self] in
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                await self?.converged()
            }
        }
    }

    deinit {
        monitor?.stop()
        sender.stop()
    }

    /// Stops monitoring and timers and closes the sockets once idle. Routes stay in the kernel
    /// (a restart adopts them). The writer cannot be used afterwards.
    public func stop() {
        drain()
        sender.stop()
        monitor?.stop()
        monitor = nil
        monitorTask?.cancel()
        staleTimer?.cancel()
        retryTask?.cancel()
        eventSink.finish()
    }

    /// Applies a batch of route changes and brings the kernel in line before returning.
    @discardableResult
    public func apply(_ changes: [FIBChange]) -> FIBBatchResult {
        var accepted = 0
        batchFailures = []
        var v4 = 0, v6 = 0
        for change in changes {
            if case .add(let r) = change { if r.prefix.isV4 { v4 += 1 } else { v6 += 1 } }
        }
        state.routes.reserve(v4: v4, v6: v6)
        // The whole batch first: whether every route of a group moves (so the group can change
        // in place) is only known at the end.
        for change in changes {
            switch change {
            case .add(let r), .replace(let r):
                if let f = state.set(r) { report(f) } else { accepted += 1 }
            case .delete(let p):
                state.remove(p)
                accepted += 1
            }
        }
        sync()
        let result = FIBBatchResult(accepted: accepted, failures: batchFailures)
        batchFailures = []
        return result
    }

    /// Removes every route and nexthop object of ours from the kernel (a clean shutdown without
    /// graceful restart). The writer stays usable.
    public func removeAll() {
        var prefixes: [IPPrefix] = []
        state.routes.forEach { p, _ in prefixes.append(p) }
        for p in prefixes { state.remove(p) }
        state.markConverged()
        sync()
    }

    /// The RIB has converged after start-up: remove what a previous run left and nobody claimed.
    public func converged() {
        staleTimer?.cancel()
        state.markConverged()
        sync()
    }

    /// A copy of the writer's state for `show fib`; `limit` caps the number of routes listed.
    public func snapshot(limit: Int = Int.max, matching filter: @Sendable (IPPrefix) -> Bool = { _ in true }) -> FIBSnapshot {
        state.flushRefs()
        return state.snapshot(matching: filter, limit: limit, statistics: statistics)
    }

    /// Tests only: the monitor stops reading for half a second (to provoke ENOBUFS).
    func suspendMonitorForTesting() {
        monitor?.suspendForTesting()
    }

    /// Counters (cheap; no route walk: `routesInstalled` and `objectsInstalled` are filled in by `snapshot()` only).
    public var counters: FIBStatistics { statistics }

    /// Re-reads the kernel and repairs any difference (also done automatically after ENOBUFS).
    public func resync(reason: String = "requested") {
        statistics.resyncs += 1
        do throws(NetlinkSocketError) {
            try readKernel(reason: reason)
        } catch {
            report(FIBFailure(subject: .writer, operation: "resync", errno: error.errno, message: error.description, willRetry: false))
        }
        sync()
    }

    // MARK: sync

    /// Runs plans until the model has nothing left to send.
    private func sync() {
        var rounds = 0
        repeat {
            state.applyMigrations()
            execute(state.planNexthops())
            execute(state.planGroups())
            state.scanRoutes()
            execute(state.takeDirectOps(), wait: false)
            repeat { execute(state.planRoutes(limit: 16384), wait: false) } while !state.dirtyRoutes.isEmpty
            drain()
            execute(state.planGarbageGroups())
            execute(state.planGarbageNexthops())
            for f in state.pendingFailures { report(f) }
            state.pendingFailures = []
            rounds += 1
        } while state.hasWork && rounds < 8
        if needsResync {
            needsResync = false
            resync(reason: "kernel dropped netlink messages (ENOBUFS)")
        }
        if !state.retry.isEmpty && retryTask == nil {
            retryTask = Task(executorPreference: WriterExecutor.shared) { [weak self] in
                try? await Task.sleep(for: .seconds(1))
                await self?.retryFailed()
            }
        }
    }

    /// Sends EVPN operations and returns their failures.
    func executeL2(_ ops: [FIBOperation]) -> [FIBFailure] {
        batchFailures = []
        execute(ops)
        let failures = batchFailures
        batchFailures = []
        return failures
    }

    private func retryFailed() {
        retryTask = nil
        statistics.retries += state.requeueRetries()
        sync()
    }

    /// Sends operations in batches through the sender thread. Every message of a batch but the
    /// last goes without NLM_F_ACK; errors come back anyway, each with its request's sequence
    /// number, and the ACK of the last message tells us the kernel has processed the whole batch.
    /// With `wait` false (route operations, which the model already counts as done) this returns
    /// as soon as the batches are queued, so the next ones are encoded while the kernel works;
    /// `drain()` collects their results.
    private func execute(_ ops: [FIBOperation], wait: Bool = true) {
        guard !ops.isEmpty else { return }
        var start = 0
        while start < ops.count {
            var encoder = NetlinkEncoder(capacity: configuration.batchBytes + 4096)
            let base = socket.nextSequence()
            var end = start
            var lastMessage = 0
            while end < ops.count && (end == start || encoder.count < configuration.batchBytes) {
                lastMessage = encoder.count
                ops[end].encode(into: &encoder, flags: [], sequence: base &+ UInt32(end - start), config: context)
                end += 1
            }
            // Ask for an ACK on the last message only.
            encoder.insertFlags(.ack, messageAt: lastMessage)
            let count = end - start
            for _ in 1..<count { _ = socket.nextSequence() }
            nextTag += 1
            inFlight[nextTag] = (ops, start..<end)
            statistics.batchesSent += 1
            statistics.messagesSent += count
            sender.submit(BatchSender.Batch(bytes: encoder.bytes, base: base, count: count, tag: nextTag))
            start = end
        }
        if wait || !configuration.pipelineBatches { drain() }
    }

    /// Waits for every batch sent and records the results.
    private func drain() {
        guard !inFlight.isEmpty else { return }
        for outcome in sender.waitAll() {
            guard let (ops, range) = inFlight.removeValue(forKey: outcome.tag) else { continue }
            var errors = outcome.errors
            if let error = outcome.failure {
                if error.isOverrun || error.isTimeout {
                    // Answers were lost: we do not know what failed. Keep the plan and re-read the kernel.
                    needsResync = true
                } else {
                    for i in 0..<range.count where errors[i] == nil { errors[i] = (error.errno, error.description) }
                }
            }
            for i in 0..<range.count {
                let op = ops[range.lowerBound + i]
                let isRoute: Bool
                switch op {
                case .nexthopRoute, .route: isRoute = true
                default: isRoute = false
                }
                if isRoute { routeMessagesSent += 1 }
                // A route planned as installed needs no bookkeeping unless it failed.
                if isRoute && errors.isEmpty { continue }
                let (err, msg) = errors.isEmpty ? (0, nil) : errors[i] ?? (0, nil)
                if let f = state.record(op, error: err, message: msg) { report(f) }
            }
        }
        inFlight.removeAll()
    }

    private func report(_ f: FIBFailure) {
        statistics.failures += 1
        batchFailures.append(f)
        eventSink.yield(.failed(f))
    }

    // MARK: reading the kernel

    /// Dumps links, addresses, neighbours (reported as events), then our nexthop objects and
    /// routes (reconciled into the model).
    private func readKernel(reason: String) throws(NetlinkSocketError) {
        drain()
        eventSink.yield(.resyncStarted(reason: reason))
        for m in try socket.dump(.dumpLinks()) {
            guard case .link(let l) = m.body else { continue }
            state.linkChanged(index: l.index, usable: l.isUsable)
            eventSink.yield(.linkChanged(FIBLink(l)))
        }
        for m in try socket.dump(.dumpAddresses()) {
            if case .address(let a) = m.body, let addr = FIBAddress(a) { eventSink.yield(.addressAdded(addr)) }
        }
        for family in [AddressFamily.inet, .inet6, .bridge] {
            for m in try socket.dump(.dumpNeighbors(family: family)) {
                if case .neighbor(let n) = m.body { eventSink.yield(.neighborChanged(FIBNeighbor(n))) }
            }
        }
        let nexthops = try socket.dump(.dumpNexthops()).compactMap { m -> NexthopMessage? in
            if case .nexthop(let n) = m.body { return n } else { return nil }
        }
        for n in nexthops where !state.isOurs(n) {
            if let k = KernelNexthop(n) { eventSink.yield(.nexthopChanged(k)) }
        }
        var routes: [RouteSummary] = []
        for family in [AddressFamily.inet, .inet6] {
            let dump = NetlinkMessage.dumpRoutes(family: family, protocol: configuration.routeProtocol, table: configuration.table)
            try socket.dumpFrames(dump) { bytes, frame in
                if frame.header.type == .newRoute, let r = RouteSummary(bytes: bytes, body: frame.body), state.isOurs(r) {
                    routes.append(r)
                }
            }
        }
        state.reconcile(nexthopDump: nexthops, routeDump: routes)
        eventSink.yield(.synchronized)
    }

    /// Writes sysctls (absolute /proc/sys paths) in the writer's namespace, where the kernel has them.
    private nonisolated func writeSysctls(_ settings: [(String, String)]) {
        guard !settings.isEmpty else { return }
        let write: @Sendable () -> Void = {
            for (path, value) in settings {
                let fd = open(path, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else { continue }
                let text = value + "\n"
                _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
                close(fd)
            }
        }
        if let ns = configuration.namespace {
            _ = try? NetworkNamespace.withEntered(ns) { () throws(NetlinkSocketError) in write() }
        } else {
            write()
        }
    }

    // MARK: monitor

    private func handle(_ input: MonitorInput) {
        switch input {
        case .overrun:
            resync(reason: "kernel dropped netlink notifications (ENOBUFS)")
        case .failed(let e):
            report(FIBFailure(subject: .writer, operation: "monitor", errno: e.errno, message: e.description, willRetry: false))
        case .messages(let messages):
            var repairs = 0
            for m in messages {
                switch (m.header.type, m.body) {
                case (.newLink, .link(let l)):
                    state.linkChanged(index: l.index, usable: l.isUsable)
                    eventSink.yield(.linkChanged(FIBLink(l)))
                case (.deleteLink, .link(let l)):
                    state.linkChanged(index: l.index, usable: false)
                    state.links[l.index] = nil
                    eventSink.yield(.linkRemoved(index: l.index, name: l.name))
                case (.newAddress, .address(let a)):
                    if let addr = FIBAddress(a) { eventSink.yield(.addressAdded(addr)) }
                case (.deleteAddress, .address(let a)):
                    if let addr = FIBAddress(a) { eventSink.yield(.addressRemoved(addr)) }
                case (.newNeighbor, .neighbor(let n)):
                    eventSink.yield(.neighborChanged(FIBNeighbor(n)))
                case (.deleteNeighbor, .neighbor(let n)):
                    eventSink.yield(.neighborRemoved(FIBNeighbor(n)))
                case (.newRoute, .route(let r)), (.deleteRoute, .route(let r)):
                    let deleted = m.header.type == .deleteRoute
                    if let summary = RouteSummary(r), state.isOurs(summary) {
                        if let flags = state.routeChangedInKernel(summary, deleted: deleted) {
                            eventSink.yield(.offloadChanged(prefix: summary.destination, flags: flags))
                        }
                    } else if let k = KernelRoute(r) {
                        eventSink.yield(deleted ? .routeRemoved(k) : .routeChanged(k))
                    }
                case (.deleteNexthop, .nexthop(let n)):
                    if state.isOurs(n) {
                        if let id = n.id, state.objectDeletedByOthers(id) { repairs += 1 }
                    } else if let id = n.id {
                        eventSink.yield(.nexthopRemoved(id: id))
                    }
                case (.newNexthop, .nexthop(let n)):
                    if state.isOurs(n) {
                        state.objectChangedByOthers(n)
                    } else if let k = KernelNexthop(n) {
                        eventSink.yield(.nexthopChanged(k))
                    }
                default:
                    break
                }
            }
            guard state.hasWork || !state.garbage.isEmpty else { return }
            let routesBefore = routeMessagesSent
            sync()
            if repairs > 0 {
                statistics.repairs += repairs
                eventSink.yield(.repaired(nexthopObjects: repairs, routes: routeMessagesSent - routesBefore))
            }
        }
    }
}
