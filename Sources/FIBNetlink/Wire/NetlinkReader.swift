import NetAddress

// The bounds-checked byte reader behind every decoder in this module. Every read returns nil
// instead of trapping when the bytes run out, so decoders built on it are total functions:
// malformed input yields a `NetlinkDecodeError`, never a crash.

/// Reads host-order integers and addresses from a byte array, within `[offset, end)`.
public struct NetlinkReader: Sendable {
    public let bytes: [UInt8]
    /// The next byte to read.
    public private(set) var offset: Int
    /// One past the last readable byte.
    public let end: Int

    /// Reads `bytes[range]`; the range is clamped to the array.
    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        let r = range ?? 0..<bytes.count
        offset = min(max(0, r.lowerBound), bytes.count)
        end = min(max(offset, r.upperBound), bytes.count)
    }

    /// How many bytes are left.
    public var remaining: Int { end - offset }

    public mutating func u8() -> UInt8? {
        guard offset < end else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    public mutating func u32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { offset += 4 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    public mutating func i32() -> Int32? { u32().map { Int32(bitPattern: $0) } }

    public mutating func u64() -> UInt64? {
        guard let lo = u32(), let hi = u32() else { return nil }
        return UInt64(lo) | UInt64(hi) << 32
    }

    /// Reads `n` bytes, or nil if fewer are left (or `n` is negative).
    public mutating func bytes(_ n: Int) -> [UInt8]? {
        guard n >= 0, remaining >= n else { return nil }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    /// Skips `n` bytes; false (and nothing skipped) if fewer are left.
    @discardableResult public mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, remaining >= n else { return false }
        offset += n
        return true
    }

    /// Skips padding up to the next multiple of four, or to the end.
    public mutating func align() {
        offset = min(end, (offset + 3) & ~3)
    }
}

/// Decoding helpers for attribute values (the value bytes without the `nlattr` header).
enum AttributeValue {
    static func u8(_ v: [UInt8]) -> UInt8? { v.count == 1 ? v[0] : nil }
    static func u16(_ v: [UInt8]) -> UInt16? { v.count == 2 ? UInt16(v[0]) | UInt16(v[1]) << 8 : nil }
    static func u32(_ v: [UInt8]) -> UInt32? {
        v.count == 4 ? UInt32(v[0]) | UInt32(v[1]) << 8 | UInt32(v[2]) << 16 | UInt32(v[3]) << 24 : nil
    }
    static func bigEndianU16(_ v: [UInt8]) -> UInt16? { v.count == 2 ? UInt16(v[0]) << 8 | UInt16(v[1]) : nil }
    /// 4 or 16 bytes in network order. Written out (not via the generic NetAddress initialiser)
    /// because start-up decodes a million of these.
    static func address(_ v: [UInt8]) -> IPAddress? { address(v, at: 0, count: v.count) }

    static func address(_ v: [UInt8], at o: Int, count: Int) -> IPAddress? {
        guard o >= 0, o + count <= v.count else { return nil }
        switch count {
        case 4:
            return .v4(IPv4Address(UInt32(v[o]) << 24 | UInt32(v[o + 1]) << 16 | UInt32(v[o + 2]) << 8 | UInt32(v[o + 3])))
        case 16:
            var h: UInt64 = 0, l: UInt64 = 0
            for i in 0..<8 {
                h = h << 8 | UInt64(v[o + i])
                l = l << 8 | UInt64(v[o + 8 + i])
            }
            return .v6(IPv6Address(high: h, low: l))
        default:
            return nil
        }
    }
    /// A NUL-terminated (or unterminated) string; invalid UTF-8 is repaired, never trapped on.
    static func string(_ v: [UInt8]) -> String {
        let body = v.firstIndex(of: 0).map { v[..<$0] } ?? v[...]
        return String(decoding: body, as: UTF8.self)
    }
    static func u32Bytes(_ x: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: x), UInt8(truncatingIfNeeded: x >> 8),
         UInt8(truncatingIfNeeded: x >> 16), UInt8(truncatingIfNeeded: x >> 24)]
    }
}
