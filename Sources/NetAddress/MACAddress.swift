/// A 48-bit Ethernet MAC address, stored in the low 48 bits of an integer.
public struct MACAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: UInt64

    @inlinable public init(_ value: UInt64) { self.value = value & 0xFFFF_FFFF_FFFF }

    /// Reads six bytes. Returns nil unless exactly six are given.
    @inlinable public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 6 else { return nil }
        var v: UInt64 = 0
        for b in bytes { v = v << 8 | UInt64(b) }
        value = v
    }

    public static let zero = MACAddress(0)

    public var bytes: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: value >> (40 - 8 * UInt64($0))) } }

    /// Parses `02:00:00:00:aa:01` (also with `-` separators).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        var v: UInt64 = 0
        for p in parts {
            guard (1...2).contains(p.utf8.count), let b = UInt8(p, radix: 16) else { return nil }
            v = v << 8 | UInt64(b)
        }
        value = v
    }

    /// Lower-case, colon separated: `02:00:00:00:aa:01`.
    public var description: String {
        bytes.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined(separator: ":")
    }

    public var isMulticast: Bool { (value >> 40) & 1 == 1 }

    public static func < (a: MACAddress, b: MACAddress) -> Bool { a.value < b.value }

    /// The modified EUI-64 link-local address derived from this MAC (RFC 4291 appendix A).
    public var eui64LinkLocal: IPv6Address {
        let b = bytes
        let iid = UInt64(b[0] ^ 0x02) << 56 | UInt64(b[1]) << 48 | UInt64(b[2]) << 40 | 0xFF << 32
            | 0xFE << 24 | UInt64(b[3]) << 16 | UInt64(b[4]) << 8 | UInt64(b[5])
        return IPv6Address(high: 0xFE80_0000_0000_0000, low: iid)
    }
}
