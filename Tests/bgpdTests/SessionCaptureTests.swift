import BGP
import Capture
import NetAddress
import Testing
@testable import bgpd

/// Replays Tests/Fixtures/bgpd-frr-unnumbered.pcap, a real session between bgpd and FRR 8.4 over
/// an unnumbered link captured by Tests/interop/bgpd-frr-unnumbered.sh (provenance in
/// Tests/Fixtures/bgpd-captures.md): every message of every TCP stream decodes, bgpd's own
/// messages re-encode byte for byte, and the session's content is what bgpd is meant to send.
@Suite struct SessionCaptureTests {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)   // Tests/bgpdTests/File.swift
        return parts.joined(separator: "/")
    }()
    static let ours = IPv6Address("fe80::ff:fe00:d001")!
    static let frr = IPv6Address("fe80::ff:fe00:d002")!

    struct Decoded {
        var stream: TCPStream
        var messages: [(raw: [UInt8], message: BGPMessage)]
        var fromBGPD: Bool { stream.source.address == .v6(SessionCaptureTests.ours) }
    }

    /// Cuts a byte stream into messages with the codec's framing.
    func frames(_ data: [UInt8], maxLength: Int) throws -> (messages: [[UInt8]], rest: Int) {
        var out: [[UInt8]] = []
        var at = 0
        while at < data.count, let n = try BGPFraming.nextMessageLength(Array(data[at...]), maxLength: maxLength) {
            out.append(Array(data[at..<(at + n)]))
            at += n
        }
        return (out, data.count - at)
    }

    /// Every stream, framed and decoded. UPDATEs are decoded with the context negotiated from
    /// the two OPENs of their connection.
    func load() throws -> [Decoded] {
        let cap = try CaptureFile(path: Self.root + "/Tests/Fixtures/bgpd-frr-unnumbered.pcap")
        let streams = TCPReassembler.streams(cap, port: 179)
        // First pass: each stream's OPEN (it needs no negotiated context).
        var opens: [String: OpenMessage] = [:]
        for s in streams {
            if let raw = try frames(s.data, maxLength: 65535).messages.first,
               case .open(let o) = try BGPMessage.decode(raw, context: .initial) {
                opens["\(s.source)>\(s.destination)"] = o
            }
        }
        var out: [Decoded] = []
        for s in streams {
            var context = CodecContext.initial
            if let mine = opens["\(s.source)>\(s.destination)"], let theirs = opens["\(s.destination)>\(s.source)"],
               case .success(let n) = Negotiation.negotiate(local: theirs, peer: mine, policy: NegotiationPolicy(peerAS: .any)) {
                context = n.codecContext
            }
            let (raws, rest) = try frames(s.data, maxLength: context.maxMessageLength)
            var messages: [(raw: [UInt8], message: BGPMessage)] = []
            for raw in raws { messages.append((raw, try BGPMessage.decode(raw, context: context))) }
            #expect(rest == 0, "stream \(s.source) -> \(s.destination) ends inside a message")
            out.append(Decoded(stream: s, messages: messages))
        }
        return out
    }

    @Test func everyMessageDecodesAndOursReencodeExactly() throws {
        let decoded = try load()
        #expect(decoded.count >= 2)
        #expect(decoded.allSatisfy { $0.stream.gaps.isEmpty })
        for d in decoded where d.fromBGPD {
            let opens = d.messages.compactMap { if case .open(let o) = $0.message { return o } else { return nil } }
            guard let open = opens.first, let theirs = decoded.first(where: { $0.stream.source == d.stream.destination }),
                  case .open(let peerOpen)? = theirs.messages.first?.message,
                  case .success(let n) = Negotiation.negotiate(local: peerOpen, peer: open, policy: NegotiationPolicy(peerAS: .any))
            else { continue }
            for (raw, message) in d.messages {
                #expect(message.encode(context: n.codecContext) == raw, "\(message.type) re-encodes differently")
            }
        }
    }

    @Test func ourOpenOffersWhatUnnumberedNeeds() throws {
        let ourStreams = try load().filter(\.fromBGPD)
        let opens = ourStreams.compactMap { d -> OpenMessage? in
            if case .open(let o)? = d.messages.first?.message { return o } else { return nil }
        }
        let open = try #require(opens.first)
        #expect(open.asn == 65001)
        #expect(open.holdTime == 9)
        #expect(open.bgpIdentifier == IPv4Address(10, 0, 0, 1))
        let caps = open.capabilities
        #expect(caps.contains(.multiprotocol(.ipv4Unicast)))
        #expect(caps.contains(.multiprotocol(.ipv6Unicast)))
        #expect(caps.contains(.extendedNextHop([ExtendedNextHopEntry(family: .ipv4Unicast, nextHopAFI: .ipv6)])))
        #expect(caps.contains(.fourOctetAS(65001)))
        #expect(caps.contains(.routeRefresh))
        #expect(caps.contains(.enhancedRouteRefresh))
        #expect(caps.contains(.gracefulRestart(GracefulRestartCapability(flags: 0x4, restartTime: 120))))
    }

    /// On the connection that carried the session: our routes in MP_REACH with the link-local
    /// address in both next-hop slots (the `double` default, as FRR does), End-of-RIB for both
    /// families, and at the end the Hard Reset wrapping our administrative shutdown.
    @Test func ourSessionContent() throws {
        let decoded = try load()
        let session = try #require(decoded.first { d in
            d.fromBGPD && d.messages.contains { if case .update = $0.message { return true } else { return false } }
        })
        let updates = session.messages.compactMap { if case .update(let u) = $0.message { return u } else { return nil } }
        let nh = NextHop.ipv6Pair(global: Self.ours, linkLocal: Self.ours)
        let v4 = try #require(updates.first { $0.mpReach?.family == .ipv4Unicast })
        #expect(v4.mpReach?.nextHop == nh)
        #expect(v4.mpReach?.nlri == .ipv4Unicast([IPv4NLRI(IPv4Prefix("10.1.0.0/24")!)]))
        #expect(v4.attributes.asPath == ASPath(sequence: [65001]))
        #expect(v4.attributes.origin == .igp)
        #expect(v4.attributes.nextHop == nil)   // RFC 8950: no NEXT_HOP with IPv4 in MP_REACH
        let v6 = try #require(updates.first { $0.mpReach?.family == .ipv6Unicast })
        #expect(v6.mpReach?.nextHop == nh)
        #expect(v6.mpReach?.nlri == .ipv6Unicast([IPv6NLRI(IPv6Prefix("2001:db8:1::/64")!)]))
        #expect(Set(updates.compactMap(\.endOfRIB)) == [.ipv4Unicast, .ipv6Unicast])
        guard case .notification(let last)? = session.messages.last?.message else {
            Issue.record("the session does not end with a NOTIFICATION")
            return
        }
        #expect(last.isHardReset)
        #expect(last.hardResetInner?.code == 6 && last.hardResetInner?.subcode == 2)
        #expect(last.shutdownMessage == "bgpd shutting down")
    }

    /// FRR's side: its IPv4 route over RFC 8950 with its link-local next hop, then withdrawn.
    @Test func frrSessionContent() throws {
        let decoded = try load()
        let frr = try #require(decoded.first { d in
            !d.fromBGPD && d.messages.contains { if case .update = $0.message { return true } else { return false } }
        })
        let updates = frr.messages.compactMap { if case .update(let u) = $0.message { return u } else { return nil } }
        let prefix = IPv4NLRI(IPv4Prefix("10.2.0.0/24")!)
        let announce = try #require(updates.firstIndex { u in
            if case .ipv4Unicast(let l)? = u.mpReach?.nlri { return l.contains(prefix) } else { return false }
        })
        #expect(updates[announce].mpReach?.nextHop.linkLocal == Self.frr)
        let withdraw = updates.firstIndex { u in
            if case .ipv4Unicast(let l)? = u.mpUnreach?.nlri { return l.contains(prefix) } else { return false }
        }
        #expect(withdraw.map { $0 > announce } == true)
    }

    /// A NOTIFICATION we are about to send is read back from its bytes for `show neighbors`.
    @Test func notificationFromEncodedBytes() {
        let n = NotificationMessage(encoded: [UInt8](repeating: 0xFF, count: 16) + [0, 23, 3, 6, 2, 0, 1])
        #expect(n == NotificationMessage(code: 6, subcode: 2, data: [0, 1]))
        #expect(NotificationMessage(encoded: [UInt8](repeating: 0xFF, count: 16) + [0, 19, 4]) == nil)
        #expect(NotificationMessage(encoded: [1, 2, 3]) == nil)
    }
}
