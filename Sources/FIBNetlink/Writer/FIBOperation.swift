import NetAddress

/// One netlink request the writer's model asks for, before it gets a sequence number.
/// The model (`FIBState`) produces these; the writer encodes, sends and reports each result back.
enum FIBOperation: Hashable {
    // The rare cases are `indirect` (boxed) so that the common one, `nexthopRoute`, keeps the
    // enum small: a million of these are planned for a full table.
    /// Create or replace a single nexthop object.
    indirect case nexthop(id: UInt32, key: NexthopKey)
    /// Create or replace a group with these members (in place: routes follow without being touched).
    case group(id: UInt32, members: [NexthopGroupMember])
    /// Delete a nexthop object or group.
    case deleteObject(id: UInt32)
    /// Create or replace our route for a prefix. The model records the route as installed when it
    /// plans this; `previous` is what the kernel held before, restored if the request fails.
    indirect case route(IPPrefix, RouteTarget, previous: Target = .none)
    /// `.route` via a nexthop object, the hot path: a payload without references, cheap to copy.
    case nexthopRoute(IPPrefix, id: UInt32, previous: Target)
    /// Delete our route for a prefix.
    case deleteRoute(IPPrefix)
    /// EVPN and neighbour entries: a prebuilt message (its sequence is set when sent).
    indirect case l2(NetlinkMessage, FIBFailure.Subject)

    /// Appends the request. Routes go through the allocation-free encoder, which the tests
    /// check against the typed builder (and that against iproute2's bytes).
    func encode(into e: inout NetlinkEncoder, flags extra: NetlinkFlags, sequence: UInt32, config: EncodeContext) {
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
        case .nexthopRoute(let prefix, let id, _), .route(let prefix, .nexthopObject(let id), _):
            e.appendNexthopRoute(prefix: prefix, nexthopID: id, table: config.table, metric: config.metric,
                                 protocol: config.routeProtocol, flags: [.request, .create, .replace, extra], sequence: sequence)
        case .route(let prefix, let target, _):
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

/// The few configuration values encoding needs (cheap to pass per operation).
struct EncodeContext {
    var table: UInt32
    var metric: UInt32
    var routeProtocol: RouteProtocol
    var nexthopProtocol: RouteProtocol

    init(_ c: FIBConfiguration) {
        table = c.table
        metric = c.metric
        routeProtocol = c.routeProtocol
        nexthopProtocol = c.nexthopProtocol
    }
}

extension NetlinkEncoder {
    /// RTM_NEWROUTE with RTA_NH_ID, written straight into the buffer: the hot path of installing a
    /// million routes. Produces exactly the bytes of `NetlinkMessage.newRoute(... .nexthopObject)`
    /// (a test checks it).
    public mutating func appendNexthopRoute(prefix: IPPrefix, nexthopID: UInt32, table: UInt32, metric: UInt32,
                                            protocol: RouteProtocol, flags: NetlinkFlags, sequence: UInt32) {
        let bigTable = table > 255
        var dstLength = 0
        if prefix.length > 0 { dstLength = prefix.isV4 ? 8 : 20 }
        let total = 16 + 12 + dstLength + 8 + 8 + (bigTable ? 8 : 0)
        appendUninitialized(total) { p in
            p.storeBytes(of: UInt32(total), toByteOffset: 0, as: UInt32.self)
            p.storeBytes(of: NetlinkMessageType.newRoute.rawValue, toByteOffset: 4, as: UInt16.self)
            p.storeBytes(of: flags.rawValue, toByteOffset: 6, as: UInt16.self)
            p.storeBytes(of: sequence, toByteOffset: 8, as: UInt32.self)
            p.storeBytes(of: UInt32(0), toByteOffset: 12, as: UInt32.self)
            // rtmsg
            p.storeBytes(of: prefix.isV4 ? AddressFamily.inet.rawValue : AddressFamily.inet6.rawValue, toByteOffset: 16, as: UInt8.self)
            p.storeBytes(of: prefix.length, toByteOffset: 17, as: UInt8.self)
            p.storeBytes(of: UInt16(0), toByteOffset: 18, as: UInt16.self)
            p.storeBytes(of: bigTable ? UInt8(0) : UInt8(truncatingIfNeeded: table), toByteOffset: 20, as: UInt8.self)
            p.storeBytes(of: `protocol`.rawValue, toByteOffset: 21, as: UInt8.self)
            p.storeBytes(of: RouteScope.universe.rawValue, toByteOffset: 22, as: UInt8.self)
            p.storeBytes(of: RouteType.unicast.rawValue, toByteOffset: 23, as: UInt8.self)
            p.storeBytes(of: UInt32(0), toByteOffset: 24, as: UInt32.self)
            var o = 28
            switch prefix {
            case .v4(let v) where v.length > 0:
                p.storeBytes(of: UInt32(0x0001_0008), toByteOffset: o, as: UInt32.self)   // len 8, RTA_DST
                p.storeBytes(of: v.address.value.bigEndian, toByteOffset: o + 4, as: UInt32.self)
                o += 8
            case .v6(let v) where v.length > 0:
                p.storeBytes(of: UInt32(0x0001_0014), toByteOffset: o, as: UInt32.self)   // len 20, RTA_DST
                p.storeBytes(of: v.address.high.bigEndian, toByteOffset: o + 4, as: UInt64.self)
                p.storeBytes(of: v.address.low.bigEndian, toByteOffset: o + 12, as: UInt64.self)
                o += 20
            default:
                break
            }
            p.storeBytes(of: UInt32(0x001E_0008), toByteOffset: o, as: UInt32.self)       // len 8, RTA_NH_ID
            p.storeBytes(of: nexthopID, toByteOffset: o + 4, as: UInt32.self)
            p.storeBytes(of: UInt32(0x0006_0008), toByteOffset: o + 8, as: UInt32.self)   // len 8, RTA_PRIORITY
            p.storeBytes(of: metric, toByteOffset: o + 12, as: UInt32.self)
            if bigTable {
                p.storeBytes(of: UInt32(0x000F_0008), toByteOffset: o + 16, as: UInt32.self)   // len 8, RTA_TABLE
                p.storeBytes(of: table, toByteOffset: o + 20, as: UInt32.self)
            }
        }
    }
}
