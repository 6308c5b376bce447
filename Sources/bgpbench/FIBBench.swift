// `bgpbench fib`: how fast the FIB writer installs routes, against the kernel's own ceiling, and
// how fast forwarding fails over when a link goes down. Needs root (network namespaces).
//
//   swift build -c release && .build/release/bgpbench fib [--routes 1000000] [--compat-mode 0|1]
//
// net.ipv4.nexthop_compat_mode is 0 in every namespace unless `--compat-mode 1` (FIBWriter turns
// it off by default; see FIBConfiguration.nexthopCompatMode).
// Each phase runs in a fresh namespace `fb-benchN-<pid>` with two veth links to a peer namespace and a
// 2-way ECMP nexthop group (IPv6 link-local gateways, as on unnumbered BGP links):
//  1. ceiling, raw: every RTM_NEWROUTE (with RTA_NH_ID) prebuilt before the clock starts, then
//     sent in 1 MiB sendmsg batches, ACK requested on the last message of each batch only;
//  2. ceiling, `ip -batch` with the same routes (iproute2 sends one request and waits for its ACK);
//  3. FIBWriter.apply with the routes as FIBChange values (encoding, model and ACK matching
//     included), its monitor running as in bgpd.
// Then, with the writer's routes in place, fb-b goes down: time until the group has one member
// and every sampled route resolves via fb-a (RTM_GETROUTE, as `ip route get`), and the number of
// netlink messages the writer sent for it.

import FIBNetlink
import Glibc
import NetAddress

enum ProcessInfo {
    /// `--compat-mode 0|1` sets net.ipv4.nexthop_compat_mode in every benchmark namespace
    /// (default 0, what FIBWriter sets by default).
    static let compatMode: String? = {
        let a = CommandLine.arguments
        return a.firstIndex(of: "--compat-mode").flatMap { $0 + 1 < a.count ? a[$0 + 1] : nil } ?? "0"
    }()
}

enum FIBBench {
    static let llA = IPAddress("fe80::ff:fe00:fb11")!
    static let llB = IPAddress("fe80::ff:fe00:fb12")!

    static func run(_ args: [String]) async {
        var routes = 1_000_000
        if let i = args.firstIndex(of: "--routes"), i + 1 < args.count, let n = Int(args[i + 1]) { routes = n }
        guard getuid() == 0 else { print("bgpbench fib: needs root (network namespaces)"); exit(1) }
        print("bgpbench fib: \(routes) IPv4 routes over a 2-way ECMP nexthop group, Linux \(kernelRelease())")
        let prefixes = (0..<routes).map { IPPrefix.v4(IPv4Prefix(address: IPv4Address(0x2000_0000 &+ UInt32($0) << 8), length: 24)!) }

        // `--only raw|batch|writer` runs one phase (for profiling); `--repeat N` runs the raw
        // ceilings and the writer N times, alternating, and keeps the best of each (the host is
        // shared, so single runs are noisy).
        let only = args.firstIndex(of: "--only").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
        let repeats = args.firstIndex(of: "--repeat").flatMap { $0 + 1 < args.count ? Int(args[$0 + 1]) : nil } ?? 3
        var raw: [Timing] = [], listened: [Timing] = [], ours: [Timing] = []
        for round in 1...max(1, repeats) {
            let last = round == max(1, repeats)
            if only == nil || only == "raw" {
                raw.append(rawCeiling(prefixes, listener: false))
                // With a socket subscribed to route notifications (dropping them all, as bgpd's
                // monitor drops its own): the kernel then builds a notification per route.
                listened.append(rawCeiling(prefixes, listener: true))
            }
            if only == nil || only == "writer" {
                ours.append(await writerAndFailover(prefixes, failover: last && !args.contains("--no-failover")))
            }
        }
        func best(_ t: [Timing]) -> Timing? {
            guard let w = t.map(\.wall).min(), let c = t.map(\.cpu).min(), let k = t.map(\.sys).min() else { return nil }
            return Timing(wall: w, cpu: c, sys: k, note: t.first?.note ?? "")
        }
        let runs = " (best of \(max(1, repeats)))"
        if let r = best(raw) { report("ceiling: raw batched netlink" + runs, r, routes) }
        if let r = best(listened) { report("ceiling: raw batched netlink with a route listener" + runs, r, routes) }
        if only == nil || only == "batch" {
            report("ceiling: ip -batch", ipBatchCeiling(prefixes), routes)
        }
        if let o = best(ours) {
            report("FIBWriter.apply" + runs, o, routes)
            if let r = best(raw) {
                print("  -> \(fixed(o.wall / r.wall, 2))x the raw ceiling's wall time, \(fixed(o.cpu / r.cpu, 2))x its CPU time (target <= 1.25x)")
            }
            if let l = best(listened) {
                print("  -> \(fixed(o.wall / l.wall, 2))x / \(fixed(o.cpu / l.cpu, 2))x the ceiling with a route listener (wall / CPU)")
            }
        }
        print("peak RSS \(peakRSSKiB() / 1024) MiB")
    }

