import Testing
import NetAddress
@testable import BGP

/// `PeerSession` fed bytes: drip-fed, coalesced and split input, garbage, the real FRR OPEN and
/// Hard Reset from ../shared/captures/frr-unnumbered-r1-r2.pcap, and RFC 7606 AFI/SAFI disable.
@Suite struct SessionBytesTests {
    static let v4 = Family.ipv4Unicast, v6 = Family.ipv6Unicast

    /// frr-unnumbered-r1-r2.pcap frame 5, the TCP payload: r1's OPEN (AS 65001, hold 9, id
    /// 10.0.0.1, twelve capabilities).
    static let frrOpen = hex("""
        ffffffffffffffffffffffffffffffff 007b 01          # marker, length 123, OPEN
        04 fde9 0009 0a000001 5e                          # version 4, AS 65001, hold 9, id, 94 octets of parameters
        02 06 01 04 0001 00 01                            # MP IPv4 unicast
        02 08 05 06 0001 0001 0002                        # extended next hop: IPv4 unicast over IPv6
        02 06 01 04 0002 00 01                            # MP IPv6 unicast
        02 02 80 00   02 02 02 00   02 02 46 00           # route refresh 128, 2, enhanced 70
        02 06 41 04 0000fde9                              # 4-octet AS 65001
        02 02 06 00                                       # extended message
        02 0a 45 08 0001 01 01 0002 01 01                 # ADD-PATH receive for IPv4 and IPv6 unicast
        02 06 49 04 02 766d 00                            # FQDN "vm", no domain
        02 04 40 02 c078                                  # GR: flags R|N, restart time 120
        02 10 47 0e 0001 01 80 000000 0002 01 80 000000   # LLGR: IPv4 and IPv6, F bit, stale time 0
        """)
    /// Frame 77: r2's Cease/Hard Reset wrapping Cease/Administrative Shutdown "lab-teardown".
    static let frrHardReset = hex("ffffffffffffffffffffffffffffffff 0024 03 06 09 06 02 0c 6c61622d74656172646f776e")
    static let keepalive = hex("ffffffffffffffffffffffffffffffff 0013 04")

    static func established(chunk: Int? = nil) -> PeerNet {
        var net = SessionFixture.pair()
        net.chunk = chunk
        net.with(.b) { $0.start() }
        net.with(.a) { $0.start() }
        return net
    }

    @Test(arguments: [1, 7, 19, 100])
    func dripFedAndSplitInput(chunk: Int) {
        var net = Self.established(chunk: chunk)
        #expect(net.a.state == .established && net.b.state == .established)
        let updates = (1...20).map { SessionFixture.v6Update("2001:db8:\($0)::/48") }
        net.with(.a) { $0.sendUpdates(updates) }
        #expect(net.updates(.b) == updates)
    }

    @Test func capturedFRROpenDecodesToTheValueNegotiationUses() throws {
        let m = try BGPMessage.decode(Self.frrOpen, context: .initial)
        #expect(m == .open(NegotiationTests.frr))
    }

