import Foundation
import NetAddress
import Testing
@testable import FIBNetlink

// The EVPN dataplane entries, written by the writer into a vxlan device and bridge in an fb-
// namespace, must read back exactly as LAB.md scenario 2 shows FRR's (`bridge fdb show`, `ip neigh`).

@Suite("EVPN FDB and neighbours in a network namespace", .enabled(if: Lab.enabled))
struct EVPNKernelTests {
    @Test func remoteMACsFloodListAndSVINeighbors() async throws {
        let lab = try NetnsLab("e1")
        defer { lab.close() }
        try lab.ip("link", "add", "fb-br", "type", "bridge")
        try lab.ip("link", "add", "fb-vx", "type", "vxlan", "id", "100", "local", "10.0.0.1", "dstport", "4789", "nolearning")
        try lab.ip("link", "set", "fb-vx", "master", "fb-br")
        try lab.ip("link", "set", "fb-br", "up")
        try lab.ip("link", "set", "fb-vx", "up")
        try lab.ip("addr", "add", "10.100.0.1/24", "dev", "fb-br")
        try lab.refreshIndices()
        let vx = try #require(lab.index["fb-vx"]), br = try #require(lab.index["fb-br"])
        let log = EventLog()
        let writer = try lab.writer()
        await log.follow(writer)
        try await writer.start()
        // The monitor reports the vxlan device with its VNI, local VTEP and port.
        #expect(await log.wait { events in
            events.contains { if case .linkChanged(let l) = $0 { l.name == "fb-vx" && l.vxlan?.vni == 100 && l.vxlan?.port == 4789
                && l.vxlan?.local == IPAddress("10.0.0.1") && l.master == br } else { false } }
        })

        let mac = MACAddress("02:00:00:00:aa:01")!, vtep = IPAddress("10.0.0.2")!
        let failures = await writer.applyL2([
            .addRemoteMAC(mac: mac, vxlanIndex: vx, vtep: vtep),
            .addFloodVTEP(vxlanIndex: vx, vtep: vtep),
            .addFloodVTEP(vxlanIndex: vx, vtep: IPAddress("10.0.0.3")!),
            .addNeighbor(ip: IPAddress("10.100.0.11")!, mac: mac, interfaceIndex: br),
            .addNeighbor(ip: IPAddress("fe80::ff:fe00:aa01")!, mac: mac, interfaceIndex: br),
        ])
        #expect(failures.isEmpty, "\(failures)")
        let fdb = try Lab.run("bridge", "-n", lab.dut, "fdb", "show", "dev", "fb-vx")
        let lines = Set(fdb.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        // Verbatim the lines of LAB.md scenario 2 (with our names and addresses).
        #expect(lines.contains("02:00:00:00:aa:01 extern_learn master fb-br"), "\(fdb)")
        #expect(lines.contains("02:00:00:00:aa:01 dst 10.0.0.2 self extern_learn"), "\(fdb)")
        #expect(lines.contains("00:00:00:00:00:00 dst 10.0.0.2 self permanent"), "\(fdb)")
        #expect(lines.contains("00:00:00:00:00:00 dst 10.0.0.3 self permanent"), "\(fdb)")
        let neigh = try lab.ip("neigh", "show", "dev", "fb-br")
        #expect(neigh.contains("10.100.0.11 lladdr 02:00:00:00:aa:01 extern_learn NOARP proto bgp"), "\(neigh)")
        #expect(neigh.contains("fe80::ff:fe00:aa01 lladdr 02:00:00:00:aa:01 extern_learn NOARP proto bgp"), "\(neigh)")

        // Removing takes away exactly these entries.
        let removal = await writer.applyL2([
            .removeRemoteMAC(mac: mac, vxlanIndex: vx, vtep: vtep),
            .removeFloodVTEP(vxlanIndex: vx, vtep: vtep),
            .removeNeighbor(ip: IPAddress("10.100.0.11")!, interfaceIndex: br),
        ])
        #expect(removal.isEmpty, "\(removal)")
        let after = try Lab.run("bridge", "-n", lab.dut, "fdb", "show", "dev", "fb-vx")
        #expect(!after.contains("02:00:00:00:aa:01"), "\(after)")
        #expect(!after.contains("dst 10.0.0.2"), "\(after)")
        #expect(after.contains("00:00:00:00:00:00 dst 10.0.0.3 self permanent"), "\(after)")
        let neighAfter = try lab.ip("neigh", "show", "dev", "fb-br")
        #expect(!neighAfter.contains("10.100.0.11"))
        #expect(neighAfter.contains("fe80::ff:fe00:aa01"))

        // A bad request fails alone, with the kernel's reason.
        let bad = await writer.applyL2([.addRemoteMAC(mac: mac, vxlanIndex: 9999, vtep: vtep)])
        #expect(bad.count == 2 && bad.allSatisfy { $0.errno == ENODEV })
        await writer.stop()
    }
}
