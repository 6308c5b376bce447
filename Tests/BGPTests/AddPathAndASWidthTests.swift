import Testing
@testable import BGP
import NetAddress

/// ADD-PATH path identifiers (RFC 7911) per family and direction, and 2- versus 4-octet AS
/// numbers with AS4_PATH (RFC 6793): every choice comes from the CodecContext.
@Suite struct AddPathAndASWidthTests {
    // MARK: ADD-PATH

    /// IPv4 in the NLRI field with path identifiers: 10.60.0.0/24 twice (path ids 33 and 34), as
    /// GoBGP sends two paths in LAB scenario 5.
    let addPathNLRI = hex("00000021 18 0a3c00   00000022 18 0a3c00")

    @Test func ipv4PathIdentifiersWhenReceiveIsNegotiated() throws {
        let bytes = updateMessage(attributes: basicAttributes, nlri: addPathNLRI)
        let on = CodecContext(addPathReceive: [.ipv4Unicast])
        let u = try decodeUpdate(bytes, on)
        let p = IPv4Prefix("10.60.0.0/24")!
        #expect(u.nlri == [IPv4NLRI(p, pathID: 33), IPv4NLRI(p, pathID: 34)])
        // Re-encoding for the peer's direction: it sends what we receive.
        #expect(BGPMessage.update(u).encode(context: on.reversed) == bytes)
        // Without path ids in the sending direction they are left out.
        #expect(BGPMessage.update(u).encode(context: on) == updateMessage(attributes: basicAttributes, nlri: hex("18 0a3c00 18 0a3c00")))
    }

    @Test func theSameBytesWithoutAddPathAreAnotherMessage() throws {
        // Read without ADD-PATH, "00000021 ..." is three /0 prefixes and then a length of 33:
        // the field does not parse, so the session resets with Invalid Network Field.
        let bytes = updateMessage(attributes: basicAttributes, nlri: addPathNLRI)
        let e = decodeError(bytes, CodecContext())
        #expect(e?.notification.code == 3)
        #expect(e?.notification.subcode == 10)
        #expect(e?.action == .sessionReset)
    }

    @Test func addPathPerFamilyInMPAttributes() throws {
        // IPv6 with path ids, EVPN without, in one context.
        let context = CodecContext(addPathReceive: [.ipv6Unicast])
        let v6 = hex("0002 01 10 20010db8000000000000000000000001 00  00000007 30 20010db80001")
        let u = try decodeUpdate(updateMessage(attributes: attribute(0x80, 14, v6) + basicAttributes), context)
        #expect(u.mpReach?.nlri == .ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8:1::/48")!, pathID: 7)]))
        let withdraw = hex("0002 01 00000007 30 20010db80001")
        let w = try decodeUpdate(updateMessage(attributes: attribute(0x80, 15, withdraw)), context)
        #expect(w.mpUnreach?.nlri == .ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8:1::/48")!, pathID: 7)]))
        #expect(BGPMessage.update(w).encode(context: context.reversed) == updateMessage(attributes: attribute(0x80, 15, withdraw)))
        // EVPN in the same session carries no path ids.
        let evpn = hex("0019 46  03 11 00010a000001 0064 00000000 20 0a000001")
        let e = try decodeUpdate(updateMessage(attributes: attribute(0x80, 15, evpn)), context)
        #expect(e.mpUnreach?.nlri.count == 1)
    }

    @Test func addPathEVPN() throws {
        let context = CodecContext(addPathReceive: [.l2vpnEVPN])
        let evpn = hex("0019 46  00000003 03 11 00010a000001 0064 00000000 20 0a000001")
        let u = try decodeUpdate(updateMessage(attributes: attribute(0x80, 15, evpn)), context)
        guard case .evpn(let routes)? = u.mpUnreach?.nlri else { Issue.record("no EVPN"); return }
        #expect(routes.first?.pathID == 3)
        #expect(BGPMessage.update(u).encode(context: context.reversed) == updateMessage(attributes: attribute(0x80, 15, evpn)))
    }

    // MARK: 2-octet sessions and AS4_PATH

    /// A 2-octet session: AS_PATH holds AS_TRANS for the 4-octet ASes, AS4_PATH the real ones.
    let twoOctetPath = hex("""
        40 01 01 00                                  # ORIGIN IGP
        40 02 0a 02 04 fde9 5ba0 5ba0 fdea           # AS_PATH 65001 23456 23456 65002 (2 octets each)
        40 03 04 0a000001                            # NEXT_HOP
        c0 11 0e 02 03 fa56ea01 fa56ea02 0000fdea    # AS4_PATH 4200000001 4200000002 65002
        """)

    @Test func as4PathMergesOnTwoOctetSessions() throws {
        let context = CodecContext(fourOctetAS: false)
        let bytes = updateMessage(attributes: twoOctetPath, nlri: [16, 10, 7])
        let u = try decodeUpdate(bytes, context)
        #expect(u.attributes.asPath?.allASNs == [65001, 23456, 23456, 65002])
        #expect(u.attributes.as4Path?.allASNs == [4_200_000_001, 4_200_000_002, 65002])
        // RFC 6793 4.2.3: the leading AS_PATH ASes beyond AS4_PATH's count, then AS4_PATH.
        #expect(u.attributes.effectiveASPath == ASPath(sequence: [65001, 4_200_000_001, 4_200_000_002, 65002]))
        #expect(BGPMessage.update(u).encode(context: context) == bytes)
    }

