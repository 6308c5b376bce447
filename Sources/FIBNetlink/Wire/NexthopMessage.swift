import NetAddress

// RTM_NEWNEXTHOP / RTM_DELNEXTHOP / RTM_GETNEXTHOP bodies (linux/nexthop.h): `struct nhmsg` and
// NHA_* attributes. A nexthop object is either one next hop (gateway and/or device, or a
// blackhole) or a group of other objects' ids with weights.
//
//  0               1               2               3
// +---------------+---------------+---------------+---------------+
// |   nh_family   |   nh_scope    |  nh_protocol  |     resvd     |
// +---------------+---------------+---------------+---------------+
// |                      nh_flags (RTNH_F_*)                      |
// +---------------+---------------+---------------+---------------+
// |                     attributes (NHA_*) ...                    |

/// A nexthop object message.
public struct NexthopMessage: Hashable, Sendable {
    public var family: AddressFamily
    public var scope: RouteScope
    public var `protocol`: RouteProtocol
    public var reserved: UInt8
    public var flags: NextHopFlags
    public var attributes: [NexthopAttribute]

    public static let headerSize = 8

    public init(family: AddressFamily, scope: RouteScope = .universe, protocol: RouteProtocol = .unspecified,
                reserved: UInt8 = 0, flags: NextHopFlags = [], attributes: [NexthopAttribute] = []) {
        self.family = family
        self.scope = scope
        self.protocol = `protocol`
        self.reserved = reserved
        self.flags = flags
        self.attributes = attributes
    }

    public init(decoding bytes: [UInt8], range: Range<Int>) throws(NetlinkDecodeError) {
        var r = NetlinkReader(bytes, range: range)
        guard let fam = r.u8(), let scope = r.u8(), let proto = r.u8(), let resvd = r.u8(), let flags = r.u32()
        else { throw .truncatedBody(type: NetlinkMessageType.newNexthop.rawValue, offset: range.lowerBound, needed: Self.headerSize) }
        self.init(family: AddressFamily(rawValue: fam), scope: RouteScope(rawValue: scope), protocol: RouteProtocol(rawValue: proto),
                  reserved: resvd, flags: NextHopFlags(rawValue: flags))
        attributes = try NetlinkAttribute.parse(bytes, range: r.offset..<r.end).map(NexthopAttribute.init)
    }

    public func encode(into e: inout NetlinkEncoder) {
        e.append(family.rawValue); e.append(scope.rawValue); e.append(`protocol`.rawValue); e.append(reserved)
        e.append(flags.rawValue)
        for a in attributes { a.encode(into: &e) }
    }

    // MARK: typed views

    public var id: UInt32? {
        for case .id(let v) in attributes { return v }
        return nil
    }

    /// The members if this is a group, else nil.
    public var group: [NexthopGroupMember]? {
        for case .group(let g) in attributes { return g }
        return nil
    }

    public var gateway: IPAddress? {
        for case .gateway(let g) in attributes { return g }
        return nil
    }

    public var outputInterface: UInt32? {
        for case .outputInterface(let i) in attributes { return i }
        return nil
    }

    public var isBlackhole: Bool {
        attributes.contains(.blackhole)
    }
}

/// An entry of NHA_GROUP (`struct nexthop_grp`, 8 bytes).
///
///  +---------------+---------------+---------------+---------------+
///  |                              id                               |
///  +---------------+---------------+---------------+---------------+
///  |    weight     |  weight_high  |            resvd2             |
///  +---------------+---------------+---------------+---------------+
///
/// The kernel stores weight minus one: 0 means weight 1. Linux 6.12 added `weight_high` so that
/// weights up to 65536 fit; older kernels require it to be zero.
public struct NexthopGroupMember: Hashable, Sendable {
    public var id: UInt32
    /// The weight as people write it (1...65536).
    public var weight: Int

    public init(id: UInt32, weight: Int = 1) {
        self.id = id
        self.weight = min(max(weight, 1), 65536)
    }

