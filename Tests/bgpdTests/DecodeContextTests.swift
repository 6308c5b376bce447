import BGP
import Foundation
import NetAddress
import Testing
@testable import bgpd
@testable import Capture

/// The codec context of each captured direction: negotiated from the OPENs, or chosen by
/// decoding when the capture has none.
@Suite struct DecodeContextTests {
    static func open(asn: UInt32, _ caps: [Capability]) -> OpenMessage {
        OpenMessage(asn: asn, holdTime: 9, bgpIdentifier: IPv4Address(10, 0, 0, 1), capabilities: caps)
    }

    /// RFC 7911 section 4: path ids flow where the sender said send and the receiver receive;
    /// RFC 6793 / RFC 8654: 4-octet AS and extended messages only when both advertised them.
    @Test func negotiationPerDirection() {
        let a = Self.open(asn: 65001, [.fourOctetAS(65001), .extendedMessage,
                                       .addPath([AddPathEntry(family: .ipv4Unicast, direction: .both),
                                                 AddPathEntry(family: .ipv6Unicast, direction: .receive)])])
        let b = Self.open(asn: 65002, [.fourOctetAS(65002),
                                       .addPath([AddPathEntry(family: .ipv4Unicast, direction: .receive),
                                                 AddPathEntry(family: .ipv6Unicast, direction: .send)])])
        let aToB = ContextInference.negotiated(sender: a, receiver: b)
        #expect(aToB.fourOctetAS)
        #expect(!aToB.extendedMessage)              // b did not advertise it
        #expect(aToB.addPathReceive == [.ipv4Unicast])
        #expect(aToB.addPathSend == [.ipv6Unicast])  // b sends IPv6 paths to a
        let bToA = ContextInference.negotiated(sender: b, receiver: a)
        #expect(bToA.addPathReceive == [.ipv6Unicast])
        let old = Self.open(asn: 65003, [])
        #expect(!ContextInference.negotiated(sender: a, receiver: old).fourOctetAS)
    }

    /// One OPEN narrows the choices: a sender without the 4-octet AS capability sends 2-octet
    /// AS_PATHs, and path ids only in the families it advertised "send" for.
    @Test func oneOpenNarrowsTheCandidates() {
        let sender = Self.open(asn: 65001, [.addPath([AddPathEntry(family: .ipv4Unicast, direction: .send)])])
        let c = ContextInference.candidates(sender: sender, receiver: nil)
        #expect(c.allSatisfy { !$0.fourOctetAS })
        #expect(Set(c.map(\.addPathReceive)) == [[], [.ipv4Unicast]])
        #expect(ContextInference.candidates(sender: nil, receiver: nil).count == 16)
    }

    /// FRR with FRR: both OPENs seen, 4-octet AS and extended messages on, no path ids (FRR
    /// advertises ADD-PATH receive only).
    @Test func frrSessionIsNegotiated() throws {
        let d = try Fixtures.decode("Tests/Fixtures/frr-script/frr-unnumbered-r1-r2.pcap")
        let withUpdates = d.streams.filter { s in d.items.contains { $0.stream == s.index && $0.message?.type == .update } }
        #expect(withUpdates.count == 2)
        for s in withUpdates {
            #expect(s.context.origin == .negotiated)
            #expect(s.context.context.fourOctetAS)
            #expect(s.context.context.extendedMessage)
            #expect(s.context.context.addPathReceive.isEmpty)
        }
    }

    /// The same FRR session with its OPENs cut off: the decoder must find the same context.
    @Test func frrSessionWithoutOpens() throws {
        let cap = try CaptureFile(path: Fixtures.path("Tests/Fixtures/frr-script/frr-unnumbered-r1-r2.pcap"))
        let streams = TCPReassembler.streams(cap, port: 179).map(Self.withoutOpen)
        let d = CaptureDecoder.decode(streams: streams)
        let updates = d.items.filter { item in item.bytes.map { $0.count > 18 && $0[18] == 2 } ?? false }
        #expect(updates.count > 50)
        #expect(updates.allSatisfy { $0.message != nil }, "every UPDATE decodes with the assumed context")
        for s in d.streams where s.context.origin == .assumed && d.items.contains(where: { $0.stream == s.index && $0.message?.type == .update }) {
            #expect(s.context.context.fourOctetAS)
            #expect(s.context.context.addPathReceive.isEmpty)
            #expect(s.context.note.contains("no OPEN seen"))
        }
    }

