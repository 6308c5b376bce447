import NetAddress

// RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH bodies (linux/neighbour.h): ARP/ND entries
// (family inet/inet6) and bridge FDB entries (family AF_BRIDGE, `bridge fdb`).
//
//  0               1               2               3
// +---------------+---------------+---------------+---------------+
// |  ndm_family   |   ndm_pad1    |           ndm_pad2            |
// +---------------+---------------+---------------+---------------+
// |                          ndm_ifindex                          |
// +---------------+---------------+---------------+---------------+
// |           ndm_state           |   ndm_flags   |   ndm_type    |
// +---------------+---------------+---------------+---------------+
// |                     attributes (NDA_*) ...                    |

/// A neighbour or FDB message.
public struct NeighborMessage: Hashable, Sendable {
    public var family: AddressFamily
    public var interfaceIndex: UInt32
    public var state: NeighborState
    public var flags: NeighborFlags
    public var type: UInt8
    public var attributes: [NeighborAttribute]

    public static let headerSize = 12

    public init(family: AddressFamily, interfaceIndex: UInt32, state: NeighborState = [], flags: NeighborFlags = [],
                type: UInt8 = 0, attributes: [NeighborAttribute] = []) {
        self.family = family
        self.interfaceIndex = interfaceIndex
        self.state = state
        self.flags = flags
        self.type = type
        self.attributes = attributes
    }

    public init(decoding bytes: [UInt8], range: Range<Int>) throws(NetlinkDecodeError) {
        var r = NetlinkReader(bytes, range: range)
        guard let fam = r.u8(), r.skip(3), let ifindex = r.u32(), let state = r.u16(), let flags = r.u8(), let type = r.u8()
        else { throw .truncatedBody(type: NetlinkMessageType.newNeighbor.rawValue, offset: range.lowerBound, needed: Self.headerSize) }
        self.init(family: AddressFamily(rawValue: fam), interfaceIndex: ifindex, state: NeighborState(rawValue: state),
                  flags: NeighborFlags(rawValue: flags), type: type)
        attributes = try NetlinkAttribute.parse(bytes, range: r.offset..<r.end).map(NeighborAttribute.init)
    }

    public func encode(into e: inout NetlinkEncoder) {
        e.append(family.rawValue); e.append(UInt8(0)); e.append(UInt16(0))
        e.append(interfaceIndex); e.append(state.rawValue); e.append(flags.rawValue); e.append(type)
        for a in attributes { a.encode(into: &e) }
    }

    // MARK: typed views

    public var destination: IPAddress? {
        for case .destination(let a) in attributes { return a }
        return nil
    }

    public var linkLayerAddress: MACAddress? {
        for case .linkLayerAddress(let b) in attributes { return MACAddress(bytes: b) }
        return nil
    }

    public var master: UInt32? {
        for case .master(let m) in attributes { return m }
        return nil
    }

    public var vni: UInt32? {
        for case .vni(let v) in attributes { return v }
        return nil
    }

    public var vlan: UInt16? {
        for case .vlan(let v) in attributes { return v }
        return nil
    }

    public var `protocol`: RouteProtocol? {
        for case .protocol(let p) in attributes { return p }
        return nil
    }
}

/// `ndm_state` (NUD_*).
public struct NeighborState: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let incomplete = Self(rawValue: 0x01)
    public static let reachable = Self(rawValue: 0x02)
    public static let stale = Self(rawValue: 0x04)
    public static let delay = Self(rawValue: 0x08)
    public static let probe = Self(rawValue: 0x10)
    public static let failed = Self(rawValue: 0x20)
    public static let noARP = Self(rawValue: 0x40)
    public static let permanent = Self(rawValue: 0x80)
}

/// `ndm_flags` (NTF_*).
public struct NeighborFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let use = Self(rawValue: 0x01)
    /// The entry belongs to the device itself (the vxlan device's own FDB).
    public static let `self` = Self(rawValue: 0x02)
    /// The entry belongs to the device's master (the bridge's FDB).
    public static let master = Self(rawValue: 0x04)
    public static let proxy = Self(rawValue: 0x08)
    /// Learnt by a control plane (EVPN), not by the data plane; the kernel does not age it out.
    public static let externLearn = Self(rawValue: 0x10)
    public static let offloaded = Self(rawValue: 0x20)
    public static let sticky = Self(rawValue: 0x40)
    public static let router = Self(rawValue: 0x80)
}

