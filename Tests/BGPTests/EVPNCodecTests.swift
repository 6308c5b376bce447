import Testing
@testable import BGP
import NetAddress

/// EVPN (AFI 25, SAFI 70) route types 1-5 and unknown types, from FRR's captures
/// (../shared/captures/frr-evpn-vxlan.pcap and frr-evpn-type5-relay.pcap) and RFC 7432 / 9136.
@Suite struct EVPNCodecTests {
    let rd30 = RouteDistinguisher(ipv4: IPv4Address(10, 0, 0, 30), number: 100)
    let esi = ESI(high: 0x0011, low: 0x2233_4455_6677_8899)

    /// Decodes one route value of `type` and checks it encodes back to the same octets.
    func roundTrip(_ type: UInt8, _ value: [UInt8]) throws -> EVPNRoute {
        let route = try value.withUnsafeBytes { try EVPNRoute.decode(type: type, value: $0) }
        var out: [UInt8] = []
        route.encode(into: &out)
        #expect(out == [type, UInt8(value.count)] + value)
        #expect(route.wireLength == value.count + 2)
        return route
    }

    @Test func type1EthernetAutoDiscovery() throws {
        // GoBGP-originated, relayed by FRR (LAB scenario 3).
        let r = try roundTrip(1, hex("""
            0001 0a00001e 0064          # RD type 1: 10.0.0.30:100
            00 112233445566778899       # ESI type 0 (arbitrary)
            00000000                    # Ethernet Tag 0
            000000                      # MPLS label 0
            """))
        #expect(r == .ethernetAutoDiscovery(EthernetAutoDiscoveryRoute(rd: rd30, esi: esi, ethernetTag: 0, label: EVPNLabel(raw: 0))))
        #expect(r.description == "10.0.0.30:100 [1]:[00:11:22:33:44:55:66:77:88:99]:[0]")
    }

    @Test func type2MACOnlyAndMACIP() throws {
        let rd = RouteDistinguisher(ipv4: IPv4Address(10, 0, 0, 1), number: 100)
        let mac = MACAddress("02:00:00:00:aa:01")!
        let macOnly = try roundTrip(2, hex("""
            0001 0a000001 0064          # RD 10.0.0.1:100
            00000000000000000000        # ESI 0 (single-homed)
            00000000                    # Ethernet Tag 0
            30 02000000aa01             # MAC length 48, 02:00:00:00:aa:01
            00                          # IP length 0
            000064                      # label 1 = VNI 100
            """))
        #expect(macOnly == .macIP(MACIPAdvertisementRoute(rd: rd, mac: mac, label1: EVPNLabel(vni: 100))))
        #expect(macOnly.description == "10.0.0.1:100 [2]:[0]:[48]:[02:00:00:00:aa:01]")
        let withIP = try roundTrip(2, hex("0001 0a000001 0064 00000000000000000000 00000000 30 02000000aa01 20 0a64000b 000064"))
        #expect(withIP == .macIP(MACIPAdvertisementRoute(rd: rd, mac: mac, ip: .v4(IPv4Address(10, 100, 0, 11)), label1: EVPNLabel(vni: 100))))
        #expect(withIP.description == "10.0.0.1:100 [2]:[0]:[48]:[02:00:00:00:aa:01]:[32]:[10.100.0.11]")
        // IPv6 with a second label (symmetric IRB, RFC 9135): L2VNI 100, L3VNI 1000.
        let v6 = try roundTrip(2, hex("0001 0a000001 0064 00000000000000000000 00000000 30 02000000b001 80 fe80000000000000000000fffe00b001 000064 0003e8"))
        guard case .macIP(let m) = v6 else { Issue.record("not type 2"); return }
        #expect(m.ip == .v6(IPv6Address("fe80::ff:fe00:b001")!))
        #expect(m.label1.vni == 100 && m.label2?.vni == 1000)
    }

