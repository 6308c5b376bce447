// The control protocol between `bgpd show ...` and the running daemon: JSON lines over a Unix
// socket. The client writes one `ControlRequest` object and a newline; the daemon answers with
// one `ControlReply` object and a newline, and keeps the connection open for further requests.
// Types are Codable so that `--json` output is exactly what travels on the socket, and stable
// for scripts (new fields may be added, existing ones keep their meaning).

/// A request to the daemon.
struct ControlRequest: Codable, Hashable, Sendable {
    enum Command: String, Codable, Sendable {
        case summary, neighbors, routes, version
        /// The routes bgpd installed in the kernel, with next hops and nexthop objects.
        case fib
        /// Ask `neighbor` to send its routes again (ROUTE-REFRESH, RFC 2918), for `family` or
        /// every negotiated family.
        case refresh
        /// Each neighbour's import and export policy and the declared policies and prefix lists.
        case policy
    }
    var command: Command
    /// For `routes`: ipv4-unicast, ipv6-unicast or l2vpn-evpn; nil for all.
    var family: String?
    /// For `neighbors`: one neighbour (as shown in the summary's `neighbor` column).
    var neighbor: String?
    /// For `routes` and `fib`: only prefixes equal to this one.
    var prefix: String?
    /// For `fib`: list at most this many routes (the reply says how many there are).
    var limit: Int?
    /// For `policy`: only this policy and the neighbours using it.
    var name: String?
}

/// The daemon's answer: exactly one of the payloads, or `error`.
struct ControlReply: Codable, Sendable {
    var error: String?
    var summary: SummaryReply?
    var neighbors: [NeighborDetail]?
    var routes: [RouteEntry]?
    var version: VersionReply?
    var fib: FIBReply?
    /// For commands that only report what they did.
    var message: String?
    var policy: PolicyReply?
}

struct VersionReply: Codable, Hashable, Sendable {
    var version: String
    var pid: Int32
    var uptimeSeconds: Int
    var configFile: String
    /// When the running config was loaded (seconds since the epoch) and how many reloads failed.
    var configLoadedAt: Double
    var failedReloads: Int
}

/// `bgpd show summary`: built from running counters only (never a table walk), so it stays
/// instant with a million routes and can be polled.
struct SummaryReply: Codable, Hashable, Sendable {
    var routerID: String
    var asn: UInt32
    var uptimeSeconds: Int
    /// Routes in the Loc-RIB per family name.
    var locRIB: [String: Int]
    /// Routes installed in the kernel per family name (nil until the FIB writer runs).
    var fib: [String: Int]?
    var neighbors: [PeerSummary]
}

/// One neighbour's line of the summary.
struct PeerSummary: Codable, Hashable, Sendable {
    /// The configured identity: an address, `address%interface` or an interface name.
    var neighbor: String
    var description: String?
    /// The peer's AS once known (from config or its OPEN).
    var remoteAS: UInt32?
    /// Idle, Connect, Active, OpenSent, OpenConfirm, Established; or Shutdown (admin down).
    var state: String
    /// Seconds since the session entered or left Established; nil if it never was.
    var upDownSeconds: Int?
    var messagesReceived: UInt64
    var messagesSent: UInt64
    var prefixesReceived: Int
    var prefixesAccepted: Int
    var prefixesSent: Int
}

/// `bgpd show neighbors`: everything about one session.
struct NeighborDetail: Codable, Hashable, Sendable {
    var summary: PeerSummary
    /// Where the session runs, e.g. `[fe80::1%2]:179`.
    var localEndpoint: String?
    var remoteEndpoint: String?
    var remoteRouterID: String?
    var negotiatedHoldTime: Int?
    var keepaliveInterval: Int?
    /// Negotiated capabilities in words: "4-octet-as", "route-refresh", "extended-next-hop ipv4-unicast", ...
    var capabilities: [String]
    var families: [String]
    /// Per family: received, accepted, sent, and stale (kept for a restarting peer).
    var prefixes: [String: FamilyCounts]
    var messages: MessageCounts
    var lastError: SessionError?
    /// How many times the session reached Established and went down.
    var establishedTransitions: Int
    var droppedTransitions: Int
    var unnumbered: UnnumberedInfo?
    var options: [String]
}

