import Foundation

/// The routes one generator announces: `routes` IPv4 /24s from 16.0.0.0 up, eight to an
/// UPDATE, each UPDATE with its own AS path of 2 to 8 hops (first hop the generator's AS, the
/// rest drawn from `seed` in 64512-64911), ORIGIN IGP, NEXT_HOP the generator's address and one community.
/// Two generators with different seeds announce the same prefixes with different paths, so the
/// receiver's best-path selection has real work to do.
struct FeedPlan {
    var routes: Int
    var asn: UInt32
    var seed: UInt64
    var nextHop: String
    var prefixesPerUpdate: Int

    /// All UPDATEs, framed, back to back, followed by the IPv4 End-of-RIB.
    func encode() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(routes / prefixesPerUpdate * 80 + routes * 4)
        var rng = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return rng
        }
        let nh = inet4(nextHop)
        var n = 0
        while n < routes {
            let count = min(prefixesPerUpdate, routes - n)
            let hops = 1 + Int(next() % 7)
            var path: [UInt32] = [asn]
            // 64512-64911: never the receiver's AS (65000), which would be dropped as a loop.
            for _ in 0..<hops { path.append(64512 + UInt32(next() % 400)) }
            var attrs: [UInt8] = []
            attrs += [0x40, 1, 1, 0]                                           // ORIGIN IGP
            attrs += [0x40, 2, UInt8(2 + 4 * path.count), 2, UInt8(path.count)] // AS_PATH, one AS_SEQUENCE
            for a in path { attrs += be32(a) }
            attrs += [0x40, 3, 4] + be32(nh)                                   // NEXT_HOP
            attrs += [0xC0, 8, 4] + be32(asn << 16 & 0xFFFF_0000 | UInt32(n / 8 % 100))   // COMMUNITIES
            var nlri: [UInt8] = []
            for k in 0..<count {
                let p = 0x1000_0000 + UInt32(n + k) << 8                       // 16.0.0.0 + i*256, /24
                nlri += [24, UInt8(p >> 24), UInt8((p >> 16) & 0xFF), UInt8((p >> 8) & 0xFF)]
            }
            let body: [UInt8] = be16(0) + be16(UInt16(attrs.count)) + attrs + nlri
            out += header(length: 19 + body.count, type: 2) + body
            n += count
        }
        out += header(length: 23, type: 2) + [0, 0, 0, 0]                      // End-of-RIB
        return out
    }
}

func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
func header(length: Int, type: UInt8) -> [UInt8] { [UInt8](repeating: 0xFF, count: 16) + be16(UInt16(length)) + [type] }

func inet4(_ s: String) -> UInt32 {
    var a = in_addr()
    guard inet_pton(AF_INET, s, &a) == 1 else { fatalError("routegen: not an IPv4 address: \(s)") }
    return UInt32(bigEndian: a.s_addr)
}
