import NetAddress

// What the writer reports: monitor updates (links, addresses, neighbours, other daemons' routes,
// offload flags of ours), failures of our requests, and resynchronisations. All values are
// Sendable snapshots; consumers never see netlink types they would have to interpret.

/// An event from the FIB writer's `events` stream.
public enum FIBEvent: Sendable, Hashable {
    /// A link appeared or changed.
    case linkChanged(FIBLink)
    /// A link was removed.
    case linkRemoved(index: UInt32, name: String?)
    case addressAdded(FIBAddress)
    case addressRemoved(FIBAddress)
    /// A neighbour (ARP/ND) or bridge FDB entry appeared or changed.
    case neighborChanged(FIBNeighbor)
    case neighborRemoved(FIBNeighbor)
    /// A route that is not ours (connected, kernel, static, other daemons) was added or changed,
    /// for redistribution and next-hop resolution.
    case routeChanged(KernelRoute)
    case routeRemoved(KernelRoute)
    /// A nexthop object that is not ours appeared or changed (other daemons' routes may refer to
    /// it by id: with nexthop_compat_mode off the kernel does not expand it in route events).
    case nexthopChanged(KernelNexthop)
    case nexthopRemoved(id: UInt32)
    /// The offload flags of one of our routes changed (switchdev).
    case offloadChanged(prefix: IPPrefix, flags: FIBOffloadFlags)
    /// A request failed; the writer carries on with the others.
    case failed(FIBFailure)
    /// Our nexthop objects or routes were changed by someone else (e.g. `ip nexthop flush`) and
    /// the writer put them back.
    case repaired(nexthopObjects: Int, routes: Int)
    /// The writer lost track of the kernel (ENOBUFS, or start-up) and is re-reading it. Events
    /// after this one describe the full current state; consumers should treat links, addresses
    /// and neighbours not re-announced before `.synchronized` as gone.
    case resyncStarted(reason: String)
    /// The initial or re-read state has been delivered in full.
    case synchronized
}

/// A link as the monitor sees it.
public struct FIBLink: Sendable, Hashable {
    public var index: UInt32
    public var name: String
    /// Administratively up and with carrier: the kernel can forward through it.
    public var isUp: Bool
    public var operationalState: OperationalState
    public var mac: MACAddress?
    public var mtu: UInt32?
    /// The bridge (or other master) this link is enslaved to.
    public var master: UInt32?
    /// IFLA_INFO_KIND ("veth", "bridge", "vxlan", ...).
    public var kind: String?
    /// Set for vxlan devices: VNI, local VTEP address, UDP port.
    public var vxlan: VXLANParameters?

    public init(_ m: LinkMessage) {
        index = m.index
        name = m.name ?? ""
        isUp = m.isUsable
        operationalState = m.operationalState ?? .unknown
        mac = m.macAddress
        mtu = m.mtu
        master = m.master
        kind = m.kind
        vxlan = m.vxlan
    }
}

/// An interface address.
public struct FIBAddress: Sendable, Hashable {
    public var interfaceIndex: UInt32
    public var address: IPAddress
    public var prefixLength: UInt8
    public var scope: RouteScope
    /// IPv6 duplicate address detection not finished yet.
    public var isTentative: Bool

    /// The connected prefix (host bits cleared).
    public var prefix: IPPrefix? {
        switch address {
        case .v4(let a): return IPv4Prefix(masking: a, length: prefixLength).map(IPPrefix.v4)
        case .v6(let a): return IPv6Prefix(masking: a, length: prefixLength).map(IPPrefix.v6)
        }
    }

    init?(_ m: AddressMessage) {
        guard let a = m.localAddress else { return nil }
        interfaceIndex = m.interfaceIndex
        address = a
        prefixLength = m.prefixLength
        scope = m.scope
        isTentative = m.isTentative
    }
}

/// A neighbour entry (IPv4 ARP, IPv6 ND) or a bridge FDB entry (`ip == nil`).
public struct FIBNeighbor: Sendable, Hashable {
    public var interfaceIndex: UInt32
    /// The IP address; nil for FDB entries.
    public var ip: IPAddress?
    public var mac: MACAddress?
    /// For vxlan FDB entries: the remote VTEP.
    public var vtep: IPAddress?
    public var master: UInt32?
    public var vlan: UInt16?
    public var state: NeighborState
    public var flags: NeighborFlags
    public var `protocol`: RouteProtocol?

