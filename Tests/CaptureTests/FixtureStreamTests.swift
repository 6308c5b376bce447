import Testing
import NetAddress
#if canImport(Glibc)
import Glibc
#endif
@testable import Capture

/// The project root, found from this file's path.
let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)   // Tests/CaptureTests/File.swift
    return parts.joined(separator: "/")
}()

/// The BGP session captures in Tests/Fixtures (see the README there).
let fixtureSessions: [String] = [
    "frr/frr-unnumbered-r1-r2.pcap", "frr/frr-unnumbered-r1-r3-ecmp.pcap", "frr/frr-evpn-vxlan.pcap",
    "frr/frr-evpn-type5-relay.pcap", "frr-script/frr-unnumbered-r1-r2.pcap",
    "frr-script/frr-unnumbered-r1-r3-ecmp.pcap", "frr-script/frr-evpn-vxlan.pcap",
    "public/netgauze_ipv4-ipv6-sessions_linklocal-nh_gr.pcap", "public/tcpdump_4byte-asn_as4path_addpath-cap.pcap",
    "public/tcpdump_labeled-unicast_multiple-labels.pcap",
]

@Suite struct FixtureStreamTests {
    /// The reassembled streams of a real FRR capture: every BGP marker that starts a message in
    /// tshark's view must be found at a message boundary of ours.
    @Test func frrCaptureStreams() throws {
        let cap = try CaptureFile(path: packageRoot + "/Tests/Fixtures/frr/frr-unnumbered-r1-r2.pcap")
        let streams = TCPReassembler.streams(cap, port: 179)
        // `tshark -z conv,tcp` shows two connections (a collision); on the first, only one side
        // sent data before it was closed, so three directions carry bytes.
        #expect(streams.count == 3)
        for s in streams { walkHeaders(s) }
    }

    /// Every direction of every session fixture is a whole number of BGP messages: the length
    /// fields chain from the first octet to the last, with no hole in the capture.
    @Test(arguments: fixtureSessions) func sessionStreamsChain(_ name: String) throws {
        let cap = try CaptureFile(path: packageRoot + "/Tests/Fixtures/" + name)
        let streams = TCPReassembler.streams(cap, port: 179)
        #expect(!streams.isEmpty)
        for s in streams { walkHeaders(s) }
    }

    /// A capture without BGP (the VXLAN data plane of the EVPN lab) has no stream on port 179,
    /// but its UDP-only content does not confuse the reader.
    @Test func dataplaneCaptureHasNoBGP() throws {
        let cap = try CaptureFile(path: packageRoot + "/Tests/Fixtures/frr/frr-evpn-vxlan-dataplane.pcap")
        #expect(cap.packets.count > 10)
        #expect(TCPReassembler.streams(cap, port: 179).isEmpty)
    }

    /// pmacct's traffic reproducer puts the first message on the SYN and numbers it from the
    /// SYN's own sequence number (the next segment starts at SYN seq + payload length), where a
    /// real stack starts data at SYN seq + 1. TCPReassembler follows the RFC, so the segment after
    /// the SYN overlaps the OPEN's last octet by one and loses its first octet. tshark decodes
    /// these files message by message. Known issue in Sources/Capture (not ours to change here):
    /// when it is fixed, this test fails and the known-issue wrapper goes.
    @Test func replayWithDataOnSYN() throws {
        let cap = try CaptureFile(path: packageRoot + "/Tests/Fixtures/public/pmacct_vpnv4-vpnv6_enhanced-rr.pcap")
        let streams = TCPReassembler.streams(cap, port: 179)
        try #require(streams.count == 1)
        // The replay tool numbers the OPEN it puts on the SYN from the SYN's own sequence number.
        walkHeaders(streams[0])
    }

}

/// Link layers seen in public BGP captures beyond Ethernet and Linux cooked capture.
@Suite struct OtherLinkTypeTests {
    static let shared = packageRoot + "/../shared/pcaps-public/"

    /// LINKTYPE_C_HDLC (104): a 4-octet header (address, control, 2-octet protocol) before IP.
    /// PacketLife's Cisco captures use it; tshark decodes them.
    @Test(arguments: ["packetlife_cisco_4byte-asn_mixed_as4path.cap", "packetlife_cisco_vpnv4_ospf-extcomm.cap"])
    func ciscoHDLC(_ name: String) throws {
        let path = Self.shared + name
        guard let cap = try? CaptureFile(path: path) else {
            // ../shared is beside the repository in CI, where its absence is a failure.
            if let ci = getenv("CI"), ci.pointee != 0 { Issue.record("\(path) is missing (CI is set)") }
            return
        }
        #expect(cap.packets.allSatisfy { $0.linkType == 104 })
        let streams = TCPReassembler.streams(cap, port: 179)
        #expect(!streams.isEmpty)
        for s in streams { walkHeaders(s) }
    }
}

/// Walks a stream's BGP headers: each starts with 16 x 0xff and its length field leads to the next;
/// the last ends exactly at the end of the stream.
func walkHeaders(_ s: TCPStream, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(s.gaps.isEmpty, sourceLocation: sourceLocation)
    // Walk BGP headers: each starts with 16 x 0xff and its length field leads to the next.
    var at = 0
    var messages = 0
    while at + 19 <= s.data.count {
        #expect(s.data[at..<(at + 16)].allSatisfy { $0 == 0xFF }, sourceLocation: sourceLocation)
        let len = Int(s.data[at + 16]) << 8 | Int(s.data[at + 17])
        #expect(len >= 19, sourceLocation: sourceLocation)
        guard len >= 19 else { return }
        at += len
        messages += 1
    }
    #expect(at == s.data.count, "\(s.source) > \(s.destination)", sourceLocation: sourceLocation)
    #expect(messages > 0, sourceLocation: sourceLocation)
}
