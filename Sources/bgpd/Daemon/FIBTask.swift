import BGP
import FIBNetlink
import Logging
import NetAddress
import RIB
import Synchronization

/// The one task that feeds the kernel's forwarding table: it takes the RIB's `FIBChange`s in
/// order, translates them to FIBNetlink's (the two modules know nothing of each other) and
/// hands them to FIBNetlink's `FIBWriter`, which batches, installs nexthop objects and repairs
/// what others delete. It keeps per-family counts of what is installed for `show summary`.
///
/// After a restart (the writer found routes of a previous run in the kernel) the kernel keeps
/// forwarding on those routes while the sessions come back: changes are held, coalesced per
/// prefix, until the daemon says the RIB has converged (End-of-RIB from every neighbour, or the
/// restart time), then written in one go, and the routes nobody asked for again are removed.
/// That is graceful restart's "defer route selection" (RFC 4724 section 4.1) applied to the FIB:
/// no route flaps to a partial ECMP set while the second uplink is still connecting.
///
/// It also turns the writer's monitor events (routes that are not ours) into the RIB's
/// `KernelEvent`s, for next-hop resolution and redistribution.
actor FIBTask {
    /// What travels from the RIB task to this one, in order.
    enum Input: Sendable {
        case changes([RIBFIBChange])
        /// The RIB has converged after start-up.
        case converged
    }

    private let config: FIBConfig
    private let logger: Logger
    private var writer: FIBNetlink.FIBWriter?
    /// How many routes of each family we asked the kernel to hold. The RIB says whether a
    /// change adds a prefix, replaces its next hops or deletes it, so counting needs no index of
    /// prefixes (the writer has one; a second would cost 16 bytes a route at a million).
    private var v4 = 0, v6 = 0
    /// Inputs not yet taken. The RIB appends; the task takes everything queued at once, so
    /// while the kernel digests one batch the next UPDATEs' changes gather into one large batch
    /// (one planning pass and full sendmsg buffers instead of a round trip per UPDATE).
    private let inbox = Mutex<Inbox>(Inbox())
    /// Senders waiting for the inbox to be taken (see `waitForRoom`).
    private var roomWaiters: [CheckedContinuation<Void, Never>] = []
    /// Changes queued beyond this make `backlogged` true.
    static let backlogLimit = 8_192

    private struct Inbox {
        var inputs: [Input] = []
        var changes = 0
    }
    /// Wakes the task; holds at most one token, since one take empties the inbox.
    private let (wake, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    /// The last next-hop set translated, and its translation: consecutive routes mostly share
    /// one set, and sharing the array's storage saves an allocation per route.
    private var lastHops: (from: [RIBFIBNextHop], to: [FIBNetlink.FIBNextHop]) = ([], [])
    private var task: Task<Void, Never>?
    /// Set before sessions close at exit with keep-on-exit: the withdrawals that follow are not
    /// applied, so the kernel keeps forwarding.
    private var frozen = false
    /// The writer found our routes from a previous run at start.
    private(set) var restarted = false
    /// While restarting and not yet converged: the latest change per prefix, not yet written.
    private var held: [IPPrefix: RIBFIBChange]?
    private(set) var isConverged = false
    /// Kernel routes of others, as RIB events.
    nonisolated let kernelEvents: AsyncStream<[KernelEvent]>
    private let kernelSink: AsyncStream<[KernelEvent]>.Continuation

    init(config: FIBConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        (kernelEvents, kernelSink) = AsyncStream.makeStream(of: [KernelEvent].self)
    }

    func start() async {
        if config.install {
            do {
                var fc = FIBConfiguration()
                // The daemon decides when the RIB has converged (End-of-RIB or restart time).
                fc.staleRouteTimeout = nil
                let w = try FIBNetlink.FIBWriter(configuration: fc)
                try await w.start()
                writer = w
                let sink = kernelSink
                let logger = self.logger
                Task {
                    for await e in w.events {
                        if let k = Self.kernelEvent(e) { sink.yield([k]) }
                        if case .failed(let f) = e { logger.warning("fib: \(f)") }
                    }
                }
                // Our nexthop objects are still in the kernel: a previous bgpd left its routes
                // (a crash, or keep-on-exit). The filter lists no routes, so this stays cheap.
                let left = await w.snapshot(limit: 0, matching: { _ in false }).nexthopObjects.count
                if left > 0 {
                    restarted = true
                    held = [:]
                    logger.notice("fib: routes of a previous run found (\(left) nexthop objects); they keep forwarding until the RIB has converged")
                }
            } catch {
                logger.error("fib: cannot open the kernel's routing table, routes will not be installed: \(error)")
            }
        }
        let wake = self.wake
        task = Task {
            for await _ in wake { await self.drain() }
            await self.drain()
        }
    }

    /// Takes everything queued and applies it in order, runs of changes as one batch.
    private func drain() async {
        let inputs = inbox.withLock { q in
            defer { q = Inbox() }
            return q.inputs
        }
        // The queue is empty again: whoever waited may queue the next batch while this one is
        // written (at most two batches exist at once).
        for w in roomWaiters { w.resume() }
        roomWaiters = []
        var run: [RIBFIBChange] = []
        for input in inputs {
            switch input {
            case .changes(let batch):
                if run.isEmpty { run = batch } else { run.append(contentsOf: batch) }
                // Large enough to fill sendmsg buffers, small enough that a full table at start
                // does not exist three times over (RIB changes, writer changes, messages).
                if run.count >= 8_192 { await apply(run); run = [] }
            case .converged:
                if !run.isEmpty { await apply(run); run = [] }
                await converge()
            }
        }
        if !run.isEmpty { await apply(run) }
    }

    /// Queues changes; never blocks the RIB.
    nonisolated func submit(_ changes: [RIBFIBChange]) {
        inbox.withLock {
            $0.inputs.append(.changes(changes))
            $0.changes += changes.count
        }
        wakeUp.yield()
    }

    /// More changes are queued than the writer should hold at once.
    nonisolated var backlogged: Bool { inbox.withLock { $0.changes > Self.backlogLimit } }

    /// Returns once the queue has been taken (at once when it is not backlogged).
    func waitForRoom() async {
        guard backlogged, !frozen else { return }
        await withCheckedContinuation { roomWaiters.append($0) }
    }

    /// Queues the convergence mark behind every change submitted before it.
    nonisolated func submitConverged() {
        inbox.withLock { $0.inputs.append(.converged) }
        wakeUp.yield()
    }

    /// Ignores every change queued from now on.
    func freeze() { frozen = true }

    private func apply(_ batch: [RIBFIBChange]) async {
        guard config.install, !frozen else { return }
        if held != nil {
            // The RIB started empty, so what matters per prefix is whether it ends with a route
            // (then it is added: a route left by the previous run is replaced in place) or not
            // (then nothing is written; `converged()` removes what the previous run left).
            for c in batch {
                if c.kind == .delete {
                    held?[c.prefix] = nil
                } else {
                    held?[c.prefix] = RIBFIBChange(kind: .add, prefix: c.prefix, nextHops: c.nextHops)
                }
            }
            return
        }
        await write(batch)
    }

    private func write<C: Collection>(_ batch: C) async where C.Element == RIBFIBChange {
        var out: [FIBNetlink.FIBChange] = []
        out.reserveCapacity(batch.count)
        let debug = logger.logLevel <= .debug
        for c in batch {
            switch c.kind {
            case .add, .replace:
                if c.nextHops != lastHops.from { lastHops = (c.nextHops, c.nextHops.map(Self.nextHop)) }
                let route = FIBRoute(prefix: c.prefix, nextHops: lastHops.to)
                if c.kind == .add {
                    count(c.prefix, +1)
                    out.append(.add(route))
                } else {
                    out.append(.replace(route))
                }
            case .delete:
                count(c.prefix, -1)
                out.append(.delete(c.prefix))
            }
            if debug { logger.debug("fib: \(c)") }
        }
        if let writer, !out.isEmpty {
            let result = await writer.apply(out)
            for f in result.failures { logger.warning("fib: \(f)") }
        }
    }

    /// The RIB has converged: held changes go to the kernel, then what a previous run left and
    /// nobody claimed is removed.
    private func converge() async {
        guard !isConverged else { return }
        isConverged = true
        if let pending = held {
            held = nil
            if !frozen {
                logger.notice("fib: RIB converged; writing \(pending.count) held changes and removing stale routes")
                await write(pending.values)
            }
        }
        if !frozen { await writer?.converged() }
    }

    static func nextHop(_ h: RIBFIBNextHop) -> FIBNetlink.FIBNextHop {
        FIBNetlink.FIBNextHop(gateway: h.gateway, interfaceIndex: h.interfaceIndex ?? 0,
                              weight: Int(h.weight), onlink: h.onlink)
    }

    /// A route someone else installed, as the RIB sees it.
    static func kernelEvent(_ e: FIBEvent) -> KernelEvent? {
        let (route, present): (KernelRoute, Bool)
        switch e {
        case .routeChanged(let r): (route, present) = (r, true)
        case .routeRemoved(let r): (route, present) = (r, false)
        default: return nil
        }
        let source: LocalRouteSource
        switch route.protocol {
        case .static: source = .static
        case .bgp: return nil
        default: source = .kernel
        }
        return .route(prefix: route.prefix, source: source, gateway: route.nextHops.first?.gateway,
                      interfaceIndex: route.nextHops.first.map(\.interfaceIndex), metric: route.metric, present: present)
    }

    func counts() -> [String: Int]? {
        config.install ? ["ipv4-unicast": v4, "ipv6-unicast": v6] : nil
    }

    /// The writer's view for `show fib`: routes matching `prefix` (all when nil) and `family`,
    /// at most `limit` of them. Nil when routes are not installed.
    func reply(family: Family?, prefix: IPPrefix?, limit: Int) async -> FIBReply? {
        guard let writer else { return nil }
        let snapshot = await writer.snapshot(limit: limit) { p in
            if let prefix, p != prefix { return false }
            switch family {
            case .ipv4Unicast?: return p.isV4
            case .ipv6Unicast?: return !p.isV4
            default: return true
            }
        }
        return FIBView.reply(snapshot)
    }

    /// Stops taking changes; withdraws what was installed unless `keep` (a restarted bgpd then
    /// adopts the routes it finds and replaces them as the RIB converges).
    func shutdown(keep: Bool) async {
        wakeUp.finish()
        await task?.value
        for w in roomWaiters { w.resume() }
        roomWaiters = []
        if let writer {
            if !keep, held != nil {
                // Still restarting: what the previous run left goes too.
                await writer.converged()
            }
            if !keep {
                logger.info("fib: withdrawing \(v4 + v6) routes")
                await writer.removeAll()
            } else {
                logger.info("fib: leaving \(v4 + v6) routes in the kernel (keep-on-exit)")
            }
            await writer.stop()
        }
        v4 = 0
        v6 = 0
    }

    private func count(_ prefix: IPPrefix, _ delta: Int) {
        // Never below zero, whatever the order of changes.
        if prefix.isV4 { v4 = max(0, v4 + delta) } else { v6 = max(0, v6 + delta) }
    }
}
