import Foundation
import NetAddress
import Testing
@testable import FIBNetlink

// The writer against the real kernel, in fb- namespaces (see NetnsLab). The kernel's own view
// (`ip -j route`, `ip -j nexthop`, `ip route get`) is the reference.

private let llA = IPAddress("fe80::ff:fe00:fb11")!   // the peer's link-local address on fb-a
private let llB = IPAddress("fe80::ff:fe00:fb12")!   // ... and on fb-b

private func p(_ s: String) -> IPPrefix { IPPrefix(s)! }

/// Our routes as the kernel lists them: prefix -> nhid (or type for blackhole/unreachable).
private func kernelRoutes(_ lab: NetnsLab, v6: Bool = false) throws -> [String: String] {
    var out: [String: String] = [:]
    for r in try lab.json(v6 ? "-6" : "-4", "route", "show", "proto", "bgp") {
        guard let dst = r["dst"] as? String else { continue }
        let type = r["type"] as? String ?? "unicast"
        out[dst] = type == "unicast" ? "nhid \(r["nhid"] as? Int ?? 0)" : type
    }
    return out
}

/// Our nexthop objects: id -> "via GW dev DEV" or "group A,w/B,w".
private func kernelNexthops(_ lab: NetnsLab) throws -> [Int: String] {
    var out: [Int: String] = [:]
    for n in try lab.json("nexthop", "show") {
        guard let id = n["id"] as? Int, (186_000_000...186_999_999).contains(id) else { continue }
        if let g = n["group"] as? [[String: Any]] {
            out[id] = "group " + g.map { "\($0["id"] as? Int ?? 0),\($0["weight"] as? Int ?? 1)" }.joined(separator: "/")
        } else {
            out[id] = "via \(n["gateway"] as? String ?? "-") dev \(n["dev"] as? String ?? "-")"
        }
    }
    return out
}

