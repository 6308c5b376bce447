import Foundation
import Logging
import Testing
@testable import bgpd

/// Two whole daemons in one process, peering over the loopback interface: listener, outgoing
/// connection, OPEN negotiation, route exchange through the RIB, control queries, reload and
/// administrative shutdown, without namespaces or root (the kernel FIB is left alone).
@Suite struct DaemonLoopbackTests {
    static func config(asn: Int, id: String, listen: String, port: Int, peer: String, peerPort: Int, peerAS: Int,
                       network: String, tag: String, extra: String = "") -> String {
        """
        asn: \(asn)
        router-id: \(id)
        listen: {address: \(listen), port: \(port)}
        ebgp-requires-policy: false
        timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
        neighbors:
          - address: \(peer)
            remote-as: \(peerAS)
            port: \(peerPort)
            source-address: \(listen)
            description: \(tag)-peer
        networks: [\(network)\(extra)]
        control-socket: /tmp/dm-loop-\(tag)-\(getpid()).sock
        pidfile: false
        fib: {install: false}
        """
    }

    func state(_ d: Daemon) async -> String? { await d.handle(ControlRequest(command: .summary)).summary?.neighbors.first?.state }

    func prefixes(_ d: Daemon, _ family: String) async -> Set<String> {
        Set((await d.handle(ControlRequest(command: .routes, family: family)).routes ?? []).map(\.prefix))
    }

    @Test func twoDaemonsPeerExchangeReloadAndShutDown() async throws {
        let base = 20000 + Int(getpid() % 20000)
        let fileA = "/tmp/dm-loop-a-\(getpid()).yaml"
        let textA = Self.config(asn: 65001, id: "10.0.0.1", listen: "127.0.0.1", port: base, peer: "127.0.0.2",
                                peerPort: base + 1, peerAS: 65002, network: "10.1.0.0/24", tag: "a")
        let textB = Self.config(asn: 65002, id: "10.0.0.2", listen: "127.0.0.2", port: base + 1, peer: "127.0.0.1",
                                peerPort: base, peerAS: 65001, network: "10.2.0.0/24, 2001:db8:2::/64", tag: "b")
        try textA.write(toFile: fileA, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: fileA) }
        let a = Daemon(config: try ConfigLoader.load(textA).get(), configPath: fileA, logger: Logger(label: "a"))
        let b = Daemon(config: try ConfigLoader.load(textB).get(), configPath: "/nonexistent", logger: Logger(label: "b"))
        try await a.start()
        try await b.start()

        #expect(await waitUntil("both Established") {
            let sa = await state(a), sb = await state(b)
            return sa == "Established" && sb == "Established"
        })
        #expect(await waitUntil("A has B's route") { await prefixes(a, "ipv4-unicast").contains("10.2.0.0/24") })
        #expect(await waitUntil("B has A's route") { await prefixes(b, "ipv4-unicast").contains("10.1.0.0/24") })
        let detail = try #require(await b.handle(ControlRequest(command: .neighbors)).neighbors?.first)
        #expect(detail.summary.remoteAS == 65001)
        #expect(detail.summary.description == "b-peer")
        #expect(detail.remoteRouterID == "10.0.0.1")
        #expect(detail.negotiatedHoldTime == 9)
        #expect(detail.capabilities.contains("4-octet-as"))
        #expect((detail.messages.received["UPDATE"] ?? 0) >= 1)
        #expect(detail.prefixes["ipv4-unicast"]?.accepted == 1)
        let summary = try #require(await a.handle(ControlRequest(command: .summary)).summary)
        #expect(summary.locRIB["ipv4-unicast"] == 2)
        #expect(summary.fib == nil)

        // Reload A with one more network: B gets it, and the session is not reset. (Both sides
        // connect at once at start, so the session may have come up twice already: a collision
        // with an Established session counts as a graceful restart of the peer.)
        try await Task.sleep(for: .milliseconds(500))
        let settled = try #require(await b.handle(ControlRequest(command: .neighbors)).neighbors?.first)
        #expect(settled.summary.state == "Established")
        let transitionsBefore = settled.establishedTransitions
        try Self.config(asn: 65001, id: "10.0.0.1", listen: "127.0.0.1", port: base, peer: "127.0.0.2", peerPort: base + 1,
                        peerAS: 65002, network: "10.1.0.0/24", tag: "a", extra: ", 10.9.0.0/24")
            .write(toFile: fileA, atomically: true, encoding: .utf8)
        await a.reload()
        #expect(await waitUntil("B has A's new network") { await prefixes(b, "ipv4-unicast").contains("10.9.0.0/24") })
        let after = try #require(await b.handle(ControlRequest(command: .neighbors)).neighbors?.first)
        #expect(after.establishedTransitions == transitionsBefore)

        // A bad file changes nothing.
        try "asn: 65001\nrouter-id: 10.0.0.1\nneighbors: {\n".write(toFile: fileA, atomically: true, encoding: .utf8)
        await a.reload()
        let failed = await a.handle(ControlRequest(command: .version)).version?.failedReloads
        #expect(failed == 1)
        let stillUp = await state(a)
        #expect(stillUp == "Established")

        // A shuts down: B hears Cease/Administrative Shutdown and drops A's routes.
        await a.shutdown()
        #expect(await waitUntil("B saw the shutdown") {
            let n = await b.handle(ControlRequest(command: .neighbors)).neighbors?.first
            return n?.lastError?.direction == "received" && n?.lastError?.code == 6 && n?.summary.state != "Established"
        })
        #expect(await waitUntil("B dropped A's routes") {
            let p = await prefixes(b, "ipv4-unicast")
            return !p.contains("10.1.0.0/24")
        })
        await b.shutdown()
    }
}
