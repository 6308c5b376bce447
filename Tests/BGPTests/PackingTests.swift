import Testing
@testable import BGP
import NetAddress

/// `UpdateMessage.announcements` and `withdrawals`: where each family goes and how many UPDATEs
/// a batch takes.
@Suite struct PackingTests {
    let attrs = PathAttributes(origin: .igp, asPath: ASPath(sequence: [65001]), med: 10,
                               communities: [Community(asn: 65001, value: 1)])
    let ll = IPv6Address("fe80::1")!

    func prefixes(_ n: Int) -> [IPv4NLRI] {
        (0..<n).map { IPv4NLRI(IPv4Prefix(address: IPv4Address(UInt32(0x0A00_0000 + ($0 << 8))), length: 24)!) }
    }

    /// Encodes every message, checks each fits, decodes it back and returns the messages.
    func wire(_ messages: [UpdateMessage], _ context: CodecContext) throws -> [UpdateMessage] {
        try messages.map { m in
            let bytes = BGPMessage.update(m).encode(context: context)
            #expect(bytes.count <= context.maxMessageLength)
            return try decodeUpdate(bytes, context.reversed)
        }
    }

    @Test func ipv4WithIPv4NextHopGoesInTheNLRIField() throws {
        let context = CodecContext()
        let out = UpdateMessage.announcements(.ipv4Unicast(prefixes(3)), nextHop: .ipv4(IPv4Address(10, 0, 0, 1)),
                                              attributes: attrs, context: context)
        #expect(out.count == 1)
        #expect(out[0].nlri == prefixes(3) && out[0].mpReach == nil)
        #expect(out[0].attributes.nextHop == IPv4Address(10, 0, 0, 1))
        #expect(try wire(out, context) == out)
    }

    @Test func ipv4WithIPv6NextHopNeedsExtendedNextHop() throws {
        let nh = NextHop.ipv6Pair(global: ll, linkLocal: ll)
        #expect(UpdateMessage.announcements(.ipv4Unicast(prefixes(2)), nextHop: nh, attributes: attrs, context: CodecContext()).isEmpty)
        let context = CodecContext(extendedNextHop: [.ipv4Unicast: .ipv6])
        var withNextHop = attrs
        withNextHop.nextHop = IPv4Address(10, 0, 0, 1)
        let out = UpdateMessage.announcements(.ipv4Unicast(prefixes(2)), nextHop: nh, attributes: withNextHop, context: context)
        #expect(out.count == 1)
        #expect(out[0].nlri.isEmpty)
        #expect(out[0].mpReach == MPReach(family: .ipv4Unicast, nextHop: nh, nlri: .ipv4Unicast(prefixes(2))))
        #expect(out[0].attributes.nextHop == nil, "RFC 7606 3.d: no NEXT_HOP beside MP_REACH_NLRI only")
        let bytes = BGPMessage.update(out[0]).encode(context: context)
        #expect(bytes[23] == 0x80 && bytes[24] == 14, "MP_REACH_NLRI is the first attribute (RFC 7606 5.1)")
        #expect(try wire(out, context) == out)
    }

    @Test func ipv6AndEVPNAlwaysGoInMPReach() throws {
        let context = CodecContext()
        let v6 = UpdateMessage.announcements(.ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8::/32")!)]), nextHop: .ipv6(ll),
                                             attributes: attrs, context: context)
        #expect(v6.first?.mpReach?.family == .ipv6Unicast)
        let route = EVPNRoute.inclusiveMulticast(InclusiveMulticastRoute(rd: RouteDistinguisher(as2: 65001, number: 100),
                                                                         originatingRouter: .v4(IPv4Address(10, 0, 0, 1))))
        let evpn = UpdateMessage.announcements(.evpn([EVPNNLRI(route)]), nextHop: .ipv4(IPv4Address(10, 0, 0, 1)),
                                               attributes: attrs, context: context)
        #expect(evpn.first?.mpReach?.family == .l2vpnEVPN)
        #expect(evpn.first?.mpReach?.nextHop == .ipv4(IPv4Address(10, 0, 0, 1)))
        #expect(try wire(v6 + evpn, context) == v6 + evpn)
        // Without a next hop there is nothing to send.
        #expect(UpdateMessage.announcements(.ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8::/32")!)]), nextHop: nil,
                                            attributes: attrs, context: context).isEmpty)
    }

    @Test func manyPrefixesSplitIntoFullMessages() throws {
        // 2000 /24s take 4 octets each: about 1000 fit 4096 octets, all fit 65535.
        let all = prefixes(2000)
        let small = CodecContext()
        let out = UpdateMessage.announcements(.ipv4Unicast(all), nextHop: .ipv4(IPv4Address(10, 0, 0, 1)), attributes: attrs, context: small)
        #expect(out.count == 2)
        #expect(out.flatMap(\.nlri) == all)
        let sizes = out.map { BGPMessage.update($0).encode(context: small).count }
        #expect(sizes[0] > 4096 - 4 && sizes[0] <= 4096, "the first message is full: \(sizes)")
        let big = CodecContext(extendedMessage: true)
        #expect(UpdateMessage.announcements(.ipv4Unicast(all), nextHop: .ipv4(IPv4Address(10, 0, 0, 1)), attributes: attrs, context: big).count == 1)
        // In MP_REACH with path identifiers (8 octets a prefix).
        let addPath = CodecContext(addPathSend: [.ipv6Unicast])
        let v6 = (0..<1000).map { IPv6NLRI(IPv6Prefix(address: IPv6Address(high: 0x2001_0DB8_0000_0000 | UInt64($0) << 16, low: 0), length: 48)!, pathID: UInt32($0)) }
        let mp = UpdateMessage.announcements(.ipv6Unicast(v6), nextHop: .ipv6(ll), attributes: attrs, context: addPath)
        #expect(mp.count == 3)
        let back = try wire(mp, addPath)
        #expect(back.compactMap { if case .ipv6Unicast(let l)? = $0.mpReach?.nlri { return l } else { return nil } }.flatMap { $0 } == v6)
    }

    @Test func withdrawals() throws {
        let context = CodecContext()
        let v4 = UpdateMessage.withdrawals(.ipv4Unicast(prefixes(1500)), context: context)
        #expect(v4.count == 2)
        #expect(v4.flatMap(\.withdrawn) == prefixes(1500))
        #expect(v4.allSatisfy { $0.attributes.isEmpty && $0.nlri.isEmpty })
        let v6 = UpdateMessage.withdrawals(.ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8::/32")!)]), context: context)
        #expect(v6 == [UpdateMessage(mpUnreach: MPUnreach(family: .ipv6Unicast, nlri: .ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8::/32")!)])))])
        #expect(try wire(v4 + v6, context) == v4 + v6)
        #expect(UpdateMessage.withdrawals(.ipv4Unicast([]), context: context).isEmpty)
    }

    @Test func attributesTooLargeForOneRouteSendNothing() {
        var huge = attrs
        huge.communities = (0..<1100).map { Community(raw: UInt32($0)) }
        #expect(UpdateMessage.announcements(.ipv4Unicast(prefixes(1)), nextHop: .ipv4(IPv4Address(10, 0, 0, 1)),
                                            attributes: huge, context: CodecContext()).isEmpty)
    }
}
