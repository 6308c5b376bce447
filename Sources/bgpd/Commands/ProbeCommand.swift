import ArgumentParser
import Logging

/// `bgpd probe-unnumbered IFACE...`: runs only the unnumbered discovery (RAs out, RAs and the
/// neighbour table in) and prints what it learns, so an operator can see why an unnumbered
/// session does not come up without starting BGP.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-unnumbered",
        abstract: "Send router advertisements on interfaces and print the link-local peers found.")

    @Argument(help: "Interface names.") var interfaces: [String]
    @Option(help: "Stop after this many seconds.") var seconds: Int = 10

    func run() async throws {
        var logger = Logger(label: "bgpd")
        logger.logLevel = .info
        let monitor = try KernelLinkMonitor()
        let service = UnnumberedService(interfaces: Set(interfaces), settings: RAConfig(), logger: logger) { name, link, _ in
            if let link {
                print("\(name): local \(link.localLinkLocal) peer \(link.peer?.description ?? "-") mac \(link.peerMAC?.description ?? "-") via \(link.learntFrom ?? "-")")
            } else {
                print("\(name): not usable (down, missing, or link-local address tentative)")
            }
        }
        monitor.start()
        let task = Task { for await batch in monitor.events { await service.apply(batch) } }
        try await Task.sleep(for: .seconds(seconds))
        monitor.stop()
        await task.value
    }
}
