import NetAddress

/// A route attribute (RTA_*). Attributes this module does not interpret stay raw in `.other`,
/// and a known attribute with an unexpected length is kept raw too, so decoding is lossless.
public enum RouteAttribute: Hashable, Sendable {
    /// RTA_DST (1)
    case destination(IPAddress)
    /// RTA_SRC (2)
    case source(IPAddress)
    /// RTA_IIF (3)
    case inputInterface(UInt32)
    /// RTA_OIF (4)
    case outputInterface(UInt32)
    /// RTA_GATEWAY (5): a gateway of the route's own family.
    case gateway(IPAddress)
    /// RTA_PRIORITY (6): the metric.
    case priority(UInt32)
    /// RTA_PREFSRC (7)
    case preferredSource(IPAddress)
    /// RTA_MULTIPATH (9): `struct rtnexthop` entries.
    case multipath([RouteNextHop])
    /// RTA_TABLE (15)
    case table(UInt32)
    /// RTA_VIA (18): a gateway of another family (IPv4 route via an IPv6 link-local address).
    case via(IPAddress)
    /// RTA_PREF (20): IPv6 router preference.
    case preference(UInt8)
    /// RTA_NH_ID (30): the nexthop object.
    case nexthopID(UInt32)
    /// Anything else, as received.
    case other(type: UInt16, value: [UInt8])

    public enum Kind {
        public static let destination: UInt16 = 1
        public static let source: UInt16 = 2
        public static let inputInterface: UInt16 = 3
        public static let outputInterface: UInt16 = 4
        public static let gateway: UInt16 = 5
        public static let priority: UInt16 = 6
        public static let preferredSource: UInt16 = 7
        public static let metrics: UInt16 = 8
        public static let multipath: UInt16 = 9
        public static let cacheInfo: UInt16 = 12
        public static let table: UInt16 = 15
        public static let via: UInt16 = 18
        public static let preference: UInt16 = 20
        public static let nexthopID: UInt16 = 30
    }

    public init(_ raw: NetlinkAttribute) {
        let v = raw.value
        switch raw.type {
        case Kind.destination: self = AttributeValue.address(v).map(Self.destination) ?? .other(type: raw.type, value: v)
        case Kind.source: self = AttributeValue.address(v).map(Self.source) ?? .other(type: raw.type, value: v)
        case Kind.inputInterface: self = AttributeValue.u32(v).map(Self.inputInterface) ?? .other(type: raw.type, value: v)
        case Kind.outputInterface: self = AttributeValue.u32(v).map(Self.outputInterface) ?? .other(type: raw.type, value: v)
        case Kind.gateway: self = AttributeValue.address(v).map(Self.gateway) ?? .other(type: raw.type, value: v)
        case Kind.priority: self = AttributeValue.u32(v).map(Self.priority) ?? .other(type: raw.type, value: v)
        case Kind.preferredSource: self = AttributeValue.address(v).map(Self.preferredSource) ?? .other(type: raw.type, value: v)
        case Kind.multipath: self = RouteNextHop.parseList(v).map(Self.multipath) ?? .other(type: raw.type, value: v)
        case Kind.table: self = AttributeValue.u32(v).map(Self.table) ?? .other(type: raw.type, value: v)
        case Kind.via: self = Self.parseVia(v).map(Self.via) ?? .other(type: raw.type, value: v)
        case Kind.preference: self = AttributeValue.u8(v).map(Self.preference) ?? .other(type: raw.type, value: v)
        case Kind.nexthopID: self = AttributeValue.u32(v).map(Self.nexthopID) ?? .other(type: raw.type, value: v)
        default: self = .other(type: raw.type, value: v)
        }
    }

    /// `struct rtvia`: a 16-bit address family, then the address.
    static func parseVia(_ v: [UInt8]) -> IPAddress? {
        guard v.count >= 2 else { return nil }
        let family = UInt16(v[0]) | UInt16(v[1]) << 8
        let addr = AttributeValue.address(v, at: 2, count: v.count - 2)
        switch (family, addr) {
        case (2, .v4?), (10, .v6?): return addr
        default: return nil
        }
    }

