import Testing
@testable import BGP
import NetAddress

/// Revised error handling for UPDATE messages (RFC 7606), case by case: which approach each
/// malformation gets, what survives of the UPDATE, and which NOTIFICATION a session reset sends.
@Suite struct RFC7606Tests {
    let origin = attribute(0x40, 1, [0])
    let asPath = attribute(0x40, 2, [2, 1, 0, 0, 0xFD, 0xE9])
    let nextHop = attribute(0x40, 3, [192, 0, 2, 1])
    let nlri: [UInt8] = [24, 10, 1, 1]

    /// An UPDATE with NLRI whose well-known attributes are fine, plus `extra`.
    func withNLRI(_ extra: [UInt8], replacing code: UInt8? = nil) -> [UInt8] {
        var attrs: [UInt8] = []
        if code != 1 { attrs += origin }
        if code != 2 { attrs += asPath }
        if code != 3 { attrs += nextHop }
        return updateMessage(attributes: attrs + extra, nlri: nlri)
    }

    /// Decodes and checks the single diagnostic: the attribute, the approach, and that the
    /// announced prefix is still there (treat-as-withdraw withdraws it, it does not lose it).
    func expectOutcome(_ bytes: [UInt8], code: UInt8, _ action: ErrorAction,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> UpdateMessage {
        let u = try decodeUpdate(bytes)
        #expect(u.diagnostics.map(\.code) == [code], "\(u.diagnostics)", sourceLocation: sourceLocation)
        #expect(u.diagnostics.map(\.action) == [action], "\(u.diagnostics)", sourceLocation: sourceLocation)
        #expect(u.treatAsWithdraw == (action == .treatAsWithdraw), sourceLocation: sourceLocation)
        #expect(u.nlri == [IPv4NLRI(IPv4Prefix("10.1.1.0/24")!)], sourceLocation: sourceLocation)
        return u
    }

    // MARK: section 7, attribute by attribute

    @Test func originBadLengthOrValueIsTreatAsWithdraw() throws {
        // 7.1: "malformed if its length is not 1 or if it has an undefined value".
        var u = try expectOutcome(withNLRI(attribute(0x40, 1, [0, 0]), replacing: 1), code: 1, .treatAsWithdraw)
        #expect(u.attributes.origin == nil)
        u = try expectOutcome(withNLRI(attribute(0x40, 1, [7]), replacing: 1), code: 1, .treatAsWithdraw)
        #expect(u.attributes.asPath != nil, "the attributes after the bad one are still parsed")
        _ = try expectOutcome(withNLRI(attribute(0x40, 1, []), replacing: 1), code: 1, .treatAsWithdraw)
    }

    @Test(arguments: [
        hex("05 01 0000fde9"),          // unrecognized segment type 5
        hex("02 02 0000fde9"),          // segment overruns the attribute
        hex("02 01 0000fde9 02"),       // a single octet left after the last segment
        hex("02 00"),                   // segment length 0
    ])
    func malformedASPathIsTreatAsWithdraw(value: [UInt8]) throws {
        // 7.2.
        let u = try expectOutcome(withNLRI(attribute(0x40, 2, value), replacing: 2), code: 2, .treatAsWithdraw)
        #expect(u.attributes.asPath == nil)
    }

    @Test func emptyASPathIsWellFormed() throws {
        // iBGP-originated routes carry an empty AS_PATH.
        let u = try decodeUpdate(withNLRI(attribute(0x40, 2, []), replacing: 2))
        #expect(u.diagnostics.isEmpty)
        #expect(u.attributes.asPath == ASPath())
    }

    @Test func nextHopBadLength() throws {
        // 7.3: treat-as-withdraw, when it is the next hop of the NLRI field...
        _ = try expectOutcome(withNLRI(attribute(0x40, 3, [192, 0, 2]), replacing: 3), code: 3, .treatAsWithdraw)
        // ... but with the NLRI only in MP_REACH it "SHOULD [be] ignore[d]" (3.d): discarded.
        let mp = attribute(0x80, 14, hex("0002 01 10 20010db8000000000000000000000001 00 30 20010db80001"))
        let u = try decodeUpdate(updateMessage(attributes: mp + origin + asPath + attribute(0x40, 3, [1, 2, 3, 4, 5])))
        #expect(u.diagnostics.map(\.action) == [.attributeDiscard])
        #expect(!u.treatAsWithdraw)
    }

    @Test func medAndLocalPrefBadLength() throws {
        // 7.4, 7.5 (LAB scenario 6: FRR treats MED length 3 as withdraw too).
        var u = try expectOutcome(withNLRI(attribute(0x80, 4, [0, 0, 1])), code: 4, .treatAsWithdraw)
        #expect(u.attributes.med == nil)
        u = try expectOutcome(withNLRI(attribute(0x40, 5, [0, 0, 0, 100, 0])), code: 5, .treatAsWithdraw)
        #expect(u.attributes.localPref == nil)
    }

    @Test func atomicAggregateAndAggregatorBadLengthAreDiscarded() throws {
        // 7.6, 7.7: attribute discard; the route stands.
        var u = try expectOutcome(withNLRI(attribute(0x40, 6, [1])), code: 6, .attributeDiscard)
        #expect(!u.attributes.atomicAggregate)
        u = try expectOutcome(withNLRI(attribute(0xC0, 7, [0, 0, 0xFD, 0xE9, 10, 0, 0])), code: 7, .attributeDiscard)
        #expect(u.attributes.aggregator == nil)
    }

    @Test(arguments: [
        (UInt8(8), [UInt8](repeating: 1, count: 6)), (UInt8(8), [UInt8]()),     // 7.8 COMMUNITIES
        (UInt8(16), [UInt8](repeating: 1, count: 12)), (UInt8(16), [UInt8]()),  // 7.14 EXTENDED_COMMUNITIES
        (UInt8(32), [UInt8](repeating: 1, count: 16)), (UInt8(32), [UInt8]()),  // RFC 8092 LARGE_COMMUNITY
    ] as [(UInt8, [UInt8])])
    func communityListsOfTheWrongLengthAreTreatAsWithdraw(code: UInt8, value: [UInt8]) throws {
        _ = try expectOutcome(withNLRI(attribute(0xC0, code, value)), code: code, .treatAsWithdraw)
    }

    @Test func originatorIDAndClusterListBadLength() throws {
        // 7.9, 7.10 (internal neighbour): treat-as-withdraw.
        _ = try expectOutcome(withNLRI(attribute(0x80, 9, [10, 0, 0])), code: 9, .treatAsWithdraw)
        _ = try expectOutcome(withNLRI(attribute(0x80, 10, [10, 0, 0, 1, 10])), code: 10, .treatAsWithdraw)
    }

    @Test func pmsiTunnelTooShortIsTreatAsWithdraw() throws {
        _ = try expectOutcome(withNLRI(attribute(0xC0, 22, [0, 6, 0, 0])), code: 22, .treatAsWithdraw)
    }

    @Test func malformedMPReachDisablesItsFamily() {
        // 7.11: AFI/SAFI readable -> "AFI/SAFI disable"; NOTIFICATION 3/9 if the session resets instead.
        let bad = attribute(0x80, 14, hex("0002 01 10 20010db8000000000000000000000001 00 81 20010db8"))  // /129
        let e = decodeError(updateMessage(attributes: bad + origin + asPath))
        #expect(e?.action == .afiSafiDisable)
        #expect(e?.family == .ipv6Unicast)
        #expect(e?.notification == NotificationMessage(code: 3, subcode: 9, data: bad))
        // Next hop overrunning the attribute.
        #expect(decodeError(updateMessage(attributes: attribute(0x80, 14, hex("0002 01 20 20010db8")) + origin + asPath))?.family == .ipv6Unicast)
        // No reserved octet after the next hop.
        #expect(decodeError(updateMessage(attributes: attribute(0x80, 14, hex("0001 01 04 0a000001")) + origin + asPath))?.action == .afiSafiDisable)
    }

    @Test func mpAttributeWithoutAFISAFIResetsTheSession() {
        for code: UInt8 in [14, 15] {
            let e = decodeError(updateMessage(attributes: attribute(0x80, code, [0, 2]) + origin + asPath))
            #expect(e?.action == .sessionReset)
            #expect(e?.notification.subcode == 9)
        }
    }

    @Test func malformedMPUnreachDisablesItsFamily() {
        // IPv4 prefix overrunning the withdrawn routes of MP_UNREACH (as in ze's RFC 4760 test).
        let e = decodeError(updateMessage(attributes: attribute(0x80, 15, hex("0001 01 18 0a00"))))
        #expect(e?.action == .afiSafiDisable)
        #expect(e?.family == .ipv4Unicast)
    }

    // MARK: section 3

    @Test func flagsConflictingWithTheTypeGetTheAttributesOwnApproach() throws {
        // 3.c: Optional/Transitive bits in conflict -> the attribute is malformed.
        var u = try expectOutcome(withNLRI(attribute(0xC0, 1, [0]), replacing: 1), code: 1, .treatAsWithdraw)   // ORIGIN optional
        u = try expectOutcome(withNLRI(attribute(0xC0, 4, [0, 0, 0, 1])), code: 4, .treatAsWithdraw)            // MED transitive
        #expect(u.attributes.med == nil)
        u = try expectOutcome(withNLRI(attribute(0x80, 7, [0, 0, 0xFD, 0xE9, 10, 0, 0, 1])), code: 7, .attributeDiscard) // AGGREGATOR non-transitive
        u = try expectOutcome(withNLRI(attribute(0xC0, 6, [])), code: 6, .attributeDiscard)                      // ATOMIC optional
        // The Partial and Extended Length bits do not matter.
        u = try decodeUpdate(withNLRI(attribute(0xE0, 8, [0, 1, 0, 2])))
        #expect(u.diagnostics.isEmpty && u.attributes.communities == [Community(asn: 1, value: 2)])
        // MP_REACH with the Transitive bit: its family is disabled.
        let e = decodeError(updateMessage(attributes: attribute(0xC0, 14, hex("0001 01 04 0a000001 00 18 0a0101")) + origin + asPath))
        #expect(e?.action == .afiSafiDisable && e?.family == .ipv4Unicast)
        #expect(e?.notification.code == 3)
    }

    @Test func flagsErrorIsReportedWithSubcode4WhenItResetsTheSession() {
        // No reachable NLRI (5.2) turns a treat-as-withdraw into a session reset: the NOTIFICATION
        // is the attribute's own, Attribute Flags Error with the attribute as data.
        let bad = attribute(0xC0, 1, [0])
        let e = decodeError(updateMessage(withdrawn: [8, 10], attributes: bad + asPath))
        #expect(e?.notification == NotificationMessage(code: 3, subcode: 4, data: bad))
    }

    @Test func duplicateAttributesKeepTheFirst() throws {
        // 3.g: all occurrences but the first are discarded.
        let u = try expectOutcome(withNLRI(attribute(0xC0, 8, [0, 1, 0, 2]) + attribute(0xC0, 8, [0, 3, 0, 4])),
                                  code: 8, .attributeDiscard)
        #expect(u.attributes.communities == [Community(asn: 1, value: 2)])
        // An unknown attribute twice: the same.
        let v = try decodeUpdate(withNLRI(attribute(0xC0, 99, [1]) + attribute(0xC0, 99, [2])))
        #expect(v.attributes.other == [RawAttribute(flags: 0xC0, code: 99, value: [1])])
    }

    @Test func duplicateMPAttributesResetTheSession() {
        // 3.g: MP_REACH_NLRI or MP_UNREACH_NLRI more than once -> Malformed Attribute List.
        let reach = attribute(0x80, 14, hex("0002 01 10 20010db8000000000000000000000001 00 30 20010db80001"))
        #expect(decodeError(updateMessage(attributes: reach + origin + asPath + reach))?.notification == NotificationMessage(code: 3, subcode: 1))
        let unreach = attribute(0x80, 15, hex("0002 01 30 20010db80001"))
        #expect(decodeError(updateMessage(attributes: unreach + unreach))?.notification == NotificationMessage(code: 3, subcode: 1))
        // Even when the first one was malformed (the family would only have been disabled).
        let broken = attribute(0x80, 15, hex("0002 01 81"))
        #expect(decodeError(updateMessage(attributes: broken + unreach))?.action == .sessionReset)
    }

    @Test func missingWellKnownAttributesWithNLRI() throws {
        // 3.d: treat-as-withdraw, naming the missing attribute.
        _ = try expectOutcome(withNLRI([], replacing: 1), code: 1, .treatAsWithdraw)
        _ = try expectOutcome(withNLRI([], replacing: 2), code: 2, .treatAsWithdraw)
        _ = try expectOutcome(withNLRI([], replacing: 3), code: 3, .treatAsWithdraw)
        // NEXT_HOP is not needed for NLRI in MP_REACH (RFC 4760 3).
        let mp = attribute(0x80, 14, hex("0002 01 10 20010db8000000000000000000000001 00 30 20010db80001"))
        #expect(try decodeUpdate(updateMessage(attributes: mp + origin + asPath)).diagnostics.isEmpty)
        let u = try decodeUpdate(updateMessage(attributes: mp + origin))
        #expect(u.diagnostics.map(\.code) == [2] && u.treatAsWithdraw)
        // Withdrawals alone need no attributes.
        #expect(try decodeUpdate(updateMessage(withdrawn: [8, 10], attributes: [])).diagnostics.isEmpty)
    }

    @Test func multipleErrorsTheStrongestWins() throws {
        // 3.h: a discard and a treat-as-withdraw -> treat-as-withdraw; both recorded.
        let u = try decodeUpdate(withNLRI(attribute(0x40, 6, [1]) + attribute(0x80, 4, [1])))
        #expect(u.diagnostics.map(\.action) == [.attributeDiscard, .treatAsWithdraw])
        #expect(u.treatAsWithdraw)
        // A treat-as-withdraw and a broken MP family -> the family is disabled.
        let bad = attribute(0x80, 14, hex("0002 01 10 20010db8000000000000000000000001 00 81"))
        #expect(decodeError(updateMessage(attributes: bad + origin + asPath + attribute(0x80, 4, [1])))?.action == .afiSafiDisable)
        // Two families broken at once: no single family to disable, so the session resets.
        let bad4 = attribute(0x80, 15, hex("0001 01 21"))
        #expect(decodeError(updateMessage(attributes: bad + bad4 + origin + asPath))?.action == .sessionReset)
    }

    // MARK: section 4, attribute lengths

    @Test func attributeOverrunningTheBlockIsTreatAsWithdraw() throws {
        // The last attribute says 9 octets, 4 remain: treat-as-withdraw, and the NLRI is still
        // found from the Total Path Attribute Length (LAB scenario 6: FRR resets instead).
        let overrun: [UInt8] = [0x80, 4, 9, 0, 0, 0, 1]
        let u = try expectOutcome(withNLRI(overrun), code: 4, .treatAsWithdraw)
        #expect(u.attributes.origin == .igp && u.attributes.nextHop != nil)
        // AS_PATH overrunning (the LAB case): the same approach.
        let v = try decodeUpdate(updateMessage(attributes: origin + nextHop + [0x40, 2, 20, 2, 1, 0, 0, 0xFD, 0xE9], nlri: nlri))
        #expect(v.treatAsWithdraw)
        #expect(v.diagnostics.first?.code == 2)
    }

    @Test func tooFewOctetsForAnAttributeHeader() throws {
        // "fewer than three octets remain (or fewer than four octets, if the Attribute Flags
        // field has the Extended Length bit set)".
        _ = try expectOutcome(withNLRI([0x40, 8]), code: 8, .treatAsWithdraw)
        _ = try expectOutcome(withNLRI([0x50, 8, 0]), code: 8, .treatAsWithdraw)
        _ = try expectOutcome(withNLRI([0xC0]), code: 0, .treatAsWithdraw)
    }

    @Test func mpReachOverrunningTheBlockDisablesItsFamily() {
        let e = decodeError(updateMessage(attributes: origin + asPath + [0x80, 14, 40, 0, 2, 1, 16]))
        #expect(e?.action == .afiSafiDisable && e?.family == .ipv6Unicast)
        #expect(decodeError(updateMessage(attributes: origin + asPath + [0x80, 14, 40, 0]))?.action == .sessionReset)
    }

    // MARK: section 5, NLRI

    @Test func unparseableNLRIFieldResetsTheSession() {
        // 5.3: prefix length above 32, or a prefix overrunning the field -> session reset, 3/10.
        #expect(decodeError(updateMessage(attributes: basicAttributes, nlri: [33, 10, 0, 0, 0, 0]))?.notification == NotificationMessage(code: 3, subcode: 10))
        #expect(decodeError(updateMessage(attributes: basicAttributes, nlri: [24, 10, 1]))?.notification == NotificationMessage(code: 3, subcode: 10))
        // 3.i: the Withdrawn Routes field is checked the same way.
        #expect(decodeError(updateMessage(withdrawn: [40, 1, 2, 3, 4, 5], attributes: []))?.notification == NotificationMessage(code: 3, subcode: 10))
    }

    @Test func fieldLengthsOverrunningTheMessageAreMalformedAttributeList() {
        // 3.b: Withdrawn Routes Length or Total Attribute Length too large -> 3/1.
        var bytes = updateMessage(attributes: basicAttributes, nlri: nlri)
        bytes[19] = 0; bytes[20] = 200
        #expect(decodeError(bytes)?.notification == NotificationMessage(code: 3, subcode: 1))
        bytes = updateMessage(attributes: basicAttributes, nlri: nlri)
        bytes[21] = 1; bytes[22] = 0
        #expect(decodeError(bytes)?.notification == NotificationMessage(code: 3, subcode: 1))
    }

    @Test func noReachableNLRIEscalatesToSessionReset() {
        // 5.2: attributes other than MP_UNREACH_NLRI, no reachable NLRI, and an error stronger
        // than attribute discard -> session reset, with the attribute's NOTIFICATION.
        let badMED = attribute(0x80, 4, [0, 0, 1])
        let e = decodeError(updateMessage(attributes: origin + asPath + badMED))
        #expect(e?.action == .sessionReset)
        #expect(e?.notification == NotificationMessage(code: 3, subcode: 5, data: badMED))
        // Withdrawn routes are not reachable NLRI (ORIGIN length 2, as in LAB scenario 6).
        let badOrigin = attribute(0x40, 1, [0, 0])
        #expect(decodeError(updateMessage(withdrawn: [8, 10], attributes: badOrigin))?.notification == NotificationMessage(code: 3, subcode: 5, data: badOrigin))
        let badValue = attribute(0x40, 1, [7])
        #expect(decodeError(updateMessage(withdrawn: [8, 10], attributes: badValue))?.notification == NotificationMessage(code: 3, subcode: 6, data: badValue))
    }

    @Test func noReachableNLRIWithOnlyDiscardsYieldsDiagnostics() throws {
        // An UPDATE with no NLRI whose only errors are attribute discards just reports them.
        let u = try decodeUpdate(updateMessage(withdrawn: [8, 10], attributes: origin + attribute(0x40, 6, [1])))
        #expect(u.diagnostics.map(\.action) == [.attributeDiscard])
        #expect(u.withdrawn == [IPv4NLRI(IPv4Prefix("10.0.0.0/8")!)])
    }

    // MARK: unrecognized attributes

    @Test func unrecognizedWellKnownAttributeResetsTheSession() {
        // RFC 4271 6.3: 3/2 with the attribute as data (LAB scenario 6: FRR sends 3/1).
        let unknown = attribute(0x40, 99, [1, 2])
        let e = decodeError(withNLRI(unknown))
        #expect(e?.notification == NotificationMessage(code: 3, subcode: 2, data: unknown))
        #expect(e?.action == .sessionReset)
    }

    @Test func unknownOptionalAttributesPassThroughWithPartial() throws {
        // Optional transitive 99 is kept and re-advertised with Partial; optional non-transitive
        // 98 is kept for display but not passed on (RFC 4271 5).
        let bytes = withNLRI(attribute(0xC0, 99, [1, 2, 3]) + attribute(0x80, 98, [4]))
        let u = try decodeUpdate(bytes)
        #expect(u.diagnostics.isEmpty)
        #expect(u.attributes.other == [RawAttribute(flags: 0xC0, code: 99, value: [1, 2, 3]), RawAttribute(flags: 0x80, code: 98, value: [4])])
        #expect(BGPMessage.update(u).encode(context: CodecContext()) == bytes)
        let out = u.attributes.forReadvertisement()
        #expect(out.other == [RawAttribute(flags: 0xE0, code: 99, value: [1, 2, 3])])
        // Built locally with those attributes: in type-code order after the typed ones.
        let local = BGPMessage.update(UpdateMessage(attributes: out, nlri: u.nlri)).encode(context: CodecContext())
        #expect(local == updateMessage(attributes: origin + asPath + nextHop + attribute(0xE0, 99, [1, 2, 3]), nlri: nlri))
    }
}
