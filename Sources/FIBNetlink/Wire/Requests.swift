import NetAddress

// Builders for the requests the FIB writer sends, as typed messages. They put attributes in the
// order iproute2 uses, so the golden tests can compare bytes with `ip route` / `ip nexthop` /
// `bridge fdb` / `ip neigh` captures. Flags are parameters: the writer uses CREATE|REPLACE
// (make-before-break) where iproute2's `add` uses CREATE|EXCL.

/// Where a route sends packets, as the route message encodes it.
public enum RouteTarget: Hashable, Sendable {
    /// RTA_NH_ID: a nexthop object or group.
    case nexthopObject(UInt32)
    /// Inline next hops: one becomes RTA_GATEWAY/RTA_VIA + RTA_OIF, more become RTA_MULTIPATH.
    case inline([InlineNextHop])
    /// `blackhole`: drop silently.
    case blackhole
    /// `unreachable`: drop with ICMP unreachable.
    case unreachable
}

/// One inline next hop of a route (the RTA_MULTIPATH fallback).
public struct InlineNextHop: Hashable, Sendable {
    public var gateway: IPAddress?
    public var interfaceIndex: UInt32
    public var weight: Int
    public var onlink: Bool

    public init(gateway: IPAddress?, interfaceIndex: UInt32, weight: Int = 1, onlink: Bool = false) {
        self.gateway = gateway
        self.interfaceIndex = interfaceIndex
        self.weight = min(max(weight, 1), 256)
        self.onlink = onlink
    }

    /// RTA_GATEWAY for a gateway of the route's family, RTA_VIA for the other (IPv4 via IPv6 LL).
    func gatewayAttribute(routeIsV4: Bool) -> RouteAttribute? {
        guard let g = gateway else { return nil }
        return g.isV4 == routeIsV4 ? .gateway(g) : .via(g)
    }
}

extension NetlinkMessage {
    /// RTM_NEWROUTE for a prefix. Tables above 255 go in RTA_TABLE with `rtm_table` 0, as iproute2 does.
    public static func newRoute(prefix: IPPrefix, target: RouteTarget, table: UInt32 = RouteTable.main, metric: UInt32,
                                protocol: RouteProtocol, flags: NetlinkFlags = [.request, .create, .replace],
                                sequence: UInt32 = 0) -> NetlinkMessage {
        let v4 = prefix.isV4
        var attrs: [RouteAttribute] = []
        attrs.reserveCapacity(5)
        if prefix.length > 0 { attrs.append(.destination(prefix.address)) }
        var type = RouteType.unicast
        var scope = RouteScope.universe
        var tail: RouteAttribute?
        var oif: UInt32?
        var rtFlags: RouteFlags = []
        switch target {
        case .nexthopObject(let id): attrs.append(.nexthopID(id))
        case .blackhole: type = .blackhole
        case .unreachable: type = .unreachable
        case .inline(let hops) where hops.count == 1:
            let h = hops[0]
            if let g = h.gatewayAttribute(routeIsV4: v4) { attrs.append(g) } else { scope = .link }
            if h.onlink { rtFlags.insert(.onlink) }
            oif = h.interfaceIndex
        case .inline(let hops):
            tail = .multipath(hops.map { h in
                RouteNextHop(flags: h.onlink ? .onlink : [], hops: UInt8(truncatingIfNeeded: h.weight - 1),
                             interfaceIndex: h.interfaceIndex, attributes: h.gatewayAttribute(routeIsV4: v4).map { [$0] } ?? [])
            })
        }
        attrs.append(.priority(metric))
        if table > 255 { attrs.append(.table(table)) }
        if let oif { attrs.append(.outputInterface(oif)) }
        if let tail { attrs.append(tail) }
        let body = RouteMessage(family: v4 ? .inet : .inet6, destinationLength: prefix.length,
                                table: table > 255 ? 0 : UInt8(table), protocol: `protocol`, scope: scope, type: type,
                                flags: rtFlags, attributes: attrs)
        return NetlinkMessage(type: .newRoute, flags: flags, sequence: sequence, body: .route(body))
    }

    /// RTM_DELROUTE for our route of a prefix: the protocol and metric must match, so another
    /// daemon's route for the same prefix is never removed. IPv4 uses scope "nowhere" (any), as iproute2 does.
    public static func deleteRoute(prefix: IPPrefix, table: UInt32 = RouteTable.main, metric: UInt32, protocol: RouteProtocol,
                                   flags: NetlinkFlags = [.request], sequence: UInt32 = 0) -> NetlinkMessage {
        var attrs: [RouteAttribute] = []
        if prefix.length > 0 { attrs.append(.destination(prefix.address)) }
        attrs.append(.priority(metric))
        if table > 255 { attrs.append(.table(table)) }
        let body = RouteMessage(family: prefix.isV4 ? .inet : .inet6, destinationLength: prefix.length,
                                table: table > 255 ? 0 : UInt8(table), protocol: `protocol`,
                                scope: prefix.isV4 ? .nowhere : .universe, type: .unspecified, attributes: attrs)
        return NetlinkMessage(type: .deleteRoute, flags: flags, sequence: sequence, body: .route(body))
    }

