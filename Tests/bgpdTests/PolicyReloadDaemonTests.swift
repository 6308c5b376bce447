import Foundation
import Logging
import Testing
@testable import bgpd

/// Two whole daemons over the loopback interface (no root, no kernel FIB): a reload that
/// changes a neighbour's export or import policy takes effect without resetting the session;
/// a reload with a bad policy changes nothing.
@Suite struct PolicyReloadDaemonTests {
    static func config(asn: Int, id: String, listen: String, port: Int, peer: String, peerPort: Int, peerAS: Int,
                       network: String, tag: String, importPolicy: String, exportPolicy: String, policies: String = "") -> String {
        """
        asn: \(asn)
        router-id: \(id)
        listen: {address: \(listen), port: \(port)}
        timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
        prefix-lists:
          theirs: [{ prefix: 10.2.0.0/16, le: 32 }]
        policies:
          not-theirs:
            terms:
              - match: { prefix-list: theirs }
                action: reject
            default: accept
        \(policies)
        neighbors:
          - address: \(peer)
            remote-as: \(peerAS)
            port: \(peerPort)
            source-address: \(listen)
            import: \(importPolicy)
            export: \(exportPolicy)
        networks: [\(network)]
        control-socket: /tmp/pl-loop-\(tag)-\(getpid()).sock
        pidfile: false
        fib: {install: false}
        """
    }

    func prefixes(_ d: Daemon) async -> Set<String> {
        Set((await d.handle(ControlRequest(command: .routes, family: "ipv4-unicast")).routes ?? []).map(\.prefix))
    }

    func transitions(_ d: Daemon) async -> Int? {
        await d.handle(ControlRequest(command: .neighbors)).neighbors?.first.map(\.establishedTransitions)
    }

    @Test func policyChangesOnReloadKeepTheSession() async throws {
        let base = 30000 + Int(getpid() % 20000)
        let fileA = "/tmp/pl-loop-a-\(getpid()).yaml"
        func textA(_ imp: String, _ exp: String, policies: String = "") -> String {
            Self.config(asn: 65001, id: "10.0.0.1", listen: "127.0.0.3", port: base, peer: "127.0.0.4", peerPort: base + 1,
                        peerAS: 65002, network: "10.1.0.0/24", tag: "a", importPolicy: imp, exportPolicy: exp, policies: policies)
        }
        let textB = Self.config(asn: 65002, id: "10.0.0.2", listen: "127.0.0.4", port: base + 1, peer: "127.0.0.3",
                                peerPort: base, peerAS: 65001, network: "10.2.0.0/24", tag: "b",
                                importPolicy: "accept-all", exportPolicy: "accept-all")
        try textA("accept-all", "reject-all").write(toFile: fileA, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: fileA) }
        let a = Daemon(config: try ConfigLoader.load(textA("accept-all", "reject-all")).get(), configPath: fileA, logger: Logger(label: "a"))
        let b = Daemon(config: try ConfigLoader.load(textB).get(), configPath: "/nonexistent", logger: Logger(label: "b"))
        try await a.start()
        try await b.start()
        #expect(await waitUntil("A has B's route") { await prefixes(a).contains("10.2.0.0/24") })
        try await Task.sleep(for: .milliseconds(500))
        #expect(await prefixes(b) == ["10.2.0.0/24"], "A exports nothing (reject-all)")
        let before = try #require(await transitions(b))

        // Export reject-all -> accept-all: B gets A's network, the session stays.
        try textA("accept-all", "accept-all").write(toFile: fileA, atomically: true, encoding: .utf8)
        await a.reload()
        #expect(await waitUntil("B has A's network") { await prefixes(b).contains("10.1.0.0/24") })
        #expect(await transitions(b) == before)

        // A bad policy: nothing changes, the failure is counted.
        try textA("accept-all", "broken", policies: "  broken: { terms: [{ match: { as-path: \"(\" } }] }")
            .write(toFile: fileA, atomically: true, encoding: .utf8)
        await a.reload()
        #expect(await a.handle(ControlRequest(command: .version)).version?.failedReloads == 1)
        let shown = await a.handle(ControlRequest(command: .policy)).policy
        #expect(shown?.neighbors.first?.exportPolicy == "accept-all")
        #expect(await prefixes(b).contains("10.1.0.0/24"))

        // Import accept-all -> not-theirs: A asks B for its routes again (ROUTE-REFRESH) and
        // drops B's network, without a reset.
        try textA("not-theirs", "accept-all").write(toFile: fileA, atomically: true, encoding: .utf8)
        await a.reload()
        #expect(await waitUntil("A dropped B's network") { await !prefixes(a).contains("10.2.0.0/24") })
        #expect(await transitions(b) == before)
        #expect(await a.handle(ControlRequest(command: .policy, name: "not-theirs")).policy?.neighbors.first?.importPolicy == "not-theirs")
        #expect(await a.handle(ControlRequest(command: .policy, name: "nope")).error == "no policy nope")

        await a.shutdown()
        await b.shutdown()
    }
}