    // MARK: phases

    struct Timing { var wall: Double; var cpu: Double; var sys: Double = 0; var note: String = "" }

    static func rawCeiling(_ prefixes: [IPPrefix], listener: Bool) -> Timing {
        let lab = Lab(1)
        defer { lab.close() }
        do {
            let socket = try NetlinkSocket(namespace: lab.ns)
            var options = NetlinkSocket.Options()
            options.groups = [7, 11]   // RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE
            let listening = listener ? try NetlinkSocket(namespace: lab.ns, options: options) : nil
            try listening?.attachFilter([.drop])
            defer { _ = listening }
            try makeGroup(socket, lab)
            // Prebuilt 1 MiB batches, the ACK flag on each batch's last message.
            var batches: [[UInt8]] = []
            var e = NetlinkEncoder(capacity: 1 << 20 + 4096)
            var last = 0
            var lastSeq: [UInt32] = []
            for p in prefixes {
                last = e.count
                let seq = socket.nextSequence()
                e.appendNexthopRoute(prefix: p, nexthopID: 3, table: 254, metric: 20, protocol: .bgp,
                                     flags: [.request, .create, .replace], sequence: seq)
                if e.count >= 1 << 20 {
                    e.insertFlags(.ack, messageAt: last)
                    batches.append(e.bytes); lastSeq.append(seq); e.removeAll()
                }
            }
            if e.count > 0 { e.insertFlags(.ack, messageAt: last); batches.append(e.bytes); lastSeq.append(UInt32(0)) }
            let t = Clock.start()
            var errors = 0
            for b in batches {
                try socket.send(b)
                // Read until the batch's ACK (errors of earlier messages come first).
                while true {
                    let data = try socket.receive(timeoutMilliseconds: 30_000)
                    var it = NetlinkFrameIterator(data)
                    var done = false
                    while let f = try? it.next() {
                        guard f.header.type == .error, let ack = try? NetlinkAck(decoding: data, range: f.body, flags: f.header.flags) else { continue }
                        if ack.error != 0 { errors += 1 }
                        if ack.request.flags.contains(.ack) || ack.error == 0 { done = true }
                    }
                    if done { break }
                }
            }
            var timing = t.stop()
            timing.note = "\(batches.count) sendmsg, \(errors) errors"
            check(lab, expected: prefixes.count)
            return timing
        } catch {
            print("raw ceiling failed: \(error)")
            return Timing(wall: .nan, cpu: .nan)
        }
    }

    static func ipBatchCeiling(_ prefixes: [IPPrefix]) -> Timing {
        let lab = Lab(2)
        defer { lab.close() }
        let path = "/tmp/fb-bench-\(getpid()).batch"
        defer { unlink(path) }
        do {
            let socket = try NetlinkSocket(namespace: lab.ns)
            try makeGroup(socket, lab)
            guard let f = fopen(path, "w") else { return Timing(wall: .nan, cpu: .nan) }
            for p in prefixes { fputs("route add \(p) nhid 3 proto bgp metric 20\n", f) }
            fclose(f)
            let t = Clock.start(children: true)
            let rc = shell("ip -n \(lab.ns) -batch \(path)")
            var timing = t.stop()
            timing.note = rc == 0 ? "" : "exit \(rc)"
            check(lab, expected: prefixes.count)
            return timing
        } catch {
            print("ip -batch failed: \(error)")
            return Timing(wall: .nan, cpu: .nan)
        }
    }

