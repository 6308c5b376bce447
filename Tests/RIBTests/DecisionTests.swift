import BGP
import NetAddress
@testable import RIB
import Testing

/// One fixture per decision step: two paths that differ first at that step, each inserted first
/// in turn. The winner must be best both times and the loser must report the step it lost at.
struct DecisionFixture: CustomStringConvertible, Sendable {
    var name: String
    var rule: DecisionRule
    var config: RIBConfig = testConfig()
    var winner: PeerID?
    var loser: PeerID
    var winnerPathID: UInt32 = 0
    var loserPathID: UInt32 = 0
    var setup: @Sendable (inout RIB) -> Void = { _ in }
    var addWinner: @Sendable (inout RIB) -> Void
    var addLoser: @Sendable (inout RIB) -> Void
    var description: String { name }
}

private let p = "10.0.0.0/24"

private func up(_ rib: inout RIB, _ info: PeerInfo) {
    if !rib.isPeerUp(info.id) { _ = rib.peerUp(info) }
}

private func send(_ rib: inout RIB, _ info: PeerInfo, _ u: UpdateMessage) {
    up(&rib, info)
    _ = rib.apply(update: u, from: info.id)
}

private let weightPolicy = Policy(name: "w", terms: [PolicyTerm(actions: [.setWeight(100)])])
private let heavyPolicy = Policy(name: "heavy", terms: [PolicyTerm(actions: [.setWeight(Core.localWeight)])])