@Suite("writer in a network namespace", .enabled(if: Lab.enabled), .serialized)
struct WriterKernelTests {
    @Test func ecmpGroupsAreSharedAndIPv4GoesViaIPv6LinkLocal() async throws {
        let lab = try NetnsLab("w1")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"]), b = try #require(lab.index["fb-b"])
        let writer = try lab.writer()
        try await writer.start()
        let ecmp = [FIBNextHop(gateway: llA, interfaceIndex: a), FIBNextHop(gateway: llB, interfaceIndex: b)]
        let result = await writer.apply([
            .add(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: ecmp)),
            .add(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: ecmp.reversed())),
            .add(FIBRoute(prefix: p("2001:db8:1::/64"), nextHops: ecmp)),
            .add(FIBRoute(prefix: p("10.3.0.0/24"), nextHops: [ecmp[0]])),
            .add(FIBRoute(prefix: p("10.4.0.0/24"), nextHops: [FIBNextHop(gateway: llA, interfaceIndex: a, weight: 1),
                                                                FIBNextHop(gateway: llB, interfaceIndex: b, weight: 3)])),
            .add(.blackhole(p("10.5.0.0/24"))),
            .add(.unreachable(p("2001:db8:5::/64"))),
            // Directly connected (device only), IPv4 and IPv6: separate objects per family.
            .add(FIBRoute(prefix: p("10.6.0.0/24"), nextHops: [FIBNextHop(gateway: nil, interfaceIndex: a)])),
            .add(FIBRoute(prefix: p("2001:db8:6::/64"), nextHops: [FIBNextHop(gateway: nil, interfaceIndex: a)])),
        ])
        #expect(result.failures.isEmpty, "\(result.failures)")
        #expect(result.accepted == 9)

        let v4 = try kernelRoutes(lab), v6 = try kernelRoutes(lab, v6: true)
        let nh = try kernelNexthops(lab)
        // One object per (gateway, interface), one group per distinct set: the order of next hops
        // does not matter, and IPv4 and IPv6 routes share the objects.
        // 4 next hops (2 link-local, device-only for IPv4 and for IPv6) and 5 groups: every
        // route points at a group, singletons included, so its set can change in place.
        #expect(nh.count == 9, "\(nh)")
        #expect(nh.values.filter { $0 == "via - dev fb-a" }.count == 2)
        #expect(try lab.ip("route", "get", "10.6.0.9").contains("dev fb-a"))
        #expect(try lab.ip("-6", "route", "get", "2001:db8:6::9").contains("dev fb-a"))
        #expect(v4["10.1.0.0/24"] == v4["10.2.0.0/24"])
        #expect(v6["2001:db8:1::/64"] == v4["10.1.0.0/24"])
        #expect(v4["10.4.0.0/24"] != v4["10.1.0.0/24"])
        let groupWeights: [String] = nh.values.filter { $0.hasPrefix("group") && $0.contains("/") }.map { line in
            let members = line.split(separator: " ")[1].split(separator: "/")
            return members.map { String($0.split(separator: ",")[1]) }.joined(separator: ",")
        }
        #expect(groupWeights.sorted() == ["1,1", "1,3"])
        #expect(v4["10.5.0.0/24"] == "blackhole")
        #expect(v6["2001:db8:5::/64"] == "unreachable")
        // IPv4 forwarded via the IPv6 link-local next hop (RTA_VIA in the kernel's answer).
        let get = try lab.ip("route", "get", "10.3.0.1")
        #expect(get.contains("via inet6 \(llA)") && get.contains("dev fb-a"), "\(get)")
        let nhid3 = try #require(v4["10.3.0.0/24"]).split(separator: " ").last.flatMap { Int($0) }
        let member = nh[nhid3 ?? 0]?.split(separator: " ").last?.split(separator: ",").first.flatMap { Int($0) }
        #expect(nh[member ?? 0] == "via \(llA) dev fb-a")

        // The snapshot says the same.
        let snap = await writer.snapshot()
        #expect(snap.totalRoutes == 9)
        #expect(snap.routes.allSatisfy { $0.installed })
        #expect(snap.nexthopObjects.count == 9)
        #expect(snap.routes.first { $0.prefix == p("10.4.0.0/24") }?.nextHops.map(\.weight) == [1, 3])

        // Deleting everything leaves nothing of ours: no routes, no nexthop objects.
        await writer.apply(result.accepted > 0 ? [p("10.1.0.0/24"), p("10.2.0.0/24"), p("2001:db8:1::/64"), p("10.3.0.0/24"),
                                                  p("10.4.0.0/24"), p("10.5.0.0/24"), p("2001:db8:5::/64"),
                                                  p("10.6.0.0/24"), p("2001:db8:6::/64")].map(FIBChange.delete) : [])
        #expect(try kernelRoutes(lab).isEmpty)
        #expect(try kernelRoutes(lab, v6: true).isEmpty)
        #expect(try kernelNexthops(lab).isEmpty)
        await writer.stop()
    }

    @Test func tenThousandRoutesInstalledAndRemoved() async throws {
        let lab = try NetnsLab("w2")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"]), b = try #require(lab.index["fb-b"])
        let writer = try lab.writer()
        try await writer.start()
        let ecmp = [FIBNextHop(gateway: llA, interfaceIndex: a), FIBNextHop(gateway: llB, interfaceIndex: b)]
        let single = [FIBNextHop(gateway: IPAddress("10.0.1.2")!, interfaceIndex: b)]
        var changes: [FIBChange] = []
        var want: [String: Bool] = [:]   // prefix -> via the group
        for i in 0..<10_000 {
            let prefix = IPPrefix.v4(IPv4Prefix(address: IPv4Address(0x0A64_0000 + UInt32(i) << 8), length: 24)!)
            changes.append(.add(FIBRoute(prefix: prefix, nextHops: i % 3 == 0 ? single : ecmp)))
            want[prefix.description] = i % 3 != 0
        }
        let result = await writer.apply(changes)
        #expect(result.failures.isEmpty)
        let routes = try kernelRoutes(lab)
        let nh = try kernelNexthops(lab)
        #expect(routes.count == 10_000)
        #expect(nh.count == 5)   // fe80 a, fe80 b, 10.0.1.2, the ECMP group, the group of 10.0.1.2 alone
        let groupID = try #require(nh.first { $0.value.hasPrefix("group") && $0.value.contains("/") }?.key)
        let memberID = try #require(nh.first { $0.value == "via 10.0.1.2 dev fb-b" }?.key)
        let singleID = try #require(nh.first { $0.value == "group \(memberID),1" }?.key)
        #expect(Set(routes.keys) == Set(want.keys))
        #expect(routes.allSatisfy { $0.value == "nhid \(want[$0.key] == true ? groupID : singleID)" })
        let stats = await writer.counters
        #expect(stats.messagesSent == 10_005)
        #expect(stats.batchesSent < 30)

        await writer.apply(want.keys.map { .delete(IPPrefix($0)!) })
        #expect(try kernelRoutes(lab).isEmpty)
        #expect(try kernelNexthops(lab).isEmpty)
        await writer.stop()
    }

    @Test(arguments: ["carrier", "admin"])
    func groupShrinksWhenALinkGoesDownAndGrowsBack(how: String) async throws {
        let lab = try NetnsLab(how == "carrier" ? "w3" : "w4")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"]), b = try #require(lab.index["fb-b"])
        let log = EventLog()
        let writer = try lab.writer()
        await log.follow(writer)
        try await writer.start()
        let ecmp = [FIBNextHop(gateway: llA, interfaceIndex: a), FIBNextHop(gateway: llB, interfaceIndex: b)]
        var changes: [FIBChange] = (0..<200).map { i in
            .add(FIBRoute(prefix: .v4(IPv4Prefix(address: IPv4Address(0x0A64_0000 + UInt32(i) << 8), length: 24)!), nextHops: ecmp))
        }
        changes.append(.add(FIBRoute(prefix: p("10.9.0.0/24"), nextHops: [ecmp[1]])))   // only via fb-b
        #expect(await writer.apply(changes).failures.isEmpty)
        let groupID = try #require(try kernelNexthops(lab).first { $0.value.hasPrefix("group") && $0.value.contains("/") }?.key)
        let before = await writer.counters.messagesSent

        if how == "carrier" { try lab.setPeer("fb-b", up: false) } else { try lab.ip("link", "set", "fb-b", "down") }
        // Every route now forwards via fb-a, the group has one member, the routes were not touched.
        #expect(try await eventually { try kernelNexthops(lab)[groupID]?.components(separatedBy: "/").count == 1 })
        #expect(try lab.ip("route", "get", "10.100.7.1").contains("dev fb-a"))
        #expect(try kernelRoutes(lab).filter { $0.value == "nhid \(groupID)" }.count == 200)
        #expect(try kernelRoutes(lab)["10.9.0.0/24"] == nil)   // the kernel dropped it with its next hop
        try await Task.sleep(for: .milliseconds(200))
        let shrink = await writer.counters.messagesSent - before
        #expect(shrink <= 2, "link down cost \(shrink) messages; must not depend on the number of routes")
        let snap = await writer.snapshot(matching: { $0 == IPPrefix("10.100.7.0/24")! })
        #expect(snap.routes.first?.activeNextHops.count == 1)

        if how == "carrier" { try lab.setPeer("fb-b", up: true) } else { try lab.ip("link", "set", "fb-b", "up") }
        let grew = try await eventually { try kernelNexthops(lab)[groupID]?.components(separatedBy: "/").count == 2 }
        let back = try await eventually { try kernelRoutes(lab)["10.9.0.0/24"] != nil }
        if !grew || !back {
            let snap = await writer.snapshot(matching: { $0 == IPPrefix("10.9.0.0/24")! })
            let linkEvents = await log.events.compactMap { e -> String? in
                if case .linkChanged(let l) = e, l.name == "fb-b" { return "\(l.isUp)/\(l.operationalState.rawValue)" } else { return nil }
            }
            Issue.record("link events \(linkEvents); group grew: \(grew), route back: \(back); kernel: \(try kernelNexthops(lab)); writer: \(snap.routes) \(snap.nexthopObjects); links: \(try lab.ip("link", "show", "fb-b"))")
        }
        #expect(try kernelRoutes(lab).count == 201)
        let grow = await writer.counters.messagesSent - before - shrink
        #expect(grow <= 4, "link up cost \(grow) messages")
        await writer.stop()
    }

    @Test func whenAllRoutesOfAGroupMoveTheGroupChangesInPlace() async throws {
        let lab = try NetnsLab("w9")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"]), b = try #require(lab.index["fb-b"])
        let writer = try lab.writer()
        try await writer.start()
        let hopA = FIBNextHop(gateway: llA, interfaceIndex: a), hopB = FIBNextHop(gateway: llB, interfaceIndex: b)
        let prefixes = (0..<300).map { IPPrefix.v4(IPv4Prefix(address: IPv4Address(0x0A64_0000 + UInt32($0) << 8), length: 24)!) }
        await writer.apply(prefixes.map { .add(FIBRoute(prefix: $0, nextHops: [hopA, hopB])) })
        let before = try kernelRoutes(lab)
        let group = try #require(Set(before.values).first)
        #expect(Set(before.values).count == 1)

        // The peer behind B goes away: the RIB moves every route to {A} in one batch. The group
        // keeps its id and loses B: 2 messages (group replace, B's object deleted), no route message.
        var sent = await writer.counters.messagesSent
        await writer.apply(prefixes.map { .replace(FIBRoute(prefix: $0, nextHops: [hopA])) })
        #expect(await writer.counters.messagesSent - sent == 2)
        #expect(try kernelRoutes(lab) == before)
        #expect(try kernelNexthops(lab).count == 2)   // A and the group, now of one member
        #expect(try lab.ip("route", "get", "10.100.5.1").contains("dev fb-a"))

        // And back: the single next hop grows into ECMP under the same id (FRR PR #22111).
        sent = await writer.counters.messagesSent
        await writer.apply(prefixes.map { .replace(FIBRoute(prefix: $0, nextHops: [hopA, hopB])) })
        #expect(await writer.counters.messagesSent - sent == 2)
        #expect(try kernelRoutes(lab) == before)
        #expect(try kernelNexthops(lab)[Int(group.split(separator: " ")[1]) ?? 0]?.contains("/") == true)
        await writer.stop()
    }

    @Test func kernelErrorIsReportedAndOthersAreInstalled() async throws {
        let lab = try NetnsLab("w5")
        defer { lab.close() }
        try lab.ip("link", "add", "fb-c", "type", "veth", "peer", "name", "fb-c-p")
        try lab.refreshIndices()
        let a = try #require(lab.index["fb-a"]), c = try #require(lab.index["fb-c"])
        let log = EventLog()
        let writer = try lab.writer()
        await log.follow(writer)
        try await writer.start()
        let result = await writer.apply([
            .add(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [FIBNextHop(gateway: llA, interfaceIndex: a)])),
            .add(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: [FIBNextHop(gateway: IPAddress("fe80::99")!, interfaceIndex: c)])),
            .add(FIBRoute(prefix: p("10.3.0.0/24"), nextHops: [FIBNextHop(gateway: llA, interfaceIndex: a)])),
        ])
        // The kernel refused the next hop on the down link; the route is reported, the others are in.
        let nhFailure = result.failures.first { if case .nexthop = $0.subject { true } else { false } }
        #expect(nhFailure?.errno == ENETDOWN)
        #expect(nhFailure?.message == "Nexthop device is not up")
        #expect(result.failures.contains { $0.subject == .route(p("10.2.0.0/24")) && $0.willRetry })
        #expect(try Set(kernelRoutes(lab).keys) == ["10.1.0.0/24", "10.3.0.0/24"])
        #expect(await log.wait { $0.contains { if case .failed(let f) = $0 { f.subject == .route(p("10.2.0.0/24")) } else { false } } })
        let snap = await writer.snapshot(matching: { $0 == IPPrefix("10.2.0.0/24")! })
        #expect(snap.routes.first?.installed == false)
        #expect(snap.routes.first?.error?.contains("Nexthop device is not up") == true)

        // When the link comes up the writer retries by itself.
        try lab.ip("link", "set", "fb-c", "up")
        try lab.ip("link", "set", "fb-c-p", "up")
        #expect(try await eventually { try kernelRoutes(lab)["10.2.0.0/24"] != nil })
        await writer.stop()
    }

    @Test func nexthopFlushByOthersIsRepaired() async throws {
        let lab = try NetnsLab("w6")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"]), b = try #require(lab.index["fb-b"])
        let log = EventLog()
        let writer = try lab.writer()
        await log.follow(writer)
        try await writer.start()
        let ecmp = [FIBNextHop(gateway: llA, interfaceIndex: a), FIBNextHop(gateway: llB, interfaceIndex: b)]
        await writer.apply((0..<50).map { i in
            .add(FIBRoute(prefix: .v4(IPv4Prefix(address: IPv4Address(0x0A64_0000 + UInt32(i) << 8), length: 24)!), nextHops: ecmp))
        } + [.add(FIBRoute(prefix: p("2001:db8:7::/64"), nextHops: [ecmp[0]]))])
        let before = try kernelNexthops(lab)
        #expect(before.count == 4)   // two next hops, the group, the IPv6 route's singleton group

        // FRR #23295: the kernel deletes our groups and the routes using them; we must notice and repair.
        try lab.ip("nexthop", "flush")
        #expect(try await eventually { try kernelRoutes(lab).count == 50 && kernelRoutes(lab, v6: true).count == 1 })
        #expect(try kernelNexthops(lab) == before)   // same ids, same content
        #expect(await log.wait { $0.contains { if case .repaired = $0 { true } else { false } } })
        #expect(await writer.counters.repairs > 0)

        // Someone deletes one of our routes: it comes back too.
        try lab.ip("route", "del", "10.100.3.0/24", "proto", "bgp", "metric", "20")
        #expect(try await eventually { try kernelRoutes(lab)["10.100.3.0/24"] != nil })
        await writer.stop()
    }

    @Test func multipathFallbackWithoutNexthopObjects() async throws {
        let lab = try NetnsLab("w7")
        defer { lab.close() }
        let a = try #require(lab.index["fb-a"]), b = try #require(lab.index["fb-b"])
        let writer = try lab.writer { $0.useNexthopObjects = false }
        try await writer.start()
        let ecmp = [FIBNextHop(gateway: llA, interfaceIndex: a, weight: 2), FIBNextHop(gateway: llB, interfaceIndex: b)]
        #expect(await writer.apply([
            .add(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: ecmp)),
            .add(FIBRoute(prefix: p("2001:db8:1::/64"), nextHops: ecmp)),
            .add(FIBRoute(prefix: p("10.3.0.0/24"), nextHops: [ecmp[1]])),
        ]).failures.isEmpty)
        #expect(try kernelNexthops(lab).isEmpty)
        func hops(_ prefix: String, v6: Bool = false) throws -> [String] {
            let r = try lab.json(v6 ? "-6" : "-4", "route", "show", "proto", "bgp").first { $0["dst"] as? String == prefix }
            if let list = r?["nexthops"] as? [[String: Any]] {
                return list.map { h in
                    let g = (h["gateway"] as? String) ?? ((h["via"] as? [String: Any])?["host"] as? String) ?? "-"
                    return "\(g) \(h["dev"] as? String ?? "") \(h["weight"] as? Int ?? 1)"
                }
            }
            guard let r else { return [] }
            let g = (r["gateway"] as? String) ?? ((r["via"] as? [String: Any])?["host"] as? String) ?? "-"
            return ["\(g) \(r["dev"] as? String ?? "") 1"]
        }
        #expect(try hops("10.1.0.0/24") == ["\(llA) fb-a 2", "\(llB) fb-b 1"])
        #expect(try hops("2001:db8:1::/64", v6: true) == ["\(llA) fb-a 2", "\(llB) fb-b 1"])
        #expect(try hops("10.3.0.0/24") == ["\(llB) fb-b 1"])

        try lab.ip("link", "set", "fb-b", "down")
        #expect(try await eventually { try hops("10.1.0.0/24") == ["\(llA) fb-a 1"] || hops("10.1.0.0/24") == ["\(llA) fb-a 2"] })
        try lab.ip("link", "set", "fb-b", "up")
        #expect(try await eventually { try hops("10.1.0.0/24") == ["\(llA) fb-a 2", "\(llB) fb-b 1"] })
        #expect(try await eventually { try hops("10.3.0.0/24") == ["\(llB) fb-b 1"] })
        #expect(try await eventually { try hops("2001:db8:1::/64", v6: true).count == 2 })
        await writer.stop()
    }

    @Test func offloadNotificationAndNexthopCompatSysctlsAreSet() async throws {
        let lab = try NetnsLab("w8")
        defer { lab.close() }
        let writer = try lab.writer()
        try await writer.start()
        let v4 = try Lab.run("ip", "netns", "exec", lab.dut, "cat", "/proc/sys/net/ipv4/fib_notify_on_flag_change")
        let v6 = try Lab.run("ip", "netns", "exec", lab.dut, "cat", "/proc/sys/net/ipv6/fib_notify_on_flag_change")
        let compat = try Lab.run("ip", "netns", "exec", lab.dut, "cat", "/proc/sys/net/ipv4/nexthop_compat_mode")
        #expect(v4.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(v6.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(compat.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        // Only inside the lab namespace: the host's value is not ours to change.
        await writer.stop()
    }
}
