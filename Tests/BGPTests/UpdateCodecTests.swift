import Testing
@testable import BGP
import NetAddress

/// UPDATE messages, value by value, from FRR captures and RFC layouts.
@Suite struct UpdateCodecTests {
    /// r2 -> r1 in ../shared/captures/frr-unnumbered-r1-r2.pcap: IPv4 in MP_REACH with FRR's
    /// unnumbered next hop (the link-local address in both slots), MED, communities, large community.
    static let frrIPv4OverIPv6 = hex("""
        ffffffffffffffffffffffffffffffff 0073 02     # marker, length 115, UPDATE
        0000                                           # withdrawn routes length 0
        005c                                           # total path attribute length 92
        90 0e 0029                                     # MP_REACH_NLRI, flags optional|extended length, 41 octets
           0001 01                                     #   AFI 1, SAFI 1
           20                                          #   next hop length 32
           fe80000000000000 0000 00ff fe00 1202        #   global slot: fe80::ff:fe00:1202
           fe80000000000000 0000 00ff fe00 1202        #   link-local slot: fe80::ff:fe00:1202
           00                                          #   reserved
           18 0a0201                                   #   10.2.1.0/24
        40 01 01 00                                    # ORIGIN IGP
        50 02 0006 02 01 0000fdea                      # AS_PATH (extended length): AS_SEQUENCE 65002
        80 04 04 00000032                              # MULTI_EXIT_DISC 50
        c0 08 08 fdea0064 fdea00c8                     # COMMUNITIES 65002:100 65002:200
        c0 20 0c 0000fdea 00000001 00000001            # LARGE_COMMUNITY 65002:1:1
        """)

    static let frrContext = CodecContext(fourOctetAS: true, extendedMessage: true, extendedNextHop: [.ipv4Unicast: .ipv6])

