/// An IPv6 address stored as two 64-bit halves in host order, so that hashing and comparison are
/// two integer operations.
public struct IPv6Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The first 64 bits (network order bytes 0-7, big-endian).
    public var high: UInt64
    /// The last 64 bits (bytes 8-15).
    public var low: UInt64

    @inlinable public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    /// Reads sixteen bytes in network order. Returns nil unless exactly sixteen are given.
    @inlinable public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 16 else { return nil }
        var h: UInt64 = 0, l: UInt64 = 0
        var i = 0
        for b in bytes {
            if i < 8 { h = h << 8 | UInt64(b) } else { l = l << 8 | UInt64(b) }
            i += 1
        }
        high = h; low = l
    }

    public static let zero = IPv6Address(high: 0, low: 0)

    /// The sixteen bytes in network order.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            out[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        return out
    }

    /// The eight 16-bit groups.
    public var groups: [UInt16] {
        (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64($0))) }
            + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64($0))) }
    }

    public init(groups g: [UInt16]) {
        precondition(g.count == 8, "an IPv6 address has eight groups")
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0..<4 { h = h << 16 | UInt64(g[i]) }
        for i in 4..<8 { l = l << 16 | UInt64(g[i]) }
        high = h; low = l
    }

    /// fe80::/10
    public var isLinkLocal: Bool { high >> 54 == 0x3FA }
    /// ff00::/8
    public var isMulticast: Bool { high >> 56 == 0xFF }
    /// ::
    public var isUnspecified: Bool { high == 0 && low == 0 }
    /// ::ffff:0:0/96
    public var isV4Mapped: Bool { high == 0 && low >> 32 == 0xFFFF }
    /// The IPv4 address of an IPv4-mapped address (`::ffff:a.b.c.d`).
    public var v4Mapped: IPv4Address? { isV4Mapped ? IPv4Address(UInt32(truncatingIfNeeded: low)) : nil }

    /// `::ffff:a.b.c.d`
    public init(v4Mapped v4: IPv4Address) { high = 0; low = 0xFFFF_0000_0000 | UInt64(v4.value) }

    @inlinable public static func < (a: IPv6Address, b: IPv6Address) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    /// Parses RFC 4291 text, including `::` compression and a trailing dotted quad.
    public init?(_ text: some StringProtocol) {
        let s = String(text)
        if s.isEmpty { return nil }
        var all: [UInt16]
        let u = Array(s.utf8)
        var double: Int? = nil
        for i in 0..<(u.count - 1) where u[i] == UInt8(ascii: ":") && u[i + 1] == UInt8(ascii: ":") {
            if double != nil { return nil }
            double = i
        }
        if let d = double {
            let left = String(decoding: u[..<d], as: UTF8.self)
            let right = String(decoding: u[(d + 2)...], as: UTF8.self)
            guard let head = IPv6Address.parseGroups(left[...]),
                  let tail = IPv6Address.parseGroups(right[...]),
                  head.count + tail.count <= 7 else { return nil }
            all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let groups = IPv6Address.parseGroups(s[...]) else { return nil }
            all = groups
        }
        guard all.count == 8 else { return nil }
        self.init(groups: all)
    }

    /// Parses colon-separated hex groups; the last may be a dotted quad (two groups).
    private static func parseGroups(_ s: Substring) -> [UInt16]? {
        if s.isEmpty { return [] }
        let fields = s.split(separator: ":", omittingEmptySubsequences: false)
        var out: [UInt16] = []
        for (i, f) in fields.enumerated() {
            if i == fields.count - 1, f.contains(".") {
                guard let v4 = IPv4Address(f) else { return nil }
                out.append(UInt16(truncatingIfNeeded: v4.value >> 16))
                out.append(UInt16(truncatingIfNeeded: v4.value))
                continue
            }
            guard !f.isEmpty, f.utf8.count <= 4, let v = UInt16(f, radix: 16) else { return nil }
            out.append(v)
        }
        return out
    }

    /// RFC 5952 canonical text: lower case, longest run of two or more zero groups compressed
    /// (the first such run on a tie), IPv4-mapped addresses with a dotted quad.
    public var description: String {
        if let v4 = v4Mapped { return "::ffff:\(v4)" }
        let g = groups
        var bestStart = -1, bestLen = 0
        var i = 0
        while i < 8 {
            if g[i] == 0 {
                var j = i
                while j < 8 && g[j] == 0 { j += 1 }
                if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else {
                i += 1
            }
        }
        func hex(_ v: UInt16) -> String { String(v, radix: 16) }
        if bestStart < 0 { return g.map(hex).joined(separator: ":") }
        let left = g[0..<bestStart].map(hex).joined(separator: ":")
        let right = g[(bestStart + bestLen)...].map(hex).joined(separator: ":")
        return left + "::" + right
    }
}