    static func writerAndFailover(_ prefixes: [IPPrefix], failover: Bool) async -> Timing {
        let lab = Lab(3)
        defer { lab.close() }
        do throws(any Error) {
            var config = FIBConfiguration(namespace: lab.ns)
            config.staleRouteTimeout = nil
            if CommandLine.arguments.contains("--no-monitor") { config.monitor = false }
            if CommandLine.arguments.contains("--no-pipeline") { config.pipelineBatches = false }
            config.nexthopCompatMode = ProcessInfo.compatMode == "1"
            var first: FIBWriter? = try FIBWriter(configuration: config)
            guard let writer = first else { return Timing(wall: .nan, cpu: .nan) }
            try await writer.start()
            await writer.converged()
            let probe = try NetlinkSocket(namespace: lab.ns)
            let links = try probe.links()
            guard let a = links.first(where: { $0.name == "fb-a" })?.index, let b = links.first(where: { $0.name == "fb-b" })?.index else {
                print("no links"); return Timing(wall: .nan, cpu: .nan)
            }
            let hops = [FIBNextHop(gateway: llA, interfaceIndex: a), FIBNextHop(gateway: llB, interfaceIndex: b)]
            let changes = prefixes.map { FIBChange.add(FIBRoute(prefix: $0, nextHops: hops)) }
            let rssBefore = currentRSSKiB()
            let t = Clock.start()
            let result = await writer.apply(changes)
            var timing = t.stop()
            let stats = await writer.counters
            let grown = (currentRSSKiB() - rssBefore) / 1024
            timing.note = "\(stats.messagesSent) messages in \(stats.batchesSent) sendmsg, \(result.failures.count) failures, RSS +\(grown) MiB"
            check(lab, expected: prefixes.count)
            guard failover else {
                await writer.stop()
                return timing
            }

            // Restart: a second writer adopts the million routes (what bgpd does after a crash
            // or upgrade), the RIB hands it the same routes, it converges.
            await writer.stop()
            first = nil   // free its model before the next writer builds one
            _ = first
            let tStart = Clock.start()
            let second = try FIBWriter(configuration: config)
            try await second.start()
            let adopt = tStart.stop()
            let tSame = Clock.start()
            await second.apply(changes)
            let same = tSame.stop()
            await second.converged()
            let restartMessages = await second.counters.messagesSent
            print("restart with \(prefixes.count) routes in the kernel: start() (dump + adopt) \(fixed(adopt.wall, 3)) s wall, \(fixed(adopt.cpu, 3)) s CPU;"
                + " the same routes again: \(fixed(same.wall, 3)) s; netlink messages sent through convergence: \(restartMessages)")
            await second.stop()
            let third = try FIBWriter(configuration: config)
            try await third.start()
            await third.apply(changes)
            await third.converged()

            // Failover: fb-b goes down with every route in place, first administratively on our
            // side, then by carrier loss (the peer's end goes down).
            let groupID = try groupOf(probe)
            let samples = stride(from: 0, to: prefixes.count, by: max(1, prefixes.count / 200)).map { prefixes[$0] }
            let peerSocket = try NetlinkSocket(namespace: lab.peer)
            guard let peerB = try peerSocket.links().first(where: { $0.name == "fb-b-p" })?.index else { return timing }
            for (what, socket, index) in [("admin down", probe, b), ("carrier loss", peerSocket, peerB)] {
                // The kernel's linkwatch handles at most one non-urgent link event per second
                // (carrier changes wait otherwise): leave it a second since the last change.
                usleep(1_100_000)
                let before = await third.counters.messagesSent
                let t0 = Clock.now()
                // `ip link set ... down`, sent directly: the ACK comes once the kernel has processed it.
                let ack = try socket.request(NetlinkMessage(type: .newLink, flags: [.request, .ack],
                                                            body: .link(LinkMessage(index: index, flags: [], change: 1))))
                let tCommand = Clock.now() - t0
                guard ack.error == 0 else { print("link down failed: \(ack.error)"); return timing }
                var tGroup = Double.nan, tAll = Double.nan
                while Clock.now() - t0 < 5 {
                    if tGroup.isNaN, try members(of: groupID, probe) == 1 { tGroup = Clock.now() - t0 }
                    if tAll.isNaN, try samples.allSatisfy({ try outputInterface(of: $0, probe) == a }) { tAll = Clock.now() - t0 }
                    if !tGroup.isNaN && !tAll.isNaN { break }
                }
                var tWriter = Double.nan
                while Clock.now() - t0 < 5 {
                    if await third.counters.messagesSent > before { tWriter = Clock.now() - t0; break }
                    usleep(100)
                }
                usleep(300_000)
                let sent = await third.counters.messagesSent - before
                print("failover, fb-b \(what), \(prefixes.count) routes: link change done in the kernel after \(ms(tCommand)) ms;"
                    + " group \(groupID) has 1 member after \(ms(tGroup)) ms; all \(samples.count) sampled routes via fb-a after \(ms(tAll)) ms;"
                    + " writer's group replace sent after \(ms(tWriter)) ms; writer messages: \(sent)")
                if what == "admin down" {
                    let show = readCommand("ip -n \(lab.ns) route get \(samples[samples.count / 2].address)")
                    print("  ip route get: \(show.split(separator: "\n").first ?? "")")
                    let left = try probe.dump(.dumpRoutes(family: .inet, protocol: .bgp, table: 254), timeoutMilliseconds: 60_000).count
                    print("  our routes in the kernel: \(left) (not touched)")
                }
                // And back.
                let before2 = await third.counters.messagesSent
                let t1 = Clock.now()
                _ = try socket.request(NetlinkMessage(type: .newLink, flags: [.request, .ack],
                                                      body: .link(LinkMessage(index: index, flags: .up, change: 1))))
                var tBack = Double.nan
                while Clock.now() - t1 < 5 {
                    if try members(of: groupID, probe) == 2 { tBack = Clock.now() - t1; break }
                    usleep(200)
                }
                usleep(300_000)
                let sentBack = await third.counters.messagesSent - before2
                print("  fb-b back: group has 2 members again after \(ms(tBack)) ms; writer messages: \(sentBack)")
            }
            await third.stop()
            return timing
        } catch {
            print("writer phase failed: \(error)")
            return Timing(wall: .nan, cpu: .nan)
        }
    }

