/// An IPv4 prefix with its host bits cleared. The validating initialiser is the only way in, so
/// code downstream never checks a prefix again.
public struct IPv4Prefix: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let address: IPv4Address
    public let length: UInt8

    /// Returns nil when `length > 32` or host bits are set.
    @inlinable public init?(address: IPv4Address, length: UInt8) {
        guard length <= 32 else { return nil }
        guard address.value & ~IPv4Prefix.mask(length) == 0 else { return nil }
        self.address = address
        self.length = length
    }

    /// Clears the host bits instead of refusing them. `length` must be at most 32.
    @inlinable public init?(masking address: IPv4Address, length: UInt8) {
        guard length <= 32 else { return nil }
        self.address = IPv4Address(address.value & IPv4Prefix.mask(length))
        self.length = length
    }

    @inlinable public static func mask(_ length: UInt8) -> UInt32 {
        length == 0 ? 0 : ~UInt32(0) << (32 - UInt32(length))
    }

    /// A 40-bit key that orders and identifies the prefix: address << 8 | length.
    @inlinable public var key: UInt64 { UInt64(address.value) << 8 | UInt64(length) }
    @inlinable public init(key: UInt64) {
        address = IPv4Address(UInt32(truncatingIfNeeded: key >> 8))
        length = UInt8(truncatingIfNeeded: key)
    }

    /// Parses `a.b.c.d/len`; host bits must be clear.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let a = IPv4Address(parts[0]),
              parts[1].utf8.count <= 2, let l = UInt8(parts[1]) else { return nil }
        self.init(address: a, length: l)
    }

    public func contains(_ a: IPv4Address) -> Bool { a.value & IPv4Prefix.mask(length) == address.value }
    public func contains(_ p: IPv4Prefix) -> Bool { p.length >= length && contains(p.address) }

    public var description: String { "\(address)/\(length)" }

    public static func < (a: IPv4Prefix, b: IPv4Prefix) -> Bool { a.key < b.key }
}

/// An IPv6 prefix with its host bits cleared.
public struct IPv6Prefix: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let address: IPv6Address
    public let length: UInt8

    /// Returns nil when `length > 128` or host bits are set.
    @inlinable public init?(address: IPv6Address, length: UInt8) {
        guard length <= 128 else { return nil }
        let (mh, ml) = IPv6Prefix.mask(length)
        guard address.high & ~mh == 0, address.low & ~ml == 0 else { return nil }
        self.address = address
        self.length = length
    }

    /// Clears the host bits instead of refusing them.
    @inlinable public init?(masking address: IPv6Address, length: UInt8) {
        guard length <= 128 else { return nil }
        let (mh, ml) = IPv6Prefix.mask(length)
        self.address = IPv6Address(high: address.high & mh, low: address.low & ml)
        self.length = length
    }

    @inlinable public static func mask(_ length: UInt8) -> (UInt64, UInt64) {
        let l = UInt64(length)
        let h: UInt64 = l == 0 ? 0 : (l >= 64 ? ~0 : ~UInt64(0) << (64 - l))
        let lo: UInt64 = l <= 64 ? 0 : (l >= 128 ? ~0 : ~UInt64(0) << (128 - l))
        return (h, lo)
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let a = IPv6Address(parts[0]),
              parts[1].utf8.count <= 3, let l = UInt8(parts[1]) else { return nil }
        self.init(address: a, length: l)
    }

    public func contains(_ a: IPv6Address) -> Bool {
        let (mh, ml) = IPv6Prefix.mask(length)
        return a.high & mh == address.high && a.low & ml == address.low
    }
    public func contains(_ p: IPv6Prefix) -> Bool { p.length >= length && contains(p.address) }

    public var description: String { "\(address)/\(length)" }

    public static func < (a: IPv6Prefix, b: IPv6Prefix) -> Bool {
        a.address != b.address ? a.address < b.address : a.length < b.length
    }
}

/// An IPv4 or IPv6 prefix.
public enum IPPrefix: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(IPv4Prefix)
    case v6(IPv6Prefix)

    public init?(_ text: some StringProtocol) {
        if let p = IPv4Prefix(text) { self = .v4(p) }
        else if let p = IPv6Prefix(text) { self = .v6(p) }
        else { return nil }
    }

    public var length: UInt8 {
        switch self { case .v4(let p): return p.length; case .v6(let p): return p.length }
    }

    public var address: IPAddress {
        switch self { case .v4(let p): return .v4(p.address); case .v6(let p): return .v6(p.address) }
    }

    public var isV4: Bool { if case .v4 = self { return true } else { return false } }

    /// A host prefix (/32 or /128) for an address.
    public init(host: IPAddress) {
        switch host {
        case .v4(let a): self = .v4(IPv4Prefix(masking: a, length: 32)!)
        case .v6(let a): self = .v6(IPv6Prefix(masking: a, length: 128)!)
        }
    }

    public func contains(_ a: IPAddress) -> Bool {
        switch (self, a) {
        case (.v4(let p), .v4(let x)): return p.contains(x)
        case (.v6(let p), .v6(let x)): return p.contains(x)
        default: return false
        }
    }

    public var description: String {
        switch self { case .v4(let p): return p.description; case .v6(let p): return p.description }
    }

    public static func < (a: IPPrefix, b: IPPrefix) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v6(let x), .v6(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
