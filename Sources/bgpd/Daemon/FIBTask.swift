import Logging
import NetAddress
import RIB

/// The one task that writes the kernel's forwarding table: it takes the RIB's `FIBChange`s in
/// order and keeps per-family counts of what is installed.
///
/// Until FIBNetlink's writer is wired in, changes are counted and logged, not installed; the
/// counts then report what would be in the kernel.
actor FIBTask {
    private let config: FIBConfig
    private let logger: Logger
    private var installed: [IPPrefix: [FIBNextHop]] = [:]
    private var v4 = 0, v6 = 0
    private let (stream, continuation) = AsyncStream.makeStream(of: [FIBChange].self)
    private var task: Task<Void, Never>?

    init(config: FIBConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    func start() {
        let stream = self.stream
        task = Task { for await batch in stream { self.apply(batch) } }
    }

    /// Queues changes; never blocks the RIB.
    nonisolated func submit(_ changes: [FIBChange]) { continuation.yield(changes) }

    private func apply(_ batch: [FIBChange]) {
        guard config.install else { return }
        for c in batch {
            let had = installed[c.prefix] != nil
            switch c.kind {
            case .add, .replace: installed[c.prefix] = c.nextHops
            case .delete: installed[c.prefix] = nil
            }
            let has = installed[c.prefix] != nil
            if had != has {
                let delta = has ? 1 : -1
                if c.prefix.isV4 { v4 += delta } else { v6 += delta }
            }
            logger.debug("fib: \(c)")
        }
    }

    func counts() -> [String: Int]? {
        config.install ? ["ipv4-unicast": v4, "ipv6-unicast": v6] : nil
    }

    /// Stops taking changes; removes what was installed unless `keep`.
    func shutdown(keep: Bool) async {
        continuation.finish()
        await task?.value
        if !keep, !installed.isEmpty { logger.info("fib: withdrawing \(installed.count) routes") }
        installed = [:]
    }
}
