import NetAddress

// RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE bodies: `struct rtmsg` and its attributes.
//
//  0               1               2               3
// +---------------+---------------+---------------+---------------+
// |  rtm_family   |  rtm_dst_len  |  rtm_src_len  |    rtm_tos    |
// +---------------+---------------+---------------+---------------+
// |  rtm_table    | rtm_protocol  |   rtm_scope   |   rtm_type    |
// +---------------+---------------+---------------+---------------+
// |                           rtm_flags                           |
// +---------------+---------------+---------------+---------------+
// |                     attributes (RTA_*) ...                    |

/// A route message: the fixed `rtmsg` and its attributes in wire order.
public struct RouteMessage: Hashable, Sendable {
    public var family: AddressFamily
    public var destinationLength: UInt8
    public var sourceLength: UInt8
    public var tos: UInt8
    /// `rtm_table`; ids above 255 are in `RTA_TABLE` and this holds 252 (see `tableID`).
    public var table: UInt8
    public var `protocol`: RouteProtocol
    public var scope: RouteScope
    public var type: RouteType
    public var flags: RouteFlags
    public var attributes: [RouteAttribute]

    public static let headerSize = 12

    public init(family: AddressFamily, destinationLength: UInt8 = 0, sourceLength: UInt8 = 0, tos: UInt8 = 0,
                table: UInt8 = 0, protocol: RouteProtocol = .unspecified, scope: RouteScope = .universe,
                type: RouteType = .unspecified, flags: RouteFlags = [], attributes: [RouteAttribute] = []) {
        self.family = family
        self.destinationLength = destinationLength
        self.sourceLength = sourceLength
        self.tos = tos
        self.table = table
        self.protocol = `protocol`
        self.scope = scope
        self.type = type
        self.flags = flags
        self.attributes = attributes
    }

    /// Decodes the body that follows the netlink header.
    public init(decoding bytes: [UInt8], range: Range<Int>) throws(NetlinkDecodeError) {
        var r = NetlinkReader(bytes, range: range)
        guard let fam = r.u8(), let dl = r.u8(), let sl = r.u8(), let tos = r.u8(), let table = r.u8(),
              let proto = r.u8(), let scope = r.u8(), let type = r.u8(), let flags = r.u32()
        else { throw .truncatedBody(type: NetlinkMessageType.newRoute.rawValue, offset: range.lowerBound, needed: Self.headerSize) }
        self.init(family: AddressFamily(rawValue: fam), destinationLength: dl, sourceLength: sl, tos: tos, table: table,
                  protocol: RouteProtocol(rawValue: proto), scope: RouteScope(rawValue: scope), type: RouteType(rawValue: type),
                  flags: RouteFlags(rawValue: flags))
        attributes = try NetlinkAttribute.parse(bytes, range: r.offset..<r.end).map(RouteAttribute.init)
    }

    /// Writes `rtmsg` and the attributes (not the netlink header).
    public func encode(into e: inout NetlinkEncoder) {
        e.append(family.rawValue); e.append(destinationLength); e.append(sourceLength); e.append(tos)
        e.append(table); e.append(`protocol`.rawValue); e.append(scope.rawValue); e.append(type.rawValue)
        e.append(flags.rawValue)
        for a in attributes { a.encode(into: &e) }
    }

    // MARK: typed views

    /// The destination prefix (`RTA_DST` + `rtm_dst_len`; absent `RTA_DST` is the default route).
    /// Nil for families other than IPv4/IPv6, or when host bits are set.
    public var destination: IPPrefix? {
        var dst: IPAddress?
        for case .destination(let a) in attributes { dst = a }
        switch (family, dst) {
        case (.inet, .v4(let a)?): return IPv4Prefix(address: a, length: destinationLength).map(IPPrefix.v4)
        case (.inet, nil): return IPv4Prefix(address: .zero, length: destinationLength).map(IPPrefix.v4)
        case (.inet6, .v6(let a)?): return IPv6Prefix(address: a, length: destinationLength).map(IPPrefix.v6)
        case (.inet6, nil): return IPv6Prefix(address: .zero, length: destinationLength).map(IPPrefix.v6)
        default: return nil
        }
    }

    /// The table id: `RTA_TABLE` when present, else `rtm_table`.
    public var tableID: UInt32 {
        for case .table(let t) in attributes { return t }
        return UInt32(table)
    }

    /// `RTA_PRIORITY`, the metric (0 when absent, as the kernel treats it for IPv4).
    public var priority: UInt32 {
        for case .priority(let p) in attributes { return p }
        return 0
    }

    /// `RTA_NH_ID`: the nexthop object the route uses.
    public var nexthopID: UInt32? {
        for case .nexthopID(let id) in attributes { return id }
        return nil
    }

    /// The next hops, whether given inline (`RTA_GATEWAY`/`RTA_VIA` + `RTA_OIF`) or as
    /// `RTA_MULTIPATH`. Routes using a nexthop object also carry these in dumps (kernel-expanded).
    public var nextHops: [RouteNextHop] {
        var gateway: IPAddress?
        var oif: UInt32 = 0
        for a in attributes {
            switch a {
            case .multipath(let hops): return hops
            case .gateway(let g): gateway = g
            case .via(let g): gateway = g
            case .outputInterface(let i): oif = i
            default: break
            }
        }
        if gateway == nil && oif == 0 { return [] }
        var hop = RouteNextHop(flags: NextHopFlags(rawValue: flags.rawValue & 0xFF), interfaceIndex: oif)
        if let g = gateway {
            hop.attributes = [g.isV4 == (family == .inet) ? .gateway(g) : .via(g)]
        }
        return [hop]
    }
}
