import BGP
import Capture
import Foundation
import NetAddress
@testable import RIB
import Testing

/// The project root, found from this file's path.
private let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)   // Tests/RIBTests/File.swift
    return parts.joined(separator: "/")
}()

/// A capture's BGP messages in arrival order, each with its sender.
func captureEvents(_ name: String) throws -> [Replay.Event] {
    let cap = try CaptureFile(path: packageRoot + "/Tests/Fixtures/frr/" + name)
    let context = CodecContext(fourOctetAS: true, extendedMessage: true)
    var timed: [(time: Timestamp, frame: Int, order: Int, event: Replay.Event)] = []
    for stream in TCPReassembler.streams(cap, port: 179) {
        var at = 0
        while at < stream.data.count {
            let rest = Array(stream.data[at...])
            guard let length = try BGPFraming.nextMessageLength(rest, maxLength: context.maxMessageLength) else { break }
            let message = try BGPMessage.decode(Array(rest[..<length]), context: context)
            let (time, frame) = stream.availability(at: at)
            timed.append((time, frame, timed.count, .message(from: Replay.Sender(address: stream.source.address), message)))
            at += length
        }
    }
    return timed.sorted { ($0.time, $0.frame, $0.order) < ($1.time, $1.frame, $1.order) }.map(\.event)
}

@Suite("Replay")
struct ReplayTests {
    let a = Replay.Sender(address: ip("192.0.2.1"))
    let b = Replay.Sender(address: ip("192.0.2.2"))

    func open(_ asn: UInt32, _ id: String) -> BGPMessage {
        .open(OpenMessage(asn: asn, holdTime: 9, bgpIdentifier: ip4(id),
                          capabilities: [.multiprotocol(.ipv4Unicast), .fourOctetAS(asn)]))
    }

    @Test("messages from two senders give a Loc-RIB with the better path best, and both renderings")
    func synthetic() throws {
        var replay = Replay()
        replay.run([
            .message(from: a, open(65001, "1.1.1.1")),
            .message(from: b, open(65002, "2.2.2.2")),
            .message(from: a, .update(announce(["10.0.0.0/24", "10.0.1.0/24"], nextHop: "192.0.2.1", path: [65001, 9]))),
            .message(from: b, .update(announce(["10.0.0.0/24"], nextHop: "192.0.2.2", path: [65002], med: 5,
                                               communities: [Community(asn: 65002, value: 100)]))),
            .message(from: a, .update(withdraw(["10.0.1.0/24"]))),
            .message(from: a, .keepalive),
        ])
        let r = replay.result
        #expect(r.messages == 6)
        #expect(r.peers.map(\.asn) == [65001, 65002])
        let v4 = try #require(r.routes[.ipv4Unicast])
        #expect(v4.count == 1)
        #expect(v4.first?.paths.first?.nextHop == .ipv4(ip4("192.0.2.2")))
        #expect(v4.first?.paths.last?.lostBy == .asPathLength)
        #expect(r.fibChanges.map(\.kind) == [.add, .add, .replace, .delete])
        let text = r.text()
        #expect(text.contains("10.0.0.0/24"))
        #expect(text.contains("* via 192.0.2.2 from 192.0.2.2 AS65002 as-path 65002 origin igp med 5 communities 65002:100"))
        #expect(text.contains("(lost by as-path-length)"))
        let json = try JSONSerialization.jsonObject(with: Data(r.json().utf8)) as? [String: Any]
        let routes = try #require(json?["routes"] as? [String: Any])
        let list = try #require(routes["ipv4-unicast"] as? [[String: Any]])
        #expect(list.first?["destination"] as? String == "10.0.0.0/24")
        #expect((json?["fibChanges"] as? [Any])?.count == 4)
    }

    @Test("a NOTIFICATION from a sender takes its routes away; a mid-session capture still works")
    func notificationAndMidSession() {
        var replay = Replay()
        replay.run([
            .message(from: a, .update(announce(["10.0.0.0/24"], nextHop: "192.0.2.1", path: [65001]))),
            .message(from: a, .notification(NotificationMessage(code: 6, subcode: 2, data: []))),
        ])
        let r = replay.result
        #expect(r.peers.first?.asn == 65001, "AS from the first path")
        #expect(r.peers.first?.up == false)
        #expect(r.routes[.ipv4Unicast]?.isEmpty == true)
        #expect(r.fibChanges.map(\.kind) == [.add, .delete])
    }

    @Test("JSON strings are escaped")
    func escaping() {
        #expect(JSONWriter.quoted("a\"b\\c\n\u{1}") == "\"a\\\"b\\\\c\\n\\u0001\"")
    }

    /// FRR r1 <-> r2 unnumbered (Tests/Fixtures/frr/frr-unnumbered-r1-r2.txt): both directions
    /// replayed; r2 ends with a NOTIFICATION, so only r1's routes are left, all via r1's
    /// link-local address, IPv4 ones over IPv6 (RFC 8950).
    @Test("a real FRR capture replays: r2's routes go with its NOTIFICATION, r1's stay")
    func frrCapture() throws {
        let events = try captureEvents("frr-unnumbered-r1-r2.pcap")
        #expect(events.count == 91, "14 KEEPALIVE, 1 NOTIFICATION, 3 OPEN, 73 UPDATE")
        var replay = Replay()
        replay.run(events)
        let r = replay.result
        #expect(Set(r.peers.map(\.asn)) == [65001, 65002])
        #expect(r.peers.first { $0.asn == 65002 }?.up == false)
        let r1 = ip6("fe80::ff:fe00:1201")
        let v4 = r.routes[.ipv4Unicast] ?? [], v6 = r.routes[.ipv6Unicast] ?? []
        #expect(!v4.isEmpty && !v6.isEmpty)
        for route in v4 + v6 {
            #expect(route.paths.count == 1)
            #expect(route.paths.first?.nextHop?.linkLocal == r1, "\(route.destination)")
            #expect(route.paths.first?.attributes.asPath?.firstAS == 65001)
        }
        #expect(r.fibChanges.contains { $0.kind == .delete && $0.prefix == pfx("10.2.1.0/24") })
        #expect(v4.allSatisfy { $0.nextHops.first?.gateway == .v6(r1) })
        if ProcessInfo.processInfo.environment["RIB_PRINT_REPLAY"] != nil { print(r.text()) }
    }
}
