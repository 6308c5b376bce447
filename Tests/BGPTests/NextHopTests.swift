import Testing
@testable import BGP
import NetAddress

/// MP_REACH_NLRI next hops of 4, 16 and 32 octets in every form peers send, for IPv6 unicast and
/// for IPv4 unicast over IPv6 (RFC 8950).
@Suite struct NextHopTests {
    static let global = IPv6Address("2001:db8::1")!
    static let ll = IPv6Address("fe80::ff:fe00:1202")!
    static let ll2 = IPv6Address("fe80::ff:fe00:4100")!

    /// (next hop, forwarding address, global, link-local): the forms of NEXT_HOP in REFERENCE.md 3.1.
    static let forms: [(NextHop, IPAddress?, IPAddress?, IPv6Address?)] = [
        (.ipv4(IPv4Address(10, 0, 0, 1)), .v4(IPv4Address(10, 0, 0, 1)), .v4(IPv4Address(10, 0, 0, 1)), nil),
        // [global]
        (.ipv6(global), .v6(global), .v6(global), nil),
        // [link-local] alone (BIRD "single", draft-white-linklocal-capability)
        (.ipv6(ll), .v6(ll), nil, ll),
        // [global, link-local] (RFC 2545)
        (.ipv6Pair(global: global, linkLocal: ll), .v6(global), .v6(global), ll),
        // [::, link-local] (BIRD "native" on unnumbered links)
        (.ipv6Pair(global: .zero, linkLocal: ll2), .v6(ll2), nil, ll2),
        // [link-local, link-local] (FRR on unnumbered links)
        (.ipv6Pair(global: ll, linkLocal: ll), .v6(ll), nil, ll),
    ]

    @Test(arguments: 0..<forms.count)
    func nextHopFormsForIPv4AndIPv6(index: Int) throws {
        let (nh, forwarding, global, linkLocal) = Self.forms[index]
        #expect(nh.forwardingAddress == forwarding)
        #expect(nh.global == global)
        #expect(nh.linkLocal == linkLocal)
        var families: [(Family, NLRIList)] = [(.ipv4Unicast, .ipv4Unicast([IPv4NLRI(IPv4Prefix("10.2.0.0/24")!)]))]
        if nh.wireLength != 4 { families.append((.ipv6Unicast, .ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8:2::/64")!)]))) }
        for (family, nlri) in families {
            let mp = MPReach(family: family, nextHop: nh, nlri: nlri)
            var value: [UInt8] = []
            mp.encodeValue(into: &value, context: CodecContext())
            // AFI, SAFI, next hop length, next hop, reserved.
            #expect(Array(value[3...3]) == [UInt8(nh.wireLength)])
            let bytes = updateMessage(attributes: attribute(0x80, 14, value) + originAndASPath)
            let u = try decodeUpdate(bytes)
            #expect(u.mpReach == mp)
            #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
        }
    }

    @Test func bird32OctetNextHopWithZeroGlobal() throws {
        // BIRD's MP_REACH for IPv4 in LAB scenario 4: `::` followed by its link-local address.
        let value = hex("""
            0001 01 20                                   # IPv4 unicast, next hop 32 octets
            00000000000000000000000000000000             # ::
            fe80000000000000000000fffe004100             # fe80::ff:fe00:4100
            00 18 0a2a01                                 # reserved, 10.42.1.0/24
            """)
        let u = try decodeUpdate(updateMessage(attributes: attribute(0x80, 14, value) + originAndASPath))
        #expect(u.mpReach?.nextHop == .ipv6Pair(global: .zero, linkLocal: Self.ll2))
        #expect(u.mpReach?.nextHop.forwardingAddress == .v6(Self.ll2))
        #expect(u.mpReach?.nextHop.description == ":: fe80::ff:fe00:4100")
    }

    @Test(arguments: [
        // Lengths that do not fit the family: RFC 7606 7.11 -> AFI/SAFI disable.
        (Family.ipv4Unicast, 8), (.ipv4Unicast, 0), (.ipv6Unicast, 4), (.ipv6Unicast, 24), (.l2vpnEVPN, 12),
    ])
    func nextHopLengthInconsistentWithTheFamily(family: Family, length: Int) {
        let value = [UInt8(family.afi.rawValue >> 8), UInt8(family.afi.rawValue & 0xFF), family.safi.rawValue, UInt8(length)]
            + [UInt8](repeating: 1, count: length) + [0]
        let e = decodeError(updateMessage(attributes: attribute(0x80, 14, value) + originAndASPath))
        #expect(e?.action == .afiSafiDisable)
        #expect(e?.family == family)
    }

    @Test func vpnNextHopsOfOtherFamiliesStayRaw() throws {
        // VPNv6: RD + global (24 octets) is raw, and so is its NLRI.
        let value = hex("0002 80 18 0000000000000000 20010db8000000000000000000000001 00 58 000641 0000fde900000064 20010db8")
        let bytes = updateMessage(attributes: attribute(0x80, 14, value) + originAndASPath)
        let u = try decodeUpdate(bytes)
        #expect(u.mpReach?.nextHop.wireLength == 24)
        #expect(u.mpReach?.nextHop.forwardingAddress == nil)
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
    }

    @Test func ipv4NextHopAttributeBesideMPReachIsKept() throws {
        // RFC 7606 3.d: an UPDATE whose NLRI are only in MP_REACH SHOULD NOT carry NEXT_HOP; a
        // received one is kept (for exact re-encoding) and ignored for the MP NLRI.
        let value = hex("0001 01 10 fe80000000000000000000fffe001202 00 18 0a0201")
        let bytes = updateMessage(attributes: attribute(0x80, 14, value) + basicAttributes)
        let u = try decodeUpdate(bytes)
        #expect(u.attributes.nextHop == IPv4Address(192, 0, 2, 1))
        #expect(u.diagnostics.isEmpty)
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
    }
}
