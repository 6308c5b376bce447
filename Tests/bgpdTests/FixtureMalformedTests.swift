import BGP
import Foundation
import Testing
@testable import bgpd

/// Every capture in ../shared/pcaps-public/malformed (copied into Tests/Fixtures/malformed: they
/// are tcpdump's, BSD-licensed) goes through the decoder without trapping, and each ends in the
/// outcome written down here, counted per kind of item: the message type when it decodes
/// (`UPDATE~` when RFC 7606 repaired it, `UPDATE-w` when its routes are treated as withdrawn),
/// `TYPE!code/subcode` with the NOTIFICATION it maps to when it does not, `framing` for a header
/// problem; `no-stream` when the capture holds no TCP payload on port 179 the reader accepts.
@Suite struct FixtureMalformedTests {
    @Test(arguments: Fixtures.malformedCaptures)
    func outcome(_ name: String) throws {
        let d = try Fixtures.decode(name)
        let got = Self.signature(d)
        let expected = Self.expected[Fixtures.name(name)]
        #expect(expected != nil, "no expected outcome written down for \(name); it decodes to: \(got)")
        if let expected { #expect(got == expected) }
        // Whatever the bytes, the renderers cope with the result too.
        #expect(DecodeOutput.jsonLines(d).count == d.streams.count + d.items.count)
        #expect(!DecodeOutput.textLines(d).isEmpty)
    }

    /// The shared set and our copy are the same files (CI has ../shared beside the repository).
    @Test func sharedMalformedSetIsCopied() throws {
        let shared = Fixtures.captures(in: "../shared/pcaps-public/malformed").map(Fixtures.name)
        guard !shared.isEmpty else {
            Fixtures.missing("../shared/pcaps-public/malformed is not beside the repository")
            return
        }
        #expect(shared == Fixtures.malformedCaptures.map(Fixtures.name))
        for n in shared {
            let a = FileManager.default.contents(atPath: Fixtures.path("../shared/pcaps-public/malformed/" + n))
            let b = FileManager.default.contents(atPath: Fixtures.path("Tests/Fixtures/malformed/" + n))
            #expect(a != nil && a == b, "\(n) differs from the shared copy")
        }
    }

    /// The outcomes of all items, counted, in order of first appearance: `UPDATE 3, UPDATE!3/2 1, framing 1`.
    static func signature(_ d: CaptureDecoding) -> String {
        if d.streams.isEmpty { return "no-stream" }
        var order: [String] = []
        var counts: [String: Int] = [:]
        for item in d.items {
            let key: String
            switch item.kind {
            case .message(.update(let u), _):
                key = u.treatAsWithdraw ? "UPDATE-w" : u.diagnostics.isEmpty ? "UPDATE" : "UPDATE~"
            case .message(let m, _):
                key = m.type.description
            case .error(let e, let bytes):
                key = "\(DecodeOutput.typeName(bytes))!\(e.notification.code)/\(e.notification.subcode)"
            case .framing:
                key = "framing"
            }
            if counts[key] == nil { order.append(key) }
            counts[key, default: 0] += 1
        }
        return order.map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
    }

    /// Filled in from the decoder's output and checked by hand against what each file holds
    /// (SOURCES.md describes them); see the comments for why each outcome is right.
    static let expected: [String: String] = [
        // One 65 KB frame of fuzzed VPNv4 UPDATEs: unknown well-known attribute codes (3/2, RFC
        // 4271 6.3), lengths overrunning the attribute block (3/5), damaged headers in between
        // (resynchronised at the next marker). tshark stops at the first malformed one.
        "tcpdump_bgp-aigp-oobr.pcap": "UPDATE!3/2 112, framing 113, UPDATE 335, UPDATE!3/5 2",
        // The same family of fuzzed UPDATEs; a total path attribute length overrunning the
        // message is a Malformed Attribute List (3/1, RFC 7606 section 4).
        "tcpdump_bgp-as-path-oobr.pcap": "UPDATE 136, UPDATE!3/5 66, UPDATE!3/1 1, UPDATE!3/2 131, framing 136",
        // The only packet is a first IP fragment (MF set): not reassembled, so no TCP stream.
        "tcpdump_bgp-bgp_capabilities_print-oobr-1.pcap": "no-stream",
        // A valid RFC 9072 OPEN (extended optional parameters length) that tshark 4.0 calls malformed.
        "tcpdump_bgp-extended-optional-parameters-length.pcapng": "OPEN 1",
        // Four UPDATEs whose header says 19 octets: below the UPDATE minimum of 23 (1/2).
        "tcpdump_bgp-infinite-loop.pcap": "framing 4",
        // A Cease/Hard Reset with no data: the message decodes, the missing wrapped NOTIFICATION
        // is reported in its rendering (`hard_reset_error`).
        "tcpdump_bgp-malformed-hard-reset.pcap": "NOTIFICATION 1",
        // A real SR-TE session (SAFI 73, kept raw; Tunnel Encapsulation attribute 23 kept as an
        // unknown attribute): everything decodes, as tshark counts it.
        "tcpdump_bgp-sr-te-tunnel-policy.pcap": "OPEN 2, KEEPALIVE 3, UPDATE 6, NOTIFICATION 1",
        // Fuzzed UPDATEs: bad NLRI (3/10), attribute flags (3/4), and the errors above.
        "tcpdump_bgp-ub.pcap": "framing 15, UPDATE 8, UPDATE!3/5 2, UPDATE!3/1 2, UPDATE!3/2 6, UPDATE!3/10 2, UPDATE!3/4 2",
        // Total path attribute length 50098 in 45-octet UPDATEs (3/1), garbage between them.
        "tcpdump_bgp_mp_reach_nlri-oobr.pcap": "framing 7, UPDATE!3/1 6",
        // Again a first IP fragment only.
        "tcpdump_bgp_pmsi_tunnel-oobr.pcap": "no-stream",
        "tcpdump_bgp_vpn_rt-oobr.pcap": "UPDATE!3/1 3, framing 3",
    ]
}
