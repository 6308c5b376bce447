import BGP
import NetAddress
import RIB

/// `bgpbench rib`: a full IPv4 table through the RIB.
///
/// Feeds N IPv4 prefixes (default 1,000,000) from one eBGP peer, then the same prefixes from a
/// second peer with different paths, so that the decision process compares two paths for every
/// prefix and the best path changes for about half of them. The UPDATE stream is generated
/// before the measured window (with realistic sharing: a few prefixes per attribute set, AS paths
/// of 2-6 ASes, some MEDs and communities). Reports CPU and wall seconds per phase, peak RSS, and
/// bytes per route = (peak RSS during phase 1 - RSS before it) / N.
///
/// Options: `--prefixes N`, `--per-update K` (mean prefixes per UPDATE, default 4), `--export`
/// (both peers export with `accept-all`, so every change is also diffed into an Adj-RIB-Out).
enum RIBBench {
    static func run(_ args: [String]) {
        var prefixes = 1_000_000
        var perUpdate = 4
        var export = false
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--prefixes": i += 1; prefixes = i < args.count ? Int(args[i]) ?? prefixes : prefixes
            case "--per-update": i += 1; perUpdate = i < args.count ? Int(args[i]) ?? perUpdate : perUpdate
            case "--export": export = true
            default: print("unknown option \(args[i])"); return
            }
            i += 1
        }
        var gen = Generator(seed: 42)
        let keys = gen.prefixes(prefixes)
        let feed1 = gen.updates(keys, peerAS: 65001, nextHop: IPv4Address(192, 0, 2, 1), perUpdate: perUpdate)
        let feed2 = gen.updates(keys, peerAS: 65002, nextHop: IPv4Address(192, 0, 2, 2), perUpdate: perUpdate)

        var rib = RIB(config: RIBConfig(localAS: 65000, routerID: IPv4Address(10, 0, 0, 254)))
        _ = rib.kernelChanged([.connected(prefix: .v4(IPv4Prefix(masking: IPv4Address(192, 0, 2, 0), length: 24)!),
                                          interfaceIndex: 2, present: true)])
        let peers = [UInt32(1), 2].map { n in
            PeerInfo(id: PeerID(n), address: .v4(IPv4Address(192, 0, 2, UInt8(n))), asn: 65000 + n,
                     routerID: IPv4Address(1, 1, 1, UInt8(n)), interfaceIndex: 2, localIPv4: IPv4Address(192, 0, 2, 254),
                     families: [.ipv4Unicast], importPolicy: .acceptAll, exportPolicy: export ? .acceptAll : nil)
        }
        for p in peers { _ = rib.peerUp(p) }

        print("bgpbench rib: \(prefixes) IPv4 prefixes, \(feed1.count) + \(feed2.count) UPDATEs, export \(export ? "on" : "off")")
        BenchMeasure.resetPeak()
        let rssBefore = BenchMeasure.status("VmRSS")
        var fib = 0, exported = 0
        BenchMeasure.profiler(true)
        let c0 = BenchMeasure.cpuSeconds(), w0 = BenchMeasure.wallSeconds()
        for u in feed1 {
            let out = rib.apply(update: u, from: peers[0].id)
            fib += out.fibChanges.count
            exported += out.exports.count
        }
        let c1 = BenchMeasure.cpuSeconds(), w1 = BenchMeasure.wallSeconds()
        let peak1 = BenchMeasure.status("VmHWM")
        for u in feed2 {
            let out = rib.apply(update: u, from: peers[1].id)
            fib += out.fibChanges.count
            exported += out.exports.count
        }
        let c2 = BenchMeasure.cpuSeconds(), w2 = BenchMeasure.wallSeconds()
        BenchMeasure.profiler(false)
        let peak2 = BenchMeasure.status("VmHWM")
        let summary = rib.summary

        let f = BenchMeasure.fixed
        print("phase 1 (one peer):  cpu \(f(c1 - c0, 3)) s  wall \(f(w1 - w0, 3)) s")
        print("phase 2 (two peers): cpu \(f(c2 - c1, 3)) s  wall \(f(w2 - w1, 3)) s  (total cpu \(f(c2 - c0, 3)) s)")
        print("RSS before routes \(BenchMeasure.mib(rssBefore)), peak after phase 1 \(BenchMeasure.mib(peak1)), after phase 2 \(BenchMeasure.mib(peak2))")
        print("bytes per route, one peer: \(f(Double(peak1 - rssBefore) / Double(prefixes), 1))")
        print("bytes per route, two peers (per path): \(f(Double(peak2 - rssBefore) / Double(2 * prefixes), 1))")
        print("Loc-RIB \(summary.routes[.ipv4Unicast] ?? 0) routes, \(summary.attributeSets) attribute sets, FIB changes \(fib), export batches \(exported)")
        precondition(summary.routes[.ipv4Unicast] == prefixes, "every prefix must have a best path")
    }
}

/// Deterministic generator of a synthetic full table.
struct Generator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Distinct prefixes with about the Internet's length mix: most /24, the rest /16 to /23.
    mutating func prefixes(_ n: Int) -> [IPv4Prefix] {
        var seen = Set<UInt64>()
        seen.reserveCapacity(n)
        var out: [IPv4Prefix] = []
        out.reserveCapacity(n)
        while out.count < n {
            let len = UInt8(below(10) < 6 ? 24 : 16 + below(8))
            let addr = IPv4Address(UInt32(1 << 24) + UInt32(truncatingIfNeeded: next() % (222 << 24)))
            guard let p = IPv4Prefix(masking: addr, length: len), seen.insert(p.key).inserted else { continue }
            out.append(p)
        }
        return out
    }

    /// UPDATEs announcing `keys` in order, 1 to 2K-1 prefixes per UPDATE (mean K), each UPDATE with
    /// its own attribute set.
    mutating func updates(_ keys: [IPv4Prefix], peerAS: UInt32, nextHop: IPv4Address, perUpdate: Int) -> [UpdateMessage] {
        var out: [UpdateMessage] = []
        var at = 0
        while at < keys.count {
            let n = min(keys.count - at, 1 + below(max(1, 2 * perUpdate - 1)))
            let pathLength = 1 + below(5)
            let path = [peerAS] + (0..<pathLength).map { _ in UInt32(1000 + below(60_000)) }
            let communities: [Community]? = below(3) == 0 ? nil
                : (0..<(1 + below(3))).map { _ in Community(asn: UInt16(peerAS & 0xFFFF), value: UInt16(below(200))) }
            let attrs = PathAttributes(origin: below(10) == 0 ? .incomplete : .igp, asPath: ASPath(sequence: path),
                                       nextHop: nextHop, med: below(3) == 0 ? UInt32(below(100)) : nil,
                                       communities: communities)
            out.append(UpdateMessage(attributes: attrs, nlri: keys[at..<(at + n)].map { IPv4NLRI($0) }))
            at += n
        }
        return out
    }
}
