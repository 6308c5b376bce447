import FIBNetlink
import Logging
import NetAddress
import RIB

/// The one task that feeds the kernel's forwarding table: it takes the RIB's `FIBChange`s in
/// order, translates them to FIBNetlink's (the two modules know nothing of each other) and
/// hands them to FIBNetlink's `FIBWriter`, which batches, installs nexthop objects and repairs
/// what others delete. It keeps per-family counts of what is installed for `show summary`.
///
/// It also turns the writer's monitor events (routes that are not ours) into the RIB's
/// `KernelEvent`s, for next-hop resolution and redistribution.
actor FIBTask {
    private let config: FIBConfig
    private let logger: Logger
    private var writer: FIBNetlink.FIBWriter?
    /// Our routes as last requested, so counts and the exit withdrawal need no kernel walk.
    private var installed: [IPPrefix: Int] = [:]
    private var v4 = 0, v6 = 0
    private let (stream, continuation) = AsyncStream.makeStream(of: [RIBFIBChange].self)
    private var task: Task<Void, Never>?
    /// Set before sessions close at exit with keep-on-exit: the withdrawals that follow are not
    /// applied, so the kernel keeps forwarding.
    private var frozen = false
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
                let w = try FIBNetlink.FIBWriter(configuration: FIBConfiguration())
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
            } catch {
                logger.error("fib: cannot open the kernel's routing table, routes will not be installed: \(error)")
            }
        }
        let stream = self.stream
        task = Task { for await batch in stream { await self.apply(batch) } }
    }

    /// Queues changes; never blocks the RIB.
    nonisolated func submit(_ changes: [RIBFIBChange]) { continuation.yield(changes) }

    /// Ignores every change queued from now on.
    func freeze() { frozen = true }

    private func apply(_ batch: [RIBFIBChange]) async {
        guard config.install, !frozen else { return }
        var out: [FIBNetlink.FIBChange] = []
        for c in batch {
            let had = installed[c.prefix] != nil
            switch c.kind {
            case .add, .replace:
                let route = FIBRoute(prefix: c.prefix, nextHops: c.nextHops.map(Self.nextHop))
                out.append(had ? .replace(route) : .add(route))
                installed[c.prefix] = c.nextHops.count
            case .delete:
                out.append(.delete(c.prefix))
                installed[c.prefix] = nil
            }
            let has = installed[c.prefix] != nil
            if had != has {
                if c.prefix.isV4 { v4 += has ? 1 : -1 } else { v6 += has ? 1 : -1 }
            }
            logger.debug("fib: \(c)")
        }
        if let writer, !out.isEmpty {
            let result = await writer.apply(out)
            for f in result.failures { logger.warning("fib: \(f)") }
        }
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

    /// Stops taking changes; withdraws what was installed unless `keep` (a restarted bgpd then
    /// adopts the routes it finds and replaces them as the RIB converges).
    func shutdown(keep: Bool) async {
        continuation.finish()
        await task?.value
        if let writer {
            if !keep, !installed.isEmpty {
                logger.info("fib: withdrawing \(installed.count) routes")
                let result = await writer.apply(installed.keys.map { .delete($0) })
                for f in result.failures { logger.warning("fib: \(f)") }
            } else if keep {
                logger.info("fib: leaving \(installed.count) routes in the kernel (keep-on-exit)")
            }
            await writer.stop()
        }
        installed = [:]
    }
}
