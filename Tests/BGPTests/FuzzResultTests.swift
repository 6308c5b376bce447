import Testing
@testable import BGP

/// Inputs found by the fuzz targets in fuzz/, pinned with the outcome they must keep.
///
/// The long runs (10 million executions per target, see fuzz/README.md) have found no crash so
/// far; should one ever be found, its bytes go here, as in swift-nio-ssh's FuzzResultTests. The
/// cases below are the smallest inputs of the FuzzMessage corpus for each distinct outcome: odd
/// corners that a change to the decoder must not turn into traps or into other answers.
@Suite struct FuzzResultTests {
    @Test(arguments: [
        // Marker broken at octet 10 of a 19-octet message.
        ("ffffffffffffffffffff0000000000030202fe", NotificationMessage(code: 1, subcode: 1)),
        // Type 255 in a header whose length (255) disagrees with the 19 octets given: the type
        // is checked first.
        ("ffffffffffffffffffffffffffffffff00ffff", NotificationMessage(code: 1, subcode: 3, data: [255])),
        // A single octet.
        ("43", NotificationMessage(code: 1, subcode: 2, data: [0, 1])),
        // OPEN of version 0.
        ("ffffffffffffffffffffffffffffffff001d010000000000000fff0280", NotificationMessage(code: 2, subcode: 1, data: [0, 4])),
        // OPEN announcing 128 octets of optional parameters and carrying none.
        ("ffffffffffffffffffffffffffffffff001d010400000000000fff0280", NotificationMessage(code: 2, subcode: 0)),
        // UPDATE with a withdrawn routes length of 65535.
        ("ffffffffffffffffffffffffffffffff001d0200ffffffffffffff0280", NotificationMessage(code: 3, subcode: 1)),
        // UPDATE whose NLRI starts with a prefix length of 255.
        ("ffffffffffffffffffffffffffffffff001d020000000000ffffff0280", NotificationMessage(code: 3, subcode: 10)),
        // MP_UNREACH_NLRI with every flag bit set: the 2-octet length (768) overruns, and the two
        // octets left do not hold an AFI/SAFI, so the session resets.
        ("ffffffffffffffffffffffffffffffff001d0200000006ff0f03001946",
         NotificationMessage(code: 3, subcode: 9, data: [0xff, 0x0f, 0x03, 0x00, 0x19, 0x46])),
        // LARGE_COMMUNITY of length 0 (extended-length form) in an UPDATE without NLRI: treat-as-
        // withdraw escalated to session reset by RFC 7606 5.2, Attribute Length Error.
        ("ffffffffffffffffffffffffffffffff001d0200000006ff2000000080",
         NotificationMessage(code: 3, subcode: 5, data: [0xff, 0x20, 0x00, 0x00])),
    ])
    func errors(input: String, notification: NotificationMessage) {
        #expect(decodeError(hex(input))?.notification == notification)
    }

    @Test func mpUnreachWithoutTheOptionalBitDisablesEVPN() {
        // Flags 0x2f on MP_UNREACH_NLRI for l2vpn/evpn: the family is disabled, the session stays.
        let e = decodeError(hex("ffffffffffffffffffffffffffffffff001d02000000062f0f03001946"))
        #expect(e?.action == .afiSafiDisable && e?.family == .l2vpnEVPN)
    }

    @Test func unrecognizedWellKnownAfterAMalformedLocalPref() {
        // LOCAL_PREF of length 0 (treat-as-withdraw), then an attribute with flags 0 and type 0:
        // an unrecognized well-known attribute, which resets the session (3/2).
        let e = decodeError(hex("ffffffffffffffffffffffffffffffff002d020000001540010102400200400304c0a8ff014005000000006400"))
        #expect(e?.notification.subcode == 2)
        #expect(e?.notification.data == [0, 0, 0])
    }

    @Test func nlriWithoutAnyAttribute() throws {
        // Four prefixes (0/0, 0/0, 0.0.0.0/3, 128.0.0.0/1) and no attributes at all: ORIGIN,
        // AS_PATH and NEXT_HOP are all missing, so the routes are withdrawn.
        let u = try decodeUpdate(hex("ffffffffffffffffffffffffffffffff001d0200000000000003000180"))
        #expect(u.diagnostics.map(\.code) == [1, 2, 3])
        #expect(u.treatAsWithdraw)
        #expect(u.nlri.count == 4)
    }
}