    // MARK: helpers

    /// A namespace with fb-a and fb-b up (to a peer namespace), IPv4 addresses on both.
    struct Lab {
        let ns: String
        let peer: String
        init(_ n: Int) {
            ns = "fb-bench\(n)-\(getpid())"
            peer = "fb-bench\(n)-\(getpid())p"
            _ = shell("ip netns del \(ns) 2>/dev/null; ip netns del \(peer) 2>/dev/null; ip netns add \(ns) && ip netns add \(peer)")
            _ = shell("ip -n \(ns) link set lo up")
            if let mode = ProcessInfo.compatMode { _ = shell("ip netns exec \(ns) sysctl -qw net.ipv4.nexthop_compat_mode=\(mode)") }
            for (i, l) in ["a", "b"].enumerated() {
                _ = shell("ip -n \(ns) link add fb-\(l) type veth peer name fb-\(l)-p netns \(peer)")
                _ = shell("ip -n \(peer) link set fb-\(l)-p address 02:00:00:00:fb:1\(i + 1) up")
                _ = shell("ip -n \(ns) addr add 10.0.\(i).1/24 dev fb-\(l) && ip -n \(ns) link set fb-\(l) up")
            }
        }
        func close() { _ = shell("ip netns del \(ns); ip netns del \(peer)") }
    }

    /// nexthop objects 1 (fe80 via fb-a), 2 (via fb-b) and group 3, for the ceiling phases.
    static func makeGroup(_ s: NetlinkSocket, _ lab: Lab) throws {
        let links = try s.links()
        guard let a = links.first(where: { $0.name == "fb-a" })?.index, let b = links.first(where: { $0.name == "fb-b" })?.index else { return }
        for m in [NetlinkMessage.newNexthop(id: 1, gateway: llA, interfaceIndex: a, protocol: .bgp),
                  .newNexthop(id: 2, gateway: llB, interfaceIndex: b, protocol: .bgp),
                  .newNexthopGroup(id: 3, members: [NexthopGroupMember(id: 1), NexthopGroupMember(id: 2)], protocol: .bgp)] {
            let ack = try s.request(m)
            if ack.error != 0 { print("nexthop setup: \(ack.message ?? "errno \(-ack.error)")") }
        }
    }

    static func check(_ lab: Lab, expected: Int) {
        if CommandLine.arguments.contains("--no-check") { return }
        guard let s = try? NetlinkSocket(namespace: lab.ns),
              let n = try? s.dump(.dumpRoutes(family: .inet, protocol: .bgp, table: 254), timeoutMilliseconds: 60_000).count else { return }
        if n != expected { print("  !! kernel holds \(n) routes, expected \(expected)") }
    }

