import Glibc
import NetAddress
import Testing
@testable import FIBNetlink

// The writer's model without a kernel: given wanted routes and kernel events, which operations
// does it plan, in which order? `drive` plays the writer's loop with a fake kernel that answers
// every operation with success (or the error `answer` gives).

private func p(_ s: String) -> IPPrefix { IPPrefix(s)! }
private let gwA = IPAddress("fe80::a")!, gwB = IPAddress("fe80::b")!, gwC = IPAddress("fe80::c")!
private let hopA = FIBNextHop(gateway: gwA, interfaceIndex: 2)
private let hopB = FIBNextHop(gateway: gwB, interfaceIndex: 3)
private let hopC = FIBNextHop(gateway: gwC, interfaceIndex: 4)

/// Runs the plan phases like FIBWriter.sync and returns the operations in the order sent.
@discardableResult
private func drive(_ s: inout FIBState, answer: (FIBOperation) -> Int32 = { _ in 0 }) -> [FIBOperation] {
    var sent: [FIBOperation] = []
    func run(_ ops: [FIBOperation]) {
        for op in ops {
            sent.append(op)
            _ = s.record(op, error: answer(op), message: nil)
        }
    }
    var rounds = 0
    repeat {
        s.applyMigrations()
        run(s.planNexthops())
        run(s.planGroups())
        s.scanRoutes()
        run(s.takeDirectOps())
        repeat { run(s.planRoutes(limit: 1000)) } while !s.dirtyRoutes.isEmpty
        run(s.planGarbageGroups())
        run(s.planGarbageNexthops())
        rounds += 1
    } while s.hasWork && rounds < 8
    return sent
}

private func state(objects: Bool = true) -> FIBState {
    var c = FIBConfiguration()
    c.useNexthopObjects = objects
    var s = FIBState(config: c)
    s.markConverged()
    return s
}

private func kinds(_ ops: [FIBOperation]) -> [String] {
    ops.map { op in
        switch op {
        case .nexthop: return "nh"
        case .group(_, let m): return "group\(m.count)"
        case .deleteObject(let id): return "del\(id)"
        case .route(let p, _, _), .nexthopRoute(let p, _, _): return "route \(p)"
        case .deleteRoute(let p): return "delroute \(p)"
        case .l2: return "l2"
        }
    }
}

