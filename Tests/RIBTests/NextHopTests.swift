import BGP
import NetAddress
@testable import RIB
import Testing

@Suite("Next hops")
struct NextHopTests {
    let ll = ip6("fe80::ff:fe00:1202")

    func unnumbered() -> PeerInfo {
        peer(1, address: .v6(ll), interface: 7)
    }

    @Test("an unnumbered peer's link-local next hop is installed on its interface, in all three encodings",
          arguments: ["double", "native", "single"])
    func unnumberedForms(_ form: String) throws {
        var rib = RIB(config: testConfig(resolution: .kernel))
        let info = unnumbered()
        _ = rib.peerUp(info)
        let nh: NextHop = form == "double" ? .ipv6Pair(global: ll, linkLocal: ll)
            : form == "native" ? .ipv6Pair(global: .zero, linkLocal: ll) : .ipv6(ll)
        let out = rib.apply(update: announceMP(v4: ["10.99.0.0/24"], nextHop: nh), from: info.id)
        #expect(out.fibChanges == [FIBChange(kind: .add, prefix: pfx("10.99.0.0/24"),
                                             nextHops: [FIBNextHop(gateway: .v6(ll), interfaceIndex: 7, onlink: true)])])
        let v6 = rib.apply(update: announceMP(v6: ["2001:db8:99::/64"], nextHop: nh), from: info.id)
        #expect(v6.fibChanges.first?.nextHops.first?.gateway == .v6(ll))
    }

    @Test("a link-local next hop from a peer without an interface is unreachable")
    func unscopedLinkLocal() {
        var rib = RIB(config: testConfig(resolution: .kernel))
        let info = peer(1)
        _ = rib.peerUp(info)
        let out = rib.apply(update: announceMP(v6: ["2001:db8::/64"], nextHop: .ipv6(ll)), from: info.id)
        #expect(out.fibChanges.isEmpty)
        #expect(rib.paths(for: pfx("2001:db8::/64")).first?.reachable == false)
    }

    @Test("next hops resolve against connected prefixes, and leave and come back with them")
    func connected() {
        var rib = RIB(config: testConfig(resolution: .kernel))
        let info = peer(1)
        _ = rib.peerUp(info)
        #expect(rib.apply(update: announce(["10.0.0.0/24"], nextHop: "192.0.2.1"), from: info.id).fibChanges.isEmpty)
        let came = rib.kernelChanged([.connected(prefix: pfx("192.0.2.0/24"), interfaceIndex: 3, present: true)])
        #expect(came.fibChanges == [FIBChange(kind: .add, prefix: pfx("10.0.0.0/24"),
                                              nextHops: [FIBNextHop(gateway: ip("192.0.2.1"), interfaceIndex: 3)])])
        #expect(bestPeer(rib, "10.0.0.0/24") == PeerID(1))
        let went = rib.kernelChanged([.connected(prefix: pfx("192.0.2.0/24"), interfaceIndex: 3, present: false)])
        #expect(went.fibChanges.map(\.kind) == [.delete])
        #expect(bestPeer(rib, "10.0.0.0/24") == nil)
        let back = rib.kernelChanged([.connected(prefix: pfx("192.0.2.0/24"), interfaceIndex: 3, present: true)])
        #expect(back.fibChanges.map(\.kind) == [.add])
    }

    @Test("recursive resolution through a kernel route gives its gateway and interface")
    func recursive() {
        var rib = RIB(config: testConfig(resolution: .kernel))
        _ = rib.kernelChanged([
            .connected(prefix: pfx("192.0.2.0/24"), interfaceIndex: 3, present: true),
            .route(prefix: pfx("10.9.0.0/16"), source: .static, gateway: ip("192.0.2.77"), interfaceIndex: 3, metric: 20, present: true),
        ])
        let info = peer(1, asn: localAS)
        _ = rib.peerUp(info)
        let out = rib.apply(update: announce(["10.0.0.0/24"], nextHop: "10.9.4.4", localPref: 100), from: info.id)
        #expect(out.fibChanges.first?.nextHops == [FIBNextHop(gateway: ip("192.0.2.77"), interfaceIndex: 3)])
    }

    @Test("the default route resolves next hops only when configured")
    func viaDefault() {
        for allowed in [false, true] {
            var cfg = testConfig(resolution: .kernel)
            cfg.resolveViaDefault = allowed
            var rib = RIB(config: cfg)
            _ = rib.kernelChanged([.route(prefix: pfx("0.0.0.0/0"), source: .kernel, gateway: ip("192.0.2.1"),
                                          interfaceIndex: 2, metric: 0, present: true)])
            let info = peer(1, asn: localAS)
            _ = rib.peerUp(info)
            _ = rib.apply(update: announce(["10.0.0.0/24"], nextHop: "10.9.4.4", localPref: 100), from: info.id)
            #expect((bestPeer(rib, "10.0.0.0/24") != nil) == allowed)
        }
    }

    @Test("when the best path's next hop goes, the next best takes over, and gives way when it returns")
    func failover() {
        var rib = RIB(config: testConfig(resolution: .kernel))
        _ = rib.kernelChanged([.connected(prefix: pfx("192.0.2.0/25"), interfaceIndex: 3, present: true),
                               .connected(prefix: pfx("192.0.2.128/25"), interfaceIndex: 4, present: true)])
        let a = peer(1), b = peer(2)
        _ = rib.peerUp(a)
        _ = rib.peerUp(b)
        _ = rib.apply(update: announce(["10.0.0.0/24"], nextHop: "192.0.2.1", path: [65001]), from: a.id)
        _ = rib.apply(update: announce(["10.0.0.0/24"], nextHop: "192.0.2.130", path: [65002, 1]), from: b.id)
        #expect(bestPeer(rib, "10.0.0.0/24") == a.id)
        let down = rib.kernelChanged([.connected(prefix: pfx("192.0.2.0/25"), interfaceIndex: 3, present: false)])
        #expect(bestPeer(rib, "10.0.0.0/24") == b.id)
        #expect(down.fibChanges.map(\.kind) == [.replace])
        _ = rib.kernelChanged([.connected(prefix: pfx("192.0.2.0/25"), interfaceIndex: 3, present: true)])
        #expect(bestPeer(rib, "10.0.0.0/24") == a.id)
    }
}
