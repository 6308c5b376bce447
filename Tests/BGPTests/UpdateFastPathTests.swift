import Testing
@testable import BGP
import Capture
import NetAddress

/// The fast UPDATE decoder (`UpdateMessage.decodeCommon`) must give exactly what the general
/// decoder gives for every UPDATE it accepts (value, wire layout, no diagnostics), and must
/// decline every UPDATE the general decoder refuses or repairs. Checked on every UPDATE of the
/// captures and on every single-octet mutation of a typical UPDATE.
@Suite struct UpdateFastPathTests {
    /// Runs both decoders on one UPDATE body; returns whether the fast path accepted it.
    @discardableResult
    static func compare(_ body: [UInt8], _ context: CodecContext) -> Bool {
        body.withUnsafeBytes { raw in
            let fast = UpdateMessage.decodeCommon(body: raw, fourOctetAS: context.fourOctetAS,
                                                  addPath: context.receivesPathIDs(.ipv4Unicast))
            let general = Result { () throws(BGPDecodeError) -> BGPMessage in
                try UpdateMessage.decodeMessage(body: raw, context: context)
            }
            guard case .update(let f)? = fast else { return false }
            guard case .success(.update(let g)) = general else {
                Issue.record("fast path accepted an UPDATE the general decoder refuses: \(hexString(body))")
                return true
            }
            #expect(f == g, "\(hexString(body))")
            #expect(f.layout == g.layout, "\(hexString(body))")
            #expect(g.diagnostics.isEmpty, "fast path accepted an UPDATE with diagnostics: \(g.diagnostics)")
            return true
        }
    }

    /// A typical UPDATE body: withdrawn routes, ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF,
    /// COMMUNITIES (extended length) and NLRI.
    static let typical: [UInt8] = {
        let attributes = attribute(0x40, 1, [0])
            + attribute(0x40, 2, [2, 3, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xea, 0, 1, 0, 0])
            + attribute(0x40, 3, [10, 0, 0, 1])
            + attribute(0x80, 4, [0, 0, 0, 7])
            + attribute(0x40, 5, [0, 0, 0, 100])
            + [0xd0, 8, 0, 8, 0xfd, 0xe9, 0, 1, 0xfd, 0xe9, 0, 2]
        let message = updateMessage(withdrawn: [24, 192, 0, 2], attributes: attributes,
                                    nlri: [16, 10, 1, 24, 10, 2, 3, 32, 10, 9, 9, 9, 0, 20, 172, 16, 16])
        return Array(message[19...])
    }()

    @Test func typicalUpdateTakesTheFastPath() {
        #expect(Self.compare(Self.typical, CodecContext(fourOctetAS: true)))
    }

    /// Every octet of the typical UPDATE set to a handful of values: whatever the fast path
    /// accepts, the general decoder decodes identically and without repairs.
    @Test func everySingleOctetMutationAgrees() {
        var accepted = 0, tried = 0
        for context in [CodecContext(fourOctetAS: true), CodecContext(fourOctetAS: false),
                        CodecContext(fourOctetAS: true, addPathReceive: [.ipv4Unicast])] {
            for i in Self.typical.indices {
                for value: UInt8 in [0, 1, 2, 3, 4, 5, 7, 8, 14, 0x10, 0x20, 0x21, 0x40, 0x50, 0x80, 0xc0, 0xd0, 0xff] {
                    var body = Self.typical
                    body[i] = value
                    tried += 1
                    if Self.compare(body, context) { accepted += 1 }
                }
                // Truncated at every length too.
                Self.compare(Array(Self.typical[..<i]), context)
            }
        }
        // Both outcomes occur, so both halves of the comparison are exercised.
        #expect(accepted > 0 && accepted < tried)
    }

    /// Every UPDATE of the captures: the fast path agrees with the general decoder.
    @Test(arguments: (CaptureCorpus.files(in: "captures") + CaptureCorpus.files(in: "pcaps-public"))
            .filter { !CaptureCorpus.notBGP.contains($0) })
    func capturesAgree(file: String) throws {
        let capture = try CaptureFile(path: sharedDirectory + "/" + file)
        for s in TCPReassembler.streams(capture) where s.data.count >= 19 && s.data.prefix(16).allSatisfy({ $0 == 0xFF }) {
            var at = 0
            while at + 19 <= s.data.count {
                let length = Int(s.data[at + 16]) << 8 | Int(s.data[at + 17])
                guard length >= 19, at + length <= s.data.count else { break }
                let type = s.data[at + 18]
                let body = Array(s.data[(at + 19)..<(at + length)])
                at += length
                guard type == 2 else { continue }
                for context in [CodecContext.permissive, CodecContext(fourOctetAS: false, extendedMessage: true)] {
                    Self.compare(body, context)
                }
            }
        }
    }
}
