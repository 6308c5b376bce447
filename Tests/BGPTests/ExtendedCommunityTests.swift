import Testing
@testable import BGP
import NetAddress

/// Extended communities: the typed view, the constructors and the FRR-style text.
@Suite struct ExtendedCommunityTests {
    @Test(arguments: [
        // (8 octets, text, kind)
        (hex("0002 fe4c 00000064"), "RT:65100:100", ExtendedCommunityKind.routeTargetAS2(asn: 65100, number: 100)),
        (hex("0102 0a000001 0005"), "RT:10.0.0.1:5", .routeTargetIPv4(address: IPv4Address(10, 0, 0, 1), number: 5)),
        (hex("0202 fa56ea02 0007"), "RT:4200000002:7", .routeTargetAS4(asn: 4_200_000_002, number: 7)),
        (hex("030c 00000000 0008"), "ET:8", .encapsulation(tunnelType: 8)),
        (hex("030d 00000000 0000"), "Default Gateway", .defaultGateway),
        (hex("0600 00 00 00000003"), "MM:3", .macMobility(sticky: false, sequence: 3)),
        (hex("0600 01 00 00000000"), "MM:0, sticky MAC", .macMobility(sticky: true, sequence: 0)),
        (hex("0601 01 0000 000064"), "ESI-label-Rt:SA:100", .esiLabel(singleActive: true, label: EVPNLabel(raw: 100))),
        (hex("0602 001122334455"), "ES-Import-Rt:00:11:22:33:44:55", .esImportRouteTarget(MACAddress("00:11:22:33:44:55")!)),
        (hex("0603 020000003a01"), "Rmac:02:00:00:00:3a:01", .routerMAC(MACAddress("02:00:00:00:3a:01")!)),
        (hex("4004 fde9 4cee6b28"), "LB:65001:125000000 (1000 Mbps)", .linkBandwidth(asn: 65001, bytesPerSecond: 125_000_000, transitive: false)),
        (hex("0004 fde9 4cee6b28"), "LB:65001:125000000 (1000 Mbps)", .linkBandwidth(asn: 65001, bytesPerSecond: 125_000_000, transitive: true)),
        (hex("8006 0000 00000001"), "0x8006:000000000001", .other),   // flowspec traffic-rate, not interpreted
    ])
    func kindsAndText(bytes: [UInt8], text: String, kind: ExtendedCommunityKind) throws {
        let c = ExtendedCommunity(raw: bytes.reduce(0) { $0 << 8 | UInt64($1) })
        #expect(c.kind == kind)
        #expect(c.description == text)
        if kind != .other { #expect(ExtendedCommunity(kind: kind) == c) } else { #expect(ExtendedCommunity(kind: kind) == nil) }
    }

    @Test func routeOriginPrintsLikeARouteTarget() {
        let soo = ExtendedCommunity.routeOrigin(asn: 65000, number: 1)
        #expect(soo.raw == 0x0003_FDE8_0000_0001)
        #expect(soo.kind == .routeOrigin(soo))
        #expect(soo.description == "SoO:65000:1")
        #expect(soo.administratorText == "65000:1")
    }

    @Test func constructors() {
        #expect(ExtendedCommunity.routeTarget(asn: 65100, number: 100).raw == 0x0002_FE4C_0000_0064)
        #expect(ExtendedCommunity.routeTarget(asn: 4_200_000_002, number: 7).raw == 0x0202_FA56_EA02_0007)
        #expect(ExtendedCommunity.routeTarget(ipv4: IPv4Address(10, 0, 0, 1), number: 5).description == "RT:10.0.0.1:5")
        #expect(ExtendedCommunity.encapsulation(.vxlan).raw == 0x030C_0000_0000_0008)
        #expect(ExtendedCommunity.macMobility(sequence: 7).kind == .macMobility(sticky: false, sequence: 7))
        #expect(ExtendedCommunity.macMobility(sequence: 1, sticky: true).description == "MM:1, sticky MAC")
        #expect(ExtendedCommunity.routerMAC(MACAddress("02:00:00:00:3a:01")!).raw == 0x0603_0200_0000_3A01)
        #expect(ExtendedCommunity.linkBandwidth(asn: 65001, bytesPerSecond: 1.25e8).raw == 0x0004_FDE9_4CEE_6B28)
        #expect(ExtendedCommunity.defaultGateway.description == "Default Gateway")
        #expect(ExtendedCommunity.esiLabel(EVPNLabel(raw: 5), singleActive: false).description == "ESI-label-Rt:AA:5")
        #expect(ExtendedCommunity.esImportRouteTarget(MACAddress(1)).type == 0x06)
        #expect(ExtendedCommunity.routeTarget(asn: 65100, number: 100).isTransitive)
        #expect(!ExtendedCommunity.linkBandwidth(asn: 1, bytesPerSecond: 1, transitive: false).isTransitive)
    }

    @Test func routeTargetText() {
        #expect(ExtendedCommunity(routeTarget: "65100:100") == .routeTarget(asn: 65100, number: 100))
        #expect(ExtendedCommunity(routeTarget: "RT:4200000002:7") == .routeTarget(asn: 4_200_000_002, number: 7))
        #expect(ExtendedCommunity(routeTarget: "10.0.0.1:5") == .routeTarget(ipv4: IPv4Address(10, 0, 0, 1), number: 5))
        #expect(ExtendedCommunity(routeTarget: "65100:4294967295")?.administratorText == "65100:4294967295")
        // A 4-octet AS leaves 2 octets for the number; an IPv4 administrator too.
        #expect(ExtendedCommunity(routeTarget: "4200000002:70000") == nil)
        #expect(ExtendedCommunity(routeTarget: "10.0.0.1:70000") == nil)
        #expect(ExtendedCommunity(routeTarget: "x:1") == nil)
        #expect(ExtendedCommunity(routeTarget: "100") == nil)
        for text in ["65100:100", "10.0.0.1:5", "4200000002:7"] {
            #expect(ExtendedCommunity(routeTarget: text)?.administratorText == text)
            #expect(ExtendedCommunity(routeTarget: text)?.description == "RT:" + text)
        }
        #expect(ExtendedCommunity.encapsulation(.vxlan).administratorText == nil)
    }

    @Test func frrGoBGPExtendedCommunitiesFromLabScenario5() throws {
        // FRR toward GoBGP: RT 65000:100, RT 65000:200, SoO 65000:1 (2-octet AS types).
        let value = hex("0002fde800000064 0002fde8000000c8 0003fde800000001")
        let u = try decodeUpdate(updateMessage(attributes: basicAttributes + attribute(0xC0, 16, value), nlri: [8, 10]))
        #expect(u.attributes.extendedCommunities?.map(\.description) == ["RT:65000:100", "RT:65000:200", "SoO:65000:1"])
    }
}
