import NetAddress

// RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR bodies (linux/if_addr.h): `struct ifaddrmsg` and IFA_*
// attributes. Addresses feed connected-route origination and unnumbered peering.
//
//  0               1               2               3
// +---------------+---------------+---------------+---------------+
// |  ifa_family   | ifa_prefixlen |   ifa_flags   |   ifa_scope   |
// +---------------+---------------+---------------+---------------+
// |                          ifa_index                            |
// +---------------+---------------+---------------+---------------+
// |                     attributes (IFA_*) ...                    |

/// An interface address message.
public struct AddressMessage: Hashable, Sendable {
    public var family: AddressFamily
    public var prefixLength: UInt8
    /// The low 8 bits of the address flags; IFA_FLAGS carries all 32.
    public var flags: UInt8
    public var scope: RouteScope
    public var interfaceIndex: UInt32
    public var attributes: [AddressAttribute]

    public static let headerSize = 8

    public init(family: AddressFamily, prefixLength: UInt8, flags: UInt8 = 0, scope: RouteScope = .universe,
                interfaceIndex: UInt32, attributes: [AddressAttribute] = []) {
        self.family = family
        self.prefixLength = prefixLength
        self.flags = flags
        self.scope = scope
        self.interfaceIndex = interfaceIndex
        self.attributes = attributes
    }

    public init(decoding bytes: [UInt8], range: Range<Int>) throws(NetlinkDecodeError) {
        var r = NetlinkReader(bytes, range: range)
        guard let fam = r.u8(), let plen = r.u8(), let flags = r.u8(), let scope = r.u8(), let index = r.u32()
        else { throw .truncatedBody(type: NetlinkMessageType.newAddress.rawValue, offset: range.lowerBound, needed: Self.headerSize) }
        self.init(family: AddressFamily(rawValue: fam), prefixLength: plen, flags: flags, scope: RouteScope(rawValue: scope), interfaceIndex: index)
        attributes = try NetlinkAttribute.parse(bytes, range: r.offset..<r.end).map(AddressAttribute.init)
    }

    public func encode(into e: inout NetlinkEncoder) {
        e.append(family.rawValue); e.append(prefixLength); e.append(flags); e.append(scope.rawValue); e.append(interfaceIndex)
        for a in attributes { a.encode(into: &e) }
    }

    /// The interface's own address: IFA_LOCAL when present (it differs from IFA_ADDRESS only on
    /// point-to-point links, where IFA_ADDRESS is the peer), else IFA_ADDRESS.
    public var localAddress: IPAddress? {
        var address: IPAddress?
        for a in attributes {
            if case .local(let l) = a { return l }
            if case .address(let x) = a { address = x }
        }
        return address
    }

    /// The connected prefix this address implies (host bits cleared).
    public var prefix: IPPrefix? {
        switch localAddress {
        case .v4(let a)?: return IPv4Prefix(masking: a, length: prefixLength).map(IPPrefix.v4)
        case .v6(let a)?: return IPv6Prefix(masking: a, length: prefixLength).map(IPPrefix.v6)
        case nil: return nil
        }
    }

    /// All 32 flag bits (IFA_F_*), from IFA_FLAGS when present.
    public var allFlags: UInt32 {
        for case .flags(let f) in attributes { return f }
        return UInt32(flags)
    }

    /// IFA_F_TENTATIVE: IPv6 duplicate address detection has not finished; the address cannot be used yet.
    public var isTentative: Bool { allFlags & 0x40 != 0 }
}

/// An address attribute (IFA_*); unknown ones are kept raw.
public enum AddressAttribute: Hashable, Sendable {
    /// IFA_ADDRESS (1)
    case address(IPAddress)
    /// IFA_LOCAL (2)
    case local(IPAddress)
    /// IFA_LABEL (3)
    case label(String)
    /// IFA_BROADCAST (4)
    case broadcast(IPAddress)
    /// IFA_FLAGS (8)
    case flags(UInt32)
    /// IFA_PROTO (11): who added the address.
    case `protocol`(UInt8)
    case other(type: UInt16, value: [UInt8])

    public init(_ raw: NetlinkAttribute) {
        let v = raw.value
        switch raw.type {
        case 1: self = AttributeValue.address(v).map(Self.address) ?? .other(type: raw.type, value: v)
        case 2: self = AttributeValue.address(v).map(Self.local) ?? .other(type: raw.type, value: v)
        case 3 where v.last == 0: self = .label(AttributeValue.string(v))
        case 4: self = AttributeValue.address(v).map(Self.broadcast) ?? .other(type: raw.type, value: v)
        case 8: self = AttributeValue.u32(v).map(Self.flags) ?? .other(type: raw.type, value: v)
        case 11: self = AttributeValue.u8(v).map(Self.protocol) ?? .other(type: raw.type, value: v)
        default: self = .other(type: raw.type, value: v)
        }
    }

    public func encode(into e: inout NetlinkEncoder) {
        switch self {
        case .address(let a): e.appendAttribute(type: 1, address: a)
        case .local(let a): e.appendAttribute(type: 2, address: a)
        case .label(let l): e.appendAttribute(type: 3, string: l)
        case .broadcast(let a): e.appendAttribute(type: 4, address: a)
        case .flags(let f): e.appendAttribute(type: 8, u32: f)
        case .protocol(let p): e.appendAttribute(type: 11, u8: p)
        case .other(let t, let v): e.appendAttribute(type: t, value: v)
        }
    }
}
