/// An IPv4 or IPv6 address.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// Parses either family's text form.
    public init?(_ text: some StringProtocol) {
        if let a = IPv4Address(text) { self = .v4(a) }
        else if let a = IPv6Address(text) { self = .v6(a) }
        else { return nil }
    }

    /// Reads 4 or 16 bytes in network order.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        switch bytes.count {
        case 4: guard let a = IPv4Address(bytes: bytes) else { return nil }; self = .v4(a)
        case 16: guard let a = IPv6Address(bytes: bytes) else { return nil }; self = .v6(a)
        default: return nil
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .v4(let a): return a.bytes
        case .v6(let a): return a.bytes
        }
    }

    public var isV4: Bool { if case .v4 = self { return true } else { return false } }
    public var v4: IPv4Address? { if case .v4(let a) = self { return a } else { return nil } }
    public var v6: IPv6Address? { if case .v6(let a) = self { return a } else { return nil } }

    public var description: String {
        switch self {
        case .v4(let a): return a.description
        case .v6(let a): return a.description
        }
    }

    /// IPv4 sorts before IPv6; within a family, numerically.
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v6(let x), .v6(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
