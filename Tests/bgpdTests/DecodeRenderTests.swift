import BGP
import Capture
import NetAddress
import Testing
@testable import bgpd

/// The pieces of `bgpd decode`'s output, value by value.
@Suite struct DecodeRenderTests {
    @Test func jsonEscaping() {
        let v = JSONValue.object([("a\"b", .string("line\nquote\" back\\ tab\t bell\u{07} é")), ("n", .null),
                                  ("x", .array([.int(-3), .bool(true), .number("1.500000000")]))])
        #expect(v.serialized == #"{"a\"b":"line\nquote\" back\\ tab\t bell\u0007 é","n":null,"x":[-3,true,1.500000000]}"#)
    }

    @Test func relativeTimes() {
        let start = Timestamp(seconds: 100, nanoseconds: 900_000_000)
        #expect(DecodeOutput.relative(Timestamp(seconds: 102, nanoseconds: 100_000_000), start) == "1.200000000")
        #expect(DecodeOutput.relative(start, start) == "0.000000000")
        #expect(DecodeOutput.relative(Timestamp(seconds: 100, nanoseconds: 0), start) == "-0.900000000")
        // Extreme timestamps (a crafted pcapng) print without trapping.
        let far = Timestamp(seconds: Int64.max, nanoseconds: 0)
        #expect(!DecodeOutput.relative(far, Timestamp(seconds: Int64.min, nanoseconds: 999_999_999)).isEmpty)
    }

    /// RFC 8203/9003 shutdown messages, RFC 8538 Hard Reset, and data that is neither.
    @Test func notificationDetails() {
        let admin = NotificationMessage(code: 6, subcode: 2, data: [5] + Array("bye!!".utf8))
        #expect(NotificationText.shutdownMessage(admin) == .success("bye!!"))
        let short = NotificationMessage(code: 6, subcode: 2, data: [9, 0x41])
        #expect(NotificationText.shutdownMessage(short) == .failure(.init(reason: "length 9 but 1 octets follow")))
        let badUTF8 = NotificationMessage(code: 6, subcode: 4, data: [2, 0xC3, 0x28])
        #expect(NotificationText.shutdownMessage(badUTF8) == .failure(.init(reason: "not valid UTF-8")))
        #expect(NotificationText.shutdownMessage(NotificationMessage(code: 6, subcode: 3, data: [1, 0x41])) == nil)

        let hard = NotificationMessage(code: 6, subcode: 9, data: [6, 2] + admin.data)
        #expect(NotificationText.hardResetInner(hard) == admin)
        let lines = NotificationText.lines(hard)
        #expect(lines.contains("  shutdown message: \"bye!!\""))
        #expect(lines.first?.hasPrefix("Cease/Hard Reset (6/9)") == true)
        let json = NotificationText.json(hard).serialized
        #expect(json.contains(#""hard_reset":{"code":6,"subcode":2"#))
        #expect(json.contains(#""shutdown_message":"bye!!""#))
        let empty = NotificationMessage(code: 6, subcode: 9)
        #expect(NotificationText.json(empty).serialized.contains("hard_reset_error"))
        #expect(NotificationText.subcodeName(code: 3, subcode: 11) == "Malformed AS_PATH")
        #expect(NotificationText.subcodeName(code: 6, subcode: 42) == "Unknown subcode 42")
        #expect(NotificationText.codeName(9) == "Unknown error code 9")
    }

    @Test func extendedCommunities() {
        func kv(_ type: UInt8, _ sub: UInt8, _ value: UInt64) -> (String, String) {
            ExtendedCommunityText.kindAndValue(ExtendedCommunity(type: type, subtype: sub, value: value))
        }
        #expect(kv(0x00, 0x02, 65100 << 32 | 100) == ("route-target", "65100:100"))
        #expect(kv(0x01, 0x02, UInt64(IPv4Address(10, 0, 0, 1).value) << 16 | 5) == ("route-target", "10.0.0.1:5"))
        #expect(kv(0x02, 0x02, 4_200_000_002 << 16 | 7) == ("route-target", "4200000002:7"))
        #expect(kv(0x00, 0x03, 65000 << 32 | 1) == ("route-origin", "65000:1"))
        #expect(kv(0x03, 0x0C, 8) == ("encapsulation", "8"))
        #expect(kv(0x06, 0x03, 0x0200_0000_3A01) == ("router-mac", "02:00:00:00:3a:01"))
        #expect(kv(0x06, 0x00, 1 << 40 | 7) == ("mac-mobility", "7 sticky"))
        #expect(kv(0x80, 0x06, 1) == ("other", "000000000001"))
        let json = ExtendedCommunityText.json(ExtendedCommunity(type: 0, subtype: 2, value: 65100 << 32 | 100)).serialized
        #expect(json == #"{"raw":"0002fe4c00000064","type":0,"subtype":2,"transitive":true,"kind":"route-target","value":"65100:100","text":"RT:65100:100"}"#)
    }

    @Test func evpnRoutes() throws {
        let rd = RouteDistinguisher(ipv4: IPv4Address(10, 0, 0, 1), number: 100)
        let mac = try #require(MACAddress("02:00:00:00:aa:01"))
        let r = EVPNRoute.macIP(MACIPAdvertisementRoute(rd: rd, mac: mac, ip: .v4(IPv4Address(10, 100, 0, 11)),
                                                         label1: EVPNLabel(vni: 100)))
        #expect(NLRIRender.evpnText(r, vxlan: true) == "[2] rd 10.0.0.1:100 tag 0 mac 02:00:00:00:aa:01 ip 10.100.0.11 vni 100")
        #expect(NLRIRender.evpnText(r, vxlan: false).hasSuffix("label 6"))
        let json = NLRIRender.evpnJSON(r, pathID: 7).serialized
        #expect(json.contains(#""mac":"02:00:00:00:aa:01","ip":"10.100.0.11","label1":{"raw":100,"vni":100,"mpls_label":6},"label2":null"#))
        #expect(json.contains(#""path_id":7"#))
        let t5 = EVPNRoute.ipPrefix(IPPrefixRoute(rd: rd, prefixAddress: .v4(IPv4Address(10, 31, 100, 9)), prefixLength: 24,
                                                  gateway: .v4(.zero), label: EVPNLabel(vni: 1000)))
        let j5 = NLRIRender.evpnJSON(t5, pathID: nil).serialized
        #expect(j5.contains(#""prefix":"10.31.100.0/24","prefix_address":"10.31.100.9","prefix_length":24,"gateway":"0.0.0.0""#))
        #expect(!j5.contains("path_id"))
    }

    @Test func nextHops() throws {
        let ll = try #require(IPv6Address("fe80::1"))
        #expect(NLRIRender.nextHopText(.ipv6Pair(global: .zero, linkLocal: ll)) == ":: fe80::1")
        #expect(NLRIRender.nextHopText(.raw([0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1])) == "12 octets 00000000000000000a000001")
        #expect(NLRIRender.nextHopJSON(.ipv6Pair(global: ll, linkLocal: ll)).serialized
                == #"{"address":"fe80::1","link_local":"fe80::1","length":32}"#)
    }
}
