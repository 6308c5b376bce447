import NetAddress

/// Our side of the OPEN: what we advertise to a peer, from local configuration.
public struct OpenConfiguration: Hashable, Sendable {
    public var asn: UInt32
    public var routerID: IPv4Address
    /// Seconds; 0 or at least 3 (FRR's datacenter profile uses 9, RFC 4271 suggests 90).
    public var holdTime: UInt16
    /// The families to advertise, in this order.
    public var families: [Family]
    /// RFC 8950: families we accept with a next hop of another AFI, e.g. IPv4 unicast over IPv6.
    public var extendedNextHop: [ExtendedNextHopEntry]
    /// ADD-PATH per family (RFC 7911).
    public var addPath: [Family: AddPathDirection]
    public var routeRefresh: Bool
    public var enhancedRouteRefresh: Bool
    public var extendedMessage: Bool
    /// FQDN capability: our hostname and domain.
    public var hostname: String?
    public var domain: String?
    /// Our Graceful Restart capability; nil to advertise none.
    public var gracefulRestart: GracefulRestartCapability?
    /// Our Long-Lived Graceful Restart entries (RFC 9494); nil to advertise none.
    public var longLivedGracefulRestart: [LLGREntry]?

    /// Defaults as FRR sends them: IPv4 and IPv6 unicast, both route refresh codes, enhanced
    /// refresh, extended messages and Graceful Restart as helper with the N bit (restart time
    /// 120, no families: we do not claim to preserve forwarding state).
    public init(asn: UInt32, routerID: IPv4Address, holdTime: UInt16 = 90,
                families: [Family] = [.ipv4Unicast, .ipv6Unicast],
                extendedNextHop: [ExtendedNextHopEntry] = [],
                addPath: [Family: AddPathDirection] = [:],
                routeRefresh: Bool = true, enhancedRouteRefresh: Bool = true, extendedMessage: Bool = true,
                hostname: String? = nil, domain: String? = nil,
                gracefulRestart: GracefulRestartCapability? = GracefulRestartCapability(flags: 0x4, restartTime: 120),
                longLivedGracefulRestart: [LLGREntry]? = nil) {
        self.asn = asn
        self.routerID = routerID
        self.holdTime = holdTime
        self.families = families
        self.extendedNextHop = extendedNextHop
        self.addPath = addPath
        self.routeRefresh = routeRefresh
        self.enhancedRouteRefresh = enhancedRouteRefresh
        self.extendedMessage = extendedMessage
        self.hostname = hostname
        self.domain = domain
        self.gracefulRestart = gracefulRestart
        self.longLivedGracefulRestart = longLivedGracefulRestart
    }

    /// Our capabilities, in the order FRR 8.4 sends them (see LAB.md): per family its
    /// multiprotocol capability followed by the RFC 8950 entries for that AFI, then route
    /// refresh (128, 2), enhanced route refresh, 4-octet AS, extended message, ADD-PATH, FQDN,
    /// Graceful Restart and Long-Lived Graceful Restart.
    public var capabilities: [Capability] {
        var caps: [Capability] = []
        var enhDone = Set<AFI>()
        for f in families {
            caps.append(.multiprotocol(f))
            if !enhDone.contains(f.afi) {
                enhDone.insert(f.afi)
                let entries = extendedNextHop.filter { $0.family.afi == f.afi }
                if !entries.isEmpty { caps.append(.extendedNextHop(entries)) }
            }
        }
        if routeRefresh { caps += [.routeRefreshCisco, .routeRefresh] }
        if enhancedRouteRefresh { caps.append(.enhancedRouteRefresh) }
        caps.append(.fourOctetAS(asn))
        if extendedMessage { caps.append(.extendedMessage) }
        let addPathEntries = families.compactMap { f in
            addPath[f].flatMap { $0.isEmpty ? nil : AddPathEntry(family: f, direction: $0) }
        }
        if !addPathEntries.isEmpty { caps.append(.addPath(addPathEntries)) }
        if let hostname { caps.append(.fqdn(hostname: Array(hostname.utf8.prefix(255)), domain: Array((domain ?? "").utf8.prefix(255)))) }
        if let gracefulRestart { caps.append(.gracefulRestart(gracefulRestart)) }
        if let longLivedGracefulRestart { caps.append(.longLivedGracefulRestart(longLivedGracefulRestart)) }
        return caps
    }

    /// Our OPEN: My AS is AS_TRANS when the AS needs 4 octets (RFC 6793 section 4.1).
    public func makeOpen() -> OpenMessage {
        OpenMessage(asn: asn, holdTime: holdTime, bgpIdentifier: routerID, capabilities: capabilities)
    }
}
