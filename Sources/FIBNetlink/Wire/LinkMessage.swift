import NetAddress

// RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK bodies (linux/if_link.h): `struct ifinfomsg` and IFLA_*
// attributes. swiftbgp reads links (it never creates them); it needs the index, name, state, MAC,
// bridge master and, for vxlan devices, VNI, local VTEP address and UDP port.
//
//  0               1               2               3
// +---------------+---------------+---------------+---------------+
// |  ifi_family   |    ifi_pad    |           ifi_type            |
// +---------------+---------------+---------------+---------------+
// |                          ifi_index                            |
// +---------------+---------------+---------------+---------------+
// |                     ifi_flags (IFF_*)                         |
// +---------------+---------------+---------------+---------------+
// |                          ifi_change                           |
// +---------------+---------------+---------------+---------------+
// |                    attributes (IFLA_*) ...                    |

/// A link message.
public struct LinkMessage: Hashable, Sendable {
    public var family: AddressFamily
    /// ARPHRD_* (1 = Ethernet, 772 = loopback).
    public var deviceType: UInt16
    public var index: UInt32
    public var flags: InterfaceFlags
    public var change: UInt32
    public var attributes: [LinkAttribute]

    public static let headerSize = 16

    public init(family: AddressFamily = .unspecified, deviceType: UInt16 = 0, index: UInt32, flags: InterfaceFlags = [],
                change: UInt32 = 0, attributes: [LinkAttribute] = []) {
        self.family = family
        self.deviceType = deviceType
        self.index = index
        self.flags = flags
        self.change = change
        self.attributes = attributes
    }

    public init(decoding bytes: [UInt8], range: Range<Int>) throws(NetlinkDecodeError) {
        var r = NetlinkReader(bytes, range: range)
        guard let fam = r.u8(), r.skip(1), let type = r.u16(), let index = r.u32(), let flags = r.u32(), let change = r.u32()
        else { throw .truncatedBody(type: NetlinkMessageType.newLink.rawValue, offset: range.lowerBound, needed: Self.headerSize) }
        self.init(family: AddressFamily(rawValue: fam), deviceType: type, index: index, flags: InterfaceFlags(rawValue: flags), change: change)
        attributes = try NetlinkAttribute.parse(bytes, range: r.offset..<r.end).map(LinkAttribute.init)
    }

    public func encode(into e: inout NetlinkEncoder) {
        e.append(family.rawValue); e.append(UInt8(0)); e.append(deviceType)
        e.append(index); e.append(flags.rawValue); e.append(change)
        for a in attributes { a.encode(into: &e) }
    }

    // MARK: typed views

    public var name: String? {
        for case .name(let n) in attributes { return n }
        return nil
    }

    public var macAddress: MACAddress? {
        for case .address(let b) in attributes { return MACAddress(bytes: b) }
        return nil
    }

    public var master: UInt32? {
        for case .master(let m) in attributes { return m }
        return nil
    }

    public var mtu: UInt32? {
        for case .mtu(let m) in attributes { return m }
        return nil
    }

    public var operationalState: OperationalState? {
        for case .operationalState(let s) in attributes { return s }
        return nil
    }

    /// IFLA_INFO_KIND: "veth", "bridge", "vxlan", ... (nil for plain devices such as lo).
    public var kind: String? {
        for case .linkInfo(let info) in attributes {
            for case .kind(let k) in info { return k }
        }
        return nil
    }

    /// The vxlan parameters when this is a vxlan device.
    public var vxlan: VXLANParameters? {
        for case .linkInfo(let info) in attributes {
            guard info.contains(.kind("vxlan")) else { return nil }
            for case .data(let data) in info { return VXLANParameters(data) }
        }
        return nil
    }

    /// Whether the link can forward: administratively up and with carrier. This is the condition
    /// under which the kernel keeps nexthop objects on the device (it flushes them otherwise).
    public var isUsable: Bool { flags.contains(.up) && flags.contains(.lowerUp) }
}

/// `ifi_flags` (IFF_*).
public struct InterfaceFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let up = Self(rawValue: 0x1)
    public static let broadcast = Self(rawValue: 0x2)
    public static let loopback = Self(rawValue: 0x8)
    public static let pointToPoint = Self(rawValue: 0x10)
    public static let running = Self(rawValue: 0x40)
    public static let noARP = Self(rawValue: 0x80)
    public static let multicast = Self(rawValue: 0x1000)
    /// Carrier is on (driver signals lower layer up).
    public static let lowerUp = Self(rawValue: 0x10000)
}

/// IFLA_OPERSTATE (RFC 2863 operational status).
public struct OperationalState: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let unknown = Self(rawValue: 0)
    public static let notPresent = Self(rawValue: 1)
    public static let down = Self(rawValue: 2)
    public static let lowerLayerDown = Self(rawValue: 3)
    public static let testing = Self(rawValue: 4)
    public static let dormant = Self(rawValue: 5)
    public static let up = Self(rawValue: 6)
}

/// A link attribute (IFLA_*); unknown ones are kept raw.
public enum LinkAttribute: Hashable, Sendable {
    /// IFLA_ADDRESS (1): the hardware address.
    case address([UInt8])
    /// IFLA_BROADCAST (2)
    case broadcast([UInt8])
    /// IFLA_IFNAME (3)
    case name(String)
    /// IFLA_MTU (4)
    case mtu(UInt32)
    /// IFLA_LINK (5): the lower device (for veth, the peer's index in its namespace).
    case link(UInt32)
    /// IFLA_MASTER (10): the bridge (or VRF, bond) this device is enslaved to.
    case master(UInt32)
    /// IFLA_OPERSTATE (16)
    case operationalState(OperationalState)
    /// IFLA_LINKINFO (18): device kind and kind-specific data.
    case linkInfo([LinkInfoAttribute])
    case other(type: UInt16, value: [UInt8])