    /// One direction of a connection holding `data`, all of it in frame 1.
    static func stream(_ data: [UInt8]) -> TCPStream {
        let a = Endpoint(address: .v4(IPv4Address(192, 0, 2, 1)), port: 179)
        let b = Endpoint(address: .v4(IPv4Address(192, 0, 2, 2)), port: 40000)
        return TCPStream(source: a, destination: b, firstFrame: 1, data: data,
                         marks: [TCPStream.Mark(offset: 0, time: Timestamp(seconds: 1, nanoseconds: 0), frame: 1)], gaps: [])
    }

    /// An UPDATE with path identifiers and no OPEN before it: read without them it does not
    /// decode, so the decoder assumes ADD-PATH for IPv4 unicast (and 4-octet AS: the AS_PATH
    /// holds one 4-octet AS).
    @Test func addPathFoundWithoutOpen() throws {
        let update: [UInt8] = [UInt8](repeating: 0xFF, count: 16) + [0x00, 0x4B, 0x02]   // length 75, UPDATE
            + [0x00, 0x10]                                       // withdrawn routes length 16
            + [0, 0, 0, 20, 24, 8, 2, 0] + [0, 0, 0, 21, 24, 8, 2, 1]    // path 20 8.2.0.0/24, path 21 8.2.1.0/24
            + [0x00, 0x14]                                       // path attributes length 20
            + [0x40, 0x01, 0x01, 0x00]                           // ORIGIN igp
            + [0x40, 0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xFD, 0xE9]   // AS_PATH sequence [65001]
            + [0x40, 0x03, 0x04, 1, 2, 3, 4]                     // NEXT_HOP 1.2.3.4
            + [0, 0, 0, 10, 24, 6, 2, 0] + [0, 0, 0, 11, 24, 6, 2, 1]  // path 10 6.2.0.0/24, path 11 6.2.1.0/24
        let d = CaptureDecoder.decode(streams: [Self.stream(update)])
        let ctx = try #require(d.streams.first).context
        #expect(ctx.origin == .assumed)
        #expect(ctx.context.addPathReceive.contains(.ipv4Unicast))
        #expect(ctx.context.fourOctetAS)
        #expect(ctx.note.contains("1 of 1 UPDATEs decode"))
        guard case .update(let u)? = d.items.first?.message else {
            Issue.record("the UPDATE did not decode: \(String(describing: d.items.first?.kind))")
            return
        }
        #expect(u.nlri.map(\.description) == ["6.2.0.0/24 path-id 10", "6.2.1.0/24 path-id 11"])
        #expect(u.withdrawn.map(\.description) == ["8.2.0.0/24 path-id 20", "8.2.1.0/24 path-id 21"])
        #expect(u.attributes.asPath?.allASNs == [65001])
        // It re-encodes to the same octets with the context the decoder chose.
        #expect(d.items.first?.message?.encode(context: ctx.context.reversed) == update)
    }

    /// PacketLife's ADD-PATH session (send/receive both ways) with its OPENs cut off: the
    /// inferred context finds the same path ids as the negotiated one.
    @Test func addPathSessionWithoutOpens() throws {
        let name = "../shared/pcaps-public/packetlife_addpath_send-receive_path-ids.cap"
        guard FileManager.default.fileExists(atPath: Fixtures.path(name)) else {
            Fixtures.missing("\(name) (PacketLife captures are read from ../shared)")
            return
        }
        let full = try Fixtures.decode(name)
        let negotiated = Self.nlri(full)
        #expect(full.streams.contains { $0.context.origin == .negotiated && $0.context.context.addPathReceive.contains(.ipv4Unicast) })
        #expect(negotiated.contains { $0.contains("path-id") })
        let cap = try CaptureFile(path: Fixtures.path(name))
        let cut = CaptureDecoder.decode(streams: TCPReassembler.streams(cap, port: 179).map(Self.withoutOpen))
        #expect(Self.nlri(cut) == negotiated)
        #expect(cut.streams.allSatisfy { $0.context.origin == .assumed })
    }

