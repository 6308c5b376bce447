import NetAddress

/// The fields of a route message that the writer reconciles on, read straight from the buffer
/// without building attribute arrays: start-up reads every route of ours, possibly a million.
/// Decoding is total like the rest: a malformed message gives nil.
public struct RouteSummary: Hashable, Sendable {
    public var destination: IPPrefix
    /// RTA_TABLE when present, else `rtm_table`.
    public var table: UInt32
    public var `protocol`: RouteProtocol
    public var type: RouteType
    public var flags: RouteFlags
    /// RTA_PRIORITY (0 when absent).
    public var priority: UInt32
    /// RTA_NH_ID.
    public var nexthopID: UInt32?

    public init(destination: IPPrefix, table: UInt32, protocol: RouteProtocol, type: RouteType, flags: RouteFlags,
                priority: UInt32, nexthopID: UInt32?) {
        self.destination = destination
        self.table = table
        self.protocol = `protocol`
        self.type = type
        self.flags = flags
        self.priority = priority
        self.nexthopID = nexthopID
    }

    /// Reads the body of an RTM_NEWROUTE (the bytes after the netlink header).
    public init?(bytes: [UInt8], body: Range<Int>) {
        var r = NetlinkReader(bytes, range: body)
        guard let family = r.u8(), let dstLen = r.u8(), r.skip(2), let table = r.u8(), let proto = r.u8(), r.skip(1),
              let type = r.u8(), let flags = r.u32() else { return nil }
        var dst: IPAddress?
        var tableID = UInt32(table), priority: UInt32 = 0
        var nhid: UInt32?
        while r.remaining >= 4 {
            guard let len = r.u16(), let kind = r.u16(), len >= 4, Int(len) - 4 <= r.remaining else { return nil }
            let valueLength = Int(len) - 4
            switch kind {
            case RouteAttribute.Kind.destination: dst = AttributeValue.address(bytes, at: r.offset, count: valueLength)
            case RouteAttribute.Kind.table where valueLength == 4: tableID = r.peekU32() ?? tableID
            case RouteAttribute.Kind.priority where valueLength == 4: priority = r.peekU32() ?? 0
            case RouteAttribute.Kind.nexthopID where valueLength == 4: nhid = r.peekU32()
            default: break
            }
            guard r.skip(valueLength) else { return nil }
            r.align()
        }
        let prefix: IPPrefix?
        switch (family, dst) {
        case (AddressFamily.inet.rawValue, .v4(let a)?): prefix = IPv4Prefix(address: a, length: dstLen).map(IPPrefix.v4)
        case (AddressFamily.inet.rawValue, nil): prefix = IPv4Prefix(address: .zero, length: dstLen).map(IPPrefix.v4)
        case (AddressFamily.inet6.rawValue, .v6(let a)?): prefix = IPv6Prefix(address: a, length: dstLen).map(IPPrefix.v6)
        case (AddressFamily.inet6.rawValue, nil): prefix = IPv6Prefix(address: .zero, length: dstLen).map(IPPrefix.v6)
        default: prefix = nil
        }
        guard let prefix else { return nil }
        self.init(destination: prefix, table: tableID, protocol: RouteProtocol(rawValue: proto), type: RouteType(rawValue: type),
                  flags: RouteFlags(rawValue: flags), priority: priority, nexthopID: nhid)
    }

    /// The same fields from a decoded message (monitor path).
    public init?(_ m: RouteMessage) {
        guard let d = m.destination else { return nil }
        self.init(destination: d, table: m.tableID, protocol: m.protocol, type: m.type, flags: m.flags, priority: m.priority,
                  nexthopID: m.nexthopID)
    }
}

extension NetlinkReader {
    /// The next four bytes as a host-order integer, without moving.
    func peekU32() -> UInt32? {
        var copy = self
        return copy.u32()
    }
}
