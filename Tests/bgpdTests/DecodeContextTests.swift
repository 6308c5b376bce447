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
        let streams = TCPReassembler.streams(cap, port: 179).map { s -> TCPStream in
            // Drop the first message (the OPEN) of each direction.
            let openLength = Int(s.data[16]) << 8 | Int(s.data[17])
            var t = s
            t.data = Array(s.data.dropFirst(openLength))
            let first = s.availability(at: openLength)
            t.marks = [TCPStream.Mark(offset: 0, time: first.time, frame: first.frame)]
                + s.marks.filter { $0.offset > openLength }
                    .map { TCPStream.Mark(offset: $0.offset - openLength, time: $0.time, frame: $0.frame) }
            return t
        }
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

    /// tcpdump's ADD-PATH sample: one UPDATE, no OPEN, path ids in the IPv4 NLRI field,
    /// withdrawn routes, and IPv4 and IPv6 MP_REACH/MP_UNREACH. The path ids are the ones tshark
    /// prints for it.
    @Test func addPathFoundWithoutOpen() throws {
        let d = try Fixtures.decode("Tests/Fixtures/public/tcpdump_addpath_ipv4-ipv6-mp.pcap")
        try #require(d.streams.count == 1)
        let ctx = d.streams[0].context
        #expect(ctx.origin == .assumed)
        #expect(ctx.context.addPathReceive.isSuperset(of: [.ipv4Unicast, .ipv6Unicast]))
        guard case .update(let u)? = d.items.first?.message else {
            Issue.record("the UPDATE did not decode: \(String(describing: d.items.first?.kind))")
            return
        }
        #expect(u.nlri.map(\.description) == ["6.2.0.0/24 path-id 10", "6.2.1.0/24 path-id 11"])
        #expect(u.withdrawn.map(\.description) == ["8.2.0.0/24 path-id 20", "8.2.1.0/24 path-id 21"])
        if case .ipv4Unicast(let l)? = u.mpReach?.nlri {
            #expect(l.map(\.description) == ["120.4.0.0/24 path-id 40", "120.4.1.0/24 path-id 41"])
        } else {
            Issue.record("MP_REACH is not IPv4 unicast: \(String(describing: u.mpReach))")
        }
    }

    /// PacketLife's mixed 4-octet scenario: a 2-octet speaker mid-session (no OPEN), AS_PATH with
    /// AS_TRANS and the real path in AS4_PATH.
    @Test func twoOctetASFoundWithoutOpen() throws {
        let name = "../shared/pcaps-public/packetlife_cisco_4byte-asn_mixed_as4path.cap"
        guard FileManager.default.fileExists(atPath: Fixtures.path(name)) else {
            Fixtures.missing("\(name) (PacketLife captures are read from ../shared)")
            return
        }
        let d = try Fixtures.decode(name)
        let updates = d.items.compactMap { item -> UpdateMessage? in
            if case .update(let u)? = item.message { return u }
            return nil
        }
        #expect(updates.count == 2)
        for s in d.streams where d.items.contains(where: { $0.stream == s.index && $0.message?.type == .update }) {
            #expect(!s.context.context.fourOctetAS)
        }
        #expect(updates.allSatisfy { $0.attributes.asPath?.contains(UInt32(asTrans)) == true && $0.attributes.as4Path != nil })
    }
}
