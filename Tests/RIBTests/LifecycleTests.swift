import BGP
import NetAddress
@testable import RIB
import Testing

@Suite("Sessions, graceful restart, origination")
struct LifecycleTests {
    @Test("a peer going down without graceful restart takes its routes with it")
    func peerDown() {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.peerUp(peer(2))
        _ = rib.apply(update: announce(["10.0.0.0/24", "10.0.1.0/24"]), from: PeerID(1))
        let out = rib.peerDown(PeerID(1), retainStale: false)
        #expect(out.fibChanges.map(\.kind) == [.delete, .delete])
        #expect(out.exports[PeerID(2)]?.withdrawnCount == 2)
        #expect(rib.routeCount(.ipv4Unicast) == 0)
        #expect(rib.counters(peer: PeerID(1), family: .ipv4Unicast) == PeerCounters())
        #expect(rib.summary.attributeSets == 0, "attributes are freed with their last path")
    }

    @Test("stale routes stay in use, lose to fresh ones, and go at End-of-RIB")
    func gracefulRestart() throws {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.apply(update: announce(["10.0.0.0/24", "10.0.1.0/24"]), from: PeerID(1))
        let down = rib.peerDown(PeerID(1), retainStale: true)
        #expect(down.fibChanges.isEmpty, "forwarding is preserved")
        #expect(rib.paths(for: pfx("10.0.0.0/24")).first?.stale == true)
        #expect(rib.routeCount(.ipv4Unicast) == 2)
        _ = rib.peerUp(peer(1))
        _ = rib.apply(update: announce(["10.0.0.0/24"], path: [65001, 5]), from: PeerID(1))
        let fresh = try #require(rib.paths(for: pfx("10.0.0.0/24")).first)
        #expect(!fresh.stale && fresh.attributes.asPath == ASPath(sequence: [65001, 5]))
        let eor = rib.apply(update: UpdateMessage.endOfRIB(.ipv4Unicast), from: PeerID(1))
        #expect(eor.fibChanges == [FIBChange(kind: .delete, prefix: pfx("10.0.1.0/24"), nextHops: [])])
        #expect(rib.routeCount(.ipv4Unicast) == 1)
        #expect(rib.counters(peer: PeerID(1), family: .ipv4Unicast).received == 1)
    }

    @Test("a stale path loses to a fresh path from another peer, then the timer flushes it")
    func staleLoses() {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.peerUp(peer(2))
        _ = rib.apply(update: announce(["10.0.0.0/24"], path: [65001]), from: PeerID(1))
        _ = rib.apply(update: announce(["10.0.0.0/24"], nextHop: "192.0.2.2", path: [65002, 7, 7]), from: PeerID(2))
        #expect(bestPeer(rib, "10.0.0.0/24") == PeerID(1))
        let down = rib.peerDown(PeerID(1), retainStale: true)
        #expect(bestPeer(rib, "10.0.0.0/24") == PeerID(2))
        #expect(down.fibChanges.map(\.kind) == [.replace])
        _ = rib.flushStale(peer: PeerID(1), family: .ipv4Unicast)
        #expect(rib.paths(for: pfx("10.0.0.0/24")).count == 1)
    }

    @Test("networks are announced whether or not a kernel route exists")
    func networks() throws {
        var rib = RIB(config: testConfig())
        var p = peer(1)
        p.localIPv6 = ip6("2001:db8::254")
        _ = rib.peerUp(p)
        let out = rib.setNetworks([pfx("198.51.100.0/24"), pfx("2001:db8:1::/48")])
        #expect(out.fibChanges.isEmpty, "local routes are not installed")
        let sent = try #require(out.exports[PeerID(1)]?.announcements)
        #expect(sent.count == 2)
        #expect(sent.first?.attributes.origin == .igp && sent.first?.attributes.asPath == ASPath(sequence: [localAS]))
        #expect(sent.last?.nextHop == .ipv6(ip6("2001:db8::254")))
        let gone = rib.setNetworks([pfx("198.51.100.0/24")])
        #expect(gone.exports[PeerID(1)]?.withdrawals == [.ipv6Unicast([IPv6NLRI(pfx6("2001:db8:1::/48"))])])
    }

