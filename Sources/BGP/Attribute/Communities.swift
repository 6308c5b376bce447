import NetAddress

/// A COMMUNITIES value (RFC 1997): 4 octets, printed `AS:value`.
public struct Community: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var raw: UInt32
    @inlinable public init(raw: UInt32) { self.raw = raw }
    public init(asn: UInt16, value: UInt16) { raw = UInt32(asn) << 16 | UInt32(value) }

    public var asn: UInt16 { UInt16(truncatingIfNeeded: raw >> 16) }
    public var value: UInt16 { UInt16(truncatingIfNeeded: raw) }

    /// Well-known communities (RFC 1997, RFC 3765, RFC 7999, RFC 8326).
    public static let gracefulShutdown = Community(raw: 0xFFFF_0000)
    public static let acceptOwn = Community(raw: 0xFFFF_0001)
    public static let llgrStale = Community(raw: 0xFFFF_0006)
    public static let noLLGR = Community(raw: 0xFFFF_0007)
    public static let blackhole = Community(raw: 0xFFFF_029A)
    public static let noExport = Community(raw: 0xFFFF_FF01)
    public static let noAdvertise = Community(raw: 0xFFFF_FF02)
    public static let noExportSubconfed = Community(raw: 0xFFFF_FF03)
    public static let noPeer = Community(raw: 0xFFFF_FF04)

    /// `65000:1`.
    public var description: String { "\(asn):\(value)" }

    /// Parses `AS:value` or a well-known name (`no-export`, `no-advertise`, `local-AS`/`no-export-subconfed`,
    /// `blackhole`, `graceful-shutdown`, `no-peer`).
    public init?(_ text: String) {
        switch text {
        case "no-export": self = .noExport; return
        case "no-advertise": self = .noAdvertise; return
        case "no-export-subconfed", "local-AS", "local-as": self = .noExportSubconfed; return
        case "blackhole": self = .blackhole; return
        case "graceful-shutdown": self = .gracefulShutdown; return
        case "no-peer": self = .noPeer; return
        default: break
        }
        let p = text.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 2, let a = UInt16(p[0]), let v = UInt16(p[1]) else { return nil }
        self.init(asn: a, value: v)
    }

    public static func < (a: Community, b: Community) -> Bool { a.raw < b.raw }
}

/// A LARGE_COMMUNITY value (RFC 8092): three 4-octet parts, printed `1:2:3`.
public struct LargeCommunity: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var globalAdmin: UInt32
    public var localData1: UInt32
    public var localData2: UInt32
    public init(_ globalAdmin: UInt32, _ localData1: UInt32, _ localData2: UInt32) {
        self.globalAdmin = globalAdmin; self.localData1 = localData1; self.localData2 = localData2
    }

    public var description: String { "\(globalAdmin):\(localData1):\(localData2)" }

    public init?(_ text: String) {
        let p = text.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 3, let a = UInt32(p[0]), let b = UInt32(p[1]), let c = UInt32(p[2]) else { return nil }
        self.init(a, b, c)
    }

    public static func < (a: LargeCommunity, b: LargeCommunity) -> Bool {
        (a.globalAdmin, a.localData1, a.localData2) < (b.globalAdmin, b.localData1, b.localData2)
    }
}

/// An EXTENDED_COMMUNITIES value (RFC 4360): 8 octets, stored raw, with a typed view in `kind`.
///
/// ```
/// +----------------+----------------+--------------------------------+
/// | Type (1 octet) | Sub-Type (1)   |         Value (6 octets)       |
/// +----------------+----------------+--------------------------------+
/// ```
/// Keeping the raw 8 octets makes every value re-encode exactly; `kind` reads the types swiftbgp
/// acts on and leaves the rest `.other`.
public struct ExtendedCommunity: Hashable, Sendable, Comparable {
    public var raw: UInt64
    @inlinable public init(raw: UInt64) { self.raw = raw }

    public var type: UInt8 { UInt8(truncatingIfNeeded: raw >> 56) }
    public var subtype: UInt8 { UInt8(truncatingIfNeeded: raw >> 48) }
    /// The 6 value octets.
    public var value: UInt64 { raw & 0xFFFF_FFFF_FFFF }
    /// Type bit 0x40: the community is not transitive across ASes.
    public var isTransitive: Bool { type & 0x40 == 0 }

    public static func < (a: ExtendedCommunity, b: ExtendedCommunity) -> Bool { a.raw < b.raw }
}