@Suite("FIB model")
struct FIBStateTests {
    @Test func routesShareObjectsAndGroupsAreReferenceCounted() {
        var s = state()
        _ = s.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA, hopB]))
        _ = s.set(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: [hopB, hopA]))
        _ = s.set(FIBRoute(prefix: p("2001:db8::/64"), nextHops: [hopA, hopB]))
        let ops = drive(&s)
        #expect(kinds(ops).sorted() == ["group2", "nh", "nh", "route 10.1.0.0/24", "route 10.2.0.0/24", "route 2001:db8::/64"])
        #expect(s.groups.count == 1 && s.nexthops.count == 2)
        let gid = s.groups.keys.first ?? 0
        #expect(s.groups[gid]?.refs == 3)

        s.remove(p("10.1.0.0/24"))
        #expect(kinds(drive(&s)) == ["delroute 10.1.0.0/24"])
        s.remove(p("10.2.0.0/24"))
        s.remove(p("2001:db8::/64"))
        let teardown = kinds(drive(&s))
        // Routes first, then the group, then its members: never an object still in use.
        #expect(teardown.prefix(2).sorted() == ["delroute 10.2.0.0/24", "delroute 2001:db8::/64"])
        #expect(teardown[2] == "del\(gid)")
        #expect(teardown.suffix(2).allSatisfy { $0.hasPrefix("del18") })
        #expect(s.nexthops.isEmpty && s.groups.isEmpty && s.routes.count == 0)
    }

    @Test func changingNextHopsIsMakeBeforeBreak() {
        var s = state()
        _ = s.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA, hopB]))
        _ = s.set(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: [hopA, hopB]))
        drive(&s)
        let old = s.groups.keys.first ?? 0
        // One of the group's two routes moves: new object and group first, then the route is
        // replaced in place; the old group stays for the other route.
        _ = s.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA, hopC]))
        let k = kinds(drive(&s))
        #expect(k == ["nh", "group2", "route 10.1.0.0/24"])
        // The other one moves later: route first, then the old group and the next hop nobody
        // uses any more go. Never a route delete.
        _ = s.set(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: [hopA, hopC]))
        let k2 = kinds(drive(&s))
        #expect(k2.count == 3 && k2[0] == "route 10.2.0.0/24" && k2[1] == "del\(old)" && k2[2].hasPrefix("del"), "\(k2)")
    }

    @Test func aGroupWhoseRoutesAllMoveTogetherChangesInPlace() {
        var s = state()
        for i in 0..<500 {
            _ = s.set(FIBRoute(prefix: .v4(IPv4Prefix(address: IPv4Address(0x0A00_0000 + UInt32(i) << 8), length: 24)!), nextHops: [hopA, hopB, hopC]))
        }
        drive(&s)
        let gid = s.groups.keys.first ?? 0
        // Peer C goes away: the RIB moves all 500 routes to {A, B} in one batch. One group
        // replace under the same id; C's object goes; not one route message.
        for i in 0..<500 {
            _ = s.set(FIBRoute(prefix: .v4(IPv4Prefix(address: IPv4Address(0x0A00_0000 + UInt32(i) << 8), length: 24)!), nextHops: [hopA, hopB]))
        }
        let ops = drive(&s)
        #expect(kinds(ops).filter { !$0.hasPrefix("del") } == ["group2"], "\(kinds(ops))")
        guard case .group(let id, _)? = ops.first else { Issue.record("\(ops)"); return }
        #expect(id == gid)
        #expect(kinds(ops).filter { $0.hasPrefix("del") }.count == 1)   // the next hop via C
        #expect(s.groups.count == 1 && s.groups[gid]?.refs == 500)
        // A single next hop grows into ECMP the same way (FRR PR #22111).
        var t = state()
        _ = t.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA]))
        _ = t.set(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: [hopA]))
        drive(&t)
        let single = t.groups.keys.first ?? 0
        _ = t.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA, hopB]))
        _ = t.set(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: [hopA, hopB]))
        #expect(kinds(drive(&t)) == ["nh", "group2"])
        #expect(t.routes[p("10.1.0.0/24")]?.want == .object(single))
    }

    @Test func linkDownShrinksGroupsInPlaceWithoutTouchingRoutes() {
        var s = state()
        for i in 0..<1000 {
            _ = s.set(FIBRoute(prefix: .v4(IPv4Prefix(address: IPv4Address(0x0A00_0000 + UInt32(i) << 8), length: 24)!), nextHops: [hopA, hopB]))
        }
        _ = s.set(FIBRoute(prefix: p("10.99.0.0/24"), nextHops: [hopB]))
        drive(&s)
        let gid = s.groups.first { $0.value.members.count == 2 }?.key ?? 0
        s.linkChanged(index: 2, usable: true)
        s.linkChanged(index: 3, usable: true)
        s.linkChanged(index: 3, usable: false)
        let down = drive(&s)
        // One message for a thousand routes: the group keeps its id and loses the member.
        #expect(down.count == 1)
        guard case .group(let id, let members)? = down.first else { Issue.record("\(down)"); return }
        #expect(id == gid && members.count == 1 && s.nexthops[members[0].id]?.key.gateway == gwA)
        // The single-next-hop route died with its next hop (the kernel removed it).
        #expect(s.routes[p("10.99.0.0/24")]?.have == Target.none)

        s.linkChanged(index: 3, usable: true)
        let up = kinds(drive(&s))
        #expect(up == ["nh", "group2", "group1", "route 10.99.0.0/24"])
    }

    @Test func lastMemberDownLosesTheGroupAndItsRoutesUntilTheLinkReturns() {
        var s = state()
        _ = s.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA, hopB]))
        drive(&s)
        s.linkChanged(index: 2, usable: true)
        s.linkChanged(index: 3, usable: true)
        s.linkChanged(index: 2, usable: false)
        s.linkChanged(index: 3, usable: false)
        #expect(drive(&s).isEmpty)   // the kernel already removed everything; nothing to send
        #expect(s.routes[p("10.1.0.0/24")]?.have == Target.none)
        #expect(s.routeErrors[p("10.1.0.0/24")] != nil)
        s.linkChanged(index: 2, usable: true)
        #expect(kinds(drive(&s)) == ["nh", "group1", "route 10.1.0.0/24"])
        s.linkChanged(index: 3, usable: true)
        #expect(kinds(drive(&s)) == ["nh", "group2"])
    }

    @Test func failedNexthopIsReportedAgainstItsRoutesAndOthersGoOn() {
        var s = state()
        _ = s.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA]))
        _ = s.set(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: [hopB]))
        let ops = drive(&s) { op in
            if case .nexthop(_, let key) = op, key.gateway == gwA { return ENETDOWN }
            return 0
        }
        #expect(kinds(ops).filter { $0.hasPrefix("route") } == ["route 10.2.0.0/24"])
        #expect(s.pendingFailures.map(\.subject) == [.route(p("10.1.0.0/24"))])
        #expect(s.pendingFailures.first?.willRetry == true)
    }

    @Test func adoptedRoutesThatMatchAreNotRewrittenAndStaleOnesWaitForConvergence() {
        var c = FIBConfiguration()
        c.nexthopIDs = 100...199
        var s = FIBState(config: c)
        let nhA = NexthopMessage(family: .inet6, protocol: .bgp, attributes: [.id(101), .gateway(gwA), .outputInterface(2)])
        let nhB = NexthopMessage(family: .inet6, protocol: .bgp, attributes: [.id(102), .gateway(gwB), .outputInterface(3)])
        let grp = NexthopMessage(family: .unspecified, protocol: .bgp, attributes: [.id(103), .group([NexthopGroupMember(id: 101), NexthopGroupMember(id: 102)])])
        let foreign = NexthopMessage(family: .inet, protocol: .static, attributes: [.id(150), .gateway(IPAddress("10.0.0.9")!), .outputInterface(2)])
        func route(_ prefix: String, _ id: UInt32) -> RouteMessage {
            RouteMessage(family: .inet, destinationLength: 24, table: 254, protocol: .bgp, type: .unicast,
                         attributes: [.destination(p(prefix).address), .priority(20), .nexthopID(id)])
        }
        s.reconcile(nexthopDump: [nhA, nhB, grp, foreign],
                    routeDump: [route("10.1.0.0/24", 103), route("10.2.0.0/24", 103)].compactMap(RouteSummary.init))
        #expect(s.reserved == [150])
        _ = s.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA, hopB]))
        #expect(drive(&s).isEmpty)                       // adopted as it is
        #expect(s.routes[p("10.2.0.0/24")]?.have == .object(103))   // stale, still there
        s.markConverged()
        #expect(kinds(drive(&s)) == ["delroute 10.2.0.0/24"])
        // New objects never take the foreign id.
        for i in 0..<60 { _ = s.set(FIBRoute(prefix: .v4(IPv4Prefix(address: IPv4Address(0x0B00_0000 + UInt32(i) << 8), length: 24)!),
                                             nextHops: [FIBNextHop(gateway: IPAddress("10.0.\(i).1")!, interfaceIndex: 2)])) }
        #expect(!s.nexthops.keys.contains(150))
    }

    @Test func invalidRoutesAreRefusedWithAReason() {
        var s = state()
        let f = s.set(FIBRoute(prefix: p("2001:db8::/64"), nextHops: [FIBNextHop(gateway: IPAddress("10.0.0.1")!, interfaceIndex: 2)]))
        #expect(f?.errno == EINVAL)
        #expect(s.set(FIBRoute(prefix: p("10.0.0.0/8"), nextHops: [])) != nil)
        #expect(s.routes.count == 0)
    }

    @Test func multipathModeResendsRoutesWhenMembersChange() {
        var s = state(objects: false)
        _ = s.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA, hopB]))
        _ = s.set(FIBRoute(prefix: p("10.2.0.0/24"), nextHops: [hopA, hopB]))
        let first = drive(&s)
        #expect(kinds(first).sorted() == ["route 10.1.0.0/24", "route 10.2.0.0/24"])
        s.linkChanged(index: 2, usable: true)
        s.linkChanged(index: 3, usable: true)
        s.linkChanged(index: 3, usable: false)
        let down = drive(&s)
        #expect(kinds(down).sorted() == ["route 10.1.0.0/24", "route 10.2.0.0/24"])
        guard case .route(_, .inline(let hops), _)? = down.first else { Issue.record("\(down)"); return }
        #expect(hops.map(\.gateway) == [gwA])
    }

    @Test func kernelNotificationsOfOurRoutes() {
        var s = state()
        _ = s.set(FIBRoute(prefix: p("10.1.0.0/24"), nextHops: [hopA]))
        drive(&s)
        let id = s.nexthops.keys.first ?? 0
        var m = RouteMessage(family: .inet, destinationLength: 24, table: 254, protocol: .bgp, type: .unicast, flags: [.offload],
                             attributes: [.destination(p("10.1.0.0/24").address), .priority(20), .nexthopID(id)])
        #expect(RouteSummary(m).map(s.isOurs) == true)
        let first = s.routeChangedInKernel(RouteSummary(m)!, deleted: false)
        let again = s.routeChangedInKernel(RouteSummary(m)!, deleted: false)
        m.flags = [.trap, .offloadFailed]
        let changed = s.routeChangedInKernel(RouteSummary(m)!, deleted: false)
        #expect(first == [.offload])
        #expect(again == nil)   // unchanged: no event
        #expect(changed == [.trap, .offloadFailed])
        // Deleted by someone else: it goes back.
        _ = s.routeChangedInKernel(RouteSummary(m)!, deleted: true)
        #expect(kinds(drive(&s)) == ["route 10.1.0.0/24"])
        // Our nexthop deleted by someone else: object and route go back.
        let ours = s.objectDeletedByOthers(id)
        #expect(ours)
        #expect(kinds(drive(&s)) == ["nh", "group1", "route 10.1.0.0/24"])
    }
}
