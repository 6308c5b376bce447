import NetAddress

// rtmsg field values from linux/rtnetlink.h, as small RawRepresentable types so that values the
// kernel adds later still decode (and print as numbers).

/// `rtm_type`.
public struct RouteType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let unspecified = Self(rawValue: 0)
    public static let unicast = Self(rawValue: 1)
    public static let local = Self(rawValue: 2)
    public static let broadcast = Self(rawValue: 3)
    public static let anycast = Self(rawValue: 4)
    public static let multicast = Self(rawValue: 5)
    public static let blackhole = Self(rawValue: 6)
    public static let unreachable = Self(rawValue: 7)
    public static let prohibit = Self(rawValue: 8)
    public static let `throw` = Self(rawValue: 9)
}

/// `rtm_protocol` (also `nh_protocol`, `NDA_PROTOCOL`, `IFA_PROTO`): who installed the entry.
public struct RouteProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let unspecified = Self(rawValue: 0)
    public static let redirect = Self(rawValue: 1)
    public static let kernel = Self(rawValue: 2)
    public static let boot = Self(rawValue: 3)
    public static let `static` = Self(rawValue: 4)
    public static let zebra = Self(rawValue: 11)
    public static let bird = Self(rawValue: 12)
    public static let dhcp = Self(rawValue: 16)
    /// RTPROT_BGP, what `ip route` shows as `proto bgp`.
    public static let bgp = Self(rawValue: 186)
    public static let isis = Self(rawValue: 187)
    public static let ospf = Self(rawValue: 188)

    public var description: String {
        switch self {
        case .kernel: return "kernel"
        case .boot: return "boot"
        case .static: return "static"
        case .zebra: return "zebra"
        case .bird: return "bird"
        case .dhcp: return "dhcp"
        case .bgp: return "bgp"
        default: return String(rawValue)
        }
    }
}

/// `rtm_scope` / `nh_scope`.
public struct RouteScope: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let universe = Self(rawValue: 0)
    public static let site = Self(rawValue: 200)
    public static let link = Self(rawValue: 253)
    public static let host = Self(rawValue: 254)
    public static let nowhere = Self(rawValue: 255)
}

/// `rtm_flags` (RTM_F_*) and, in the low byte, the RTNH_F_* next-hop flags of single-path routes.
public struct RouteFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let dead = Self(rawValue: 0x01)
    public static let onlink = Self(rawValue: 0x04)
    public static let linkDown = Self(rawValue: 0x10)
    public static let notify = Self(rawValue: 0x100)
    public static let cloned = Self(rawValue: 0x200)
    public static let lookupTable = Self(rawValue: 0x1000)
    public static let fibMatch = Self(rawValue: 0x2000)
    /// The route is forwarded in hardware (switchdev).
    public static let offload = Self(rawValue: 0x4000)
    /// The route traps packets to the CPU (e.g. host routes on mlxsw).
    public static let trap = Self(rawValue: 0x8000)
    /// The driver failed to program the route.
    public static let offloadFailed = Self(rawValue: 0x2000_0000)
}

/// RTNH_F_* flags of one next hop (`rtnh_flags`, `nh_flags`).
public struct NextHopFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let dead = Self(rawValue: 0x01)
    public static let pervasive = Self(rawValue: 0x02)
    /// The gateway is on the link even if no address says so (EVPN type-5 via a VTEP).
    public static let onlink = Self(rawValue: 0x04)
    public static let offload = Self(rawValue: 0x08)
    public static let linkDown = Self(rawValue: 0x10)
    public static let unresolved = Self(rawValue: 0x20)
    public static let trap = Self(rawValue: 0x40)
}

/// Routing table ids with names.
public enum RouteTable {
    public static let unspecified: UInt32 = 0
    /// What `rtm_table` holds when the real id (in RTA_TABLE) does not fit a byte.
    public static let compat: UInt32 = 252
    public static let `default`: UInt32 = 253
    public static let main: UInt32 = 254
    public static let local: UInt32 = 255
}
