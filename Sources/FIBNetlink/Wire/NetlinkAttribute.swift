// Raw netlink attributes (`struct nlattr` + value), the first stage of decoding every message
// body. Typed attribute enums in this module are views over these; any attribute they do not know
// is kept as raw bytes (`.other`) so that re-encoding loses nothing.
//
//  +-------------------+-------------------+----------------------+---------+
//  | nla_len (u16)     | nla_type (u16)    | value (nla_len - 4)  | pad to 4 |
//  +-------------------+-------------------+----------------------+---------+

/// One attribute, with its type (including the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits) and value.
public struct NetlinkAttribute: Hashable, Sendable {
    /// `nla_type` as sent, flag bits included.
    public var type: UInt16
    public var value: [UInt8]

    /// Attribute types carry two flag bits above the 14-bit number.
    public static let nestedFlag: UInt16 = 0x8000
    public static let networkByteOrderFlag: UInt16 = 0x4000
    public static let typeMask: UInt16 = 0x3FFF

    public init(type: UInt16, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    /// The attribute number without flag bits.
    public var number: UInt16 { type & Self.typeMask }

    /// Splits `bytes[range]` into attributes. Trailing bytes too short for an attribute header are
    /// an error, as is an attribute whose length runs past the end or is below 4.
    public static func parse(_ bytes: [UInt8], range: Range<Int>) throws(NetlinkDecodeError) -> [NetlinkAttribute] {
        var out: [NetlinkAttribute] = []
        var r = NetlinkReader(bytes, range: range)
        while r.remaining > 0 {
            let at = r.offset
            guard let len = r.u16(), let type = r.u16() else { throw .truncatedAttribute(offset: at) }
            guard len >= 4, let value = r.bytes(Int(len) - 4) else { throw .badAttributeLength(offset: at, length: Int(len)) }
            out.append(NetlinkAttribute(type: type, value: value))
            r.align()
        }
        return out
    }

    /// Parses a nested attribute's value as a list of attributes.
    public func nested() throws(NetlinkDecodeError) -> [NetlinkAttribute] {
        try Self.parse(value, range: 0..<value.count)
    }

    /// Writes the attribute and its padding.
    public func encode(into e: inout NetlinkEncoder) {
        e.appendAttribute(type: type, value: value)
    }

    /// Builds a nested attribute from inner ones.
    public static func nest(type: UInt16, _ inner: [NetlinkAttribute]) -> NetlinkAttribute {
        var e = NetlinkEncoder(capacity: 64)
        for a in inner { a.encode(into: &e) }
        return NetlinkAttribute(type: type, value: e.bytes)
    }
}

/// Why a byte sequence is not a valid netlink message. Carries the byte offset of the problem.
public enum NetlinkDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Fewer than 16 bytes where a header should start.
    case truncatedHeader(offset: Int)
    /// `nlmsg_len` is below 16 or runs past the received bytes.
    case badMessageLength(offset: Int, length: Int)
    /// The fixed family header (rtmsg, ifinfomsg, ...) does not fit in the message.
    case truncatedBody(type: UInt16, offset: Int, needed: Int)
    case truncatedAttribute(offset: Int)
    case badAttributeLength(offset: Int, length: Int)

    public var description: String {
        switch self {
        case .truncatedHeader(let o): return "netlink: truncated message header at byte \(o)"
        case .badMessageLength(let o, let l): return "netlink: message length \(l) at byte \(o) is invalid"
        case .truncatedBody(let t, let o, let n): return "netlink: message type \(t) at byte \(o) is shorter than its \(n)-byte header"
        case .truncatedAttribute(let o): return "netlink: truncated attribute at byte \(o)"
        case .badAttributeLength(let o, let l): return "netlink: attribute length \(l) at byte \(o) is invalid"
        }
    }
}
