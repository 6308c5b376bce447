import BGP
import Glibc
import NetAddress
import RIB

/// The translation from configuration to the session layer's and the RIB's settings, kept pure
/// so that it is unit-tested: what we put in our OPEN, what we accept, and what the RIB needs to
/// know about an Established session to build our next hops.
enum SessionSetup {
    /// Our OPEN and session settings for a neighbour.
    /// `restarted`: the kernel held our routes of a previous run at start, so forwarding went on
    /// while bgpd was away.
    static func configuration(_ n: NeighborConfig, global: Config, restarted: Bool = false,
                              hostname: String? = SessionSetup.hostname) -> PeerSessionConfiguration {
        var open = OpenConfiguration(asn: global.asn, routerID: global.routerID, holdTime: n.timers.holdTime,
                                     families: n.families, hostname: hostname)
        if n.extendedNextHop, n.families.contains(.ipv4Unicast) {
            // RFC 8950 5: IPv4 unicast NLRI with an IPv6 next hop.
            open.extendedNextHop = [ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)]
        }
        if !n.addPath.isEmpty {
            open.addPath = Dictionary(uniqueKeysWithValues: n.families.map { ($0, n.addPath) })
        }
        if !n.gracefulRestart {
            open.gracefulRestart = nil
        } else {
            open.gracefulRestart = gracefulRestart(n, global: global, restarted: restarted)
        }
        let peerAS: PeerASExpectation
        switch n.remoteAS {
        case .external: peerAS = .external
        case .internal: peerAS = .internal
        case .number(let a): peerAS = .number(a)
        }
        let session = SessionConfiguration(
            localOpen: open.makeOpen(),
            // Cease/Administrative Reset is what a planned restart with forwarding preserved sends
            // (see `Daemon.shutdown`): not wrapped in a Hard Reset, so the peer keeps our routes.
            policy: NegotiationPolicy(peerAS: peerAS, keepaliveTime: n.timers.keepalive,
                                      hardAdministrativeReset: !preservesForwarding(global)),
            connectRetryTime: .seconds(Int(n.timers.connectRetry)),
            passive: n.passive,
            idleHold: IdleHoldBackoff(base: .seconds(1), maximum: .seconds(max(30, Int(n.timers.connectRetry)))))
        return PeerSessionConfiguration(session: session)
    }

    /// Our Graceful Restart capability (RFC 4724 section 3), with the N bit of RFC 8538 as FRR
    /// sends it. Helper only (no families) unless `preserve-forwarding`: then the unicast
    /// families are listed, because the kernel routes outlive the daemon (a crash leaves them, a
    /// restarted bgpd adopts them), so the peer may keep forwarding to us while we restart.
    /// After such a restart the R bit ("the BGP speaker has restarted") and each family's F bit
    /// ("the forwarding state ... has indeed been preserved") are set, and the peer keeps our
    /// routes until our End-of-RIB; after a fresh start F is clear and the peer drops them.
    static func gracefulRestart(_ n: NeighborConfig, global: Config, restarted: Bool) -> GracefulRestartCapability {
        var cap = GracefulRestartCapability(flags: 0x4, restartTime: global.gracefulRestart.restartTime)
        guard preservesForwarding(global) else { return cap }
        if restarted { cap.flags |= 0x8 }
        cap.families = n.families.filter { $0 == .ipv4Unicast || $0 == .ipv6Unicast }
            .map { GracefulRestartCapability.Entry(family: $0, flags: restarted ? 0x80 : 0) }
        return cap
    }

    /// Our forwarding state outlives the daemon: routes go to the kernel and the configuration
    /// says to advertise it (`graceful-restart: {preserve-forwarding: true}`, the default).
    static func preservesForwarding(_ global: Config) -> Bool {
        global.gracefulRestart.enabled && global.gracefulRestart.preserveForwarding && global.fib.install
    }

    /// What the RIB is told when the session comes up.
    static func peerInfo(id: UInt32, neighbor n: NeighborConfig, session s: NegotiatedSession,
                         local: SocketEndpoint?, remote: SocketEndpoint, link: UnnumberedLink?) -> PeerInfo {
        let localV6 = local?.address.v6
        let mode: LinkLocalNextHopMode
        switch n.linkLocalNextHop {
        case .double: mode = .double
        case .native: mode = .native
        case .single: mode = .single
        }
        let ifindex: UInt32? = remote.scopeID != 0 ? remote.scopeID
            : link?.index ?? n.peer.interfaceName.flatMap(InterfaceNames.index(of:))
        return PeerInfo(
            id: PeerID(id), address: remote.address, asn: s.peerASN, routerID: s.peerIdentifier,
            interfaceIndex: ifindex,
            localIPv4: local?.address.v4,
            localIPv6: localV6.flatMap { $0.isLinkLocal ? nil : $0 } ?? link?.localGlobal,
            localLinkLocal: localV6.flatMap { $0.isLinkLocal ? $0 : nil } ?? link?.localLinkLocal,
            families: s.families,
            // RFC 8950 lets us send IPv4 routes with an IPv6 next hop when the peer takes them;
            // on a session with an IPv4 address of ours (GoBGP offers it even there) the IPv4
            // next hop is the natural one, so extended next hop is used only without it.
            extendedNextHop: local?.address.v4 == nil ? Set(s.extendedNextHopSend.keys) : [],
            addPathSend: Set(s.addPath.filter { $0.value.contains(.send) }.keys),
            routeReflectorClient: n.routeReflectorClient, softReconfiguration: n.softReconfiguration,
            importPolicy: n.importPolicy, exportPolicy: n.exportPolicy, nextHopSelf: n.nextHopSelf,
            sendMED: n.sendMED, linkLocalNextHop: mode)
    }

    /// The negotiated capabilities in words, for `show neighbors`.
    static func capabilityNames(_ s: NegotiatedSession) -> [String] {
        var out: [String] = []
        for f in s.families.sorted() { out.append("multiprotocol \(f)") }
        if s.fourOctetAS { out.append("4-octet-as") }
        if s.routeRefresh { out.append("route-refresh") }
        if s.enhancedRouteRefresh { out.append("enhanced-route-refresh") }
        if s.extendedMessage { out.append("extended-message") }
        let enh = Set(s.extendedNextHopSend.keys).union(s.extendedNextHopReceive.keys)
        for f in enh.sorted() {
            let dir = s.extendedNextHopSend[f] != nil && s.extendedNextHopReceive[f] != nil ? "both"
                : s.extendedNextHopSend[f] != nil ? "send" : "receive"
            let afi = s.extendedNextHopSend[f] ?? s.extendedNextHopReceive[f] ?? .ipv6
            out.append("extended-next-hop \(f) via \(afi) (\(dir))")
        }
        for (f, d) in s.addPath.sorted(by: { $0.key < $1.key }) {
            out.append("add-path \(f) \(d == .both ? "both" : d.contains(.send) ? "send" : "receive")")
        }
        if let gr = s.peerGracefulRestart {
            out.append("graceful-restart (peer restart time \(gr.restartTime) s\(gr.notification ? ", N bit" : ""))")
        }
        if let h = s.peerHostname { out.append("hostname \(h)" + (s.peerDomain.map { $0.isEmpty ? "" : ".\($0)" } ?? "")) }
        return out
    }

    /// This host's name, for the FQDN capability (FRR shows it in `show bgp summary`).
    static let hostname: String? = {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return nil }
        let name = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }()
}