    public func encode(into e: inout NetlinkEncoder) {
        switch self {
        case .destination(let a): e.appendAttribute(type: Kind.destination, address: a)
        case .source(let a): e.appendAttribute(type: Kind.source, address: a)
        case .inputInterface(let i): e.appendAttribute(type: Kind.inputInterface, u32: i)
        case .outputInterface(let i): e.appendAttribute(type: Kind.outputInterface, u32: i)
        case .gateway(let a): e.appendAttribute(type: Kind.gateway, address: a)
        case .priority(let p): e.appendAttribute(type: Kind.priority, u32: p)
        case .preferredSource(let a): e.appendAttribute(type: Kind.preferredSource, address: a)
        case .multipath(let hops):
            e.beginNested(type: Kind.multipath)
            for h in hops { h.encode(into: &e) }
            e.endNested()
        case .table(let t): e.appendAttribute(type: Kind.table, u32: t)
        case .via(let a):
            e.append(UInt16(a.isV4 ? 10 : 22)); e.append(Kind.via)
            e.append(UInt16(a.isV4 ? 2 : 10)); e.append(address: a)
            e.align()
        case .preference(let p): e.appendAttribute(type: Kind.preference, u8: p)
        case .nexthopID(let id): e.appendAttribute(type: Kind.nexthopID, u32: id)
        case .other(let t, let v): e.appendAttribute(type: t, value: v)
        }
    }
}

/// One entry of RTA_MULTIPATH (`struct rtnexthop` + its own attributes).
///
///  +---------------+---------------+---------------+---------------+
///  |    rtnh_len (u16)             |  rtnh_flags   |  rtnh_hops    |
///  +---------------+---------------+---------------+---------------+
///  |                        rtnh_ifindex                           |
///  +---------------+---------------+---------------+---------------+
///  |           attributes (RTA_GATEWAY / RTA_VIA ...)              |
public struct RouteNextHop: Hashable, Sendable {
    public var flags: NextHopFlags
    /// `rtnh_hops`: the weight minus one.
    public var hops: UInt8
    public var interfaceIndex: UInt32
    public var attributes: [RouteAttribute]

    public init(flags: NextHopFlags = [], hops: UInt8 = 0, interfaceIndex: UInt32, attributes: [RouteAttribute] = []) {
        self.flags = flags
        self.hops = hops
        self.interfaceIndex = interfaceIndex
        self.attributes = attributes
    }

    /// The ECMP weight (1...256).
    public var weight: Int { Int(hops) + 1 }

    /// The gateway, whether in RTA_GATEWAY or RTA_VIA.
    public var gateway: IPAddress? {
        for a in attributes {
            if case .gateway(let g) = a { return g }
            if case .via(let g) = a { return g }
        }
        return nil
    }

    static func parseList(_ v: [UInt8]) -> [RouteNextHop]? {
        var out: [RouteNextHop] = []
        var r = NetlinkReader(v)
        while r.remaining > 0 {
            let start = r.offset
            guard let len = r.u16(), let flags = r.u8(), let hops = r.u8(), let ifindex = r.u32(),
                  len >= 8, start + Int(len) <= r.end else { return nil }
            guard let raw = try? NetlinkAttribute.parse(v, range: (start + 8)..<(start + Int(len))) else { return nil }
            out.append(RouteNextHop(flags: NextHopFlags(rawValue: UInt32(flags)), hops: hops, interfaceIndex: ifindex,
                                    attributes: raw.map(RouteAttribute.init)))
            r.skip(Int(len) - 8)
            r.align()
        }
        return out
    }

    func encode(into e: inout NetlinkEncoder) {
        let start = e.count
        e.append(UInt16(0)); e.append(UInt8(truncatingIfNeeded: flags.rawValue)); e.append(hops); e.append(interfaceIndex)
        for a in attributes { a.encode(into: &e) }
        let len = UInt32(e.count - start)
        // rtnh_len is the low half of the first word; the high half is flags + hops.
        e.patch(len | UInt32(truncatingIfNeeded: flags.rawValue & 0xFF) << 16 | UInt32(hops) << 24, at: start)
    }
}
