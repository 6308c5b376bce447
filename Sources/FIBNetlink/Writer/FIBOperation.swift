import NetAddress

/// One netlink request the writer's model asks for, before it gets a sequence number.
/// The model (`FIBState`) produces these; the writer encodes, sends and reports each result back.
enum FIBOperation: Hashable {
    /// Create or replace a single nexthop object.
    case nexthop(id: UInt32, key: NexthopKey)
    /// Create or replace a group with these members (in place: routes follow without being touched).
    case group(id: UInt32, members: [NexthopGroupMember])
    /// Delete a nexthop object or group.
    case deleteObject(id: UInt32)
    /// Create or replace our route for a prefix.
    case route(IPPrefix, RouteTarget)
    /// Delete our route for a prefix.
    case deleteRoute(IPPrefix)
    /// EVPN and neighbour entries: a prebuilt message (its sequence is set when sent).
    case l2(NetlinkMessage, FIBFailure.Subject)

    /// Appends the request. Routes go through the allocation-free encoder, which the tests
    /// check against the typed builder (and that against iproute2's bytes).
    func encode(into e: inout NetlinkEncoder, flags extra: NetlinkFlags, sequence: UInt32, config: FIBConfiguration) {
        switch self {
        case .nexthop(let id, let key):
            NetlinkMessage.newNexthop(id: id, gateway: key.gateway, interfaceIndex: key.interfaceIndex, onlink: key.onlink,
                                      familyWithoutGateway: key.v6 ? .inet6 : .inet, protocol: config.nexthopProtocol,
                                      flags: [.request, .create, .replace, extra], sequence: sequence).encode(into: &e)
        case .group(let id, let members):
            NetlinkMessage.newNexthopGroup(id: id, members: members, protocol: config.nexthopProtocol,
                                           flags: [.request, .create, .replace, extra], sequence: sequence).encode(into: &e)
        case .deleteObject(let id):
            NetlinkMessage.deleteNexthop(id: id, flags: [.request, extra], sequence: sequence).encode(into: &e)
        case .route(let prefix, .nexthopObject(let id)):
            e.appendNexthopRoute(prefix: prefix, nexthopID: id, table: config.table, metric: config.metric,
                                 protocol: config.routeProtocol, flags: [.request, .create, .replace, extra], sequence: sequence)
        case .route(let prefix, let target):
            NetlinkMessage.newRoute(prefix: prefix, target: target, table: config.table, metric: config.metric,
                                    protocol: config.routeProtocol, flags: [.request, .create, .replace, extra],
                                    sequence: sequence).encode(into: &e)
        case .deleteRoute(let prefix):
            NetlinkMessage.deleteRoute(prefix: prefix, table: config.table, metric: config.metric, protocol: config.routeProtocol,
                                       flags: [.request, extra], sequence: sequence).encode(into: &e)
        case .l2(var m, _):
            m.header.sequence = sequence
            m.header.flags.insert(extra)
            m.encode(into: &e)
        }
    }
}

extension NetlinkEncoder {
    /// RTM_NEWROUTE with RTA_NH_ID, written straight into the buffer: the hot path of installing a
    /// million routes. Produces exactly the bytes of `NetlinkMessage.newRoute(... .nexthopObject)`.
    public mutating func appendNexthopRoute(prefix: IPPrefix, nexthopID: UInt32, table: UInt32, metric: UInt32,
                                            protocol: RouteProtocol, flags: NetlinkFlags, sequence: UInt32) {
        beginMessage(type: NetlinkMessageType.newRoute.rawValue, flags: flags.rawValue, sequence: sequence)
        append(prefix.isV4 ? AddressFamily.inet.rawValue : AddressFamily.inet6.rawValue)
        append(prefix.length); append(UInt8(0)); append(UInt8(0))
        append(table > 255 ? UInt8(0) : UInt8(table)); append(`protocol`.rawValue)
        append(RouteScope.universe.rawValue); append(RouteType.unicast.rawValue)
        append(UInt32(0))
        if prefix.length > 0 { appendAttribute(type: RouteAttribute.Kind.destination, address: prefix.address) }
        appendAttribute(type: RouteAttribute.Kind.nexthopID, u32: nexthopID)
        appendAttribute(type: RouteAttribute.Kind.priority, u32: metric)
        if table > 255 { appendAttribute(type: RouteAttribute.Kind.table, u32: table) }
        endMessage()
    }
}
