import Foundation
import NetAddress
import Testing
@testable import FIBNetlink

// ENOBUFS must lead to a resync, never to silent drift. A deliberately tiny monitor buffer is
// flooded, while the monitor is held for half a second, by another socket's burst of route changes
// (one sendmsg, 2000 routes) that also deletes one of our routes. The writer must notice the overrun, re-read the kernel
// and put our route back.

@Suite("netlink overrun", .enabled(if: Lab.enabled))
struct OverrunKernelTests {
    @Test func monitorOverrunLeadsToResyncAndRepair() async throws {
        let lab = try NetnsLab("o1")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"])
        let log = EventLog()
        let writer = try lab.writer { $0.monitorReceiveBufferSize = 4096 }
        await log.follow(writer)
        try await writer.start()
        let ours = (0..<100).map { IPPrefix.v4(IPv4Prefix(address: IPv4Address(0x0A64_0000 + UInt32($0) << 8), length: 24)!) }
        #expect(await writer.apply(ours.map { .add(FIBRoute(prefix: $0, nextHops: [FIBNextHop(gateway: IPAddress("10.0.0.2")!, interfaceIndex: a)])) })
            .failures.isEmpty)

        // The monitor stops reading for a moment (a busy host); meanwhile another "daemon" in the namespace: one batch deleting one of our routes and adding 2000 static ones.
        let other = try NetlinkSocket(namespace: lab.dut)
        var e = NetlinkEncoder(capacity: 1 << 18)
        NetlinkMessage.deleteRoute(prefix: ours[42], metric: 20, protocol: .bgp, sequence: other.nextSequence()).encode(into: &e)
        for i in 0..<2000 {
            let p = IPPrefix.v4(IPv4Prefix(address: IPv4Address(0x0AC0_0000 + UInt32(i) << 8), length: 24)!)
            NetlinkMessage.newRoute(prefix: p, target: .inline([InlineNextHop(gateway: IPAddress("10.0.0.2")!, interfaceIndex: a)]),
                                    metric: 0, protocol: .static, sequence: other.nextSequence()).encode(into: &e)
        }
        await writer.suspendMonitorForTesting()
        try await Task.sleep(for: .milliseconds(50))
        try other.send(e.bytes)

        #expect(await log.wait(seconds: 10) { events in
            events.contains { if case .resyncStarted(let reason) = $0 { reason.contains("ENOBUFS") } else { false } }
        })
        #expect(try await eventually(seconds: 10) {
            try lab.json("-4", "route", "show", "proto", "bgp").count == 100
        })
        #expect(await writer.counters.resyncs >= 1)
        #expect(try lab.json("-4", "route", "show", "proto", "static").count == 2000)
        await writer.stop()
    }
}