    @Test func type3InclusiveMulticastWithPMSI() throws {
        // The whole UPDATE from frr-evpn-vxlan.pcap: type 3, ET:8, RT:65100:100, PMSI.
        let bytes = hex("""
            ffffffffffffffffffffffffffffffff 0064 02 0000 004d
            90 0e 001c 0019 46 04 0a000002 00               # MP_REACH evpn, next hop 10.0.0.2
               03 11 0001 0a000002 0064 00000000 20 0a000002 # type 3: RD 10.0.0.2:100, tag 0, originator 10.0.0.2
            40 01 01 00                                      # ORIGIN
            50 02 0006 02 01 0000fe4e                        # AS_PATH 65102
            c0 10 10 030c000000000008 0002fe4c00000064       # ET:8, RT:65100:100
            c0 16 09 00 06 000064 0a000002                   # PMSI: ingress replication, VNI 100, 10.0.0.2
            """)
        let u = try decodeUpdate(bytes)
        let route = EVPNRoute.inclusiveMulticast(InclusiveMulticastRoute(
            rd: RouteDistinguisher(ipv4: IPv4Address(10, 0, 0, 2), number: 100), originatingRouter: .v4(IPv4Address(10, 0, 0, 2))))
        #expect(u.mpReach == MPReach(family: .l2vpnEVPN, nextHop: .ipv4(IPv4Address(10, 0, 0, 2)), nlri: .evpn([EVPNNLRI(route)])))
        #expect(u.attributes.extendedCommunities?.map(\.description) == ["ET:8", "RT:65100:100"])
        #expect(u.attributes.pmsiTunnel?.label.vni == 100)
        #expect(route.description == "10.0.0.2:100 [3]:[0]:[32]:[10.0.0.2]")
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
    }