    /// RTM_GETROUTE dump, filtered by the kernel on protocol and table (needs NETLINK_GET_STRICT_CHK;
    /// without it the kernel ignores the filter and the caller must filter).
    public static func dumpRoutes(family: AddressFamily, protocol: RouteProtocol = .unspecified, table: UInt32? = nil,
                                  sequence: UInt32 = 0) -> NetlinkMessage {
        var attrs: [RouteAttribute] = []
        if let table { attrs.append(.table(table)) }
        let body = RouteMessage(family: family, protocol: `protocol`, attributes: attrs)
        return NetlinkMessage(type: .getRoute, flags: [.request, .dump], sequence: sequence, body: .route(body))
    }

    /// RTM_NEWNEXTHOP for one next hop: a gateway (of either family) and/or a device.
    /// The object's family is the gateway's, or `familyWithoutGateway` for a device-only next hop.
    public static func newNexthop(id: UInt32, gateway: IPAddress?, interfaceIndex: UInt32, onlink: Bool = false,
                                  familyWithoutGateway: AddressFamily = .inet, protocol: RouteProtocol,
                                  flags: NetlinkFlags = [.request, .create, .replace], sequence: UInt32 = 0) -> NetlinkMessage {
        var attrs: [NexthopAttribute] = [.id(id)]
        if let gateway { attrs.append(.gateway(gateway)) }
        attrs.append(.outputInterface(interfaceIndex))
        let body = NexthopMessage(family: gateway.map(AddressFamily.init) ?? familyWithoutGateway, protocol: `protocol`,
                                  flags: onlink ? .onlink : [], attributes: attrs)
        return NetlinkMessage(type: .newNexthop, flags: flags, sequence: sequence, body: .nexthop(body))
    }

    /// RTM_NEWNEXTHOP for a group (hash-threshold multipath). Replacing a group under the same id
    /// moves every route that uses it at once; the routes themselves are not touched.
    public static func newNexthopGroup(id: UInt32, members: [NexthopGroupMember], protocol: RouteProtocol,
                                       flags: NetlinkFlags = [.request, .create, .replace], sequence: UInt32 = 0) -> NetlinkMessage {
        let body = NexthopMessage(family: .unspecified, protocol: `protocol`, attributes: [.id(id), .group(members)])
        return NetlinkMessage(type: .newNexthop, flags: flags, sequence: sequence, body: .nexthop(body))
    }

    /// RTM_DELNEXTHOP. The kernel also removes every route that uses the object.
    public static func deleteNexthop(id: UInt32, flags: NetlinkFlags = [.request], sequence: UInt32 = 0) -> NetlinkMessage {
        NetlinkMessage(type: .deleteNexthop, flags: flags, sequence: sequence,
                       body: .nexthop(NexthopMessage(family: .unspecified, attributes: [.id(id)])))
    }

    /// RTM_GETNEXTHOP dump of every nexthop object.
    public static func dumpNexthops(sequence: UInt32 = 0) -> NetlinkMessage {
        NetlinkMessage(type: .getNexthop, flags: [.request, .dump], sequence: sequence,
                       body: .nexthop(NexthopMessage(family: .unspecified)))
    }

    /// RTM_GETLINK dump.
    public static func dumpLinks(sequence: UInt32 = 0) -> NetlinkMessage {
        NetlinkMessage(type: .getLink, flags: [.request, .dump], sequence: sequence, body: .link(LinkMessage(index: 0)))
    }

    /// RTM_GETADDR dump of one family (or both with `.unspecified`).
    public static func dumpAddresses(family: AddressFamily = .unspecified, sequence: UInt32 = 0) -> NetlinkMessage {
        NetlinkMessage(type: .getAddress, flags: [.request, .dump], sequence: sequence,
                       body: .address(AddressMessage(family: family, prefixLength: 0, interfaceIndex: 0)))
    }

    /// RTM_GETNEIGH dump of one family (`.bridge` dumps FDBs).
    public static func dumpNeighbors(family: AddressFamily, sequence: UInt32 = 0) -> NetlinkMessage {
        NetlinkMessage(type: .getNeighbor, flags: [.request, .dump], sequence: sequence,
                       body: .neighbor(NeighborMessage(family: family, interfaceIndex: 0)))
    }
}
