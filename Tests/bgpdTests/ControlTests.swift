import Foundation
import NIOPosix
import Testing
@testable import bgpd

/// The control socket end to end (server and client in one process), and the text layout.
@Suite struct ControlTests {
    static let peer = PeerSummary(
        neighbor: "dm-eth0", description: "spine1", remoteAS: 65002, state: "Established", upDownSeconds: 3723,
        messagesReceived: 45, messagesSent: 40, prefixesReceived: 3, prefixesAccepted: 3, prefixesSent: 2)
    static let summary = SummaryReply(
        routerID: "10.0.0.1", asn: 65001, uptimeSeconds: 10, locRIB: ["ipv4-unicast": 5, "ipv6-unicast": 2],
        fib: nil, neighbors: [peer, PeerSummary(
            neighbor: "192.0.2.2", description: nil, remoteAS: 65003, state: "Active", upDownSeconds: nil,
            messagesReceived: 0, messagesSent: 0, prefixesReceived: 0, prefixesAccepted: 0, prefixesSent: 0)])

    @Test func roundTripOverUnixSocket() async throws {
        let path = "/tmp/dm-control-\(getpid()).sock"
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ControlServer.start(path: path, group: group) { req in
            switch req.command {
            case .summary: return ControlReply(summary: Self.summary)
            case .neighbors: return req.neighbor == "nope" ? ControlReply(error: "no neighbor nope") : ControlReply(neighbors: [])
            default: return ControlReply(error: "unsupported here")
            }
        }
        let reply = try await Task.detached {
            try ControlClient.request(ControlRequest(command: .summary), socketPath: path)
        }.value
        #expect(reply.summary == Self.summary)
        await #expect(throws: ControlClient.Failure.self) {
            try await Task.detached { try ControlClient.request(ControlRequest(command: .neighbors, neighbor: "nope"), socketPath: path) }.value
        }
        // A garbage line gets an error reply and the connection stays usable for the next one.
        let raw = try await Task.detached { () throws -> String in
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { b in for (i, x) in path.utf8.enumerated() { b[i] = x } }
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            let req = "hello\n{\"command\":\"summary\"}\n"
            _ = req.withCString { send(fd, $0, strlen($0), 0) }
            var out = [UInt8]()
            var buf = [UInt8](repeating: 0, count: 4096)
            while out.filter({ $0 == 10 }).count < 2 {
                let n = recv(fd, &buf, buf.count, 0)
                if n <= 0 { break }
                out += buf[0..<n]
            }
            return String(decoding: out, as: UTF8.self)
        }.value
        let lines = raw.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("not a valid request") == true)
        #expect(lines.last?.contains("\"routerID\":\"10.0.0.1\"") == true)
        await server.stop()
        #expect(!FileManager.default.fileExists(atPath: path))
        try await group.shutdownGracefully()
    }

    @Test func summaryLayoutLikeFRR() {
        let text = HumanFormat.summary(Self.summary)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "BGP router identifier 10.0.0.1, local AS number 65001")
        #expect(lines[1] == "Loc-RIB routes: ipv4-unicast 5, ipv6-unicast 2")
        #expect(lines[3].hasPrefix("Neighbor "))
        #expect(lines[3].contains("MsgRcvd   MsgSent   Up/Down State/PfxRcd   PfxSnt Desc"))
        // Established peers show the accepted prefix count in the State/PfxRcd column.
        #expect(lines[4].split(separator: " ").map(String.init) == ["dm-eth0", "4", "65002", "45", "40", "01:02:03", "3", "2", "spine1"])
        #expect(lines[5].split(separator: " ").map(String.init) == ["192.0.2.2", "4", "65003", "0", "0", "never", "Active", "0", "N/A"])
        #expect(text.hasSuffix("Total number of neighbors 2\n"))
    }

    @Test func durations() {
        #expect(HumanFormat.duration(0) == "00:00:00")
        #expect(HumanFormat.duration(3723) == "01:02:03")
        #expect(HumanFormat.duration(86400 + 3600 * 2 + 60 * 3) == "1d02h03m")
        #expect(HumanFormat.duration(86400 * 9 + 3600 * 5) == "1w2d05h")
    }

    @Test func metricsExposition() {
        let snap = MetricsSnapshot(
            peers: [MetricsSnapshot.Peer(neighbor: "dm-eth0", remoteAS: 65002, state: 6, established: true,
                                         prefixesReceived: ["ipv4-unicast": 3], prefixesAccepted: ["ipv4-unicast": 3],
                                         prefixesSent: ["ipv4-unicast": 2], messagesReceived: ["UPDATE": 7],
                                         messagesSent: ["KEEPALIVE": 9], establishedTransitions: 1)],
            locRIB: ["ipv4-unicast": 5], fib: ["ipv4-unicast": 4], uptimeSeconds: 12)
        let text = String(decoding: snap.render(), as: UTF8.self)
        #expect(text.contains(#"bgpd_peer_state{neighbor="dm-eth0"} 6"#))
        #expect(text.contains(#"bgpd_peer_prefixes_received{neighbor="dm-eth0",family="ipv4-unicast"} 3"#))
        #expect(text.contains(#"bgpd_peer_messages_received_total{neighbor="dm-eth0",type="UPDATE"} 7"#))
        #expect(text.contains(#"bgpd_locrib_routes{family="ipv4-unicast"} 5"#))
        #expect(text.contains(#"bgpd_fib_routes{family="ipv4-unicast"} 4"#))
        #expect(text.contains("# TYPE bgpd_peer_messages_sent_total counter"))
    }
}
