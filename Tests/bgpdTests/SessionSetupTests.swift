import BGP
import NetAddress
import RIB
import Testing
@testable import bgpd

/// From configuration to our OPEN, and from an Established session to what the RIB is told.
@Suite struct SessionSetupTests {
    func neighbor(_ yaml: String) throws -> (NeighborConfig, Config) {
        let c = try ConfigLoader.load("asn: 4200000001\nrouter-id: 10.0.0.1\nneighbors:\n" + yaml).get()
        return (c.neighbors[0], c)
    }

    @Test func unnumberedOffersExtendedNextHopAndGracefulRestart() throws {
        let (n, c) = try neighbor("  - interface: eth0\n    remote-as: external\n    timers: {hold-time: 9}\n")
        let s = SessionSetup.configuration(n, global: c, hostname: "leaf1")
        let open = s.session.localOpen
        #expect(open.myAS == asTrans)   // a 4-octet AS goes in the capability (RFC 6793)
        #expect(open.asn == 4_200_000_001)
        #expect(open.holdTime == 9)
        let caps = open.capabilities
        #expect(caps.contains(.extendedNextHop([ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)])))
        // Forwarding is preserved across restarts by default, so the unicast families are listed;
        // after a fresh start their F bits are clear.
        #expect(caps.contains(.gracefulRestart(GracefulRestartCapability(
            flags: 0x4, restartTime: 120,
            families: [.init(family: .ipv4Unicast, flags: 0), .init(family: .ipv6Unicast, flags: 0)]))))
        #expect(caps.contains(.fqdn(hostname: Array("leaf1".utf8), domain: [])))
        #expect(!caps.contains { if case .addPath = $0 { return true } else { return false } })
        #expect(s.session.policy.peerAS == .external)
        #expect(s.session.connectRetryTime == .seconds(30))
    }

    /// RFC 4724 section 3: after a restart with the kernel routes kept, the R bit and each
    /// family's F bit are set; without preserve-forwarding (or without installing routes) the
    /// capability lists no families, helper only; a planned restart's Administrative Reset is
    /// not wrapped in a Hard Reset only when forwarding is preserved.
    @Test func gracefulRestartForwardingState() throws {
        let (n, c) = try neighbor("  - interface: eth0\n    remote-as: external\n")
        let restarted = SessionSetup.gracefulRestart(n, global: c, restarted: true)
        #expect(restarted.flags == 0xC)
        #expect(restarted.restarting && restarted.notification)
        #expect(restarted.families.map(\.family) == [.ipv4Unicast, .ipv6Unicast])
        let preserved = restarted.families.filter { $0.forwardingPreserved }.count
        #expect(preserved == 2)
        #expect(SessionSetup.configuration(n, global: c).session.policy.hardAdministrativeReset == false)

        var helperOnly = c
        helperOnly.gracefulRestart.preserveForwarding = false
        let h = SessionSetup.gracefulRestart(n, global: helperOnly, restarted: true)
        #expect(h == GracefulRestartCapability(flags: 0x4, restartTime: 120))
        #expect(SessionSetup.configuration(n, global: helperOnly).session.policy.hardAdministrativeReset)

        var noFIB = c
        noFIB.fib.install = false
        #expect(SessionSetup.gracefulRestart(n, global: noFIB, restarted: false).families.isEmpty)

        let (e, ce) = try neighbor("  - address: 192.0.2.2\n    remote-as: 65002\n    families: [l2vpn-evpn, ipv4-unicast]\n")
        #expect(SessionSetup.gracefulRestart(e, global: ce, restarted: false).families.map(\.family) == [.ipv4Unicast])
    }

    @Test func numberedWithAddPathAndNoGracefulRestart() throws {
        let (n, c) = try neighbor("""
              - address: 192.0.2.2
                remote-as: 65002
                add-path: both
                graceful-restart: false
                passive: true
                families: [ipv4-unicast, l2vpn-evpn]
            """ + "\n")
        let s = SessionSetup.configuration(n, global: c)
        let caps = s.session.localOpen.capabilities
        #expect(caps.contains(.addPath([AddPathEntry(family: .ipv4Unicast, direction: .both),
                                        AddPathEntry(family: .l2vpnEVPN, direction: .both)])))
        #expect(!caps.contains { if case .extendedNextHop = $0 { return true } else { return false } })
        #expect(!caps.contains { if case .gracefulRestart = $0 { return true } else { return false } })
        #expect(caps.contains(.multiprotocol(.l2vpnEVPN)))
        #expect(!caps.contains(.multiprotocol(.ipv6Unicast)))
        #expect(s.session.passive)
        #expect(s.session.policy.peerAS == .number(65002))
    }

    /// The RIB learns our addresses on the session: over an unnumbered link the link-local
    /// address (and RFC 8950 for IPv4); over IPv4, the IPv4 address and no RFC 8950 even if the
    /// peer offers it (GoBGP does).
    @Test func peerInfoNextHopSources() throws {
        let ll = IPv6Address("fe80::1")!, peerLL = IPv6Address("fe80::2")!
        let (u, c) = try neighbor("  - interface: eth0\n    remote-as: external\n    link-local-next-hop: native\n")
        let open = SessionSetup.configuration(u, global: c).session.localOpen
        var peer = open
        peer.bgpIdentifier = IPv4Address(10, 0, 0, 2)
        peer.parameters = OpenConfiguration(asn: 65002, routerID: IPv4Address(10, 0, 0, 2),
                                            extendedNextHop: [ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)]).makeOpen().parameters
        peer.myAS = 65002
        guard case .success(let s) = Negotiation.negotiate(local: open, peer: peer, policy: NegotiationPolicy(peerAS: .external)) else {
            Issue.record("negotiation failed"); return
        }
        let link = UnnumberedLink(interface: "eth0", index: 7, localLinkLocal: ll, localGlobal: nil, peer: peerLL)
        let info = SessionSetup.peerInfo(id: 3, neighbor: u, session: s,
                                         local: SocketEndpoint(address: .v6(ll), port: 179, scopeID: 7),
                                         remote: SocketEndpoint(address: .v6(peerLL), port: 40000, scopeID: 7), link: link)
        #expect(info.id == PeerID(3))
        #expect(info.asn == 65002)
        #expect(info.interfaceIndex == 7)
        #expect(info.localLinkLocal == ll)
        #expect(info.localIPv6 == nil)
        #expect(info.extendedNextHop == [.ipv4Unicast])
        #expect(info.linkLocalNextHop == .native)
        #expect(SessionSetup.capabilityNames(s).contains("extended-next-hop ipv4-unicast via ipv6 (both)"))

        let v4 = SessionSetup.peerInfo(id: 4, neighbor: u, session: s,
                                       local: SocketEndpoint(address: IPAddress("10.0.5.1")!, port: 40000),
                                       remote: SocketEndpoint(address: IPAddress("10.0.5.2")!, port: 179), link: nil)
        #expect(v4.localIPv4 == IPv4Address(10, 0, 5, 1))
        #expect(v4.extendedNextHop.isEmpty)
    }
}