    public enum Kind {
        public static let address: UInt16 = 1
        public static let broadcast: UInt16 = 2
        public static let name: UInt16 = 3
        public static let mtu: UInt16 = 4
        public static let link: UInt16 = 5
        public static let master: UInt16 = 10
        public static let operationalState: UInt16 = 16
        public static let linkInfo: UInt16 = 18
        public static let extMask: UInt16 = 29
    }

    public init(_ raw: NetlinkAttribute) {
        let v = raw.value
        switch raw.type {
        case Kind.address: self = .address(v)
        case Kind.broadcast: self = .broadcast(v)
        case Kind.name where v.last == 0: self = .name(AttributeValue.string(v))
        case Kind.mtu: self = AttributeValue.u32(v).map(Self.mtu) ?? .other(type: raw.type, value: v)
        case Kind.link: self = AttributeValue.u32(v).map(Self.link) ?? .other(type: raw.type, value: v)
        case Kind.master: self = AttributeValue.u32(v).map(Self.master) ?? .other(type: raw.type, value: v)
        case Kind.operationalState:
            self = AttributeValue.u8(v).map { .operationalState(OperationalState(rawValue: $0)) } ?? .other(type: raw.type, value: v)
        case Kind.linkInfo:
            if let inner = try? raw.nested() { self = .linkInfo(inner.map(LinkInfoAttribute.init)) }
            else { self = .other(type: raw.type, value: v) }
        default: self = .other(type: raw.type, value: v)
        }
    }

    public func encode(into e: inout NetlinkEncoder) {
        switch self {
        case .address(let b): e.appendAttribute(type: Kind.address, value: b)
        case .broadcast(let b): e.appendAttribute(type: Kind.broadcast, value: b)
        case .name(let n): e.appendAttribute(type: Kind.name, string: n)
        case .mtu(let m): e.appendAttribute(type: Kind.mtu, u32: m)
        case .link(let l): e.appendAttribute(type: Kind.link, u32: l)
        case .master(let m): e.appendAttribute(type: Kind.master, u32: m)
        case .operationalState(let s): e.appendAttribute(type: Kind.operationalState, u8: s.rawValue)
        case .linkInfo(let info):
            e.beginNested(type: Kind.linkInfo)
            for a in info { a.encode(into: &e) }
            e.endNested()
        case .other(let t, let v): e.appendAttribute(type: t, value: v)
        }
    }
}

/// An attribute inside IFLA_LINKINFO. The data's layout depends on the kind, so it stays raw;
/// `VXLANParameters` is the typed view for vxlan devices.
public enum LinkInfoAttribute: Hashable, Sendable {
    /// IFLA_INFO_KIND (1)
    case kind(String)
    /// IFLA_INFO_DATA (2), kind-specific attributes.
    case data([NetlinkAttribute])
    /// IFLA_INFO_SLAVE_KIND (4): the master's kind, e.g. "bridge" for a bridge port.
    case slaveKind(String)
    case other(type: UInt16, value: [UInt8])

    public init(_ raw: NetlinkAttribute) {
        switch raw.type {
        case 1 where raw.value.last == 0: self = .kind(AttributeValue.string(raw.value))
        case 2: self = (try? raw.nested()).map(Self.data) ?? .other(type: raw.type, value: raw.value)
        case 4 where raw.value.last == 0: self = .slaveKind(AttributeValue.string(raw.value))
        default: self = .other(type: raw.type, value: raw.value)
        }
    }

    public func encode(into e: inout NetlinkEncoder) {
        switch self {
        case .kind(let k): e.appendAttribute(type: 1, string: k)
        case .data(let attrs):
            e.beginNested(type: 2)
            for a in attrs { a.encode(into: &e) }
            e.endNested()
        case .slaveKind(let k): e.appendAttribute(type: 4, string: k)
        case .other(let t, let v): e.appendAttribute(type: t, value: v)
        }
    }
}

/// The vxlan device parameters EVPN needs (IFLA_VXLAN_* inside IFLA_INFO_DATA).
public struct VXLANParameters: Hashable, Sendable {
    /// IFLA_VXLAN_ID (1)
    public var vni: UInt32?
    /// IFLA_VXLAN_LOCAL (4) or IFLA_VXLAN_LOCAL6 (17): the local VTEP address.
    public var local: IPAddress?
    /// IFLA_VXLAN_PORT (15), the destination UDP port (network order on the wire).
    public var port: UInt16?
    /// IFLA_VXLAN_LEARNING (7)
    public var learning: Bool?
    /// IFLA_VXLAN_LINK (3): the underlay device.
    public var underlay: UInt32?

    public init(vni: UInt32? = nil, local: IPAddress? = nil, port: UInt16? = nil, learning: Bool? = nil, underlay: UInt32? = nil) {
        self.vni = vni
        self.local = local
        self.port = port
        self.learning = learning
        self.underlay = underlay
    }

    public init(_ data: [NetlinkAttribute]) {
        self.init()
        for a in data {
            switch a.type {
            case 1: vni = AttributeValue.u32(a.value)
            case 3: underlay = AttributeValue.u32(a.value)
            case 4, 17: local = AttributeValue.address(a.value) ?? local
            case 7: learning = AttributeValue.u8(a.value).map { $0 != 0 }
            case 15: port = AttributeValue.bigEndianU16(a.value)
            default: break
            }
        }
    }
}