    @Test func frrUnnumberedIPv4Update() throws {
        let u = try decodeUpdate(Self.frrIPv4OverIPv6, Self.frrContext)
        let ll = try #require(IPv6Address("fe80::ff:fe00:1202"))
        #expect(u.withdrawn.isEmpty && u.nlri.isEmpty && u.mpUnreach == nil)
        #expect(u.mpReach == MPReach(family: .ipv4Unicast, nextHop: .ipv6Pair(global: ll, linkLocal: ll),
                                     nlri: .ipv4Unicast([IPv4NLRI(IPv4Prefix("10.2.1.0/24")!)])))
        #expect(u.mpReach?.nextHop.forwardingAddress == .v6(ll))
        #expect(u.mpReach?.nextHop.global == nil)
        #expect(u.mpReach?.nextHop.linkLocal == ll)
        #expect(u.attributes.origin == .igp)
        #expect(u.attributes.asPath == ASPath(sequence: [65002]))
        #expect(u.attributes.med == 50)
        #expect(u.attributes.communities == [Community(asn: 65002, value: 100), Community(asn: 65002, value: 200)])
        #expect(u.attributes.largeCommunities == [LargeCommunity(65002, 1, 1)])
        #expect(u.diagnostics.isEmpty && !u.treatAsWithdraw)
        #expect(u.layout.entries.map(\.code) == [14, 1, 2, 4, 8, 32])
        #expect(u.layout.entries.map(\.flags) == [0x90, 0x40, 0x50, 0x80, 0xC0, 0xC0])
        // Byte for byte back, with FRR's extended-length flags as received.
        #expect(BGPMessage.update(u).encode(context: Self.frrContext) == Self.frrIPv4OverIPv6)
    }

    @Test func theSameUpdateBuiltLocallyIsCanonical() throws {
        // Locally built: MP_REACH_NLRI first (RFC 7606 5.1), the rest by type code, the
        // Extended Length bit only where needed. So only the flags of MP_REACH and AS_PATH differ.
        let decoded = try decodeUpdate(Self.frrIPv4OverIPv6, Self.frrContext)
        let local = UpdateMessage(attributes: decoded.attributes, mpReach: decoded.mpReach)
        #expect(local == decoded, "the layout is not part of equality")
        let bytes = BGPMessage.update(local).encode(context: Self.frrContext)
        let expected = hex("""
            ffffffffffffffffffffffffffffffff 0071 02 0000 005a   # two octets shorter: two 1-octet lengths
            80 0e 29 0001 01 20
              fe80000000000000 000000fffe001202 fe80000000000000 000000fffe001202 00 18 0a0201
            40 01 01 00
            40 02 06 02 01 0000fdea
            80 04 04 00000032
            c0 08 08 fdea0064 fdea00c8
            c0 20 0c 0000fdea 00000001 00000001
            """)
        #expect(bytes == expected)
        #expect(try decodeUpdate(bytes, Self.frrContext) == decoded)
    }

    @Test func ipv4NLRIFieldWithWithdrawals() throws {
        // RFC 4271 4.3 layout, 2-octet AS session.
        let bytes = hex("""
            ffffffffffffffffffffffffffffffff 0041 02   # length 65
            0005 10 0a01 08 0b                 # withdrawn (5 octets): 10.1.0.0/16, 11.0.0.0/8
            001b                               # attributes (27 octets)
            40 01 01 02                        # ORIGIN INCOMPLETE
            40 02 06 02 02 fde9 fdea           # AS_PATH sequence 65001 65002 (2-octet ASes)
            40 03 04 c0000201                  # NEXT_HOP 192.0.2.1
            40 05 04 00000064                  # LOCAL_PREF 100
            20 c0a80a00 1e c6336410            # NLRI 192.168.10.0/32, 198.51.100.16/30
            """)
        let u = try decodeUpdate(bytes, CodecContext(fourOctetAS: false))
        #expect(u.withdrawn == [IPv4NLRI(IPv4Prefix("10.1.0.0/16")!), IPv4NLRI(IPv4Prefix("11.0.0.0/8")!)])
        #expect(u.nlri == [IPv4NLRI(IPv4Prefix("192.168.10.0/32")!), IPv4NLRI(IPv4Prefix("198.51.100.16/30")!)])
        #expect(u.attributes.origin == .incomplete)
        #expect(u.attributes.asPath?.allASNs == [65001, 65002])
        #expect(u.attributes.nextHop == IPv4Address(192, 0, 2, 1))
        #expect(u.attributes.localPref == 100)
        #expect(BGPMessage.update(u).encode(context: CodecContext(fourOctetAS: false)) == bytes)
    }

    @Test func prefixLengthsZeroToThirtyTwo() throws {
        // Every length, with the octet count RFC 4271 prescribes (ceil(len/8)).
        var nlri: [UInt8] = []
        var expected: [IPv4NLRI] = []
        for len in 0...32 {
            let p = IPv4Prefix(masking: IPv4Address(0xC0A8_FFFF), length: UInt8(len))!
            expected.append(IPv4NLRI(p))
            nlri.append(UInt8(len))
            nlri += p.address.bytes.prefix((len + 7) / 8)
        }
        let bytes = updateMessage(attributes: basicAttributes, nlri: nlri)
        let u = try decodeUpdate(bytes)
        #expect(u.nlri == expected)
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
    }

    @Test func hostBitsInTheLastOctetAreCleared() throws {
        // 10.1.31.0/20 on the wire: RFC 4271 calls the bits past the length irrelevant, so the
        // prefix is 10.1.16.0/20 (and re-encodes as such: that peer's encoding is not canonical).
        let u = try decodeUpdate(updateMessage(attributes: basicAttributes, nlri: [20, 10, 1, 0x1F]))
        #expect(u.nlri == [IPv4NLRI(IPv4Prefix("10.1.16.0/20")!)])
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == updateMessage(attributes: basicAttributes, nlri: [20, 10, 1, 0x10]))
    }

    @Test func ipv6UnicastWithGlobalAndLinkLocalNextHop() throws {
        // RFC 2545 3: next hop length 32 = global followed by link-local.
        let g = IPv6Address("2001:db8::1")!, ll = IPv6Address("fe80::1")!
        let mp = MPReach(family: .ipv6Unicast, nextHop: .ipv6Pair(global: g, linkLocal: ll),
                         nlri: .ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8:1::/48")!), IPv6NLRI(IPv6Prefix("::/0")!),
                                             IPv6NLRI(IPv6Prefix("2001:db8::1/128")!)]))
        let u = UpdateMessage(attributes: PathAttributes(origin: .igp, asPath: ASPath(sequence: [65001])), mpReach: mp)
        let bytes = BGPMessage.update(u).encode(context: CodecContext())
        let value = hex("""
            0002 01 20 20010db8000000000000000000000001 fe800000000000000000000000000001 00
            30 20010db80001                      # 2001:db8:1::/48
            00                                   # ::/0
            80 20010db8000000000000000000000001  # 2001:db8::1/128
            """)
        #expect(bytes == updateMessage(attributes: attribute(0x80, 14, value) + attribute(0x40, 1, [0]) + attribute(0x40, 2, [2, 1, 0, 0, 0xFD, 0xE9])))
        #expect(try decodeUpdate(bytes) == u)
        #expect(u.mpReach?.nextHop.forwardingAddress == .v6(g))
        #expect(u.mpReach?.nextHop.linkLocal == ll)
    }

    @Test func endOfRIBMarkers() throws {
        // IPv4: an empty UPDATE. Others: only an empty MP_UNREACH_NLRI (RFC 4724 2).
        let v4 = hex("ffffffffffffffffffffffffffffffff 0017 02 0000 0000")
        #expect(try decodeUpdate(v4).endOfRIB == .ipv4Unicast)
        #expect(BGPMessage.update(.endOfRIB(.ipv4Unicast)).encode(context: CodecContext()) == v4)
        let evpn = hex("ffffffffffffffffffffffffffffffff 001d 02 0000 0006 800f03 0019 46")
        #expect(try decodeUpdate(evpn).endOfRIB == .l2vpnEVPN)
        #expect(BGPMessage.update(.endOfRIB(.l2vpnEVPN)).encode(context: CodecContext()) == evpn)
        #expect(try decodeUpdate(updateMessage(attributes: basicAttributes, nlri: [8, 10])).endOfRIB == nil)
    }

    @Test func atomicAggregateAggregatorOriginatorClusterList() throws {
        let attrs = basicAttributes + hex("""
            40 06 00                           # ATOMIC_AGGREGATE
            c0 07 08 0000fde9 0a000001         # AGGREGATOR AS 65001, 10.0.0.1 (4-octet AS)
            80 09 04 0a000009                  # ORIGINATOR_ID 10.0.0.9
            80 0a 08 0a000063 0a000064         # CLUSTER_LIST 10.0.0.99 10.0.0.100
            """)
        let bytes = updateMessage(attributes: attrs, nlri: [24, 10, 9, 9])
        let u = try decodeUpdate(bytes)
        #expect(u.attributes.atomicAggregate)
        #expect(u.attributes.aggregator == Aggregator(asn: 65001, address: IPv4Address(10, 0, 0, 1)))
        #expect(u.attributes.effectiveAggregator == u.attributes.aggregator)
        #expect(u.attributes.originatorID == IPv4Address(10, 0, 0, 9))
        #expect(u.attributes.clusterList == [IPv4Address(10, 0, 0, 99), IPv4Address(10, 0, 0, 100)])
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
    }

    @Test func asPathSegmentTypes() throws {
        // AS_SET, AS_SEQUENCE and both confederation segments (RFC 5065), 4-octet.
        let value = hex("""
            03 01 0000fc00                       # AS_CONFED_SEQUENCE 64512
            04 02 0000fc01 0000fc02              # AS_CONFED_SET {64513,64514}
            02 02 0000fde9 fa56ea01              # AS_SEQUENCE 65001 4200000001
            01 02 0000fdea 0000fdeb              # AS_SET {65002,65003}
            """)
        let u = try decodeUpdate(updateMessage(attributes: attribute(0x40, 1, [0]) + attribute(0x40, 2, value)
                                               + attribute(0x40, 3, [1, 2, 3, 4]), nlri: [8, 10]))
        let path = try #require(u.attributes.asPath)
        #expect(path.segments == [ASPathSegment(type: .confedSequence, asns: [64512]),
                                  ASPathSegment(type: .confedSet, asns: [64513, 64514]),
                                  ASPathSegment(type: .sequence, asns: [65001, 4_200_000_001]),
                                  ASPathSegment(type: .set, asns: [65002, 65003])])
        #expect(path.description == "(64512) [64513,64514] 65001 4200000001 {65002,65003}")
        #expect(path.length == 3)
        #expect(path.firstAS == 65001)
        #expect(path.originAS == nil)
        #expect(path.contains(64514) && !path.contains(1))
    }

    @Test func longAsPathSplitsIntoSegmentsOf255() throws {
        let asns = (1...300).map { UInt32(64_000 + $0) }
        let attrs = PathAttributes(origin: .igp, asPath: ASPath(sequence: asns), nextHop: IPv4Address(1, 2, 3, 4))
        let u = UpdateMessage(attributes: attrs, nlri: [IPv4NLRI(IPv4Prefix("10.0.0.0/8")!)])
        let bytes = BGPMessage.update(u).encode(context: CodecContext())
        // AS_PATH value 2 + 255*4 + 2 + 45*4 = 1204 octets: extended length, two segments.
        let back = try decodeUpdate(bytes)
        #expect(back.attributes.asPath?.segments.map(\.asns.count) == [255, 45])
        #expect(back.attributes.asPath?.allASNs == asns)
        #expect(back.layout.entries.first { $0.code == 2 }?.flags == 0x50)
        #expect(BGPMessage.update(back).encode(context: CodecContext()) == bytes)
    }

    @Test func pmsiTunnel() throws {
        // RFC 6514 5 / LAB scenario 2: flags 0, ingress replication, label = VNI 100, endpoint 10.0.0.2.
        let value = hex("00 06 000064 0a000002")
        let u = try decodeUpdate(updateMessage(attributes: basicAttributes + attribute(0xC0, 22, value), nlri: [8, 10]))
        let p = try #require(u.attributes.pmsiTunnel)
        #expect(p == PMSITunnel(tunnelType: PMSITunnel.ingressReplication, label: EVPNLabel(vni: 100), tunnelIdentifier: [10, 0, 0, 2]))
        #expect(p.endpoint == .v4(IPv4Address(10, 0, 0, 2)))
    }

    @Test func unknownFamilyKeptRaw() throws {
        // VPNv4 (AFI 1, SAFI 128): 12-octet next hop (RD 0 + address), labeled VPN NLRI, both raw.
        let value = hex("""
            0001 80 0c 0000000000000000 0a000001 00   # AFI 1, SAFI 128, next hop RD:0 10.0.0.1, reserved
            70 000641 0000fde900000064 0a0100         # /112: label 100 (BoS), RD 65001:100, 10.1.0.0/16
            """)
        let bytes = updateMessage(attributes: attribute(0x80, 14, value) + attribute(0x40, 1, [0]) + attribute(0x40, 2, []))
        let u = try decodeUpdate(bytes)
        let family = Family(afi: .ipv4, safi: .mplsVPN)
        #expect(u.mpReach?.family == family)
        #expect(u.mpReach?.nextHop == .raw(hex("0000000000000000 0a000001")))
        #expect(u.mpReach?.nlri == .other(family: family, raw: hex("70 000641 0000fde900000064 0a0100")))
        #expect(u.mpReach?.nextHop.forwardingAddress == nil)
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
    }
}
