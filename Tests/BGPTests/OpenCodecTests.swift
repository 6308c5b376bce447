import Testing
@testable import BGP
import NetAddress

/// OPEN and capabilities, both directions, from FRR's own OPEN and from RFC layouts.
@Suite struct OpenCodecTests {
    /// r1's OPEN in ../shared/captures/frr-unnumbered-r1-r2.pcap (FRR 8.4.4), field by field.
    static let frrOpen = hex("""
        ffffffffffffffffffffffffffffffff 007b 01   # marker, length 123, OPEN
        04 fde9 0009 0a000001                        # version 4, My AS 65001, hold time 9, BGP id 10.0.0.1
        5e                                           # optional parameters length 94
        02 06 01 04 0001 00 01                       # capability 1 MP: AFI 1, reserved, SAFI 1
        02 08 05 06 0001 0001 0002                   # capability 5 extended next hop: ipv4/unicast via AFI 2
        02 06 01 04 0002 00 01                       # capability 1 MP: ipv6/unicast
        02 02 80 00                                  # capability 128 route refresh (Cisco)
        02 02 02 00                                  # capability 2 route refresh
        02 02 46 00                                  # capability 70 enhanced route refresh
        02 06 41 04 0000fde9                         # capability 65 4-octet AS 65001
        02 02 06 00                                  # capability 6 extended message
        02 0a 45 08 0001 01 01 0002 01 01            # capability 69 ADD-PATH: ipv4/unicast receive, ipv6/unicast receive
        02 06 49 04 02 766d 00                       # capability 73 FQDN: hostname "vm", domain ""
        02 04 40 02 c078                             # capability 64 GR: flags R|N, restart time 120, no families
        02 10 47 0e 0001 01 80 000000 0002 01 80 000000  # capability 71 LLGR: ipv4 and ipv6 unicast, F bit, stale 0
        """)