    @Test func as4PathLongerThanAsPathIsIgnored() throws {
        var attrs = PathAttributes(asPath: ASPath(sequence: [65001]), as4Path: ASPath(sequence: [1, 2]))
        #expect(attrs.effectiveASPath == ASPath(sequence: [65001]))
        // AS_SET counts one, confederation segments none, when comparing.
        attrs.asPath = ASPath(segments: [ASPathSegment(type: .confedSequence, asns: [64512]),
                                         ASPathSegment(type: .sequence, asns: [65001, 23456]),
                                         ASPathSegment(type: .set, asns: [23456, 65003])])
        attrs.as4Path = ASPath(segments: [ASPathSegment(type: .sequence, asns: [4_200_000_009]),
                                          ASPathSegment(type: .set, asns: [4_200_000_001, 65003])])
        #expect(attrs.effectiveASPath == ASPath(segments: [
            ASPathSegment(type: .confedSequence, asns: [64512]),
            ASPathSegment(type: .sequence, asns: [65001, 4_200_000_009]),
            ASPathSegment(type: .set, asns: [4_200_000_001, 65003])]))
    }

    @Test func aggregatorWithASTransUsesAS4Aggregator() throws {
        let context = CodecContext(fourOctetAS: false)
        let attrs = basicAttributes.prefix(4) + hex("40 02 04 02 01 5ba0  40 03 04 0a000001")
            + hex("c0 07 06 5ba0 0a000009   c0 12 08 fa56ea01 0a000009   c0 11 06 02 01 fa56ea01")
        let u = try decodeUpdate(updateMessage(attributes: Array(attrs), nlri: [8, 10]), context)
        #expect(u.attributes.aggregator == Aggregator(asn: 23456, address: IPv4Address(10, 0, 0, 9)))
        #expect(u.attributes.effectiveAggregator == Aggregator(asn: 4_200_000_001, address: IPv4Address(10, 0, 0, 9)))
        #expect(u.attributes.effectiveASPath == ASPath(sequence: [4_200_000_001]))
        // An AGGREGATOR without AS_TRANS means AS4_AGGREGATOR and AS4_PATH are ignored.
        var other = u.attributes
        other.aggregator = Aggregator(asn: 65009, address: IPv4Address(10, 0, 0, 9))
        #expect(other.effectiveAggregator?.asn == 65009)
        #expect(other.effectiveASPath == ASPath(sequence: [23456]))
    }

    @Test func as4PathOnAFourOctetSessionIsDiscarded() throws {
        // RFC 6793 4.1: NEW speakers do not exchange AS4_PATH; one that arrives is discarded.
        let attrs = basicAttributes + hex("c0 11 06 02 01 fa56ea01")
        let u = try decodeUpdate(updateMessage(attributes: attrs, nlri: [8, 10]))
        #expect(u.attributes.as4Path == nil)
        #expect(u.diagnostics.map(\.action) == [.attributeDiscard])
        #expect(!u.treatAsWithdraw)
        #expect(u.attributes.effectiveASPath == ASPath(sequence: [65001]))
    }

    @Test func encodingFourOctetASesForATwoOctetPeerWritesASTrans() throws {
        // The encoder writes what fits: AS_TRANS in AS_PATH and AGGREGATOR; AS4_PATH as given.
        let attrs = PathAttributes(origin: .igp, asPath: ASPath(sequence: [4_200_000_001, 65002]), nextHop: IPv4Address(10, 0, 0, 1),
                                   aggregator: Aggregator(asn: 4_200_000_001, address: IPv4Address(10, 0, 0, 1)),
                                   as4Path: ASPath(sequence: [4_200_000_001, 65002]))
        let u = UpdateMessage(attributes: attrs, nlri: [IPv4NLRI(IPv4Prefix("10.0.0.0/8")!)])
        let bytes = BGPMessage.update(u).encode(context: CodecContext(fourOctetAS: false))
        let expected = updateMessage(attributes: hex("""
            40 01 01 00
            40 02 06 02 02 5ba0 fdea                 # AS_PATH 23456 65002
            40 03 04 0a000001
            c0 07 06 5ba0 0a000001                   # AGGREGATOR AS_TRANS
            c0 11 0a 02 02 fa56ea01 0000fdea         # AS4_PATH
            """), nlri: [8, 10])
        #expect(bytes == expected)
        let back = try decodeUpdate(bytes, CodecContext(fourOctetAS: false))
        #expect(back.attributes.effectiveASPath == ASPath(sequence: [4_200_000_001, 65002]))
    }

    @Test func aggregatorLengthFollowsTheSessionWidth() throws {
        // 8 octets on a 2-octet session is malformed: attribute discard (RFC 7606 7.7).
        let attrs = hex("40 01 01 00  40 02 04 02 01 fde9  40 03 04 0a000001  c0 07 08 0000fde9 0a000001")
        let u = try decodeUpdate(updateMessage(attributes: attrs, nlri: [8, 10]), CodecContext(fourOctetAS: false))
        #expect(u.attributes.aggregator == nil)
        #expect(u.diagnostics.map(\.action) == [.attributeDiscard])
    }
}
