import BGP
import NetAddress

/// The compact byte form in which the RIB stores interned attributes: a tag, then the field, for
/// each field present, in a fixed order (so equal attributes give equal bytes and interning can
/// compare bytes). About 40-80 bytes for a typical Internet path, against several hundred for the
/// Swift values with their arrays. Private to the RIB: not the wire format, never sent.
enum AttributeBlob {
    private enum Tag: UInt8 {
        case origin = 1, asPath, med = 4, localPref, atomicAggregate, aggregator, communities,
             originatorID, clusterList, extendedCommunities = 16, pmsiTunnel = 22, largeCommunities = 32,
             other = 0xF0, nextHop = 0xF1, scope, weight, local
    }

    /// Appends the byte form of `a` to `out`.
    static func encode(_ a: RouteAttributes, into out: inout [UInt8]) {
        var w = BlobWriter(bytes: out)
        out = []
        if let o = a.path.origin { w.u8(Tag.origin.rawValue); w.u8(o.rawValue) }
        if let path = a.path.asPath { w.u8(Tag.asPath.rawValue); w.asPath(path) }
        if let m = a.path.med { w.u8(Tag.med.rawValue); w.u32(m) }
        if let l = a.path.localPref { w.u8(Tag.localPref.rawValue); w.u32(l) }
        if a.path.atomicAggregate { w.u8(Tag.atomicAggregate.rawValue) }
        if let g = a.path.aggregator { w.u8(Tag.aggregator.rawValue); w.u32(g.asn); w.u32(g.address.value) }
        if let c = a.path.communities {
            w.u8(Tag.communities.rawValue); w.count(c.count)
            for x in c { w.u32(x.raw) }
        }
        if let o = a.path.originatorID { w.u8(Tag.originatorID.rawValue); w.u32(o.value) }
        if let c = a.path.clusterList {
            w.u8(Tag.clusterList.rawValue); w.count(c.count)
            for x in c { w.u32(x.value) }
        }
        if let c = a.path.extendedCommunities {
            w.u8(Tag.extendedCommunities.rawValue); w.count(c.count)
            for x in c { w.u64(x.raw) }
        }
        if let t = a.path.pmsiTunnel {
            w.u8(Tag.pmsiTunnel.rawValue); w.u8(t.flags); w.u8(t.tunnelType); w.u32(t.label.raw)
            w.blob(t.tunnelIdentifier)
        }
        if let c = a.path.largeCommunities {
            w.u8(Tag.largeCommunities.rawValue); w.count(c.count)
            for x in c { w.u32(x.globalAdmin); w.u32(x.localData1); w.u32(x.localData2) }
        }
        if !a.path.other.isEmpty {
            w.u8(Tag.other.rawValue); w.count(a.path.other.count)
            for r in a.path.other { w.u8(r.flags); w.u8(r.code); w.blob(r.value) }
        }
        if let nh = a.nextHop {
            w.u8(Tag.nextHop.rawValue)
            switch nh {
            case .ipv4(let x): w.u8(4); w.u32(x.value)
            case .ipv6(let x): w.u8(16); w.u64(x.high); w.u64(x.low)
            case .ipv6Pair(let g, let l): w.u8(32); w.u64(g.high); w.u64(g.low); w.u64(l.high); w.u64(l.low)
            case .raw(let b): w.u8(0); w.blob(b)
            }
        }
        if a.scope != 0 { w.u8(Tag.scope.rawValue); w.u32(a.scope) }
        if a.weight != 0 { w.u8(Tag.weight.rawValue); w.u32(a.weight) }
        if a.local { w.u8(Tag.local.rawValue) }
        out = w.bytes
    }

