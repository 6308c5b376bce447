// The daemon's configuration as typed values. `ConfigLoader` builds it from YAML text; nothing
// here reads files. Every value has already been validated: code that reads a `Config` never
// checks a prefix, an ASN or a timer again. docs/config.md describes each key.

import BGP
import NetAddress
import RIB

/// The whole configuration of one bgpd.
struct Config: Hashable, Sendable {
    /// Our AS number (4-octet).
    var asn: UInt32
    /// Our BGP identifier.
    var routerID: IPv4Address
    var listen: ListenConfig = ListenConfig()
    /// Defaults for every neighbour; a neighbour's own keys override them.
    var timers: TimerConfig = TimerConfig()
    var gracefulRestart: GracefulRestartConfig = GracefulRestartConfig()
    var neighbors: [NeighborConfig] = []
    /// Prefixes announced to every neighbour whether or not a kernel route exists.
    var networks: [IPPrefix] = []
    /// Kernel route sources announced as our own routes (`redistribute:`).
    var redistribute: Set<LocalRouteSource> = []
    /// Where `bgpd show` reaches the daemon.
    var controlSocket: String = Config.defaultControlSocket
    /// The pidfile, or nil for none.
    var pidFile: String? = Config.defaultPidFile
    /// The Prometheus endpoint, or nil when metrics are off.
    var metrics: MetricsConfig?
    var fib: FIBConfig = FIBConfig()
    /// Router advertisements on unnumbered interfaces.
    var routerAdvertisements: RAConfig = RAConfig()
    /// RFC 8212: an eBGP neighbour without an import or export policy exchanges no routes.
    /// `false` (like FRR's `no bgp ebgp-requires-policy`, or `policy: accept-all` in the file)
    /// accepts and sends everything.
    var ebgpRequiresPolicy: Bool = true
    /// The largest ECMP set installed in the kernel (FRR's `maximum-paths`).
    var maximumPaths: Int = 64
    /// Paths from different neighbour ASes with AS paths of equal length form one ECMP set
    /// (FRR's `bgp bestpath as-path multipath-relax`): a host with two ToRs in two ASes needs it.
    var multipathRelax: Bool = false
    /// Named prefix lists (`prefix-lists:`), in the order of the file.
    var prefixLists: [PrefixList] = []
    /// Named policies (`policies:`), in the order of the file; neighbours hold resolved copies.
    var policies: [Policy] = []

    static let defaultControlSocket = "/run/bgpd/bgpd.sock"
    static let defaultPidFile = "/run/bgpd/bgpd.pid"
}

/// Where bgpd accepts BGP connections.
struct ListenConfig: Hashable, Sendable {
    /// `::` listens dual-stack on every address.
    var address: IPAddress = .v6(.zero)
    var port: UInt16 = 179
    /// false: bgpd only connects out (useful for tests and for several daemons on one host).
    var enabled: Bool = true
}

/// Session timers in seconds (RFC 4271 section 10).
struct TimerConfig: Hashable, Sendable {
    /// 0, or at least 3 (RFC 4271 section 4.2).
    var holdTime: UInt16 = 90
    /// Sent every this often; by default a third of the hold time, as RFC 4271 suggests.
    var keepalive: UInt16? = nil
    var connectRetry: UInt16 = 30

    /// The keepalive interval actually used for a given negotiated hold time.
    func keepaliveInterval(negotiatedHoldTime: UInt16) -> UInt16 {
        if negotiatedHoldTime == 0 { return 0 }
        let third = max(1, negotiatedHoldTime / 3)
        return min(keepalive ?? third, third)
    }
}

/// Graceful restart (RFC 4724): we act as a helper for restarting peers and advertise the
/// capability with this restart time.
struct GracefulRestartConfig: Hashable, Sendable {
    var enabled: Bool = true
    /// Seconds a peer may take to come back before its stale routes are removed; 12 bits.
    var restartTime: UInt16 = 120
    /// Advertise IPv4 and IPv6 unicast in our capability, so that peers keep forwarding to us
    /// while bgpd restarts: the kernel routes survive a crash (and a `keep-on-exit` stop), and a
    /// restarted bgpd adopts them. The forwarding-state bit is set when it found them.
    var preserveForwarding: Bool = true
}

/// The metrics endpoint.
struct MetricsConfig: Hashable, Sendable {
    var address: IPAddress
    var port: UInt16
}

/// What bgpd does with the kernel's routing table.
struct FIBConfig: Hashable, Sendable {
    /// Install best routes in the kernel.
    var install: Bool = true
    /// Leave installed routes in the kernel when the daemon stops (so forwarding continues
    /// through a restart); by default they are withdrawn.
    var keepOnExit: Bool = false
}

/// Router advertisements sent on interfaces with unnumbered neighbours.
struct RAConfig: Hashable, Sendable {
    /// Seconds between advertisements once the first few (one a second) have gone out.
    var interval: UInt16 = 10
    /// How many advertisements go out one second apart after an interface comes up, before
    /// the interval applies (FRR sends 5 at 1 s, then every 10 s).
    var fastCount: Int = 4
    /// Router lifetime in the advertisement. 0 tells hosts not to use us as default router;
    /// peers still learn our link-local address from it.
    var lifetime: UInt16 = 0
}

