import NetAddress

// The neutral requests the FIB writer takes. They say what the kernel should forward, not how:
// the writer decides nexthop objects, groups and netlink messages. Nothing here knows BGP.

/// One next hop of a route.
public struct FIBNextHop: Hashable, Sendable, CustomStringConvertible {
    /// The gateway; nil for a directly connected next hop (device only). An IPv6 link-local
    /// gateway is fine for an IPv4 route (RFC 8950 / unnumbered): the kernel gets RTA_VIA or an
    /// AF_INET6 nexthop object.
    public var gateway: IPAddress?
    /// The output interface index.
    public var interfaceIndex: UInt32
    /// The ECMP weight, 1...256 (values outside are clamped).
    public var weight: Int
    /// The gateway is reachable on the link without a covering address (EVPN type-5 via a VTEP).
    public var onlink: Bool

    public init(gateway: IPAddress?, interfaceIndex: UInt32, weight: Int = 1, onlink: Bool = false) {
        self.gateway = gateway
        self.interfaceIndex = interfaceIndex
        self.weight = min(max(weight, 1), 256)
        self.onlink = onlink
    }

    public var description: String {
        var s = gateway.map { "via \($0) " } ?? ""
        s += "dev #\(interfaceIndex)"
        if weight != 1 { s += " weight \(weight)" }
        if onlink { s += " onlink" }
        return s
    }
}

/// What a route does with packets.
public enum FIBRouteKind: Hashable, Sendable {
    /// Forward to the next hops.
    case unicast
    /// Drop silently (`blackhole`).
    case blackhole
    /// Drop and answer ICMP unreachable (`unreachable`).
    case unreachable
}

/// A route to install: a prefix and its next hops (for `.unicast`).
public struct FIBRoute: Hashable, Sendable {
    public var prefix: IPPrefix
    public var nextHops: [FIBNextHop]
    public var kind: FIBRouteKind

    public init(prefix: IPPrefix, nextHops: [FIBNextHop], kind: FIBRouteKind = .unicast) {
        self.prefix = prefix
        self.nextHops = nextHops
        self.kind = kind
    }

    public static func blackhole(_ prefix: IPPrefix) -> FIBRoute { FIBRoute(prefix: prefix, nextHops: [], kind: .blackhole) }
    public static func unreachable(_ prefix: IPPrefix) -> FIBRoute { FIBRoute(prefix: prefix, nextHops: [], kind: .unreachable) }
}

/// One change in a batch. `add` and `replace` both make the kernel hold exactly this route
/// (make-before-break, NLM_F_REPLACE); `delete` removes our route for the prefix.
public enum FIBChange: Hashable, Sendable {
    case add(FIBRoute)
    case replace(FIBRoute)
    case delete(IPPrefix)
}

/// How the writer runs. The defaults suit bgpd on a host: main table, metric 20 (FRR's eBGP
/// distance, so `ip route` looks familiar), protocol bgp (186), nexthop objects on.
public struct FIBConfiguration: Sendable {
    /// Run inside `/run/netns/<namespace>` (tests, benchmarks); nil for the current namespace.
    public var namespace: String?
    /// The routing table for our routes.
    public var table: UInt32 = RouteTable.main
    /// The metric (RTA_PRIORITY) of our routes.
    public var metric: UInt32 = 20
    /// `rtm_protocol` of our routes: how we recognise them at start-up and never touch others'.
    public var routeProtocol: RouteProtocol = .bgp
    /// `nh_protocol` of our nexthop objects (together with `nexthopIDs`, how we recognise ours).
    public var nexthopProtocol: RouteProtocol = .bgp
    /// Our nexthop object ids. The default range reads as "186 million", after RTPROT_BGP.
    public var nexthopIDs: ClosedRange<UInt32> = 186_000_000...186_999_999
    /// Kernel nexthop objects and groups (true), or inline RTA_MULTIPATH routes (false).
    public var useNexthopObjects = true
    /// Routes left by a previous run are removed this long after `start()` unless `converged()`
    /// comes first. Nil: only `converged()` removes them.
    public var staleRouteTimeout: Duration? = .seconds(300)
    /// Bytes of requests per sendmsg(2).
    public var batchBytes = 256 << 10
    /// Encode the next batch of routes while the kernel processes the previous one (on the
    /// sender thread). Off: each batch is sent and answered before the next is encoded.
    public var pipelineBatches = true
    /// Watch links, addresses, neighbours, routes and nexthops (needed for fast failover).
    public var monitor = true
    /// Set net.ipv{4,6}.fib_notify_on_flag_change = 1 so the kernel reports offload flag changes.
    public var enableOffloadNotifications = true
    /// Sets net.ipv4.nexthop_compat_mode at start (nil: leave it). The default turns it off when
    /// nexthop objects are used: in compat mode the kernel re-announces every route using a
    /// nexthop object or group whenever that object changes, a walk of the whole FIB per group
    /// replace (about 1 s with a million routes, all under the RTNL lock) that undoes the O(1)
    /// failover nexthop objects exist for. The kernel documents turning it off once the system
    /// understands the nexthop API. Visible effect: `ip route` shows `nhid N` without the expanded
    /// next hops (`ip nexthop` and `bgpd show fib` have them).
    public var nexthopCompatMode: Bool? = false
    /// Socket options of the request socket.
    public var socketOptions = NetlinkSocket.Options()
    /// Receive buffer of the monitor socket. Too small, and a burst of changes by others overruns
    /// it: the writer then re-reads the kernel (a resync), which is correct but slower.
    public var monitorReceiveBufferSize = 16 << 20

    public init(namespace: String? = nil) {
        self.namespace = namespace
    }
}