struct FamilyCounts: Codable, Hashable, Sendable {
    var received: Int
    var accepted: Int
    var sent: Int
    var stale: Int
}

/// Messages per type, each way.
struct MessageCounts: Codable, Hashable, Sendable {
    var received: [String: UInt64]
    var sent: [String: UInt64]
}

/// The last NOTIFICATION sent or received (or the last transport error), decoded.
struct SessionError: Codable, Hashable, Sendable {
    /// "sent", "received" or "local" (a TCP error, a hold timer expiry we detected ...).
    var direction: String
    var code: Int?
    var subcode: Int?
    /// "Cease/Administrative Shutdown: maintenance" and the like.
    var text: String
    /// Seconds since the epoch.
    var at: Double
}

struct UnnumberedInfo: Codable, Hashable, Sendable {
    var interface: String
    var interfaceIndex: UInt32
    var localLinkLocal: String
    var peerLinkLocal: String?
    var peerMAC: String?
    var learntFrom: String?
}

/// `bgpd show routes`: one prefix (or EVPN route) and all its paths.
struct RouteEntry: Codable, Hashable, Sendable {
    var family: String
    var prefix: String
    var paths: [PathEntry]
}

struct PathEntry: Codable, Hashable, Sendable {
    /// The neighbour the path came from, or "local" for `networks`.
    var from: String
    var pathID: UInt32?
    var best: Bool
    var stale: Bool
    var nextHops: [String]
    var asPath: String
    var origin: String
    var med: UInt32?
    var localPref: UInt32?
    var communities: [String]
    var largeCommunities: [String]
    var extendedCommunities: [String]
}

/// `bgpd show fib`: what the FIB writer holds and the kernel forwards with.
struct FIBReply: Codable, Hashable, Sendable {
    /// Kernel routing table, metric and protocol number of our routes (254, 20, 186 by default).
    var table: UInt32
    var metric: UInt32
    var routeProtocol: Int
    /// "nexthop-objects" (routes point at shared nexthop objects and groups) or "multipath".
    var mode: String
    /// False while routes of a previous run are kept in place until the RIB has converged.
    var converged: Bool
    /// Routes that matched the request; `routes` may list fewer (see `limit`).
    var totalRoutes: Int
    var routes: [FIBRouteEntry]
    var nexthopObjects: [FIBNexthopEntry]
    var statistics: FIBStatisticsEntry
}

struct FIBRouteEntry: Codable, Hashable, Sendable {
    var prefix: String
    /// unicast, blackhole, unreachable; "adopted" for a route a previous run left and nobody
    /// claimed yet.
    var type: String
    /// The next hops the RIB asked for.
    var nextHops: [FIBHopEntry]
    /// The next hops the kernel forwards to now (fewer while a link is down).
    var activeNextHops: [FIBHopEntry]
    /// The nexthop object or group the route points at (RTA_NH_ID).
    var nexthopID: UInt32?
    var installed: Bool
    var stale: Bool
    /// "offload", "trap", "offload-failed" as the kernel (a switchdev driver) reported them.
    var offload: [String]
    var error: String?
}

struct FIBHopEntry: Codable, Hashable, Sendable {
    var gateway: String?
    var interface: String?
    var interfaceIndex: UInt32
    var weight: Int
    var onlink: Bool
}

struct FIBNexthopEntry: Codable, Hashable, Sendable {
    var id: UInt32
    /// Set for a single next hop.
    var nextHop: FIBHopEntry?
    /// Set for a group: wanted members and the ones the kernel's group holds now.
    var members: [FIBGroupMember]?
    var activeMembers: [FIBGroupMember]?
    var references: Int
    var installed: Bool
    var error: String?
}

struct FIBGroupMember: Codable, Hashable, Sendable {
    var id: UInt32
    var weight: Int
}

struct FIBStatisticsEntry: Codable, Hashable, Sendable {
    var messagesSent: Int
    var batchesSent: Int
    var failures: Int
    var resyncs: Int
    var repairs: Int
    var retries: Int
    var routesInstalled: Int
    var objectsInstalled: Int
}
