import NetAddress

// The netlink message header and the constants that go in it (linux/netlink.h, rtnetlink.h).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                          nlmsg_len                            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          nlmsg_type           |          nlmsg_flags          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                          nlmsg_seq                            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                          nlmsg_pid                            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/// `struct nlmsghdr`: 16 bytes in host byte order.
public struct NetlinkHeader: Hashable, Sendable {
    /// Length of the message including this header.
    public var length: UInt32
    public var type: NetlinkMessageType
    public var flags: NetlinkFlags
    public var sequence: UInt32
    /// Port id of the sender (0 = the kernel), or of the requester in notifications.
    public var portID: UInt32

    public static let size = 16

    public init(length: UInt32 = 0, type: NetlinkMessageType, flags: NetlinkFlags, sequence: UInt32, portID: UInt32 = 0) {
        self.length = length
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.portID = portID
    }

    /// Reads a header; nil if fewer than 16 bytes are left.
    public init?(reading r: inout NetlinkReader) {
        guard let len = r.u32(), let type = r.u16(), let flags = r.u16(), let seq = r.u32(), let pid = r.u32() else { return nil }
        self.init(length: len, type: NetlinkMessageType(rawValue: type), flags: NetlinkFlags(rawValue: flags), sequence: seq, portID: pid)
    }
}

/// `nlmsg_type`: control messages (below 16) and the rtnetlink families this module speaks.
public struct NetlinkMessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let noop = Self(rawValue: 1)
    public static let error = Self(rawValue: 2)
    public static let done = Self(rawValue: 3)
    public static let overrun = Self(rawValue: 4)
    public static let newLink = Self(rawValue: 16)
    public static let deleteLink = Self(rawValue: 17)
    public static let getLink = Self(rawValue: 18)
    public static let newAddress = Self(rawValue: 20)
    public static let deleteAddress = Self(rawValue: 21)
    public static let getAddress = Self(rawValue: 22)
    public static let newRoute = Self(rawValue: 24)
    public static let deleteRoute = Self(rawValue: 25)
    public static let getRoute = Self(rawValue: 26)
    public static let newNeighbor = Self(rawValue: 28)
    public static let deleteNeighbor = Self(rawValue: 29)
    public static let getNeighbor = Self(rawValue: 30)
    public static let newNexthop = Self(rawValue: 104)
    public static let deleteNexthop = Self(rawValue: 105)
    public static let getNexthop = Self(rawValue: 106)

    public var description: String {
        switch self {
        case .noop: return "NLMSG_NOOP"
        case .error: return "NLMSG_ERROR"
        case .done: return "NLMSG_DONE"
        case .overrun: return "NLMSG_OVERRUN"
        case .newLink: return "RTM_NEWLINK"
        case .deleteLink: return "RTM_DELLINK"
        case .getLink: return "RTM_GETLINK"
        case .newAddress: return "RTM_NEWADDR"
        case .deleteAddress: return "RTM_DELADDR"
        case .getAddress: return "RTM_GETADDR"
        case .newRoute: return "RTM_NEWROUTE"
        case .deleteRoute: return "RTM_DELROUTE"
        case .getRoute: return "RTM_GETROUTE"
        case .newNeighbor: return "RTM_NEWNEIGH"
        case .deleteNeighbor: return "RTM_DELNEIGH"
        case .getNeighbor: return "RTM_GETNEIGH"
        case .newNexthop: return "RTM_NEWNEXTHOP"
        case .deleteNexthop: return "RTM_DELNEXTHOP"
        case .getNexthop: return "RTM_GETNEXTHOP"
        default: return "type \(rawValue)"
        }
    }
}

/// `nlmsg_flags`. Several bits mean different things for GET, NEW and ACK messages, as in the kernel.
public struct NetlinkFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let request = Self(rawValue: 0x01)
    /// Part of a multipart answer (dumps); ends with NLMSG_DONE.
    public static let multi = Self(rawValue: 0x02)
    public static let ack = Self(rawValue: 0x04)
    public static let echo = Self(rawValue: 0x08)
    /// The dump was interrupted by a change; its result may be inconsistent.
    public static let dumpInterrupted = Self(rawValue: 0x10)
    public static let dumpFiltered = Self(rawValue: 0x20)
    // GET requests
    public static let root = Self(rawValue: 0x100)
    public static let match = Self(rawValue: 0x200)
    public static let dump: Self = [.root, .match]
    // NEW requests
    public static let replace = Self(rawValue: 0x100)
    public static let exclusive = Self(rawValue: 0x200)
    public static let create = Self(rawValue: 0x400)
    public static let append = Self(rawValue: 0x800)
    // DELETE requests
    public static let bulk = Self(rawValue: 0x200)
    // ACK / error messages
    /// The echoed request was cut to its header (NETLINK_CAP_ACK).
    public static let capped = Self(rawValue: 0x100)
    /// Extended ACK attributes follow the echoed request (NETLINK_EXT_ACK).
    public static let ackTLVs = Self(rawValue: 0x200)
}

/// Address families used in rtnetlink messages.
public struct AddressFamily: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let unspecified = Self(rawValue: 0)
    public static let inet = Self(rawValue: 2)
    public static let bridge = Self(rawValue: 7)
    public static let inet6 = Self(rawValue: 10)

    /// The family of an address.
    public init(_ a: IPAddress) { self = a.isV4 ? .inet : .inet6 }
}