    /// Our side as r2 against FRR r1's real bytes: OPEN, KEEPALIVE, then its Hard Reset.
    @Test func againstFRRBytes() throws {
        let local = OpenConfiguration(asn: 65002, routerID: Fixture.idB, holdTime: 9,
                                      extendedNextHop: [ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)],
                                      gracefulRestart: SessionFixture.gr).makeOpen()
        var s = PeerSession(configuration: PeerSessionConfiguration(session: SessionConfiguration(
            localOpen: local, policy: NegotiationPolicy(peerAS: .external), passive: true)), jitter: .none)
        _ = s.start()
        guard case .accepted(let id, let sent) = s.acceptIncoming() else { Issue.record("refused"); return }
        guard case .send(id, let ours)? = sent.first(where: { if case .send = $0 { return true } else { return false } }) else {
            Issue.record("no OPEN sent"); return
        }
        #expect(try BGPMessage.decode(ours, context: .initial) == .open(local))
        // FRR's OPEN and KEEPALIVE in one segment.
        var actions = s.receive(Self.frrOpen + Self.keepalive, on: id)
        #expect(s.state == .established)
        let n = try #require(actions.compactMap { if case .established(let n) = $0 { return n } else { return nil } }.first)
        #expect(n.peerASN == 65001 && n.peerHostname == "vm" && n.gracefulRestartNotification)
        #expect(n.codecContext.extendedNextHop == [.ipv4Unicast: .ipv6])
        // Our KEEPALIVE went out.
        #expect(actions.contains(.send(id, Self.keepalive)))
        // FRR's `neighbor shutdown message lab-teardown`: a Hard Reset, so everything goes.
        actions = s.receive(Self.frrHardReset, on: id)
        #expect(s.state == .idle)
        let down = try #require(actions.compactMap { if case .down(let c, let r) = $0 { return (c, r) } else { return nil } }.first)
        #expect(down.0.notification?.shutdownMessage == "lab-teardown")
        #expect(down.1 == false)
        #expect(actions.contains(.routes(.flushAll)))
        #expect(actions.contains(.close(id)))
    }

    @Test func contextSwitchesBetweenMessagesOfOneSegment() throws {
        // B receives ADD-PATH UPDATEs in the same segment as the KEEPALIVE that completes the
        // OPEN exchange: the UPDATE must be decoded with the negotiated context.
        let localB = OpenConfiguration(asn: 65002, routerID: Fixture.idB, addPath: [.ipv4Unicast: .receive]).makeOpen()
        let openA = OpenConfiguration(asn: 65001, routerID: Fixture.idA, addPath: [.ipv4Unicast: .send]).makeOpen()
        var b = PeerSession(configuration: PeerSessionConfiguration(session: SessionConfiguration(
            localOpen: localB, policy: NegotiationPolicy(peerAS: .number(65001)), passive: true)), jitter: .none)
        _ = b.start()
        guard case .accepted(let id, _) = b.acceptIncoming() else { Issue.record("refused"); return }
        let contextA = CodecContext(fourOctetAS: true, extendedMessage: true, addPathSend: [.ipv4Unicast])
        let prefix = try #require(IPv4Prefix("10.1.0.0/16"))
        let u = UpdateMessage(attributes: PathAttributes(origin: .igp, asPath: ASPath(sequence: [65001]), nextHop: Fixture.idA),
                              nlri: [IPv4NLRI(prefix, pathID: 7)])
        let bytes = BGPMessage.open(openA).encode(context: .initial) + Self.keepalive
            + BGPMessage.update(u).encode(context: contextA)
        let actions = b.receive(bytes, on: id)
        #expect(b.session?.addPath == [.ipv4Unicast: .receive])
        let delivered = actions.compactMap { if case .update(let u) = $0 { return u } else { return nil } }
        #expect(delivered.first?.nlri == [IPv4NLRI(prefix, pathID: 7)])
    }

    @Test func aBurstOfUpdatesRestartsTheHoldTimerOnce() throws {
        var net = Self.established()
        let id = try #require(net.b.connections.first)
        let context = try #require(net.a.session?.codecContext)
        var bytes: [UInt8] = []
        for i in 1...100 { BGPMessage.update(SessionFixture.v6Update("2001:db8:\(i)::/48")).encode(into: &bytes, context: context) }
        let actions = net.b.receive(bytes, on: id)
        #expect(actions.filter { if case .update = $0 { return true } else { return false } }.count == 100)
        #expect(actions.filter { if case .startTimer = $0 { return true } else { return false } }.count == 1)
    }

    @Test func garbageIsAHeaderError() throws {
        var net = Self.established()
        let id = try #require(net.b.connections.first)
        // One bad marker octet is enough: FRR would be answered at once, not after 19 octets.
        let actions = net.b.receive([0x00], on: id)
        let sent = actions.compactMap { if case .send(_, let b) = $0 { return b } else { return nil } }
        #expect(sent == [BGPMessage.notification(NotificationMessage(.messageHeader, subcode: 1)).encode(context: .initial)])
        #expect(actions.contains(.close(id)))
        #expect(net.b.state != .established)
        // Bytes after the close are ignored.
        #expect(net.b.receive(Self.keepalive, on: id).isEmpty)
    }

    @Test func badKeepaliveLengthIsBadMessageLength() throws {
        var net = Self.established()
        let id = try #require(net.b.connections.first)
        let actions = net.b.receive(hex("ffffffffffffffffffffffffffffffff 0014 04 00"), on: id)
        let sent = actions.compactMap { if case .send(_, let b) = $0 { return b } else { return nil } }
        #expect(sent == [BGPMessage.notification(NotificationMessage(.messageHeader, subcode: 2, data: [0, 0x14])).encode(context: .initial)])
    }

    @Test func malformedMPReachDisablesTheFamilyOverBytes() throws {
        var net = Self.established()
        let id = try #require(net.b.connections.first)
        let context = try #require(net.a.session?.codecContext)
        var bytes = BGPMessage.update(SessionFixture.v6Update("2001:db8:7::/48")).encode(context: context)
        // Give MP_REACH_NLRI (type 14) the transitive bit: its flags conflict with its type,
        // and the family can still be read (RFC 7606 section 7.11: AFI/SAFI disable).
        var i = 23
        while i + 2 < bytes.count {
            let flags = bytes[i], code = bytes[i + 1]
            let length = flags & 0x10 != 0 ? Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) : Int(bytes[i + 2])
            if code == 14 { bytes[i] |= 0x40; break }
            i += (flags & 0x10 != 0 ? 4 : 3) + length
        }
        let keepalive = Self.keepalive
        let actions = net.b.receive(bytes + keepalive, on: id)
        #expect(actions.contains(.routes(.flush([Self.v6]))))
        #expect(actions.contains { if case .familyDisabled(Self.v6, _) = $0 { return true } else { return false } })
        #expect(net.b.state == .established)
        // The KEEPALIVE after it in the same segment is still read: the hold timer restarts.
        #expect(actions.contains { if case .startTimer(.session(_, .hold), _) = $0 { return true } else { return false } })
    }

    @Test func oversizeUpdateIsNotSent() throws {
        var net = SessionFixture.pair()
        var c = net.b.configuration
        var open = OpenConfiguration(asn: 65002, routerID: Fixture.idB, holdTime: 9, gracefulRestart: SessionFixture.gr)
        open.extendedMessage = false
        c.session.localOpen = open.makeOpen()
        net.b = PeerSession(configuration: c, jitter: .none)
        net.with(.b) { $0.start() }
        net.with(.a) { $0.start() }
        #expect(net.a.session?.codecContext.maxMessageLength == 4096)
        let many = (0..<1000).compactMap { IPv6Prefix("2001:db8:\(String($0, radix: 16))::/48").map { IPv6NLRI($0) } }
        var big = SessionFixture.v6Update("2001:db8::/48")
        big.mpReach?.nlri = .ipv6Unicast(many)
        let actions = net.a.sendUpdates([big])
        #expect(!actions.contains { if case .send = $0 { return true } else { return false } })
        #expect(actions.contains { if case .log(.warning, let m) = $0 { return m.contains("exceeds the session's 4096") } else { return false } })
        // Packed to fit, the same routes go out.
        let packed = UpdateMessage.announcements(.ipv6Unicast(many), nextHop: big.mpReach?.nextHop,
                                                 attributes: big.attributes, context: try #require(net.a.session?.codecContext))
        #expect(packed.count > 1)
        net.with(.a) { $0.sendUpdates(packed) }
        #expect(net.updates(.b).count == packed.count)
    }
}
