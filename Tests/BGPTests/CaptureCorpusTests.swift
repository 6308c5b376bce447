import Testing
import Foundation
@testable import BGP
import Capture
import NetAddress

/// Every BGP message of every capture in ../shared decodes without trapping, and every message
/// that decodes cleanly re-encodes to the identical bytes, except where the peer's encoding is
/// not canonical (listed, with the reason, in `CaptureCorpus.nonCanonical`).
///
/// The codec context of each direction comes from the two OPENs of the connection when the
/// capture has them (4-octet AS and extended messages when both sides offer them, ADD-PATH where
/// the sender offers send and the receiver receive); captures taken mid-session get the context
/// their SOURCES.md entry describes.
@Suite struct CaptureCorpusTests {
    @Test(arguments: (CaptureCorpus.files(in: "captures") + CaptureCorpus.files(in: "pcaps-public"))
            .filter { !CaptureCorpus.notBGP.contains($0) })
    func decodesAndRoundTrips(file: String) throws {
        let report = try CaptureCorpus.walk(file)
        #expect(report.messages + report.decodeErrors.count > 0, "no BGP messages found in \(file)")
        #expect(report.diagnostics.isEmpty, "\(file): \(report.diagnostics.prefix(3))")
        let expected = CaptureCorpus.expectedErrors[file] ?? []
        #expect(report.errorNotifications == expected, "\(file): \(report.decodeErrors.prefix(5))")
        #expect(report.roundTripFailures.isEmpty, "\(file): \(report.roundTripFailures.prefix(3))")
    }

    /// The deliberately broken captures (fuzzer finds of tcpdump, with garbled TCP headers too):
    /// every BGP header found in any packet is decoded from there with several contexts, and
    /// nothing traps.
    @Test(arguments: CaptureCorpus.files(in: "pcaps-public/malformed"))
    func malformedCapturesNeverTrap(file: String) throws {
        let capture = try CaptureFile(path: sharedDirectory + "/" + file)
        var attempts = 0
        for packet in capture.packets {
            let data = packet.data
            var i = 0
            while i + 19 <= data.count {
                if data[i..<(i + 16)].allSatisfy({ $0 == 0xFF }) {
                    let declared = Int(data[i + 16]) << 8 | Int(data[i + 17])
                    let end = min(data.count, i + max(declared, 19))
                    for context in CaptureCorpus.probeContexts {
                        _ = try? BGPMessage.decode(Array(data[i..<end]), context: context)
                        attempts += 1
                    }
                }
                i += 1
            }
        }
        #expect(attempts > 0, "no BGP header in \(file)")
    }
}

enum CaptureCorpus {
    /// The pcap and pcapng files directly in `shared/<dir>`.
    static func files(in dir: String) -> [String] {
        let path = sharedDirectory + "/" + dir
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") || $0.hasSuffix(".cap") }
            .sorted().map { dir + "/" + $0 }
    }

    /// Captures in ../shared/captures that hold no BGP (data plane, router advertisements).
    static let notBGP: Set<String> = ["captures/frr-evpn-vxlan-dataplane.pcap", "captures/frr-unnumbered-icmp6.pcap"]

    /// Contexts to try on bytes of unknown origin.
    static let probeContexts: [CodecContext] = [
        CodecContext(fourOctetAS: true, extendedMessage: true),
        CodecContext(fourOctetAS: false),
        CodecContext(fourOctetAS: true, extendedMessage: true, addPathReceive: [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN]),
    ]

    /// Captures with messages that must fail to decode, with the NOTIFICATIONs they map to.
    static let expectedErrors: [String: [NotificationMessage]] = [
        // One UPDATE with MP_REACH_NLRI and MP_UNREACH_NLRI twice each (IPv4 and IPv6): RFC 7606
        // 3.g, "If the MP_REACH_NLRI attribute or the MP_UNREACH_NLRI attribute appears more than
        // once in the UPDATE message, then a NOTIFICATION message MUST be sent with the Error
        // Subcode 'Malformed Attribute List'." (tshark decodes it regardless.)
        "pcaps-public/tcpdump_addpath_ipv4-ipv6-mp.pcap": [NotificationMessage(code: 3, subcode: 1)],
    ]

    /// One-direction replays whose first segment is a SYN that carries data at the SYN's own
    /// sequence number. TCP puts a SYN's data one octet later, so the reassembled stream repeats
    /// one octet at the end of the first segment; the walk skips to the next marker there.
    static let synDataReplays: Set<String> = [
        "pcaps-public/pmacct_cisco-iosxr_vpnv4-vpnv6_extnh_prefix-sid.pcap",
        "pcaps-public/pmacct_vpnv4-vpnv6_enhanced-rr.pcap",
        "pcaps-public/pmacct_vpnv4_atomic-agg_aggregator.pcap",
        "pcaps-public/pmacct_cisco_vpn_large-communities_srv6.pcap",
    ]

    struct Report {
        var messages = 0
        var errorNotifications: [NotificationMessage] = []
        var decodeErrors: [String] = []
        var roundTripFailures: [String] = []
        var diagnostics: [String] = []
    }

