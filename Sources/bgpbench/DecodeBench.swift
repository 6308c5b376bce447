// `bgpbench decode`: framing and full typed decoding of an UPDATE stream.
//
// The stream is generated here, deterministically: 1,000,000 IPv4 prefixes (by default) in
// UPDATEs of about 8 prefixes each, every UPDATE with its own attribute set (ORIGIN, an AS_PATH of
// 2 to 8 four-octet ASes, NEXT_HOP, a MED on half of them, 0-4 communities on 60%), as a
// 4-octet-AS session without ADD-PATH sends them. Each pass splits the stream with
// `BGPFraming.nextMessageLength` and decodes every message with `BGPMessage.decode`; the median
// pass is reported as MB/s and prefixes/s.

import BGP
import NetAddress
#if canImport(Glibc)
import Glibc
#endif

func runDecodeBench(args: [String]) {
    var prefixes = 1_000_000
    var passes = 7
    var i = 0
    while i < args.count {
        switch args[i] {
        case "--prefixes" where i + 1 < args.count: prefixes = Int(args[i + 1]) ?? prefixes; i += 1
        case "--passes" where i + 1 < args.count: passes = max(1, Int(args[i + 1]) ?? passes); i += 1
        default: print("decode: unknown option \(args[i])"); exit(2)
        }
        i += 1
    }
    let context = CodecContext(fourOctetAS: true)
    let (stream, messages) = makeUpdateStream(prefixes: prefixes, context: context)
    let megabytes = Double(stream.count) / 1_000_000
    print("decode: \(messages) UPDATEs, \(prefixes) prefixes, \(format2(megabytes)) MB")

    var times: [Double] = []
    var cpuTimes: [Double] = []
    var decodedPrefixes = 0
    for _ in 0..<passes {
        let cpuStart = threadCPUSeconds()
        let start = ContinuousClock.now
        decodedPrefixes = decodeStream(stream, context: context)
        let d = ContinuousClock.now - start
        cpuTimes.append(threadCPUSeconds() - cpuStart)
        times.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
    guard decodedPrefixes == prefixes else {
        print("decode: decoded \(decodedPrefixes) prefixes, expected \(prefixes)")
        exit(1)
    }
    times.sort()
    cpuTimes.sort()
    let median = times[times.count / 2]
    let cpuMedian = cpuTimes[cpuTimes.count / 2]
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    print("decode: median of \(passes) passes \(format2(median * 1000)) ms (min \(format2(times[0] * 1000)), max \(format2(times[times.count - 1] * 1000)))")
    print("decode: \(format2(megabytes / median)) MB/s, \(format2(Double(prefixes) / median / 1e6)) M prefixes/s, \(format2(Double(messages) / median / 1e6)) M messages/s")
    print("decode: by thread CPU time (less sensitive to other load): median \(format2(cpuMedian * 1000)) ms, \(format2(megabytes / cpuMedian)) MB/s, \(format2(Double(prefixes) / cpuMedian / 1e6)) M prefixes/s")
    print("decode: process CPU \(format2(cpu)) s, peak RSS \(usage.ru_maxrss / 1024) MB")
}

private func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Frames and decodes every message; returns the number of announced prefixes.
private func decodeStream(_ stream: [UInt8], context: CodecContext) -> Int {
    stream.withUnsafeBytes { raw in
        var offset = 0
        var count = 0
        while offset < raw.count {
            let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
            do {
                guard let length = try BGPFraming.nextMessageLength(rest, maxLength: context.maxMessageLength) else { break }
                let message = try BGPMessage.decode(UnsafeRawBufferPointer(rebasing: rest[..<length]), context: context)
                switch consume message {
                case .update(let u): count += u.nlri.count
                default: break
                }
                offset += length
            } catch {
                print("decode: \(error)")
                exit(1)
            }
        }
        return count
    }
}

/// SplitMix64: a small deterministic generator, so every run decodes the same bytes.
private struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

private func makeUpdateStream(prefixes: Int, context: CodecContext) -> ([UInt8], Int) {
    var rng = SplitMix64(state: 0x5EED)
    var stream: [UInt8] = []
    stream.reserveCapacity(prefixes * 14)
    var made = 0
    var messages = 0
    while made < prefixes {
        let count = min(prefixes - made, 6 + rng.below(5))  // 6-10, about 8
        var nlri: [IPv4NLRI] = []
        for _ in 0..<count {
            let length = UInt8(16 + rng.below(9))
            let address = IPv4Address(UInt32(truncatingIfNeeded: rng.next()) & IPv4Prefix.mask(length))
            if let p = IPv4Prefix(address: address, length: length) { nlri.append(IPv4NLRI(p)) }
        }
        let hops = 2 + rng.below(7)
        var path: [UInt32] = [65001]
        for _ in 1..<hops { path.append(UInt32(64512 + rng.below(4_200_000_000 - 64512))) }
        var attributes = PathAttributes(origin: rng.below(10) < 8 ? .igp : .incomplete, asPath: ASPath(sequence: path),
                                        nextHop: IPv4Address(10, 0, UInt8(rng.below(256)), 1))
        if rng.below(2) == 0 { attributes.med = UInt32(rng.below(1000)) }
        if rng.below(10) < 6 {
            attributes.communities = (0..<(1 + rng.below(4))).map { _ in Community(asn: 65001, value: UInt16(rng.below(1000))) }
        }
        for m in UpdateMessage.announcements(.ipv4Unicast(nlri), nextHop: nil, attributes: attributes, context: context) {
            BGPMessage.update(m).encode(into: &stream, context: context)
            messages += 1
        }
        made += nlri.count
    }
    return (stream, messages)
}

private func format2(_ v: Double) -> String {
    let scaled = (v * 100).rounded()
    guard scaled.isFinite, abs(scaled) < 1e17 else { return String(v) }
    let n = Int(scaled)
    let frac = abs(n % 100)
    return "\(n / 100).\(frac < 10 ? "0" : "")\(frac)"
}
