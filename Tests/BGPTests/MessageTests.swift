import Testing
@testable import BGP
import NetAddress

/// NOTIFICATION and ROUTE-REFRESH, and what a BGPDecodeError carries.
@Suite struct MessageTests {
    @Test func notificationFromFRRHardReset() throws {
        // ../shared/captures/frr-unnumbered-r1-r2.pcap: Cease/9 (Hard Reset, RFC 8538) wrapping
        // Cease/2 with the RFC 8203 shutdown message "lab-teardown".
        let bytes = hex("""
            ffffffffffffffffffffffffffffffff 0024 03   # length 36, NOTIFICATION
            06 09                                        # Cease, Hard Reset
            06 02 0c 6c61622d7465617264 6f776e           # Cease/2, 12 octets "lab-teardown"
            """)
        let m = try BGPMessage.decode(bytes, context: CodecContext())
        #expect(m == .notification(NotificationMessage(code: 6, subcode: 9, data: hex("0602 0c") + Array("lab-teardown".utf8))))
        #expect(m.encode(context: CodecContext()) == bytes)
    }

    @Test func routeRefreshSubtypes() throws {
        // RFC 2918 / RFC 7313: normal, BoRR, EoRR for IPv4 unicast, as BIRD sends them (LAB 4).
        for subtype: UInt8 in [0, 1, 2] {
            let bytes = header(type: 5, bodyLength: 4) + [0, 1, subtype, 1]
            let m = try BGPMessage.decode(bytes, context: CodecContext())
            #expect(m == .routeRefresh(RouteRefreshMessage(family: .ipv4Unicast, subtype: RouteRefreshMessage.Subtype(rawValue: subtype))))
            #expect(m.encode(context: CodecContext()) == bytes)
        }
        // ORF entries after a normal request are kept (RFC 5291).
        let orf = header(type: 5, bodyLength: 9) + [0, 1, 0, 1, 1, 0, 0x40, 0, 0]
        let m = try BGPMessage.decode(orf, context: CodecContext())
        guard case .routeRefresh(let rr) = m else { Issue.record("not a ROUTE-REFRESH"); return }
        #expect(rr.orf == [1, 0, 0x40, 0, 0])
        #expect(m.encode(context: CodecContext()) == orf)
    }

    @Test func borrWithExtraOctetsIsInvalidMessageLength() {
        // RFC 7313 5: 7/1 with the complete message as data.
        let bytes = header(type: 5, bodyLength: 5) + [0, 1, 1, 1, 0]
        let e = decodeError(bytes)
        #expect(e?.notification == NotificationMessage(code: 7, subcode: 1, data: bytes))
    }

    @Test func decodeErrorsCompareByNotificationNotText() {
        let a = BGPDecodeError(.update, 3, data: [1], reason: "one")
        let b = BGPDecodeError(.update, 3, data: [1], reason: "two")
        #expect(a == b)
        #expect(a != BGPDecodeError(.update, 3, data: [2], reason: "one"))
        #expect(a.description.contains("3/3"))
    }
}