    static func groupOf(_ s: NetlinkSocket) throws -> UInt32 {
        for m in try s.dump(.dumpNexthops()) { if case .nexthop(let n) = m.body, n.group != nil, let id = n.id { return id } }
        return 0
    }

    static func members(of id: UInt32, _ s: NetlinkSocket) throws -> Int {
        let get = NetlinkMessage(type: .getNexthop, flags: [.request], body: .nexthop(NexthopMessage(family: .unspecified, attributes: [.id(id)])))
        return try answer(get, s).compactMap { if case .nexthop(let n) = $0.body { n.group?.count } else { nil } }.first ?? 0
    }

    /// RTM_GETROUTE for one address, as `ip route get` does; returns the output interface.
    static func outputInterface(of p: IPPrefix, _ s: NetlinkSocket) throws -> UInt32? {
        let get = NetlinkMessage(type: .getRoute, flags: [.request],
                                 body: .route(RouteMessage(family: .inet, destinationLength: 32, attributes: [.destination(p.address)])))
        for m in try answer(get, s) {
            if case .route(let r) = m.body { return r.nextHops.first?.interfaceIndex }
        }
        return nil
    }

    static func answer(_ m: NetlinkMessage, _ s: NetlinkSocket) throws -> [NetlinkMessage] {
        var req = m
        req.header.sequence = s.nextSequence()
        try s.send(req.bytes)
        while true {
            let data = try s.receive(timeoutMilliseconds: 2000)
            let msgs = (try? NetlinkMessage.decodeAll(data)) ?? []
            let mine = msgs.filter { $0.header.sequence == req.header.sequence }
            if !mine.isEmpty { return mine }
        }
    }

    static func report(_ name: String, _ t: Timing, _ n: Int) {
        let rate = t.wall > 0 ? Int(Double(n) / t.wall) : 0
        print("\(name): \(fixed(t.wall, 3)) s wall, \(fixed(t.cpu, 3)) s CPU (\(fixed(t.sys, 3)) s in the kernel), \(rate) routes/s" + (t.note.isEmpty ? "" : " (\(t.note))"))
    }

    static func ms(_ seconds: Double) -> String { fixed(seconds * 1000, 1) }

    /// `x` with `digits` decimals (no Foundation here).
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "n/a" }
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let v = Int((abs(x) * Double(scale)).rounded())
        var frac = String(v % scale)
        while frac.count < digits { frac = "0" + frac }
        return (x < 0 ? "-" : "") + String(v / scale) + (digits > 0 ? "." + frac : "")
    }

    @discardableResult
    static func shell(_ command: String) -> Int32 {
        let rc = system(command)
        return rc == -1 ? -1 : (rc >> 8) & 0xFF
    }

    static func readCommand(_ command: String) -> String {
        guard let f = popen(command, "r") else { return "" }
        defer { pclose(f) }
        var out = ""
        var buf = [CChar](repeating: 0, count: 4096)
        while fgets(&buf, Int32(buf.count), f) != nil {
            out += String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return out
    }

    static func kernelRelease() -> String {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Resident memory now (/proc/self/statm, pages).
    static func currentRSSKiB() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0, resident = 0
        withUnsafeMutablePointer(to: &size) { sp in
            withUnsafeMutablePointer(to: &resident) { rp in
                _ = withVaList([sp, rp]) { vfscanf(f, "%ld %ld", $0) }
            }
        }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }

    static func peakRSSKiB() -> Int {
        var r = rusage()
        getrusage(RUSAGE_SELF.rawValue, &r)
        return r.ru_maxrss
    }

    enum Clock {
        static func now() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }

        struct Running {
            let wall: Double
            let cpu: Double
            let children: Bool
            let sys: Double
            func stop() -> Timing { Timing(wall: Clock.now() - wall, cpu: Clock.cpu(children) - cpu, sys: Clock.sys(children) - sys) }
        }

        static func start(children: Bool = false) -> Running { Running(wall: now(), cpu: cpu(children), children: children, sys: sys(children)) }

        /// System CPU seconds (the kernel's work on our behalf).
        static func sys(_ children: Bool) -> Double {
            var r = rusage()
            getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &r)
            return Double(r.ru_stime.tv_sec) + Double(r.ru_stime.tv_usec) / 1e6
        }

        /// User + system CPU seconds of this process (or of waited-for children).
        static func cpu(_ children: Bool) -> Double {
            var r = rusage()
            getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &r)
            return Double(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + Double(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6
        }
    }
}
