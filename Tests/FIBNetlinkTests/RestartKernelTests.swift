import Foundation
import NetAddress
import Testing
@testable import FIBNetlink

// Restart reconciliation: a writer in another process (fibctl) installs routes and is SIGKILLed.
// A new writer adopts what it left: the routes keep forwarding while the RIB converges, routes the
// RIB wants again are not even rewritten, and after convergence (explicit or by timeout) the
// kernel holds exactly the RIB's view.

private let llA = IPAddress("fe80::ff:fe00:fb11")!
private let llB = IPAddress("fe80::ff:fe00:fb12")!

private func prefix(_ i: Int) -> IPPrefix {
    .v4(IPv4Prefix(address: IPv4Address(0x0AC8_0000 + UInt32(i) << 8), length: 24)!)   // 10.200.i.0/24
}

/// Runs fibctl in the lab namespace, waits until it has installed its routes, then SIGKILLs it.
private func installWithKilledProcess(_ lab: NetnsLab, count: Int) throws {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("fibctl")
    guard FileManager.default.isExecutableFile(atPath: exe.path) else {
        throw Lab.LabError(command: exe.path, output: "fibctl not built (run `swift build --build-tests`)")
    }
    let p = Process()
    p.executableURL = exe
    p.arguments = ["--netns", lab.dut, "install", "--count", "\(count)", "--base", "10.200.0.0",
                   "--nexthop", "\(llA)@fb-a", "--nexthop", "\(llB)@fb-b", "--stay"]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) }; p.waitUntilExit() }
    var text = ""
    let deadline = Date().addingTimeInterval(20)
    while !text.contains("\n") && Date() < deadline {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        text += String(decoding: chunk, as: UTF8.self)
    }
    guard text.contains("installed \(count) failed 0") else { throw Lab.LabError(command: "fibctl install", output: text) }
    kill(p.processIdentifier, SIGKILL)
}

private func ourRoutes(_ lab: NetnsLab) throws -> [String: Int] {
    var out: [String: Int] = [:]
    for r in try lab.json("-4", "route", "show", "proto", "bgp") {
        if let d = r["dst"] as? String { out[d] = r["nhid"] as? Int ?? 0 }
    }
    return out
}

private func ourNexthopIDs(_ lab: NetnsLab) throws -> Set<Int> {
    Set(try lab.json("nexthop", "show").compactMap { $0["id"] as? Int }.filter { (186_000_000...186_999_999).contains($0) })
}

@Suite("restart reconciliation", .enabled(if: Lab.enabled), .serialized)
struct RestartKernelTests {
    @Test func routesOfAKilledWriterAreAdoptedThenStaleOnesRemoved() async throws {
        let lab = try NetnsLab("r1")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"]), b = try #require(lab.index["fb-b"])
        try installWithKilledProcess(lab, count: 300)
        let left = try ourRoutes(lab)
        #expect(left.count == 300)
        let group = try #require(Set(left.values).first)
        #expect(Set(left.values).count == 1)
        let objectsLeft = try ourNexthopIDs(lab)
        #expect(objectsLeft.count == 3)
        // Someone else's nexthop object in our id range (other protocol) must never be touched.
        try lab.ip("nexthop", "add", "id", "186999999", "via", "10.0.0.2", "dev", "fb-a", "proto", "static")

        let writer = try lab.writer()
        try await writer.start()
        // Nothing removed at start: the host keeps forwarding.
        #expect(try ourRoutes(lab) == left)
        #expect(await writer.snapshot().routes.filter { $0.stale }.count == 300)

        // The RIB converges: 200 routes as before, one changed, 50 new; 100 no longer wanted.
        let ecmp = [FIBNextHop(gateway: llA, interfaceIndex: a), FIBNextHop(gateway: llB, interfaceIndex: b)]
        var changes: [FIBChange] = (0..<200).map { .add(FIBRoute(prefix: prefix($0), nextHops: ecmp)) }
        let sent0 = await writer.counters.messagesSent
        await writer.apply(changes)
        // Routes that already match are adopted as they are: not a single message.
        #expect(await writer.counters.messagesSent == sent0)
        changes = [.replace(FIBRoute(prefix: prefix(10), nextHops: [ecmp[1]]))]
        changes += (300..<350).map { .add(FIBRoute(prefix: prefix($0), nextHops: [ecmp[0]])) }
        #expect(await writer.apply(changes).failures.isEmpty)
        // Before convergence the unclaimed routes are still there.
        #expect(try ourRoutes(lab).count == 350)

        await writer.converged()
        let now = try ourRoutes(lab)
        var expected = Set((0..<200).map { prefix($0).description })
        expected.formUnion((300..<350).map { prefix($0).description })
        #expect(Set(now.keys) == expected)
        #expect(now[prefix(0).description] == group)        // the same group object, adopted
        #expect(now[prefix(10).description] != group)
        // Objects: the adopted two next hops and group, the singleton groups of {B} (10.200.10.0/24)
        // and {A} (the 50 new routes), nothing else of ours; the foreign one stays.
        let objectsNow = try ourNexthopIDs(lab)
        #expect(objectsNow.isSuperset(of: objectsLeft.union([186_999_999])))
        #expect(objectsNow.count == 6)
        let snap = await writer.snapshot()
        #expect(snap.converged && snap.totalRoutes == 250 && snap.routes.allSatisfy { $0.installed && !$0.stale })

        // A clean shutdown takes everything of ours away, and only ours.
        await writer.removeAll()
        #expect(try ourRoutes(lab).isEmpty)
        #expect(try ourNexthopIDs(lab) == [186_999_999])
        await writer.stop()
    }

    @Test func staleRoutesGoAfterTheTimeout() async throws {
        let lab = try NetnsLab("r2")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"])
        try installWithKilledProcess(lab, count: 20)
        // Long enough to look at the kernel before it fires, even on a busy host.
        let writer = try lab.writer { $0.staleRouteTimeout = .seconds(3) }
        let started = ContinuousClock.now
        try await writer.start()
        await writer.apply([.add(FIBRoute(prefix: prefix(3), nextHops: [FIBNextHop(gateway: llA, interfaceIndex: a)]))])
        let before = try ourRoutes(lab).count
        if ContinuousClock.now - started < .seconds(3) { #expect(before == 20) }
        #expect(try await eventually(seconds: 15) { try ourRoutes(lab).count == 1 })
        #expect(try Set(ourRoutes(lab).keys) == [prefix(3).description])
        #expect(try await eventually { try ourNexthopIDs(lab).count == 2 })   // the next hop and its singleton group
        await writer.stop()
    }
}
