import Foundation
import NetAddress
import Testing
@testable import FIBNetlink

// The monitor side of the writer: what happens in the namespace reaches the events stream as
// neutral values, and the writer's own changes are not echoed back (the in-kernel filter).

@Suite("monitor events", .enabled(if: Lab.enabled))
struct MonitorKernelTests {
    @Test func linksAddressesNeighboursRoutesAndNexthopsOfOthers() async throws {
        let lab = try NetnsLab("m1")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"])
        let log = EventLog()
        let writer = try lab.writer()
        await log.follow(writer)
        try await writer.start()
        // The initial state: links with index, name, state and MAC, then `.synchronized`.
        #expect(await log.wait { events in
            events.contains { if case .linkChanged(let l) = $0 { l.name == "fb-a" && l.index == a && l.isUp && l.mac == MACAddress("02:00:00:00:fb:01") } else { false } }
                && events.contains(.synchronized)
        })
        #expect(await log.events.contains { if case .addressAdded(let x) = $0 { x.prefix == IPPrefix("10.0.0.0/24") && x.interfaceIndex == a } else { false } })

        // Our own route must not come back as a route event.
        await writer.apply([.add(FIBRoute(prefix: IPPrefix("10.66.0.0/24")!, nextHops: [FIBNextHop(gateway: IPAddress("10.0.0.2")!, interfaceIndex: a)]))])
        try lab.ip("addr", "add", "10.0.5.1/24", "dev", "fb-a")
        try lab.ip("route", "add", "10.77.0.0/24", "via", "10.0.0.2", "proto", "static")
        try lab.ip("neigh", "add", "10.0.0.9", "lladdr", "02:00:00:00:00:09", "dev", "fb-a")
        try lab.ip("nexthop", "add", "id", "7", "via", "10.0.0.2", "dev", "fb-a")
        try lab.ip("link", "set", "fb-b", "down")
        #expect(await log.wait { events in
            events.contains { if case .addressAdded(let x) = $0 { x.address == IPAddress("10.0.5.1") } else { false } }
                && events.contains { if case .routeChanged(let r) = $0 {
                    r.prefix == IPPrefix("10.77.0.0/24") && r.protocol == .static && r.nextHops.first?.gateway == IPAddress("10.0.0.2") } else { false } }
                && events.contains { if case .neighborChanged(let n) = $0 { n.ip == IPAddress("10.0.0.9") && n.mac == MACAddress("02:00:00:00:00:09") } else { false } }
                && events.contains { if case .nexthopChanged(let n) = $0 { n.id == 7 && n.nextHop?.interfaceIndex == a } else { false } }
                && events.contains { if case .linkChanged(let l) = $0 { l.name == "fb-b" && !l.isUp } else { false } }
        })
        try lab.ip("route", "del", "10.77.0.0/24", "proto", "static")
        try lab.ip("addr", "del", "10.0.5.1/24", "dev", "fb-a")
        try lab.ip("nexthop", "del", "id", "7")
        #expect(await log.wait { events in
            events.contains { if case .routeRemoved(let r) = $0 { r.prefix == IPPrefix("10.77.0.0/24") } else { false } }
                && events.contains { if case .addressRemoved(let x) = $0 { x.address == IPAddress("10.0.5.1") } else { false } }
                && events.contains(.nexthopRemoved(id: 7))
        })
        #expect(!(await log.events.contains { if case .routeChanged(let r) = $0 { r.prefix == IPPrefix("10.66.0.0/24") } else { false } }))
        await writer.stop()
    }
}