/// How the peer of a neighbour is found.
enum PeerIdentity: Hashable, Sendable, CustomStringConvertible {
    /// A fixed address; a link-local IPv6 address needs `interface` for its scope.
    case address(IPAddress, interface: String?)
    /// Unnumbered: the peer's link-local address is learnt on this interface.
    case interface(String)

    var description: String {
        switch self {
        case .address(let a, let i?): return "\(a)%\(i)"
        case .address(let a, nil): return a.description
        case .interface(let i): return i
        }
    }

    var interfaceName: String? {
        switch self {
        case .address(_, let i): return i
        case .interface(let i): return i
        }
    }

    var address: IPAddress? {
        if case .address(let a, _) = self { return a }
        return nil
    }
}

/// The peer's AS as configured.
enum RemoteAS: Hashable, Sendable, CustomStringConvertible {
    /// Any AS but ours (eBGP).
    case external
    /// Our own AS (iBGP).
    case `internal`
    case number(UInt32)

    /// Whether the AS a peer announced in its OPEN is acceptable.
    func accepts(_ asn: UInt32, localAS: UInt32) -> Bool {
        switch self {
        case .external: return asn != localAS
        case .internal: return asn == localAS
        case .number(let n): return asn == n
        }
    }

    var description: String {
        switch self {
        case .external: return "external"
        case .internal: return "internal"
        case .number(let n): return String(n)
        }
    }
}

/// How we encode the IPv6 next hop of routes sent over a link-local-only session: FRR's
/// `[LL, LL]` (`double`, the default), BIRD's `[::, LL]` (`native`) or a bare `[LL]` (`single`).
enum LinkLocalNextHopFormat: String, Hashable, Sendable, CaseIterable {
    case double, native, single
}

/// One neighbour.
struct NeighborConfig: Hashable, Sendable {
    var peer: PeerIdentity
    var remoteAS: RemoteAS
    var port: UInt16 = 179
    var description: String?
    /// TCP-MD5 key (RFC 2385), at most 80 bytes.
    var password: String?
    /// GTSM (RFC 5082): send with TTL 255, accept only TTL >= 254.
    var ttlSecurity: Bool = false
    var families: [Family] = [.ipv4Unicast, .ipv6Unicast]
    /// ADD-PATH directions we advertise for every family of the session (RFC 7911).
    var addPath: AddPathDirection = []
    var timers: TimerConfig
    /// Never connect out; only accept.
    var passive: Bool = false
    /// Administratively down: no connection in or out.
    var shutdown: Bool = false
    /// Local address to connect from.
    var sourceAddress: IPAddress?
    /// Offer RFC 8950 extended next hop for IPv4 unicast. On by default for unnumbered peers.
    var extendedNextHop: Bool
    var linkLocalNextHop: LinkLocalNextHopFormat = .double
    var gracefulRestart: Bool
    /// Import policy (`import:`), resolved from its name; nil: the default (RFC 8212 for eBGP
    /// unless `policy: accept-all`, accept for iBGP).
    var importPolicy: Policy?
    /// Export policy (`export:`), as `importPolicy`.
    var exportPolicy: Policy?
    /// Keep routes as received so a new import policy applies without ROUTE-REFRESH.
    var softReconfiguration: Bool = false
    /// Pass MULTI_EXIT_DISC on to this eBGP neighbour.
    var sendMED: Bool = false
    /// Our address as next hop towards this iBGP neighbour too.
    var nextHopSelf: Bool = false
    /// The neighbour is a route-reflector client of ours (RFC 4456).
    var routeReflectorClient: Bool = false

    /// The key sessions are found by: the same address on two interfaces is two neighbours.
    var key: PeerKey { PeerKey(peer) }
}

/// The identity of a session: (interface, address). Unnumbered neighbours are keyed by their
/// interface alone until the peer's address is learnt; the key never changes after that, so
/// parallel links with identical link-local addresses stay distinct (SONiC issue 12042).
struct PeerKey: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    var interface: String?
    var address: String?

    init(interface: String?, address: String?) {
        self.interface = interface
        self.address = address
    }

    init(_ identity: PeerIdentity) {
        switch identity {
        case .address(let a, let i):
            // A global address is the same peer whatever interface it was written with.
            let scoped = a.v6.map { $0.isLinkLocal } ?? false
            self.init(interface: scoped ? i : nil, address: a.description)
        case .interface(let i):
            self.init(interface: i, address: nil)
        }
    }

    var description: String {
        switch (address, interface) {
        case (let a?, let i?): return "\(a)%\(i)"
        case (let a?, nil): return a
        case (nil, let i?): return i
        case (nil, nil): return "?"
        }
    }

    static func < (a: PeerKey, b: PeerKey) -> Bool { a.description < b.description }
}