let decisionFixtures: [DecisionFixture] = [
    DecisionFixture(name: "fresh beats stale", rule: .freshness, winner: PeerID(2), loser: PeerID(1),
        addWinner: { send(&$0, peer(2), announce([p], nextHop: "192.0.2.2", path: [65002, 1, 2, 3], origin: .incomplete)) },
        addLoser: { rib in
            send(&rib, peer(1), announce([p], path: [65001]))
            _ = rib.peerDown(PeerID(1), retainStale: true)
        }),
    DecisionFixture(name: "higher weight", rule: .weight, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1, importPolicy: weightPolicy), announce([p], path: [65001, 1, 2])) },
        addLoser: { send(&$0, peer(2), announce([p], nextHop: "192.0.2.2", path: [65002])) }),
    DecisionFixture(name: "higher local preference", rule: .localPreference, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1, asn: localAS), announce([p], path: [1, 2, 3], localPref: 200)) },
        addLoser: { send(&$0, peer(2, asn: localAS), announce([p], nextHop: "192.0.2.2", path: [1], localPref: 100)) }),
    DecisionFixture(name: "locally originated", rule: .locallyOriginated, winner: nil, loser: PeerID(1),
        addWinner: { _ = $0.setNetworks([pfx(p)]) },
        addLoser: { send(&$0, peer(1, importPolicy: heavyPolicy), announce([p], path: [65001])) }),
    DecisionFixture(name: "shorter AS path", rule: .asPathLength, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1), announce([p], path: [65001, 5], origin: .incomplete)) },
        addLoser: { send(&$0, peer(2), announce([p], nextHop: "192.0.2.2", path: [65002, 6, 7])) }),
    DecisionFixture(name: "an AS_SET counts one", rule: .asPathLength, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1), announce([p], origin: .incomplete, asPath: ASPath(segments: [
            ASPathSegment(type: .sequence, asns: [65001]), ASPathSegment(type: .set, asns: [1, 2, 3, 4])]))) },
        addLoser: { send(&$0, peer(2), announce([p], nextHop: "192.0.2.2", path: [65002, 6, 7])) }),
    DecisionFixture(name: "confederation segments count zero", rule: .asPathLength, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1), announce([p], origin: .incomplete, asPath: ASPath(segments: [
            ASPathSegment(type: .confedSequence, asns: [65100, 65101, 65102]), ASPathSegment(type: .sequence, asns: [65001, 5])]))) },
        addLoser: { send(&$0, peer(2), announce([p], nextHop: "192.0.2.2", path: [65002, 6, 7])) }),
    DecisionFixture(name: "lower origin", rule: .origin, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1, asn: 65001, routerID: ip4("1.1.1.9")), announce([p], path: [65001], origin: .igp, med: 50)) },
        addLoser: { send(&$0, peer(2, asn: 65001), announce([p], nextHop: "192.0.2.2", path: [65001], origin: .incomplete, med: 0)) }),
    DecisionFixture(name: "lower MED from the same AS", rule: .med, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1, asn: 65001, routerID: ip4("1.1.1.9")), announce([p], path: [65001], med: 10)) },
        addLoser: { send(&$0, peer(2, asn: 65001), announce([p], nextHop: "192.0.2.2", path: [65001], med: 20)) }),
    DecisionFixture(name: "lower MED from any AS when always compared", rule: .med, config: testConfig(alwaysMED: true),
        winner: PeerID(2), loser: PeerID(1),
        addWinner: { send(&$0, peer(2, routerID: ip4("1.1.1.9")), announce([p], nextHop: "192.0.2.2", path: [65002], med: 0)) },
        addLoser: { send(&$0, peer(1), announce([p], path: [65001], med: 100)) }),
    DecisionFixture(name: "eBGP over iBGP", rule: .externalOverInternal, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1, routerID: ip4("1.1.1.9")), announce([p], path: [65001, 9], med: 50)) },
        addLoser: { send(&$0, peer(2, asn: localAS), announce([p], nextHop: "192.0.2.2", path: [65003, 9], localPref: 100, med: 0)) }),
    DecisionFixture(name: "lower IGP cost", rule: .igpCost, config: testConfig(resolution: .kernel), winner: PeerID(1), loser: PeerID(2),
        setup: { rib in
            _ = rib.kernelChanged([
                .route(prefix: pfx("10.9.0.0/16"), source: .kernel, gateway: ip("192.0.2.99"), interfaceIndex: 3, metric: 10, present: true),
                .route(prefix: pfx("10.8.0.0/16"), source: .kernel, gateway: ip("192.0.2.98"), interfaceIndex: 3, metric: 20, present: true),
            ])
        },
        addWinner: { send(&$0, peer(1, asn: localAS, routerID: ip4("1.1.1.9")), announce([p], nextHop: "10.9.0.1", path: [65003])) },
        addLoser: { send(&$0, peer(2, asn: localAS), announce([p], nextHop: "10.8.0.1", path: [65003])) }),
    DecisionFixture(name: "lower router ID", rule: .routerID, winner: PeerID(9), loser: PeerID(2),
        addWinner: { send(&$0, peer(9, asn: 65001, routerID: ip4("1.1.1.1")), announce([p], nextHop: "192.0.2.9", path: [65001])) },
        addLoser: { send(&$0, peer(2, asn: 65001, routerID: ip4("1.1.1.2")), announce([p], nextHop: "192.0.2.2", path: [65001])) }),
    DecisionFixture(name: "ORIGINATOR_ID stands for the router ID", rule: .routerID, winner: PeerID(9), loser: PeerID(2),
        addWinner: { send(&$0, peer(9, asn: localAS, routerID: ip4("1.1.1.9")),
                          announce([p], nextHop: "192.0.2.9", path: [65003], originatorID: ip4("9.9.9.1"), clusterList: [ip4("7.7.7.7")])) },
        addLoser: { send(&$0, peer(2, asn: localAS, routerID: ip4("1.1.1.1")),
                         announce([p], nextHop: "192.0.2.2", path: [65003], originatorID: ip4("9.9.9.2"), clusterList: [ip4("7.7.7.7")])) }),
    DecisionFixture(name: "shorter CLUSTER_LIST", rule: .clusterListLength, winner: PeerID(9), loser: PeerID(2),
        addWinner: { send(&$0, peer(9, asn: localAS),
                          announce([p], nextHop: "192.0.2.9", path: [65003], originatorID: ip4("9.9.9.9"), clusterList: [ip4("7.7.7.1")])) },
        addLoser: { send(&$0, peer(2, asn: localAS),
                         announce([p], nextHop: "192.0.2.2", path: [65003], originatorID: ip4("9.9.9.9"),
                                  clusterList: [ip4("7.7.7.1"), ip4("7.7.7.2")])) }),
    DecisionFixture(name: "lower peer address", rule: .peerAddress, winner: PeerID(1), loser: PeerID(2),
        addWinner: { send(&$0, peer(1, asn: 65001, routerID: ip4("1.1.1.1")), announce([p], path: [65001])) },
        addLoser: { send(&$0, peer(2, asn: 65001, routerID: ip4("1.1.1.1")), announce([p], nextHop: "192.0.2.2", path: [65001])) }),
    DecisionFixture(name: "lower path identifier", rule: .pathID, winner: PeerID(1), loser: PeerID(1),
        winnerPathID: 1, loserPathID: 2,
        addWinner: { send(&$0, peer(1), announce([p], nextHop: "192.0.2.11", path: [65001], pathID: 1)) },
        addLoser: { send(&$0, peer(1), announce([p], nextHop: "192.0.2.12", path: [65001], pathID: 2)) }),
]

