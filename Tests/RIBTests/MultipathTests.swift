import BGP
import NetAddress
@testable import RIB
import Testing

@Suite("ECMP")
struct MultipathTests {
    let p = "10.0.0.0/24"

    /// Four equal eBGP paths from one neighbour AS, different routers.
    func equalPaths(_ rib: inout RIB, count: Int = 4, asns: [UInt32]? = nil, ext: [[ExtendedCommunity]?]? = nil) {
        for n in 1...count {
            let asn = asns?[n - 1] ?? 65001
            let info = peer(UInt32(n), asn: asn)
            _ = rib.peerUp(info)
            _ = rib.apply(update: announce([p], nextHop: "192.0.2.\(n)", path: [asn, 9], ext: ext?[n - 1]), from: info.id)
        }
    }

    @Test("equal paths from one neighbour AS share the FIB entry, best first")
    func ecmp() {
        var rib = RIB(config: testConfig())
        equalPaths(&rib)
        let hops = rib.installedNextHops(pfx(p))
        #expect(hops.map { $0.gateway } == (1...4).map { ip("192.0.2.\($0)") })
        #expect(hops.allSatisfy { $0.weight == 1 })
        #expect(rib.paths(for: pfx(p)).filter(\.multipath).count == 4)
    }

    @Test("maximum-paths cuts the set after the best ones")
    func maximumPaths() {
        var rib = RIB(config: testConfig(maximumPaths: 2))
        equalPaths(&rib)
        #expect(rib.installedNextHops(pfx(p)).map { $0.gateway } == [ip("192.0.2.1"), ip("192.0.2.2")])
        var one = RIB(config: testConfig(maximumPaths: 1))
        equalPaths(&one)
        #expect(one.installedNextHops(pfx(p)).count == 1)
    }

    @Test("paths from different neighbour ASes join only with multipath-relax")
    func relax() {
        var strict = RIB(config: testConfig())
        equalPaths(&strict, count: 2, asns: [65001, 65002])
        #expect(strict.installedNextHops(pfx(p)).count == 1)
        var relaxed = RIB(config: testConfig(relax: true))
        equalPaths(&relaxed, count: 2, asns: [65001, 65002])
        #expect(relaxed.installedNextHops(pfx(p)).map(\.gateway) == [ip("192.0.2.1"), ip("192.0.2.2")])
    }

    @Test("a longer AS path or a worse MED stays out")
    func unequal() {
        var rib = RIB(config: testConfig(relax: true))
        equalPaths(&rib, count: 2)
        let info = peer(3, asn: 65001)
        _ = rib.peerUp(info)
        _ = rib.apply(update: announce([p], nextHop: "192.0.2.3", path: [65001, 9, 9]), from: info.id)
        let info4 = peer(4, asn: 65001)
        _ = rib.peerUp(info4)
        _ = rib.apply(update: announce([p], nextHop: "192.0.2.4", path: [65001, 9], med: 5), from: info4.id)
        #expect(rib.installedNextHops(pfx(p)).map(\.gateway) == [ip("192.0.2.1"), ip("192.0.2.2")])
    }

    @Test("iBGP and eBGP paths do not mix")
    func noMixing() {
        var rib = RIB(config: testConfig(relax: true))
        equalPaths(&rib, count: 1)
        let info = peer(2, asn: localAS)
        _ = rib.peerUp(info)
        _ = rib.apply(update: announce([p], nextHop: "192.0.2.2", path: [65001, 9], localPref: 100), from: info.id)
        #expect(rib.installedNextHops(pfx(p)).count == 1)
    }

    @Test("link bandwidth gives weights when every path carries it")
    func weights() {
        var rib = RIB(config: testConfig())
        let gbit = Float(125_000_000)
        equalPaths(&rib, count: 3, ext: [[linkBandwidthCommunity(asn: 65001, bytesPerSecond: 10 * gbit)],
                                         [linkBandwidthCommunity(asn: 65001, bytesPerSecond: 25 * gbit)],
                                         [linkBandwidthCommunity(asn: 65001, bytesPerSecond: 25 * gbit)]])
        #expect(rib.installedNextHops(pfx(p)).map(\.weight) == [2, 5, 5])
        var partial = RIB(config: testConfig())
        equalPaths(&partial, count: 2, ext: [[linkBandwidthCommunity(asn: 65001, bytesPerSecond: gbit)], nil])
        #expect(partial.installedNextHops(pfx(p)).map(\.weight) == [1, 1])
    }

    @Test("weights are proportional, in lowest terms, at most 100")
    func weightArithmetic() {
        #expect(Decision.weights([1, 3]) == [33, 100])
        #expect(Decision.weights([1, 4]) == [1, 4])
        #expect(Decision.weights([10, 10]) == [1, 1])
        #expect(Decision.weights([1, 1000]) == [1, 100])
        #expect(Decision.weights([5, nil]) == [1, 1])
        #expect(Decision.weights([7]) == [1])
    }

    @Test("a withdrawn member leaves the set with a replace")
    func shrink() {
        var rib = RIB(config: testConfig())
        equalPaths(&rib, count: 2)
        let out = rib.apply(update: withdraw([p]), from: PeerID(1))
        #expect(out.fibChanges == [FIBChange(kind: .replace, prefix: pfx(p),
                                             nextHops: [FIBNextHop(gateway: ip("192.0.2.2"), interfaceIndex: nil)])])
        let last = rib.apply(update: withdraw([p]), from: PeerID(2))
        #expect(last.fibChanges.map(\.kind) == [.delete])
        #expect(rib.routeCount(.ipv4Unicast) == 0)
    }

    @Test("two paths through one next hop make one kernel next hop")
    func sharedNextHop() {
        var rib = RIB(config: testConfig())
        let info = peer(1)
        _ = rib.peerUp(info)
        _ = rib.apply(update: announce([p], nextHop: "192.0.2.1", path: [65001], pathID: 1), from: info.id)
        _ = rib.apply(update: announce([p], nextHop: "192.0.2.1", path: [65001], pathID: 2), from: info.id)
        #expect(rib.paths(for: pfx(p)).filter(\.multipath).count == 2)
        #expect(rib.installedNextHops(pfx(p)).count == 1)
    }
}
