import Foundation
import Testing
@testable import bgpd

/// `bgpd decode` end to end on fixtures: the readable output and the JSON lines show the
/// prefixes, MACs, communities and route targets in canonical form; the built binary prints
/// the same as the command's function.
@Suite struct DecodeCommandTests {
    static let unnumbered = "Tests/Fixtures/frr-script/frr-unnumbered-r1-r2.pcap"
    static let evpn = "Tests/Fixtures/frr-script/frr-evpn-vxlan.pcap"

    static func objects(_ lines: [String]) throws -> [[String: Any]] {
        try lines.map { line in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(o as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test func readableUnnumberedSession() throws {
        let text = try DecodeCommand.render(file: Fixtures.path(Self.unnumbered), json: false, port: 179).joined(separator: "\n")
        // r2's tagged announcement, as an operator would read it.
        #expect(text.contains("  + 10.2.1.0/24"))
        #expect(text.contains("  + 2001:db8:2:1::/64"))
        #expect(text.contains("  - 10.2.1.0/24"))
        #expect(text.contains("med 50"))
        #expect(text.contains("communities 65002:100 65002:200"))
        #expect(text.contains("large-communities 65002:1:1"))
        #expect(text.contains("as-path 65002 65002 65002"))
        #expect(text.contains("ipv4-unicast next-hop fe80::ff:fe00:1202 fe80::ff:fe00:1202"))
        #expect(text.contains("End-of-RIB ipv6-unicast"))
        #expect(text.contains("ROUTE-REFRESH"))
        // The final Hard Reset and the shutdown message inside it.
        #expect(text.contains("Cease/Hard Reset (6/9)"))
        #expect(text.contains("shutdown message: \"lab-teardown\""))
        // One header line per message: time, source > destination, type, length, frame.
        #expect(text.contains("[fe80::ff:fe00:1202]:40202 > [fe80::ff:fe00:1201]:179 UPDATE "))
        #expect(text.contains("context negotiated in the OPENs: 4-octet AS, no ADD-PATH, extended messages"))
    }

    @Test func jsonUnnumberedSession() throws {
        let lines = try DecodeCommand.render(file: Fixtures.path(Self.unnumbered), json: true, port: 179)
        let objs = try Self.objects(lines)
        let messages = objs.filter { $0["kind"] as? String == "message" }
        #expect(objs.filter { $0["kind"] as? String == "stream" }.count == 3)
        #expect(objs.allSatisfy { ["stream", "message"].contains($0["kind"] as? String) }, "no errors in a clean capture")
        let updates = messages.compactMap { $0["update"] as? [String: Any] }
        let reached = updates.flatMap { u -> [String] in
            ((u["mp_reach"] as? [String: Any])?["nlri"] as? [[String: Any]] ?? []).compactMap { $0["prefix"] as? String }
        }
        #expect(reached.contains("10.2.1.0/24"))
        #expect(reached.contains("2001:db8:2:1::/64"))
        let communities = updates.flatMap { ($0["attributes"] as? [String: Any])?["communities"] as? [String] ?? [] }
        #expect(communities.contains("65002:100"))
        #expect(communities.contains("65002:999"))
        let large = updates.flatMap { ($0["attributes"] as? [String: Any])?["large_communities"] as? [String] ?? [] }
        #expect(large.contains("65002:1:1"))
        let notification = try #require(messages.compactMap { $0["notification"] as? [String: Any] }.first)
        #expect(notification["code"] as? Int == 6)
        #expect(notification["subcode"] as? Int == 9)
        let inner = try #require(notification["hard_reset"] as? [String: Any])
        #expect(inner["subcode"] as? Int == 2)
        #expect(inner["shutdown_message"] as? String == "lab-teardown")
        // Every message has its time, direction and length.
        for m in messages {
            #expect(m["time"] is String && m["src"] is String && m["dport"] is Int && m["length"] is Int)
        }
        let opens = messages.compactMap { $0["open"] as? [String: Any] }
        #expect(opens.count == 3)
        #expect(opens.allSatisfy { ($0["capabilities"] as? [[String: Any]])?.contains { $0["name"] as? String == "extended-next-hop" } == true })
    }

    @Test func evpnRoutesReadableAndJSON() throws {
        let text = try DecodeCommand.render(file: Fixtures.path(Self.evpn), json: false, port: 179).joined(separator: "\n")
        #expect(text.contains("[2] rd 10.0.0.1:100 tag 0 mac 02:00:00:00:aa:01 ip 10.100.0.11 vni 100"))
        #expect(text.contains("[2] rd 10.0.0.2:100 tag 0 mac 02:00:00:00:aa:02 vni 100"))
        #expect(text.contains("[3] rd 10.0.0.1:100 tag 0 originator 10.0.0.1"))
        #expect(text.contains("RT:65100:100"))
        #expect(text.contains("ext-communities ET:8 RT:65100:100"))
        #expect(text.contains("pmsi-tunnel ingress-replication"))
        #expect(text.contains("l2vpn-evpn withdrawn"))

        let objs = try Self.objects(try DecodeCommand.render(file: Fixtures.path(Self.evpn), json: true, port: 179))
        let routes = objs.compactMap { ($0["update"] as? [String: Any])?["mp_reach"] as? [String: Any] }
            .filter { $0["family"] as? String == "l2vpn-evpn" }
            .flatMap { $0["nlri"] as? [[String: Any]] ?? [] }
        let h1 = try #require(routes.first { $0["mac"] as? String == "02:00:00:00:aa:01" && $0["ip"] as? String == "10.100.0.11" })
        #expect(h1["route_type"] as? Int == 2)
        #expect(h1["rd"] as? String == "10.0.0.1:100")
        #expect((h1["label1"] as? [String: Any])?["vni"] as? Int == 100)
        #expect(routes.contains { $0["route_type"] as? Int == 3 && $0["originating_router"] as? String == "10.0.0.2" })
        let ext = objs.compactMap { ($0["update"] as? [String: Any])?["attributes"] as? [String: Any] }
            .flatMap { $0["extended_communities"] as? [[String: Any]] ?? [] }
        #expect(ext.contains { $0["kind"] as? String == "route-target" && $0["value"] as? String == "65100:100" })
        #expect(ext.contains { $0["kind"] as? String == "encapsulation" && $0["value"] as? String == "8" })
    }

    /// Every field name `--json` prints for any fixture is documented in docs/decode-json.md.
    @Test func everyJSONFieldIsDocumented() throws {
        let doc = try String(contentsOfFile: Fixtures.root + "/docs/decode-json.md", encoding: .utf8)
        var keys = Set<String>()
        func collect(_ v: Any) {
            if let d = v as? [String: Any] {
                for (k, child) in d {
                    keys.insert(k)
                    collect(child)
                }
            } else if let a = v as? [Any] {
                a.forEach(collect)
            }
        }
        for name in Fixtures.sessionCaptures + Fixtures.malformedCaptures {
            for line in DecodeOutput.jsonLines(try Fixtures.decode(name)) {
                collect(try JSONSerialization.jsonObject(with: Data(line.utf8)))
            }
        }
        #expect(keys.count > 80)
        let undocumented = keys.filter { !doc.contains("`\($0)`") && !doc.contains("`\($0).") && !doc.contains(".\($0)`") }
        #expect(undocumented.isEmpty, "not in docs/decode-json.md: \(undocumented.sorted())")
    }

    /// The binary prints exactly what the function returns.
    @Test func builtBinaryMatches() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var binary = dir.appendingPathComponent("bgpd").path
        if !FileManager.default.isExecutableFile(atPath: binary) {
            // `swift test` runs the .xctest bundle from inside the build directory.
            binary = dir.deletingLastPathComponent().appendingPathComponent("bgpd").path
        }
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Fixtures.missing("the bgpd binary is not built next to the tests (swift build --build-tests)")
            return
        }
        for json in [true, false] {
            let r = try Run.run(binary, ["decode"] + (json ? ["--json"] : []) + [Fixtures.path(Self.evpn)])
            #expect(r.status == 0, "\(r.stderr)")
            let expected = try DecodeCommand.render(file: Fixtures.path(Self.evpn), json: json, port: 179)
            #expect(String(decoding: r.stdout, as: UTF8.self) == expected.map { $0 + "\n" }.joined())
        }
        let missing = try Run.run(binary, ["decode", "/nonexistent.pcap"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot read /nonexistent.pcap"))
    }
}