@Suite("Decision process")
struct DecisionTests {
    @Test("each step decides, whichever path comes first", arguments: decisionFixtures)
    func step(_ f: DecisionFixture) throws {
        for winnerFirst in [true, false] {
            var rib = RIB(config: f.config)
            f.setup(&rib)
            if winnerFirst { f.addWinner(&rib); f.addLoser(&rib) } else { f.addLoser(&rib); f.addWinner(&rib) }
            let paths = rib.paths(for: pfx(p))
            #expect(paths.count == 2, "\(f.name): both paths present")
            let best = try #require(paths.first { $0.best }, "\(f.name): a best path")
            #expect(best.peer == f.winner && best.pathID == f.winnerPathID, "\(f.name), winner first: \(winnerFirst)")
            #expect(paths.first?.best == true, "the best path is listed first")
            let loser = try #require(paths.first { $0.peer == f.loser && $0.pathID == f.loserPathID && !$0.best })
            #expect(loser.lostBy == f.rule, "\(f.name), winner first: \(winnerFirst)")
        }
    }

    @Test("MED is not compared between neighbour ASes unless configured")
    func medAcrossASes() {
        for always in [false, true] {
            var rib = RIB(config: testConfig(alwaysMED: always))
            send(&rib, peer(1, routerID: ip4("1.1.1.1")), announce([p], path: [65001], med: 100))
            send(&rib, peer(2, routerID: ip4("1.1.1.2")), announce([p], nextHop: "192.0.2.2", path: [65002], med: 0))
            #expect(bestPeer(rib, p) == PeerID(always ? 2 : 1))
        }
    }

    @Test("an unreachable next hop takes no part")
    func unreachable() {
        var rib = RIB(config: testConfig(resolution: .kernel))
        send(&rib, peer(1), announce([p], nextHop: "10.1.1.1", path: [65001]))
        #expect(rib.paths(for: pfx(p)).first?.reachable == false)
        #expect(bestPeer(rib, p) == nil)
        #expect(rib.routeCount(.ipv4Unicast) == 0)
    }

    /// The classic MED cycle: A beats B on MED (same AS), B beats C on router ID, C beats A on
    /// router ID. Arrival order must not matter.
    @Test("the MED cycle resolves the same in every order")
    func medCycle() {
        let paths: [(PeerInfo, UpdateMessage)] = [
            (peer(1, asn: 65001, routerID: ip4("1.1.1.3")), announce([p], nextHop: "192.0.2.1", path: [65001], med: 10)),
            (peer(2, asn: 65001, routerID: ip4("1.1.1.1")), announce([p], nextHop: "192.0.2.2", path: [65001], med: 20)),
            (peer(3, asn: 65003, routerID: ip4("1.1.1.2")), announce([p], nextHop: "192.0.2.3", path: [65003], med: 0)),
        ]
        var results = Set<PeerID?>()
        for order in permutations(paths) {
            var rib = RIB(config: testConfig())
            for (info, u) in order { send(&rib, info, u) }
            results.insert(bestPeer(rib, p))
        }
        #expect(results == [PeerID(3)])
    }

    /// Random path sets, every insertion order: the same best path and the same ECMP set.
    @Test("random path sets give one result in every insertion order", arguments: [false, true])
    func permutationsAgree(relax: Bool) {
        var rng = SeededRandom(seed: relax ? 7 : 11)
        for _ in 0..<12 {
            let count = 5
            var items: [(PeerInfo, UpdateMessage)] = []
            for n in 1...count {
                let ibgp = Int.random(in: 0..<4, using: &rng) == 0
                let nAS = [65001, 65002][Int.random(in: 0..<2, using: &rng)] as UInt32
                let info = peer(UInt32(n), asn: ibgp ? localAS : nAS,
                                routerID: IPv4Address(1, 1, 1, UInt8(Int.random(in: 1...3, using: &rng))))
                let path = [nAS] + (0..<Int.random(in: 0...1, using: &rng)).map { _ in UInt32(64512) }
                let u = announce([p], nextHop: "192.0.2.\(n)", path: path,
                                 origin: Int.random(in: 0..<5, using: &rng) == 0 ? .incomplete : .igp,
                                 localPref: ibgp ? 100 : nil, med: UInt32(Int.random(in: 0...2, using: &rng)))
                items.append((info, u))
            }
            var outcomes = Set<[String]>()
            for order in permutations(items) {
                var rib = RIB(config: testConfig(relax: relax))
                for (info, u) in order { send(&rib, info, u) }
                let paths = rib.paths(for: pfx(p))
                let summary = paths.map { "\($0.peer.map(String.init(describing:)) ?? "local") best=\($0.best) mp=\($0.multipath)" }
                    .sorted() + ["fib " + rib.installedNextHops(pfx(p)).map(\.description).joined(separator: ",")]
                    + ["first " + (paths.first.flatMap(\.peer).map(String.init(describing:)) ?? "-")]
                outcomes.insert(summary)
            }
            #expect(outcomes.count == 1, "\(outcomes)")
        }
    }
}