    @Test("redistributed routes come and go with addresses and routes")
    func redistribute() throws {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.setRedistribute([.connected, .static])
        let up = rib.kernelChanged([
            .connected(prefix: pfx("10.7.0.1/32"), interfaceIndex: 1, present: true),
            .connected(prefix: pfx("fe80::/64"), interfaceIndex: 3, present: true),
            .route(prefix: pfx("203.0.113.0/24"), source: .static, gateway: nil, interfaceIndex: 9, metric: 0, present: true),
            .route(prefix: pfx("192.0.2.128/25"), source: .kernel, gateway: nil, interfaceIndex: 9, metric: 0, present: true),
        ])
        let announced = try #require(up.exports[PeerID(1)]?.announcements)
        #expect(announced.map(\.nlri.count).reduce(0, +) == 2, "connected loopback and static; not link-local, not kernel")
        #expect(announced.first?.attributes.origin == .incomplete)
        let down = rib.kernelChanged([.connected(prefix: pfx("10.7.0.1/32"), interfaceIndex: 1, present: false)])
        #expect(down.exports[PeerID(1)]?.withdrawals == [.ipv4Unicast([IPv4NLRI(pfx4("10.7.0.1/32"))])])
        let kernelToo = rib.setRedistribute([.connected, .static, .kernel])
        #expect(kernelToo.exports[PeerID(1)]?.announcedCount == 1)
    }

    @Test("a local network beats a learned path to the same prefix and keeps the kernel route alone")
    func localWins() {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.apply(update: announce(["198.51.100.0/24"]), from: PeerID(1))
        let out = rib.setNetworks([pfx("198.51.100.0/24")])
        #expect(out.fibChanges.map(\.kind) == [.delete])
        #expect(rib.paths(for: pfx("198.51.100.0/24")).first?.peer == nil)
    }

    @Test("summary counters follow every change")
    func counters() {
        var rib = RIB(config: testConfig())
        let a = peer(1, importPolicy: Policy(name: "p", terms: [PolicyTerm(conditions: [.asPath(try! ASPathPattern("_666_"))],
                                                                           disposition: .reject)],
                                           defaultDisposition: .accept))
        _ = rib.peerUp(a)
        _ = rib.peerUp(peer(2))
        _ = rib.apply(update: announce(["10.0.0.0/24", "10.0.1.0/24"]), from: a.id)
        _ = rib.apply(update: announce(["10.0.2.0/24"], path: [65001, 666]), from: a.id)
        var s = rib.summary
        #expect(s.routes[.ipv4Unicast] == 2)
        #expect(s.peers[a.id]?[.ipv4Unicast]?.received == 3)
        #expect(s.peers[a.id]?[.ipv4Unicast]?.accepted == 2)
        #expect(s.peers[PeerID(2)]?[.ipv4Unicast]?.sent == 2)
        _ = rib.apply(update: withdraw(["10.0.0.0/24", "10.0.2.0/24"]), from: a.id)
        s = rib.summary
        #expect(s.routes[.ipv4Unicast] == 1)
        #expect(s.peers[a.id]?[.ipv4Unicast]?.received == 1)
        #expect(s.peers[a.id]?[.ipv4Unicast]?.accepted == 1)
        #expect(s.peers[PeerID(2)]?[.ipv4Unicast]?.sent == 1)
    }

    @Test("a treat-as-withdraw UPDATE withdraws what it announces")
    func treatAsWithdraw() {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.apply(update: announce(["10.0.0.0/24"]), from: PeerID(1))
        var bad = announce(["10.0.0.0/24"])
        bad.diagnostics = [AttributeDiagnostic(code: 1, action: .treatAsWithdraw, reason: "ORIGIN value 7")]
        let out = rib.apply(update: bad, from: PeerID(1))
        #expect(out.fibChanges.map(\.kind) == [.delete])
    }

    @Test("UPDATEs from a peer that is not up change nothing")
    func notUp() {
        var rib = RIB(config: testConfig())
        #expect(rib.apply(update: announce(["10.0.0.0/24"]), from: PeerID(9)).isEmpty)
        _ = rib.peerUp(peer(1))
        _ = rib.peerDown(PeerID(1), retainStale: false)
        #expect(rib.apply(update: announce(["10.0.0.0/24"]), from: PeerID(1)).isEmpty)
    }

    @Test("the AS4_PATH is merged into a 2-octet peer's AS_PATH (RFC 6793)")
    func as4Merge() throws {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        var u = announce(["10.0.0.0/24"], path: [65001, 23456, 23456])
        u.attributes.as4Path = ASPath(sequence: [4_200_000_001, 4_200_000_002])
        _ = rib.apply(update: u, from: PeerID(1))
        let p = try #require(rib.paths(for: pfx("10.0.0.0/24")).first)
        #expect(p.attributes.asPath == ASPath(sequence: [65001, 4_200_000_001, 4_200_000_002]))
        #expect(p.attributes.as4Path == nil)
    }
}