    static let frrCapabilities: [Capability] = [
        .multiprotocol(.ipv4Unicast),
        .extendedNextHop([ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)]),
        .multiprotocol(.ipv6Unicast),
        .routeRefreshCisco, .routeRefresh, .enhancedRouteRefresh,
        .fourOctetAS(65001), .extendedMessage,
        .addPath([AddPathEntry(family: .ipv4Unicast, direction: .receive), AddPathEntry(family: .ipv6Unicast, direction: .receive)]),
        .fqdn(hostname: Array("vm".utf8), domain: []),
        .gracefulRestart(GracefulRestartCapability(flags: 0xC, restartTime: 120)),
        .longLivedGracefulRestart([LLGREntry(family: .ipv4Unicast, flags: 0x80, staleTime: 0),
                                   LLGREntry(family: .ipv6Unicast, flags: 0x80, staleTime: 0)]),
    ]

    @Test func frrOpenDecodesFieldByField() throws {
        let open = try #require(try BGPMessage.decode(Self.frrOpen, context: .initial).open)
        #expect(open.version == 4)
        #expect(open.myAS == 65001)
        #expect(open.holdTime == 9)
        #expect(open.bgpIdentifier == IPv4Address(10, 0, 0, 1))
        #expect(!open.extendedParameters)
        #expect(open.parameters.count == 12, "FRR sends one capability per parameter")
        #expect(open.capabilities == Self.frrCapabilities)
        #expect(open.asn == 65001)
        guard case .gracefulRestart(let gr) = open.capabilities[10] else { Issue.record("no GR"); return }
        #expect(gr.restarting && gr.notification)
    }

    @Test func frrOpenEncodesToTheSameBytes() throws {
        let built = OpenMessage(asn: 65001, holdTime: 9, bgpIdentifier: IPv4Address(10, 0, 0, 1),
                                capabilities: Self.frrCapabilities)
        #expect(BGPMessage.open(built).encode(context: .initial) == Self.frrOpen)
        let decoded = try BGPMessage.decode(Self.frrOpen, context: .initial)
        #expect(decoded.encode(context: .initial) == Self.frrOpen)
    }

    @Test func severalCapabilitiesInOneParameterAreKeptThatWay() throws {
        // Some routers put every capability in one parameter (RFC 5492 allows both).
        let bytes = header(type: 1, bodyLength: 26) + hex("""
            04 fde9 00b4 0a000001 10   # version, AS, hold 180, id, optional parameters length 16
            02 0e                      # one parameter of type 2, 14 octets
            01 04 0001 00 01           # MP ipv4/unicast
            41 04 00010001             # 4-octet AS 65537
            02 00                      # route refresh
            """)
        let open = try #require(try BGPMessage.decode(bytes, context: .initial).open)
        #expect(open.parameters == [.capabilities([.multiprotocol(.ipv4Unicast), .fourOctetAS(65537), .routeRefresh])])
        #expect(open.asn == 65537)
        #expect(BGPMessage.open(open).encode(context: .initial) == bytes)
    }

    @Test func asTransInMyASWhenTheASNeedsFourOctets() {
        let open = OpenMessage(asn: 4_200_000_001, holdTime: 90, bgpIdentifier: IPv4Address(10, 0, 0, 1),
                               capabilities: [.fourOctetAS(4_200_000_001)])
        #expect(open.myAS == 23456)
        #expect(open.asn == 4_200_000_001)
    }

    // MARK: every capability, both directions

    @Test(arguments: [
        // (value bytes after code and length, capability)
        (hex("41 04 fa56ea01"), Capability.fourOctetAS(4_200_000_001)),
        (hex("01 04 0019 00 46"), Capability.multiprotocol(.l2vpnEVPN)),
        (hex("02 00"), Capability.routeRefresh),
        (hex("80 00"), Capability.routeRefreshCisco),
        (hex("06 00"), Capability.extendedMessage),
        (hex("46 00"), Capability.enhancedRouteRefresh),
        (hex("05 0c 0001 0001 0002 0001 0080 0002"), Capability.extendedNextHop([
            ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6),
            ExtendedNextHopEntry(family: Family(afi: .ipv4, safi: .mplsVPN), nextHopAFI: .ipv6)])),
        // GR: restart flag, 120 s, ipv4/unicast and evpn with forwarding state preserved.
        (hex("40 0a 8078 0001 01 80 0019 46 00"), Capability.gracefulRestart(GracefulRestartCapability(
            flags: 8, restartTime: 120, families: [.init(family: .ipv4Unicast, flags: 0x80), .init(family: .l2vpnEVPN, flags: 0)]))),
        (hex("45 08 0001 01 03 0002 01 02"), Capability.addPath([
            AddPathEntry(family: .ipv4Unicast, direction: .both), AddPathEntry(family: .ipv6Unicast, direction: .send)])),
        (hex("47 07 0019 46 80 000e10"), Capability.longLivedGracefulRestart([LLGREntry(family: .l2vpnEVPN, flags: 0x80, staleTime: 3600)])),
        (hex("49 0b 04 6c656166 05 6c6f63616c"), Capability.fqdn(hostname: Array("leaf".utf8), domain: Array("local".utf8))),
        // Unknown codes are kept: 9 (BGP role, RFC 9234), 131 (Cisco multisession).
        (hex("09 01 03"), Capability.unknown(code: 9, value: [3])),
        (hex("83 00"), Capability.unknown(code: 131, value: [])),
        // Known codes whose value does not parse are kept raw too.
        (hex("41 02 0001"), Capability.unknown(code: 65, value: [0, 1])),
        (hex("01 04 0001 01 01"), Capability.unknown(code: 1, value: [0, 1, 1, 1])),       // reserved octet not 0
        (hex("45 04 0001 01 07"), Capability.unknown(code: 69, value: [0, 1, 1, 7])),      // direction 7 (RFC 7911 4: ignore)
        (hex("05 06 0001 0101 0002"), Capability.unknown(code: 5, value: [0, 1, 1, 1, 0, 2])), // SAFI above 255
        (hex("49 03 05 6c 00"), Capability.unknown(code: 73, value: [5, 0x6c, 0])),        // hostname overruns
        (hex("02 01 00"), Capability.unknown(code: 2, value: [0])),
    ])
    func capabilityBothWays(bytes: [UInt8], capability: Capability) throws {
        let code = bytes[0]
        let value = Array(bytes.dropFirst(2))
        let decoded = value.withUnsafeBytes { Capability.decode(code: code, value: $0) }
        #expect(decoded == capability)
        #expect(decoded.code == code)
        var out: [UInt8] = []
        capability.encode(into: &out)
        #expect(out == bytes)
    }

    // MARK: RFC 9072 extended optional parameters

    @Test func extendedOptionalParametersDecodeAndEncode() throws {
        // RFC 9072 2: Opt Parm Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length (2),
        // then parameters with 2-octet lengths.
        let body = hex("""
            04 fde9 005a 0a000001   # version 4, AS 65001, hold 90, id 10.0.0.1
            ff ff 000b              # Opt Parm Len 255, Non-Ext OP Type 255, extended length 11
            02 0008                 # parameter type 2, length 8 (2 octets)
            01 04 0001 00 01        # MP ipv4/unicast
            02 00                   # route refresh
            """)
        let bytes = header(type: 1, bodyLength: body.count) + body
        let open = try #require(try BGPMessage.decode(bytes, context: .initial).open)
        #expect(open.extendedParameters)
        #expect(open.capabilities == [.multiprotocol(.ipv4Unicast), .routeRefresh])
        #expect(BGPMessage.open(open).encode(context: .initial) == bytes)
    }

    @Test func parametersLongerThan255OctetsUseTheExtendedForm() throws {
        // 60 MP capabilities of 8 octets each (in their own parameters) make 480 octets.
        let families = (0..<60).map { Capability.multiprotocol(Family(afi: AFI(rawValue: UInt16(1000 + $0)), safi: .unicast)) }
        let open = OpenMessage(asn: 65001, holdTime: 90, bgpIdentifier: IPv4Address(10, 0, 0, 1), capabilities: families)
        let bytes = BGPMessage.open(open).encode(context: .initial)
        #expect(bytes[28] == 255 && bytes[29] == 255)
        #expect(Int(bytes[30]) << 8 | Int(bytes[31]) == 60 * 9)
        let back = try #require(try BGPMessage.decode(bytes, context: .initial).open)
        #expect(back.capabilities == families)
        #expect(back.extendedParameters)
    }

    @Test func plainParametersOf255OctetsStayPlain() throws {
        // A normal Opt Parm Len of 255 whose first parameter type is 2 is not the extended form.
        let caps = (0..<31).map { Capability.multiprotocol(Family(afi: AFI(rawValue: UInt16($0)), safi: .unicast)) }
            + [Capability.unknown(code: 200, value: [0, 0, 0])]
        let open = OpenMessage(asn: 65001, holdTime: 90, bgpIdentifier: IPv4Address(10, 0, 0, 1), capabilities: caps)
        let bytes = BGPMessage.open(open).encode(context: .initial)
        #expect(bytes[28] == 255 && bytes[29] == 2)
        let back = try #require(try BGPMessage.decode(bytes, context: .initial).open)
        #expect(!back.extendedParameters)
        #expect(back.capabilities == caps)
    }

    // MARK: OPEN errors (RFC 4271 6.2)

    func open(version: UInt8 = 4, holdTime: UInt16 = 90, id: [UInt8] = [10, 0, 0, 1], params: [UInt8] = []) -> [UInt8] {
        let body = [version, 0xfd, 0xe9, UInt8(holdTime >> 8), UInt8(holdTime & 0xFF)] + id + [UInt8(params.count)] + params
        return header(type: 1, bodyLength: body.count) + body
    }

    @Test func unsupportedVersionCarriesOurVersionAsTwoOctets() {
        #expect(decodeError(open(version: 3), .initial)?.notification == NotificationMessage(code: 2, subcode: 1, data: [0, 4]))
        #expect(decodeError(open(version: 5), .initial)?.notification == NotificationMessage(code: 2, subcode: 1, data: [0, 4]))
    }

    @Test func holdTimeOfOneOrTwoSecondsIsUnacceptable() throws {
        #expect(decodeError(open(holdTime: 1), .initial)?.notification == NotificationMessage(code: 2, subcode: 6))
        #expect(decodeError(open(holdTime: 2), .initial)?.notification == NotificationMessage(code: 2, subcode: 6))
        #expect(try BGPMessage.decode(open(holdTime: 0), context: .initial).open?.holdTime == 0)
        #expect(try BGPMessage.decode(open(holdTime: 3), context: .initial).open?.holdTime == 3)
    }

    @Test func zeroBGPIdentifierIsBad() {
        #expect(decodeError(open(id: [0, 0, 0, 0]), .initial)?.notification == NotificationMessage(code: 2, subcode: 3))
    }

    @Test func unknownOptionalParameterIsUnsupported() {
        // Parameter type 1 (authentication, deprecated) and 3.
        #expect(decodeError(open(params: [1, 2, 0xAA, 0xBB]), .initial)?.notification == NotificationMessage(code: 2, subcode: 4))
        #expect(decodeError(open(params: [3, 0]), .initial)?.notification == NotificationMessage(code: 2, subcode: 4))
    }

    @Test func parameterLengthsThatDoNotAddUp() {
        // A parameter longer than the field, a capability longer than its parameter, and
        // octets after the parameters: OPEN Message Error, unspecific subcode.
        #expect(decodeError(open(params: [2, 9, 1, 4, 0, 1, 0, 1]), .initial)?.notification == NotificationMessage(code: 2, subcode: 0))
        #expect(decodeError(open(params: [2, 4, 1, 6, 0, 1]), .initial)?.notification == NotificationMessage(code: 2, subcode: 0))
        var extra = open(params: [2, 2, 2, 0])
        extra.append(0)
        extra[17] += 1
        #expect(decodeError(extra, .initial)?.notification == NotificationMessage(code: 2, subcode: 0))
        // Extended form whose 2-octet length overruns.
        #expect(decodeError(open(params: [255, 255, 0, 40, 2, 0, 0]), .initial)?.notification == NotificationMessage(code: 2, subcode: 0))
    }
}