    /// Reads back what `encode` wrote. Never traps: a short or unknown field ends the read.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> RouteAttributes {
        var r = BlobReader(bytes: bytes)
        var a = RouteAttributes(path: PathAttributes())
        while let raw = r.u8() {
            guard let tag = Tag(rawValue: raw) else { break }
            switch tag {
            case .origin: a.path.origin = Origin(rawValue: r.u8() ?? 2)
            case .asPath: a.path.asPath = r.asPath()
            case .med: a.path.med = r.u32()
            case .localPref: a.path.localPref = r.u32()
            case .atomicAggregate: a.path.atomicAggregate = true
            case .aggregator:
                let asn = r.u32() ?? 0
                a.path.aggregator = Aggregator(asn: asn, address: IPv4Address(r.u32() ?? 0))
            case .communities:
                a.path.communities = (0..<r.count()).map { _ in Community(raw: r.u32() ?? 0) }
            case .originatorID: a.path.originatorID = IPv4Address(r.u32() ?? 0)
            case .clusterList:
                a.path.clusterList = (0..<r.count()).map { _ in IPv4Address(r.u32() ?? 0) }
            case .extendedCommunities:
                a.path.extendedCommunities = (0..<r.count()).map { _ in ExtendedCommunity(raw: r.u64() ?? 0) }
            case .pmsiTunnel:
                let flags = r.u8() ?? 0, type = r.u8() ?? 0, label = r.u32() ?? 0
                a.path.pmsiTunnel = PMSITunnel(flags: flags, tunnelType: type, label: EVPNLabel(raw: label),
                                          tunnelIdentifier: r.blob())
            case .largeCommunities:
                a.path.largeCommunities = (0..<r.count()).map { _ in
                    let g = r.u32() ?? 0, l1 = r.u32() ?? 0
                    return LargeCommunity(g, l1, r.u32() ?? 0)
                }
            case .other:
                a.path.other = (0..<r.count()).map { _ in
                    let f = r.u8() ?? 0, c = r.u8() ?? 0
                    return RawAttribute(flags: f, code: c, value: r.blob())
                }
            case .nextHop:
                switch r.u8() {
                case 4: a.nextHop = .ipv4(IPv4Address(r.u32() ?? 0))
                case 16: a.nextHop = .ipv6(r.ipv6())
                case 32:
                    let g = r.ipv6()
                    a.nextHop = .ipv6Pair(global: g, linkLocal: r.ipv6())
                default: a.nextHop = .raw(r.blob())
                }
            case .scope: a.scope = r.u32() ?? 0
            case .weight: a.weight = r.u32() ?? 0
            case .local: a.local = true
            }
        }
        return a
    }

    /// A fast 64-bit hash of bytes (multiply-xorshift over 8-byte words, murmur finaliser).
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x51_7CC1_B727_220A ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var sh: UInt64 = 0
        while i < n { tail |= UInt64(bytes[i]) << sh; sh += 8; i += 1 }
        h = (h ^ tail) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        h = h &* 0x94D0_49BB_1331_11EB
        h ^= h >> 32
        return h
    }
}

private struct BlobWriter {
    var bytes: [UInt8]
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    /// LEB128.
    mutating func count(_ n: Int) {
        var v = UInt64(max(0, n))
        while v >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }
    mutating func blob(_ b: [UInt8]) { count(b.count); bytes.append(contentsOf: b) }
    mutating func asPath(_ p: ASPath) {
        count(p.segmentCount)
        p.forEachSegment { type, asns in
            u8(type.rawValue); count(asns.count)
            for x in asns { u32(x) }
        }
    }
}

private struct BlobReader {
    let bytes: UnsafeRawBufferPointer
    var at = 0
    mutating func u8() -> UInt8? {
        guard at < bytes.count else { return nil }
        defer { at += 1 }
        return bytes[at]
    }
    mutating func u32() -> UInt32? {
        guard at + 4 <= bytes.count else { at = bytes.count; return nil }
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[at + i]) }
        at += 4
        return v
    }
    mutating func u64() -> UInt64? {
        guard let h = u32(), let l = u32() else { return nil }
        return UInt64(h) << 32 | UInt64(l)
    }
    mutating func ipv6() -> IPv6Address {
        let h = u64() ?? 0
        return IPv6Address(high: h, low: u64() ?? 0)
    }
    mutating func count() -> Int {
        var v = 0
        var shift = 0
        while let b = u8() {
            v |= Int(b & 0x7F) << shift
            if b & 0x80 == 0 || shift > 56 { break }
            shift += 7
        }
        // A count can never exceed the bytes left; clamping keeps a damaged blob from looping long.
        return min(v, bytes.count - at)
    }
    mutating func blob() -> [UInt8] {
        let n = count()
        defer { at += n }
        return Array(bytes[at..<(at + n)])
    }
    mutating func asPath() -> ASPath {
        let n = count()
        var segs: [ASPathSegment] = []
        segs.reserveCapacity(n)
        for _ in 0..<n {
            let t = ASPathSegment.SegmentType(rawValue: u8() ?? 2) ?? .sequence
            let c = count()
            segs.append(ASPathSegment(type: t, asns: (0..<c).map { _ in u32() ?? 0 }))
        }
        return ASPath(segments: segs)
    }
}