    @Test func type4EthernetSegment() throws {
        let r = try roundTrip(4, hex("0001 0a00001e 0001 00112233445566778899 20 0a00001e"))
        #expect(r == .ethernetSegment(EthernetSegmentRoute(rd: RouteDistinguisher(ipv4: IPv4Address(10, 0, 0, 30), number: 1),
                                                           esi: esi, originatingRouter: .v4(IPv4Address(10, 0, 0, 30)))))
        let v6 = try roundTrip(4, hex("0001 0a00001e 0001 00112233445566778899 80 20010db8000000000000000000000001"))
        #expect(v6.rd?.description == "10.0.0.30:1")
    }

    @Test func type5IPPrefixV4WithRouterMAC() throws {
        // FRR-native type 5 in the default VRF (LAB scenario 3), whole UPDATE.
        let bytes = hex("""
            ffffffffffffffffffffffffffffffff 0075 02 0000 005e
            90 0e 002d 0019 46 04 0a00001f 00                 # MP_REACH evpn, next hop 10.0.0.31
               05 22                                           # type 5, 34 octets
               0001 0a00001f 0001                              # RD 10.0.0.31:1
               00000000000000000000 00000000                   # ESI 0, tag 0
               18 0a1f6400 00000000                            # 10.31.100.0/24, gateway 0.0.0.0
               0003e8                                          # label = L3VNI 1000
            40 01 01 00
            50 02 000a 02 02 0000ff17 0000ff16                 # AS_PATH 65303 65302
            c0 10 18 0002ff14000003e8 030c000000000008 0603020000003a01   # RT:65300:1000 ET:8 Rmac:02:00:00:00:3a:01
            """)
        let u = try decodeUpdate(bytes)
        guard case .evpn(let routes)? = u.mpReach?.nlri, case .ipPrefix(let r)? = routes.first?.route else {
            Issue.record("no type 5"); return
        }
        #expect(r.prefix == IPPrefix("10.31.100.0/24"))
        #expect(r.gateway == .v4(.zero))
        #expect(r.label.vni == 1000)
        #expect(u.attributes.extendedCommunities?.map(\.description) == ["RT:65300:1000", "ET:8", "Rmac:02:00:00:00:3a:01"])
        #expect(routes.first?.route.description == "10.0.0.31:1 [5]:[0]:[24]:[10.31.100.0]")
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
    }

    @Test func type5IPPrefixV6() throws {
        let r = try roundTrip(5, hex("""
            0001 0a00001e 03e8 00000000000000000000 00000000
            40 20010db8020000010000000000000000   # 2001:db8:200:1::/64
            00000000000000000000000000000000      # gateway ::
            0003e8
            """))
        guard case .ipPrefix(let p) = r else { Issue.record("not type 5"); return }
        #expect(p.prefix == IPPrefix("2001:db8:200:1::/64"))
    }

    @Test func unknownRouteTypeIsSkippedByItsLength() throws {
        // RFC 7606 5.4: a route type we do not know is kept aside, and the routes after it parse.
        let nlri = hex("""
            09 04 deadbeef                                     # type 9, 4 octets: unknown
            03 11 0001 0a000002 0064 00000000 20 0a000002      # type 3
            """)
        let bytes = updateMessage(attributes: attribute(0x80, 15, hex("0019 46") + nlri))
        let u = try decodeUpdate(bytes)
        guard case .evpn(let routes)? = u.mpUnreach?.nlri else { Issue.record("no EVPN"); return }
        #expect(routes.map(\.route.routeType) == [9, 3])
        #expect(routes[0].route == .unknown(type: 9, value: [0xDE, 0xAD, 0xBE, 0xEF]))
        #expect(routes[0].route.rd == nil)
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
    }

    @Test(arguments: [
        // Known types whose lengths do not add up: the field is malformed.
        (UInt8(1), hex("0001 0a00001e 0064 00112233445566778899 00000000 0000")),          // 24 octets
        (UInt8(2), hex("0001 0a000001 0064 00000000000000000000 00000000 28 02000000aa01 00 000064")), // MAC length 40
        (UInt8(2), hex("0001 0a000001 0064 00000000000000000000 00000000 30 02000000aa01 18 0a6400 000064")), // IP length 24
        (UInt8(2), hex("0001 0a000001 0064 00000000000000000000 00000000 30 02000000aa01 20 0a64000b 000064 00")), // 1 extra
        (UInt8(3), hex("0001 0a000002 0064 00000000 80 0a000002")),                          // v4 size, IP length 128
        (UInt8(5), hex("0001 0a00001f 0001 00000000000000000000 00000000 21 0a1f6400 00000000 0003e8")), // /33
        (UInt8(5), hex("0001 0a00001f 0001 00000000000000000000 00000000 18 0a1f6400 00000000 0003")),    // 33 octets
    ])
    func malformedKnownTypesAreRefused(type: UInt8, value: [UInt8]) {
        #expect(throws: NLRIParseError.self) {
            try value.withUnsafeBytes { try EVPNRoute.decode(type: type, value: $0) }
        }
        // In an UPDATE: the EVPN family is disabled (RFC 7606 5.3), the session stays up.
        let bytes = updateMessage(attributes: attribute(0x80, 15, hex("0019 46") + [type, UInt8(value.count)] + value))
        let e = decodeError(bytes)
        #expect(e?.action == .afiSafiDisable)
        #expect(e?.family == .l2vpnEVPN)
        #expect(e?.notification.code == 3 && e?.notification.subcode == 9)
    }

    @Test func routeOverrunningTheNLRIIsRefused() {
        let bytes = updateMessage(attributes: attribute(0x80, 15, hex("0019 46 03 11 0001 0a000002")))
        #expect(decodeError(bytes)?.action == .afiSafiDisable)
    }

    @Test func labelsAreVNIs() {
        // RFC 8365 5.1.3: the whole 24 bits are the VNI.
        #expect(EVPNLabel(raw: 0x0186A0).vni == 100_000)
        #expect(EVPNLabel(vni: 0x1_000_001).vni == 1, "a VNI is 24 bits")
        #expect(EVPNLabel(raw: 0x000641).mplsLabel == 100)
    }
}