    /// Mid-session captures: the context of their sessions, from SOURCES.md.
    static let contextOverrides: [String: CodecContext] = [
        // "Single UPDATE with ADD-PATH path identifiers (12) in IPv4 and IPv6 MP_REACH/MP_UNREACH."
        "pcaps-public/tcpdump_addpath_ipv4-ipv6-mp.pcap": CodecContext(
            fourOctetAS: true, addPathReceive: [.ipv4Unicast, .ipv6Unicast], addPathSend: [.ipv4Unicast, .ipv6Unicast]),
    ]

    /// Messages whose peer encoded them in a way the codec does not reproduce, with why.
    static let nonCanonical: [String: String] = [:]

    static func walk(_ file: String) throws -> Report {
        var capture = try CaptureFile(path: sharedDirectory + "/" + file)
        // The PacketLife captures are Cisco HDLC (link type 104): a 4-octet header before IP.
        for k in capture.packets.indices where capture.packets[k].linkType == 104 && capture.packets[k].data.count > 4 {
            capture.packets[k].data.removeFirst(4)
            capture.packets[k].linkType = PacketDecoder.LinkType.raw
        }
        let streams = TCPReassembler.streams(capture).filter { s in
            s.data.count >= 19 && s.data.prefix(16).allSatisfy { $0 == 0xFF }
        }
        var report = Report()
        for s in streams {
            let reverse = streams.first { $0.source == s.destination && $0.destination == s.source }
            // Without both OPENs the AS width is a guess: try 4 octets, then 2.
            let senderOpen = firstOpen(s), receiverOpen = reverse.flatMap(firstOpen)
            var contexts = [contextOverrides[file] ?? Self.context(sender: senderOpen, receiver: receiverOpen)]
            if contextOverrides[file] == nil && (senderOpen == nil || receiverOpen == nil) {
                var narrow = contexts[0]
                narrow.fourOctetAS = false
                contexts.append(narrow)
            }
            var at = 0
            while at < s.data.count {
                let rest = Array(s.data[at...])
                let length: Int
                do {
                    guard let l = try BGPFraming.nextMessageLength(rest, maxLength: 65535) else { break }
                    length = l
                } catch {
                    if synDataReplays.contains(file), let next = nextMarker(s.data, after: at) {
                        at = next
                        continue
                    }
                    report.decodeErrors.append("\(s.source)@\(at): framing: \(error)")
                    break
                }
                let bytes = Array(rest[..<length])
                at += length
                do {
                    var context = contexts[0]
                    var message = try BGPMessage.decode(bytes, context: context)
                    for alternative in contexts.dropFirst() where !(message.update?.diagnostics.isEmpty ?? true) {
                        if let m = try? BGPMessage.decode(bytes, context: alternative), m.update?.diagnostics.isEmpty ?? true {
                            message = m
                            context = alternative
                        }
                    }
                    report.messages += 1
                    if let u = message.update, !u.diagnostics.isEmpty {
                        report.diagnostics.append("\(s.source)@\(at - length): \(u.diagnostics)")
                        continue
                    }
                    let again = message.encode(context: context.reversed)
                    if again != bytes && nonCanonical["\(file)@\(s.source)@\(at - length)"] == nil {
                        report.roundTripFailures.append("\(s.source)@\(at - length) type \(bytes[18]):\n  in  \(hexString(bytes))\n  out \(hexString(again))")
                    }
                } catch {
                    report.errorNotifications.append(error.notification)
                    report.decodeErrors.append("\(s.source)@\(at - length) type \(bytes[18]): \(error) [\(hexString(Array(bytes.prefix(80))))]")
                }
            }
        }
        return report
    }

    /// The offset of the next 16 x 0xff after `at`.
    static func nextMarker(_ data: [UInt8], after at: Int) -> Int? {
        var i = at + 1
        while i + 16 <= data.count {
            if data[i..<(i + 16)].allSatisfy({ $0 == 0xFF }) { return i }
            i += 1
        }
        return nil
    }

    static func firstOpen(_ s: TCPStream) -> OpenMessage? {
        guard s.data.count >= 19, s.data[18] == 1 else { return nil }
        let length = Int(s.data[16]) << 8 | Int(s.data[17])
        guard length <= s.data.count else { return nil }
        return try? BGPMessage.decode(Array(s.data[..<length]), context: .initial).open
    }

    /// The context for decoding what `sender` sends to `receiver`.
    static func context(sender: OpenMessage?, receiver: OpenMessage?) -> CodecContext {
        func caps(_ o: OpenMessage?) -> [Capability]? { o?.capabilities }
        // Without an OPEN, assume the common modern case: 4-octet AS, no ADD-PATH.
        let s = caps(sender), r = caps(receiver)
        func has(_ c: [Capability]?, _ code: UInt8) -> Bool { c?.contains { $0.code == code } ?? true }
        func addPath(_ c: [Capability]?) -> [Family: AddPathDirection] {
            var d: [Family: AddPathDirection] = [:]
            for cap in c ?? [] { if case .addPath(let entries) = cap { for e in entries { d[e.family] = e.direction } } }
            return d
        }
        var received: Set<Family> = []
        if s != nil && r != nil {
            let sa = addPath(s), ra = addPath(r)
            for (family, dir) in sa where dir.contains(.send) && (ra[family]?.contains(.receive) ?? false) {
                received.insert(family)
            }
        }
        return CodecContext(fourOctetAS: has(s, 65) && has(r, 65), extendedMessage: has(s, 6) && has(r, 6),
                            addPathReceive: received, addPathSend: [])
    }
}
