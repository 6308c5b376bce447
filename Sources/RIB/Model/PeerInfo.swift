import BGP
import NetAddress

/// A peer as the RIB knows it: an opaque number chosen by the daemon, stable for the life of the
/// neighbour configuration (it survives session flaps, so stale routes can be matched to it).
public struct PeerID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public var description: String { "peer\(rawValue)" }
    public static func < (a: PeerID, b: PeerID) -> Bool { a.rawValue < b.rawValue }
}

/// How next-hop-self is written in MP_REACH_NLRI for a directly connected IPv6 (or RFC 8950) peer
/// whose interface has no global IPv6 address.
///
/// FRR writes the link-local address in both slots (`[LL, LL]`, 32 bytes); BIRD's `native` writes
/// `[::, LL]`; its `single` writes the link-local address alone (16 bytes), which some vendors
/// insist on. FRR and BIRD accept all three.
public enum LinkLocalNextHopMode: String, Hashable, Sendable, CaseIterable {
    /// `[LL, LL]`, as FRR sends (the default: it is what FRR peers expect).
    case double
    /// `[::, LL]`, as BIRD's `native`.
    case native
    /// `[LL]` alone, 16 bytes.
    case single
}

/// Everything the RIB needs to know about an established session. The daemon builds it from the
/// neighbour configuration and the negotiated OPEN.
public struct PeerInfo: Hashable, Sendable {
    public var id: PeerID
    /// The peer's address on the session (its link-local address for an unnumbered peer).
    public var address: IPAddress
    /// The peer's AS.
    public var asn: UInt32
    /// The peer's BGP identifier from its OPEN.
    public var routerID: IPv4Address
    /// The interface the session runs over, for a directly connected or unnumbered peer (Linux
    /// ifindex). Link-local next hops from this peer are scoped to it.
    public var interfaceIndex: UInt32?
    /// Our IPv4 address on the session, used as next-hop-self for IPv4 NLRI sent without RFC 8950.
    public var localIPv4: IPv4Address?
    /// Our global IPv6 address on the session's interface or source, if there is one.
    public var localIPv6: IPv6Address?
    /// Our link-local address on the session's interface, if directly connected.
    public var localLinkLocal: IPv6Address?
    /// Families negotiated on the session (both sides advertised them).
    public var families: Set<Family>
    /// Families for which we send IPv4 NLRI with an IPv6 next hop (RFC 8950 negotiated).
    public var extendedNextHop: Set<Family>
    /// Families in which we send path identifiers (ADD-PATH send negotiated). Only the best path
    /// is sent, with path identifier 1.
    public var addPathSend: Set<Family>
    /// The peer is a route-reflector client of ours (RFC 4456).
    public var routeReflectorClient: Bool
    /// Keep every route as received, before import policy, so a policy change is applied without
    /// asking the peer to resend (the pre-policy Adj-RIB-In).
    public var softReconfiguration: Bool
    /// Import policy. `nil` means the default: accept for iBGP; for eBGP, RFC 8212 (nothing) unless
    /// `RIBConfig.defaultEBGPPolicy` says otherwise.
    public var importPolicy: Policy?
    /// Export policy, with the same defaults as `importPolicy`.
    public var exportPolicy: Policy?
    /// Set our own address as next hop also towards this iBGP peer (always done for eBGP).
    public var nextHopSelf: Bool
    /// Pass MULTI_EXIT_DISC on to this eBGP peer (by default it is removed, RFC 4271 5.1.4).
    public var sendMED: Bool
    /// How to write a link-local-only next hop to this peer.
    public var linkLocalNextHop: LinkLocalNextHopMode

    public init(id: PeerID, address: IPAddress, asn: UInt32, routerID: IPv4Address,
                interfaceIndex: UInt32? = nil, localIPv4: IPv4Address? = nil, localIPv6: IPv6Address? = nil,
                localLinkLocal: IPv6Address? = nil, families: Set<Family> = [.ipv4Unicast],
                extendedNextHop: Set<Family> = [], addPathSend: Set<Family> = [],
                routeReflectorClient: Bool = false, softReconfiguration: Bool = false,
                importPolicy: Policy? = nil, exportPolicy: Policy? = nil, nextHopSelf: Bool = false,
                sendMED: Bool = false, linkLocalNextHop: LinkLocalNextHopMode = .double) {
        self.id = id
        self.address = address
        self.asn = asn
        self.routerID = routerID
        self.interfaceIndex = interfaceIndex
        self.localIPv4 = localIPv4
        self.localIPv6 = localIPv6
        self.localLinkLocal = localLinkLocal
        self.families = families
        self.extendedNextHop = extendedNextHop
        self.addPathSend = addPathSend
        self.routeReflectorClient = routeReflectorClient
        self.softReconfiguration = softReconfiguration
        self.importPolicy = importPolicy
        self.exportPolicy = exportPolicy
        self.nextHopSelf = nextHopSelf
        self.sendMED = sendMED
        self.linkLocalNextHop = linkLocalNextHop
    }
}
