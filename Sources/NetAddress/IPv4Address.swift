// NetAddress: the address and prefix value types shared by every module of swiftbgp.
//
// This module owns IPv4 and IPv6 addresses, prefixes and MAC addresses: their compact storage,
// their canonical text forms (RFC 5952 for IPv6) and parsing. It imports nothing but the standard
// library, so the BGP codec, the RIB, the netlink layer and the capture reader can all share it
// without depending on each other.

/// An IPv4 address, stored in host byte order.
public struct IPv4Address: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The address as a 32-bit integer; `10.0.0.1` is `0x0A00_0001`.
    public var value: UInt32

    @inlinable public init(_ value: UInt32) { self.value = value }

    @inlinable public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Reads four bytes in network order. Returns nil unless exactly four bytes are given.
    @inlinable public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 4 else { return nil }
        var v: UInt32 = 0
        for b in bytes { v = v << 8 | UInt32(b) }
        value = v
    }

    public static let zero = IPv4Address(0)

    /// The four bytes in network order.
    @inlinable public var bytes: [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// Parses dotted-quad text (`192.0.2.1`). Leading zeros are refused, as inet_pton does.
    public init?(_ text: some StringProtocol) {
        var v: UInt32 = 0
        var parts = 0
        var cur: UInt32 = 0
        var digits = 0
        var leadingZero = false
        for c in text.utf8 {
            if c == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                v = v << 8 | cur
                parts += 1
                cur = 0; digits = 0; leadingZero = false
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits == 1 && leadingZero { return nil }
                if digits == 0 && c == UInt8(ascii: "0") { leadingZero = true }
                cur = cur * 10 + UInt32(c - UInt8(ascii: "0"))
                digits += 1
                guard cur <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        value = v << 8 | cur
    }

    public var description: String {
        "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    @inlinable public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }

    /// 127.0.0.0/8
    public var isLoopback: Bool { value >> 24 == 127 }
    /// 224.0.0.0/4
    public var isMulticast: Bool { value >> 28 == 0xE }
    /// 169.254.0.0/16
    public var isLinkLocal: Bool { value >> 16 == 0xA9FE }
}
