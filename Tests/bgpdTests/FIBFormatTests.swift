import Foundation
import Testing
@testable import bgpd

/// `bgpd show fib`: the human layout (as `ip route` / `ip nexthop`) and the JSON field names
/// scripts rely on.
@Suite struct FIBFormatTests {
    static let h1 = FIBHopEntry(gateway: "fe80::ff:fe00:201", interface: "swp1", interfaceIndex: 2, weight: 1, onlink: true)
    static let h2 = FIBHopEntry(gateway: "fe80::ff:fe00:301", interface: "swp2", interfaceIndex: 3, weight: 1, onlink: true)
    static let reply = FIBReply(
        table: 254, metric: 20, routeProtocol: 186, mode: "nexthop-objects", converged: true, totalRoutes: 3,
        routes: [
            FIBRouteEntry(prefix: "10.64.0.0/24", type: "unicast", nextHops: [h1, h2], activeNextHops: [h2],
                          nexthopID: 186000002, installed: true, stale: false, offload: ["offload"], error: nil),
            FIBRouteEntry(prefix: "10.64.1.0/24", type: "adopted", nextHops: [], activeNextHops: [],
                          nexthopID: nil, installed: false, stale: true, offload: [], error: nil),
        ],
        nexthopObjects: [
            FIBNexthopEntry(id: 186000000, nextHop: h2, members: nil, activeMembers: nil, references: 2, installed: true, error: nil),
            FIBNexthopEntry(id: 186000002, nextHop: nil, members: [FIBGroupMember(id: 186000000, weight: 1), FIBGroupMember(id: 186000001, weight: 1)],
                            activeMembers: [FIBGroupMember(id: 186000000, weight: 1)], references: 1, installed: true, error: nil),
        ],
        statistics: FIBStatisticsEntry(messagesSent: 7, batchesSent: 2, failures: 0, resyncs: 0, repairs: 0, retries: 0,
                                       routesInstalled: 1, objectsInstalled: 2))

    @Test func humanLayout() {
        let text = HumanFormat.fib(Self.reply)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "FIB: table 254, metric 20, protocol 186, nexthop-objects")
        #expect(lines[1].hasPrefix("Routes: 3 (showing 2); installed 1, nexthop objects 2"))
        #expect(lines.contains("10.64.0.0/24 nhid 186000002 via fe80::ff:fe00:201 dev swp1 onlink, via fe80::ff:fe00:301 dev swp2 onlink (active: via fe80::ff:fe00:301 dev swp2 onlink) [offload]"))
        #expect(lines.contains("10.64.1.0/24 (stale: left by a previous run)"))
        #expect(lines.contains("  id 186000000 via fe80::ff:fe00:301 dev swp2 onlink, 2 users"))
        #expect(lines.contains("  id 186000002 group 186000000/186000001 (active: 186000000), 1 users"))
    }

    @Test func jsonFieldNames() throws {
        let data = try JSONEncoder().encode(Self.reply)
        let o = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(o.keys) == ["table", "metric", "routeProtocol", "mode", "converged", "totalRoutes", "routes",
                                "nexthopObjects", "statistics"])
        let r = try #require((o["routes"] as? [[String: Any]])?.first)
        #expect(r["nexthopID"] as? Int == 186000002)
        #expect(r["offload"] as? [String] == ["offload"])
        #expect(((r["nextHops"] as? [[String: Any]])?.first?["interface"]) as? String == "swp1")
    }
}
