import BGP
import Logging
import NetAddress
import RIB
import Testing
@testable import bgpd

/// Start-up convergence (when the FIB drops the routes a previous bgpd left): End-of-RIB from
/// every configured neighbour for every family it negotiated, or the restart time.
@Suite struct ConvergenceTests {
    func engine() async throws -> RoutingEngine {
        let c = try ConfigLoader.load("asn: 65001\nrouter-id: 10.0.0.1\nfib: {install: false}\n").get()
        let e = RoutingEngine(config: c, logger: Logger(label: "test"))
        await e.start()
        return e
    }

    func info(_ id: UInt32, _ families: Set<Family>) -> PeerInfo {
        PeerInfo(id: PeerID(id), address: .v6(IPv6Address("fe80::\(id)")!), asn: 65000 + id,
                 routerID: IPv4Address(10, 0, 0, UInt8(id)), families: families)
    }

    @Test func waitsForEndOfRIBFromEveryNeighborAndFamily() async throws {
        let e = try await engine()
        await e.expectConvergence(of: [PeerID(1), PeerID(2)], deadline: .seconds(600))
        await e.peerUp(info(1, [.ipv4Unicast, .ipv6Unicast]), sink: { _ in })
        await e.endOfRIB(PeerID(1), family: .ipv4Unicast)
        #expect(await e.converged == false)
        await e.endOfRIB(PeerID(1), family: .ipv6Unicast)
        #expect(await e.converged == false, "neighbour 2 is not up yet")
        // A neighbour without graceful restart sends no End-of-RIB: it counts once up.
        await e.peerUp(info(2, [.ipv4Unicast]), sendsEndOfRIB: false, sink: { _ in })
        #expect(await e.converged)
    }

    @Test func endOfRIBBeforeTheDaemonSaysWhomToWaitFor() async throws {
        let e = try await engine()
        await e.peerUp(info(1, [.ipv4Unicast]), sink: { _ in })
        await e.endOfRIB(PeerID(1), family: .ipv4Unicast)
        #expect(await e.converged == false)
        await e.expectConvergence(of: [PeerID(1)], deadline: .seconds(600))
        #expect(await e.converged)
    }

    @Test func aSessionThatDropsStartsOver() async throws {
        let e = try await engine()
        await e.expectConvergence(of: [PeerID(1)], deadline: .seconds(600))
        await e.peerUp(info(1, [.ipv4Unicast, .ipv6Unicast]), sink: { _ in })
        await e.endOfRIB(PeerID(1), family: .ipv4Unicast)
        await e.peerDown(PeerID(1), retainStale: false)
        await e.peerUp(info(1, [.ipv4Unicast, .ipv6Unicast]), sink: { _ in })
        await e.endOfRIB(PeerID(1), family: .ipv6Unicast)
        #expect(await e.converged == false, "IPv4 End-of-RIB came in the previous session")
        await e.endOfRIB(PeerID(1), family: .ipv4Unicast)
        #expect(await e.converged)
    }

    @Test func restartTimeEndsTheWait() async throws {
        let e = try await engine()
        await e.expectConvergence(of: [PeerID(1)], deadline: .milliseconds(50))
        #expect(await e.converged == false)
        for _ in 0..<100 where await !e.converged { try await Task.sleep(for: .milliseconds(20)) }
        #expect(await e.converged)
    }

    @Test func noNeighborsMeansConvergedAtOnce() async throws {
        let e = try await engine()
        await e.expectConvergence(of: [], deadline: .seconds(600))
        #expect(await e.converged)
    }
}