    public var isFDB: Bool { ip == nil }

    init(_ m: NeighborMessage) {
        interfaceIndex = m.interfaceIndex
        let dst = m.destination
        ip = m.family == .bridge ? nil : dst
        vtep = m.family == .bridge ? dst : nil
        mac = m.linkLayerAddress
        master = m.master
        vlan = m.vlan
        state = m.state
        flags = m.flags
        self.protocol = m.protocol
    }
}

/// A route in the kernel that is not one of ours.
public struct KernelRoute: Sendable, Hashable {
    public var prefix: IPPrefix
    public var table: UInt32
    public var `protocol`: RouteProtocol
    public var type: RouteType
    public var scope: RouteScope
    public var metric: UInt32
    public var nextHops: [FIBNextHop]
    /// The nexthop object the route uses, if any (with nexthop_compat_mode off, `nextHops` is
    /// empty for such routes: look the object up in the nexthop events).
    public var nexthopID: UInt32?
    public var preferredSource: IPAddress?

    init?(_ m: RouteMessage) {
        guard let p = m.destination else { return nil }
        prefix = p
        table = m.tableID
        self.protocol = m.protocol
        type = m.type
        scope = m.scope
        metric = m.priority
        nextHops = m.nextHops.map { FIBNextHop(gateway: $0.gateway, interfaceIndex: $0.interfaceIndex, weight: $0.weight,
                                               onlink: $0.flags.contains(.onlink)) }
        nexthopID = m.nexthopID
        preferredSource = nil
        for case .preferredSource(let s) in m.attributes { preferredSource = s }
    }
}

/// A nexthop object in the kernel that is not ours.
public struct KernelNexthop: Sendable, Hashable {
    public var id: UInt32
    public var `protocol`: RouteProtocol
    /// For a single next hop (nil gateway: device only).
    public var nextHop: FIBNextHop?
    /// For a group: member ids and weights.
    public var members: [NexthopGroupMember]?
    public var isBlackhole: Bool

    init?(_ m: NexthopMessage) {
        guard let id = m.id else { return nil }
        self.id = id
        self.protocol = m.protocol
        members = m.group
        isBlackhole = m.isBlackhole
        if m.group == nil, !m.isBlackhole, let oif = m.outputInterface {
            nextHop = FIBNextHop(gateway: m.gateway, interfaceIndex: oif, onlink: m.flags.contains(.onlink))
        } else {
            nextHop = nil
        }
    }
}

/// Hardware offload state of one of our routes (from RTM_F_OFFLOAD / RTM_F_TRAP / RTM_F_OFFLOAD_FAILED).
public struct FIBOffloadFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let offload = Self(rawValue: 1)
    public static let trap = Self(rawValue: 2)
    public static let offloadFailed = Self(rawValue: 4)

    init(_ f: RouteFlags) {
        var x: FIBOffloadFlags = []
        if f.contains(.offload) { x.insert(.offload) }
        if f.contains(.trap) { x.insert(.trap) }
        if f.contains(.offloadFailed) { x.insert(.offloadFailed) }
        self = x
    }
}

/// A request the kernel refused (or could not be sent), reported against what it was for.
public struct FIBFailure: Sendable, Hashable, CustomStringConvertible {
    /// What the failed request was for.
    public enum Subject: Sendable, Hashable {
        case route(IPPrefix)
        case nexthop(FIBNextHop)
        /// A nexthop object or group, by id.
        case nexthopObject(id: UInt32)
        case fdb(mac: MACAddress, interfaceIndex: UInt32, vtep: IPAddress?)
        case neighbor(ip: IPAddress, interfaceIndex: UInt32)
        /// The writer itself (re-reading the kernel, the monitor socket).
        case writer
    }
    public var subject: Subject
    /// "install", "remove", ...
    public var operation: String
    /// The errno (positive), 0 when the request was not sent (e.g. no usable next hop).
    public var errno: Int32
    /// The kernel's extended ACK text, or a description of the errno.
    public var message: String
    /// Whether the writer will try again by itself (on link up, or after a transient error).
    public var willRetry: Bool

    public var description: String {
        "\(operation) \(subject) failed: \(message) (errno \(errno))\(willRetry ? ", will retry" : "")"
    }
}
