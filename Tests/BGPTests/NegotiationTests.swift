import Testing
import NetAddress
@testable import BGP

/// OPEN negotiation against the OPENs FRR 8.4.4, BIRD 2.0.12 and GoBGP 3.10 send (LAB.md and
/// ../shared/captures/frr-unnumbered-r1-r2.txt), built as values capability by capability.
@Suite struct NegotiationTests {
    /// FRR r1 in frr-unnumbered-r1-r2.pcap, frame 5: AS 65001, hold 9, id 10.0.0.1.
    static let frr = OpenMessage(asn: 65001, holdTime: 9, bgpIdentifier: IPv4Address(10, 0, 0, 1), capabilities: [
        .multiprotocol(.ipv4Unicast),
        .extendedNextHop([ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)]),
        .multiprotocol(.ipv6Unicast),
        .routeRefreshCisco, .routeRefresh, .enhancedRouteRefresh,
        .fourOctetAS(65001), .extendedMessage,
        .addPath([AddPathEntry(family: .ipv4Unicast, direction: .receive),
                  AddPathEntry(family: .ipv6Unicast, direction: .receive)]),
        .fqdn(hostname: Array("vm".utf8), domain: []),
        .gracefulRestart(GracefulRestartCapability(flags: 0xC, restartTime: 120)),
        .longLivedGracefulRestart([LLGREntry(family: .ipv4Unicast, flags: 0x80, staleTime: 0),
                                   LLGREntry(family: .ipv6Unicast, flags: 0x80, staleTime: 0)]),
    ])

    /// BIRD 2.0.12 (`ipv4 { extended next hop on; }; ipv6;`, AS 65402, router id 10.42.0.1),
    /// as in LAB.md scenario 4. BIRD puts every capability in one optional parameter.
    static let bird = OpenMessage(myAS: 65402, holdTime: 240, bgpIdentifier: IPv4Address(10, 42, 0, 1), parameters: [
        .capabilities([
            .multiprotocol(.ipv4Unicast), .multiprotocol(.ipv6Unicast), .routeRefresh,
            .extendedNextHop([ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)]),
            .gracefulRestart(GracefulRestartCapability(flags: 0, restartTime: 120)),
            .fourOctetAS(65402), .enhancedRouteRefresh, .longLivedGracefulRestart([]),
        ]),
    ])

    /// GoBGP 3.10.0 (AS 4200000001, ADD-PATH receive and send-max 8 for IPv4 and IPv6 unicast),
    /// as in LAB.md scenario 5: My AS is AS_TRANS; no GR, no enhanced refresh. Over an IPv6
    /// neighbor address it also offers RFC 8950 for IPv4. One optional parameter.
    static let gobgp = OpenMessage(myAS: asTrans, holdTime: 90, bgpIdentifier: IPv4Address(10, 50, 0, 1), parameters: [
        .capabilities([
            .routeRefresh, .fqdn(hostname: Array("vm".utf8), domain: []),
            .multiprotocol(.ipv4Unicast), .multiprotocol(.ipv6Unicast), .fourOctetAS(4_200_000_001),
            .extendedNextHop([ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)]),
            .addPath([AddPathEntry(family: .ipv4Unicast, direction: .both),
                      AddPathEntry(family: .ipv6Unicast, direction: .both)]),
        ]),
    ])

    /// The real OPENs, captured in network namespaces fs-a/fs-b on this machine: the daemon
    /// connects to 2001:db8:f5::1 where a Python listener stores the first message it receives
    /// (recipe in LAB.md; BIRD config `protocol bgp { local 2001:db8:f5::2 as 65402; neighbor
    /// 2001:db8:f5::1 as 65001; ipv4 { extended next hop on; ... }; ipv6 {...}; }`, GoBGP
    /// config with `add-paths { receive = true, send-max = 8 }` per family).
    static let birdBytes = hex("""
        ffffffffffffffffffffffffffffffff 0043 01 04 ff7a 00f0 0a2a0001 26   # AS 65402, hold 240
        02 24                                                              # one capabilities parameter
        01 04 0001 00 01   01 04 0002 00 01   02 00                        # MP v4, MP v6, route refresh
        05 06 0001 0001 0002                                               # RFC 8950 IPv4 over IPv6
        40 02 0078   41 04 0000ff7a   46 00   47 00                        # GR 120 s, AS 65402, enhanced RR, LLGR
        """)
    static let gobgpBytes = hex("""
        ffffffffffffffffffffffffffffffff 004b 01 04 5ba0 005a 0a320001 2e   # AS_TRANS, hold 90
        02 2c                                                              # one capabilities parameter
        02 00   49 04 02 766d 00                                           # route refresh, FQDN "vm"
        01 04 0001 00 01   01 04 0002 00 01   41 04 fa56ea01               # MP v4, MP v6, AS 4200000001
        05 06 0001 0001 0002                                               # RFC 8950 IPv4 over IPv6
        45 08 0001 01 03 0002 01 03                                        # ADD-PATH send+receive
        """)

    @Test func capturedOpensDecodeToTheValues() throws {
        #expect(try BGPMessage.decode(Self.birdBytes, context: .initial) == .open(Self.bird))
        #expect(try BGPMessage.decode(Self.gobgpBytes, context: .initial) == .open(Self.gobgp))
        #expect(try BGPMessage.decode(SessionBytesTests.frrOpen, context: .initial) == .open(Self.frr))
    }

    /// Our OPEN as an unnumbered leaf sends it: IPv4 over IPv6 next hops, ADD-PATH send+receive.
    static let ours = OpenConfiguration(
        asn: 65100, routerID: IPv4Address(10, 0, 0, 100), holdTime: 90,
        extendedNextHop: [ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)],
        addPath: [.ipv4Unicast: .both, .ipv6Unicast: .both], hostname: "leaf1").makeOpen()

    static func negotiate(_ peer: OpenMessage, _ policy: NegotiationPolicy = NegotiationPolicy(peerAS: .external),
                          local: OpenMessage = ours) throws -> NegotiatedSession {
        try Negotiation.negotiate(local: local, peer: peer, policy: policy).get()
    }

    static func rejection(_ peer: OpenMessage, _ policy: NegotiationPolicy = NegotiationPolicy(peerAS: .external),
                          local: OpenMessage = ours) -> OpenRejection? {
        if case .failure(let r) = Negotiation.negotiate(local: local, peer: peer, policy: policy) { return r }
        return nil
    }

    @Test func againstFRR() throws {
        let n = try Self.negotiate(Self.frr)
        #expect(n.peerASN == 65001 && n.kind == .external)
        #expect(n.holdTime == 9 && n.keepaliveTime == 3)
        #expect(n.families == [.ipv4Unicast, .ipv6Unicast])
        #expect(n.fourOctetAS && n.extendedMessage)
        // FRR receives multiple paths; we send them. It sends one path, so we receive none.
        #expect(n.addPath == [.ipv4Unicast: .send, .ipv6Unicast: .send])
        #expect(n.codecContext.addPathSend == [.ipv4Unicast, .ipv6Unicast])
        #expect(n.codecContext.addPathReceive.isEmpty)
        #expect(n.extendedNextHopSend == [.ipv4Unicast: .ipv6])
        #expect(n.extendedNextHopReceive == [.ipv4Unicast: .ipv6])
        #expect(n.codecContext.extendedNextHop == [.ipv4Unicast: .ipv6])
        #expect(n.routeRefresh && n.enhancedRouteRefresh)
        #expect(n.gracefulRestart && n.gracefulRestartNotification)
        #expect(n.peerGracefulRestart?.restartTime == 120 && n.peerGracefulRestart?.restarting == true)
        // We did not advertise LLGR, so FRR's is not acted on.
        #expect(n.peerLongLivedGracefulRestart.isEmpty)
        #expect(n.peerHostname == "vm" && n.peerDomain == nil)
        #expect(n.codecContext.maxMessageLength == 65535)
    }

    @Test func againstBIRD() throws {
        let n = try Self.negotiate(Self.bird)
        #expect(n.peerASN == 65402)
        #expect(n.holdTime == 90 && n.keepaliveTime == 30)
        #expect(n.addPath.isEmpty)
        #expect(!n.extendedMessage && n.codecContext.maxMessageLength == 4096)
        #expect(n.extendedNextHopSend == [.ipv4Unicast: .ipv6])
        #expect(n.enhancedRouteRefresh)
        // GR without the N bit: TCP failures keep routes, NOTIFICATIONs do not (RFC 4724 only).
        #expect(n.gracefulRestart && !n.gracefulRestartNotification)
        #expect(n.peerHostname == nil)
    }

    @Test func againstGoBGP() throws {
        let n = try Self.negotiate(Self.gobgp, NegotiationPolicy(peerAS: .number(4_200_000_001)))
        #expect(Self.gobgp.myAS == asTrans)
        #expect(n.peerASN == 4_200_000_001)
        #expect(n.addPath == [.ipv4Unicast: .both, .ipv6Unicast: .both])
        #expect(n.codecContext.addPathReceive == [.ipv4Unicast, .ipv6Unicast])
        #expect(n.routeRefresh && !n.enhancedRouteRefresh)
        #expect(!n.gracefulRestart && n.peerGracefulRestart == nil)
        #expect(n.extendedNextHopSend == [.ipv4Unicast: .ipv6] && n.peerHostname == "vm")
        // Over IPv4 GoBGP does not offer RFC 8950 (LAB.md scenario 5): no IPv6 next hops to it.
        var overIPv4 = Self.gobgp
        overIPv4.parameters = [.capabilities(Self.gobgp.capabilities.filter { $0.code != 5 })]
        #expect(try Self.negotiate(overIPv4, NegotiationPolicy(peerAS: .any)).extendedNextHopSend.isEmpty)
    }

    @Test func llgrIsActedOnWhenBothSidesAdvertiseIt() throws {
        var c = OpenConfiguration(asn: 65100, routerID: IPv4Address(10, 0, 0, 100))
        c.longLivedGracefulRestart = [LLGREntry(family: .ipv4Unicast, flags: 0, staleTime: 3600)]
        let n = try Self.negotiate(Self.frr, local: c.makeOpen())
        #expect(n.peerLongLivedGracefulRestart.map(\.family) == [.ipv4Unicast, .ipv6Unicast])
        // LLGR from a peer without GR is ignored (RFC 9494).
        var noGR = Self.frr
        noGR.parameters.removeAll { $0 == .capabilities([.gracefulRestart(GracefulRestartCapability(flags: 0xC, restartTime: 120))]) }
        #expect(try Self.negotiate(noGR, local: c.makeOpen()).peerLongLivedGracefulRestart.isEmpty)
    }

    @Test func noMultiprotocolCapabilityMeansIPv4Unicast() throws {
        let plain = OpenMessage(asn: 65002, holdTime: 90, bgpIdentifier: Fixture.idB, capabilities: [.routeRefresh])
        #expect(try Self.negotiate(plain).families == [.ipv4Unicast])
        let v6only = OpenMessage(asn: 65002, holdTime: 90, bgpIdentifier: Fixture.idB, capabilities: [.multiprotocol(.ipv6Unicast)])
        #expect(try Self.negotiate(v6only, local: plain.withAS(65001)).families.isEmpty)
        #expect(try Self.negotiate(v6only).families == [.ipv6Unicast])
    }

    @Test func ourOpenUsesFRRCapabilityOrder() {
        let c = OpenConfiguration(
            asn: 65001, routerID: Fixture.idA, holdTime: 9,
            extendedNextHop: [ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)],
            addPath: [.ipv4Unicast: .receive, .ipv6Unicast: .receive], hostname: "vm",
            gracefulRestart: GracefulRestartCapability(flags: 0xC, restartTime: 120),
            longLivedGracefulRestart: [LLGREntry(family: .ipv4Unicast, flags: 0x80, staleTime: 0),
                                       LLGREntry(family: .ipv6Unicast, flags: 0x80, staleTime: 0)])
        let open = c.makeOpen()
        // Exactly FRR r1's OPEN from the capture, value for value.
        #expect(open == Self.frr)
        #expect(open.capabilities.map(\.code) == [1, 5, 1, 128, 2, 70, 65, 6, 69, 73, 64, 71])
    }

    @Test func fourOctetASGoesInTheCapabilityWithASTrans() {
        let open = OpenConfiguration(asn: 4_200_000_001, routerID: Fixture.idA).makeOpen()
        #expect(open.myAS == 23456)
        #expect(open.asn == 4_200_000_001)
    }

    // MARK: - Rejections, each with its NOTIFICATION

    @Test func unsupportedVersion() {
        var o = Self.frr
        o.version = 3
        let r = Self.rejection(o)
        #expect(r?.notification == NotificationMessage(code: 2, subcode: 1, data: [0, 4]))
    }

    @Test(arguments: [
        (PeerASExpectation.number(65002), UInt32(65001), true),
        (.number(65001), 65001, false),
        (.internal, 65001, true),
        (.internal, 65100, false),
        (.external, 65100, true),
        (.external, 65001, false),
        (.any, 65100, false),
    ])
    func peerASPolicy(policy: PeerASExpectation, peerAS: UInt32, rejected: Bool) {
        let peer = Self.frr.withAS(peerAS).withIdentifier(Fixture.idB)
        let r = Self.rejection(peer, NegotiationPolicy(peerAS: policy))
        #expect((r != nil) == rejected)
        if rejected { #expect(r?.notification == NotificationMessage(code: 2, subcode: 2)) }
    }

    @Test func malformedASNumbers() {
        let badPeerAS = NotificationMessage(code: 2, subcode: 2)
        let any = NegotiationPolicy(peerAS: .any)
        // RFC 7607: AS 0, in My AS or in the capability.
        #expect(Self.rejection(OpenMessage(asn: 0, holdTime: 90, bgpIdentifier: Fixture.idB, capabilities: []), any)?.notification == badPeerAS)
        #expect(Self.rejection(OpenMessage(asn: 65002, holdTime: 90, bgpIdentifier: Fixture.idB, capabilities: [.fourOctetAS(0)]), any)?.notification == badPeerAS)
        // AS_TRANS without the capability, or in it.
        #expect(Self.rejection(OpenMessage(myAS: asTrans, holdTime: 90, bgpIdentifier: Fixture.idB, parameters: []), any)?.notification == badPeerAS)
        #expect(Self.rejection(OpenMessage(myAS: asTrans, holdTime: 90, bgpIdentifier: Fixture.idB,
                                           parameters: [.capabilities([.fourOctetAS(23456)])]), any)?.notification == badPeerAS)
        // A mappable 4-octet AS that contradicts My AS.
        #expect(Self.rejection(OpenMessage(myAS: 65002, holdTime: 90, bgpIdentifier: Fixture.idB,
                                           parameters: [.capabilities([.fourOctetAS(65003)])]), any)?.notification == badPeerAS)
        // A 2-octet speaker (no capability) is fine.
        let old = OpenMessage(myAS: 65002, holdTime: 90, bgpIdentifier: Fixture.idB, parameters: [])
        #expect((try? Self.negotiate(old, any))?.peerASN == 65002)
        #expect((try? Self.negotiate(old, any))?.fourOctetAS == false)
    }

    @Test(arguments: [(UInt16(0), false), (1, true), (2, true), (3, false), (65535, false)])
    func holdTimes(hold: UInt16, rejected: Bool) throws {
        var o = Self.frr
        o.holdTime = hold
        let r = Self.rejection(o)
        #expect((r != nil) == rejected)
        if rejected { #expect(r?.notification == NotificationMessage(code: 2, subcode: 6)) }
        else { #expect(try Self.negotiate(o).holdTime == min(hold, 90)) }
    }

    @Test func bgpIdentifier() {
        let badID = NotificationMessage(code: 2, subcode: 3)
        #expect(Self.rejection(Self.frr.withIdentifier(.zero))?.notification == badID)
        // Equal to ours: refused from an internal peer, allowed from an external one (RFC 6286).
        let sameID = Self.frr.withIdentifier(IPv4Address(10, 0, 0, 100))
        #expect(Self.rejection(sameID.withAS(65100), NegotiationPolicy(peerAS: .internal))?.notification == badID)
        #expect(Self.rejection(sameID) == nil)
    }

    @Test func unsupportedOptionalParameter() {
        var o = Self.frr
        o.parameters.append(.unknown(type: 1, value: [0]))
        #expect(Self.rejection(o)?.notification == NotificationMessage(code: 2, subcode: 4))
    }

    @Test func rejectionsComeInSection62Order() {
        // A bad version and a bad AS: the version is reported.
        var o = Self.frr.withAS(0)
        o.version = 5
        #expect(Self.rejection(o)?.notification.subcode == 1)
        // A bad AS and a bad hold time: the AS.
        var p = Self.frr.withAS(0)
        p.holdTime = 1
        #expect(Self.rejection(p)?.notification.subcode == 2)
    }
}

extension OpenMessage {
    /// This OPEN with another AS (My AS and the 4-octet capability).
    func withAS(_ asn: UInt32) -> OpenMessage {
        var o = self
        o.myAS = asn <= UInt32(UInt16.max) ? UInt16(asn) : asTrans
        o.parameters = parameters.map { p in
            guard case .capabilities(let caps) = p else { return p }
            return .capabilities(caps.map { if case .fourOctetAS = $0 { return .fourOctetAS(asn) } else { return $0 } })
        }
        return o
    }

    func withIdentifier(_ id: IPv4Address) -> OpenMessage {
        var o = self
        o.bgpIdentifier = id
        return o
    }
}