    /// Every announced and withdrawn NLRI, as text with path ids, in order.
    static func nlri(_ d: CaptureDecoding) -> [String] {
        d.items.flatMap { item -> [String] in
            guard case .update(let u)? = item.message else { return [] }
            return u.nlri.map { "+\($0)" } + u.withdrawn.map { "-\($0)" }
        }
    }

    /// The stream without its first message (the OPEN), times and frames kept.
    static func withoutOpen(_ s: TCPStream) -> TCPStream {
        guard s.data.count >= 19, s.data[18] == 1 else { return s }
        let openLength = Int(s.data[16]) << 8 | Int(s.data[17])
        var t = s
        t.data = Array(s.data.dropFirst(openLength))
        let first = s.availability(at: openLength)
        t.marks = [TCPStream.Mark(offset: 0, time: first.time, frame: first.frame)]
            + s.marks.filter { $0.offset > openLength }
                .map { TCPStream.Mark(offset: $0.offset - openLength, time: $0.time, frame: $0.frame) }
        return t
    }

    /// tcpdump's ADD-PATH sample is not a valid UPDATE (two MP_REACH_NLRI): reported as the
    /// RFC 7606 error it is, with the NOTIFICATION, whatever context is assumed.
    @Test func twoMPReachIsAnError() throws {
        let d = try Fixtures.decode("Tests/Fixtures/public/tcpdump_addpath_ipv4-ipv6-mp.pcap")
        guard case .error(let e, _)? = d.items.first?.kind else {
            Issue.record("expected an error, got \(String(describing: d.items.first?.kind))")
            return
        }
        #expect(e.notification.code == 3 && e.notification.subcode == 1)
        #expect(d.items.count == 1)
        // Without path ids it fails earlier, in the withdrawn routes (3/10): the variant that gets
        // as far as the second MP_REACH_NLRI is the one kept.
        #expect(d.streams.first?.context.context.addPathReceive.contains(.ipv4Unicast) == true)
    }

    /// tcpdump's 4-octet AS sample: four sessions, two of them with a speaker without the 4-octet
    /// AS capability (2-octet AS_PATH with AS_TRANS, AS4_PATH). With every OPEN cut off, the
    /// decoder must find each direction's AS size and decode every message as the OPENs say.
    @Test func asSizeFoundWithoutOpens() throws {
        let name = "Tests/Fixtures/public/tcpdump_4byte-asn_as4path_addpath-cap.pcap"
        let full = try Fixtures.decode(name)
        let cap = try CaptureFile(path: Fixtures.path(name))
        let cut = CaptureDecoder.decode(streams: TCPReassembler.streams(cap, port: 179).map(Self.withoutOpen))
        try #require(cut.streams.count == full.streams.count)
        var checked = 0
        for (a, b) in zip(full.streams, cut.streams) {
            let updates = cut.items.filter { $0.stream == b.index && $0.message?.type == .update }
            guard !updates.isEmpty else { continue }
            #expect(a.context.origin == .negotiated)
            #expect(b.context.origin == .assumed)
            #expect(b.context.context.fourOctetAS == a.context.context.fourOctetAS, "\(b.source) > \(b.destination)")
            checked += 1
        }
        #expect(checked >= 4)
        #expect(full.streams.contains { !$0.context.context.fourOctetAS })
        let messages = { (d: CaptureDecoding) in d.items.compactMap(\.message).filter { $0.type != .open } }
        #expect(messages(cut) == messages(full))
        // The 2-octet sessions carry AS_TRANS in AS_PATH and the real path in AS4_PATH.
        #expect(messages(cut).contains { m in
            if case .update(let u) = m { return u.attributes.asPath?.contains(UInt32(asTrans)) == true && u.attributes.as4Path != nil }
            return false
        })
    }
}
