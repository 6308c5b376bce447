import NetAddress
import RIB
import Testing
@testable import bgpd

/// `redistribute:`: parsing, its errors, reload diffs, and the effect through the routing
/// engine: connected subnets announced while their address exists, loopback and link-local
/// subnets never.
@Suite struct RedistributeTests {
    let policy = PolicyEffectTests()

    func errors(_ text: String) -> [ConfigError] {
        if case .failure(let e) = ConfigLoader.load(text) { return e.errors }
        return []
    }

    @Test func parses() throws {
        let c = try ConfigLoader.load("asn: 65001\nrouter-id: 10.0.0.1\nredistribute: [connected, static]\n").get()
        #expect(c.redistribute == [.connected, .static])
        let none = try ConfigLoader.load("asn: 65001\nrouter-id: 10.0.0.1\n").get()
        #expect(none.redistribute.isEmpty)
    }

    @Test func unknownAndDuplicateSourcesNameTheirLine() {
        let e = errors("asn: 65001\nrouter-id: 10.0.0.1\nredistribute:\n  - connected\n  - ospf\n  - connected\n")
        #expect(e.count == 2)
        #expect(e.first?.line == 5)
        #expect(e.first?.message.contains("unknown source 'ospf'") == true)
        #expect(e.last?.line == 6)
        #expect(e.last?.message.contains("listed twice") == true)
    }

    @Test func reloadDiffNeverTouchesSessions() throws {
        let a = try ConfigLoader.load("asn: 65001\nrouter-id: 10.0.0.1\n").get()
        let b = try ConfigLoader.load("asn: 65001\nrouter-id: 10.0.0.1\nredistribute: [connected]\n").get()
        let d = ConfigDiff.compute(old: a, new: b)
        #expect(d.redistributeChanged)
        #expect(d.neighbors.isEmpty && !d.restartAll)
    }

    @Test func connectedSubnetsFollowTheirAddresses() async throws {
        let h = try await policy.up(PolicyEffectTests.hostConfig(extra: "redistribute: [connected]"))
        _ = h.sent[0].take()
        // As the daemon does at start: the subnet the engine already knows (192.0.2.0/24) goes out.
        await h.engine.setRedistribute(h.config.redistribute)
        #expect(policy.announced(h.sent[0].take()) == ["192.0.2.0/24"])
        let subnet = IPPrefix("10.77.0.0/24")!
        await h.engine.kernelChanged([.connected(prefix: subnet, interfaceIndex: 3, present: true),
                                      .connected(prefix: IPPrefix("127.0.0.0/8")!, interfaceIndex: 1, present: true),
                                      .connected(prefix: IPPrefix("169.254.1.0/24")!, interfaceIndex: 3, present: true)])
        // host-only exports what this host originates: the subnet, never loopback or link-local.
        #expect(policy.announced(h.sent[0].take()) == ["10.77.0.0/24"])
        #expect(await policy.locRIB(h).contains("10.77.0.0/24"))
        await h.engine.kernelChanged([.connected(prefix: subnet, interfaceIndex: 3, present: false)])
        #expect(policy.withdrawn(h.sent[0].take()) == ["10.77.0.0/24"])
        // Without redistribute, the same address announces nothing.
        await h.engine.setRedistribute([])
        #expect(policy.withdrawn(h.sent[0].take()) == ["192.0.2.0/24"])
        await h.engine.kernelChanged([.connected(prefix: subnet, interfaceIndex: 3, present: true)])
        #expect(policy.announced(h.sent[0].take()).isEmpty)
        // And switching it on (a reload) announces what is already there.
        await h.engine.setRedistribute([.connected])
        #expect(policy.announced(h.sent[0].take()) == ["10.77.0.0/24", "192.0.2.0/24"])
    }
}