    static func parseList(_ v: [UInt8]) -> [NexthopGroupMember]? {
        guard v.count % 8 == 0 else { return nil }
        var out: [NexthopGroupMember] = []
        out.reserveCapacity(v.count / 8)
        var r = NetlinkReader(v)
        while r.remaining >= 8 {
            guard let id = r.u32(), let w = r.u8(), let wh = r.u8(), r.skip(2) else { return nil }
            out.append(NexthopGroupMember(id: id, weight: (Int(wh) << 8 | Int(w)) + 1))
        }
        return out
    }

    func encode(into e: inout NetlinkEncoder) {
        let w = UInt16(truncatingIfNeeded: weight - 1)
        e.append(id); e.append(UInt8(truncatingIfNeeded: w)); e.append(UInt8(truncatingIfNeeded: w >> 8)); e.append(UInt16(0))
    }
}

/// A nexthop attribute (NHA_*); unknown ones are kept raw.
public enum NexthopAttribute: Hashable, Sendable {
    /// NHA_ID (1)
    case id(UInt32)
    /// NHA_GROUP (2)
    case group([NexthopGroupMember])
    /// NHA_GROUP_TYPE (3): 0 = hash-threshold (mpath), 1 = resilient.
    case groupType(UInt16)
    /// NHA_BLACKHOLE (4), a flag.
    case blackhole
    /// NHA_OIF (5)
    case outputInterface(UInt32)
    /// NHA_GATEWAY (6)
    case gateway(IPAddress)
    /// NHA_GROUPS (9), a dump filter flag: only groups.
    case groupsOnly
    /// NHA_MASTER (10), a dump filter.
    case master(UInt32)
    /// NHA_FDB (11), a flag: the object belongs to the bridge FDB.
    case fdb
    case other(type: UInt16, value: [UInt8])

    public enum Kind {
        public static let id: UInt16 = 1
        public static let group: UInt16 = 2
        public static let groupType: UInt16 = 3
        public static let blackhole: UInt16 = 4
        public static let outputInterface: UInt16 = 5
        public static let gateway: UInt16 = 6
        public static let groups: UInt16 = 9
        public static let master: UInt16 = 10
        public static let fdb: UInt16 = 11
    }

    public init(_ raw: NetlinkAttribute) {
        let v = raw.value
        switch raw.type {
        case Kind.id: self = AttributeValue.u32(v).map(Self.id) ?? .other(type: raw.type, value: v)
        case Kind.group: self = NexthopGroupMember.parseList(v).map(Self.group) ?? .other(type: raw.type, value: v)
        case Kind.groupType: self = AttributeValue.u16(v).map(Self.groupType) ?? .other(type: raw.type, value: v)
        case Kind.blackhole where v.isEmpty: self = .blackhole
        case Kind.outputInterface: self = AttributeValue.u32(v).map(Self.outputInterface) ?? .other(type: raw.type, value: v)
        case Kind.gateway: self = AttributeValue.address(v).map(Self.gateway) ?? .other(type: raw.type, value: v)
        case Kind.groups where v.isEmpty: self = .groupsOnly
        case Kind.master: self = AttributeValue.u32(v).map(Self.master) ?? .other(type: raw.type, value: v)
        case Kind.fdb where v.isEmpty: self = .fdb
        default: self = .other(type: raw.type, value: v)
        }
    }

    public func encode(into e: inout NetlinkEncoder) {
        switch self {
        case .id(let v): e.appendAttribute(type: Kind.id, u32: v)
        case .group(let members):
            e.append(UInt16(truncatingIfNeeded: 4 + 8 * members.count)); e.append(Kind.group)
            for m in members { m.encode(into: &e) }
        case .groupType(let t): e.appendAttribute(type: Kind.groupType, u16: t)
        case .blackhole: e.appendFlagAttribute(type: Kind.blackhole)
        case .outputInterface(let i): e.appendAttribute(type: Kind.outputInterface, u32: i)
        case .gateway(let a): e.appendAttribute(type: Kind.gateway, address: a)
        case .groupsOnly: e.appendFlagAttribute(type: Kind.groups)
        case .master(let i): e.appendAttribute(type: Kind.master, u32: i)
        case .fdb: e.appendFlagAttribute(type: Kind.fdb)
        case .other(let t, let v): e.appendAttribute(type: t, value: v)
        }
    }
}