/// A neighbour attribute (NDA_*); unknown ones are kept raw.
public enum NeighborAttribute: Hashable, Sendable {
    /// NDA_DST (1): the IP address, or for vxlan FDB entries the remote VTEP.
    case destination(IPAddress)
    /// NDA_LLADDR (2): the link-layer address (6 bytes for Ethernet).
    case linkLayerAddress([UInt8])
    /// NDA_VLAN (5)
    case vlan(UInt16)
    /// NDA_PORT (6): UDP port of a vxlan remote, network byte order on the wire.
    case port(UInt16)
    /// NDA_VNI (7)
    case vni(UInt32)
    /// NDA_IFINDEX (8): the vxlan underlay device.
    case interfaceIndex(UInt32)
    /// NDA_MASTER (9)
    case master(UInt32)
    /// NDA_SRC_VNI (11)
    case sourceVNI(UInt32)
    /// NDA_PROTOCOL (12)
    case `protocol`(RouteProtocol)
    /// NDA_NH_ID (13)
    case nexthopID(UInt32)
    case other(type: UInt16, value: [UInt8])

    public enum Kind {
        public static let destination: UInt16 = 1
        public static let linkLayerAddress: UInt16 = 2
        public static let cacheInfo: UInt16 = 3
        public static let vlan: UInt16 = 5
        public static let port: UInt16 = 6
        public static let vni: UInt16 = 7
        public static let interfaceIndex: UInt16 = 8
        public static let master: UInt16 = 9
        public static let sourceVNI: UInt16 = 11
        public static let `protocol`: UInt16 = 12
        public static let nexthopID: UInt16 = 13
    }

    public init(_ raw: NetlinkAttribute) {
        let v = raw.value
        switch raw.type {
        case Kind.destination: self = AttributeValue.address(v).map(Self.destination) ?? .other(type: raw.type, value: v)
        case Kind.linkLayerAddress: self = .linkLayerAddress(v)
        case Kind.vlan: self = AttributeValue.u16(v).map(Self.vlan) ?? .other(type: raw.type, value: v)
        case Kind.port: self = AttributeValue.bigEndianU16(v).map(Self.port) ?? .other(type: raw.type, value: v)
        case Kind.vni: self = AttributeValue.u32(v).map(Self.vni) ?? .other(type: raw.type, value: v)
        case Kind.interfaceIndex: self = AttributeValue.u32(v).map(Self.interfaceIndex) ?? .other(type: raw.type, value: v)
        case Kind.master: self = AttributeValue.u32(v).map(Self.master) ?? .other(type: raw.type, value: v)
        case Kind.sourceVNI: self = AttributeValue.u32(v).map(Self.sourceVNI) ?? .other(type: raw.type, value: v)
        case Kind.protocol: self = AttributeValue.u8(v).map { .protocol(RouteProtocol(rawValue: $0)) } ?? .other(type: raw.type, value: v)
        case Kind.nexthopID: self = AttributeValue.u32(v).map(Self.nexthopID) ?? .other(type: raw.type, value: v)
        default: self = .other(type: raw.type, value: v)
        }
    }

    public func encode(into e: inout NetlinkEncoder) {
        switch self {
        case .destination(let a): e.appendAttribute(type: Kind.destination, address: a)
        case .linkLayerAddress(let b): e.appendAttribute(type: Kind.linkLayerAddress, value: b)
        case .vlan(let v): e.appendAttribute(type: Kind.vlan, u16: v)
        case .port(let p): e.append(UInt16(6)); e.append(Kind.port); e.appendBigEndian(p); e.align()
        case .vni(let v): e.appendAttribute(type: Kind.vni, u32: v)
        case .interfaceIndex(let i): e.appendAttribute(type: Kind.interfaceIndex, u32: i)
        case .master(let i): e.appendAttribute(type: Kind.master, u32: i)
        case .sourceVNI(let v): e.appendAttribute(type: Kind.sourceVNI, u32: v)
        case .protocol(let p): e.appendAttribute(type: Kind.protocol, u8: p.rawValue)
        case .nexthopID(let i): e.appendAttribute(type: Kind.nexthopID, u32: i)
        case .other(let t, let v): e.appendAttribute(type: t, value: v)
        }
    }
}
