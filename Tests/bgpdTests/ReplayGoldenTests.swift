import Foundation
import Testing
@testable import bgpd

/// `bgpd replay` on the FRR fixtures, compared with golden files kept beside each capture
/// (`NAME.replay.txt` and `NAME.replay.json`). `BGPD_UPDATE_GOLDEN=1 swift test --filter
/// ReplayGoldenTests` rewrites them; review the diff before committing.
@Suite struct ReplayGoldenTests {
    static let fixtures = [
        "Tests/Fixtures/frr/frr-unnumbered-r1-r2.pcap",
        "Tests/Fixtures/frr/frr-unnumbered-r1-r3-ecmp.pcap",
        "Tests/Fixtures/frr/frr-evpn-vxlan.pcap",
        "Tests/Fixtures/frr/frr-evpn-type5-relay.pcap",
        "Tests/Fixtures/frr-script/frr-unnumbered-r1-r2.pcap",
        "Tests/Fixtures/frr-script/frr-unnumbered-r1-r3-ecmp.pcap",
        "Tests/Fixtures/frr-script/frr-evpn-vxlan.pcap",
        "Tests/Fixtures/bgpd-frr-unnumbered.pcap",
    ]

    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    @Test(arguments: fixtures) func matchesGolden(_ name: String) throws {
        let path = Self.root + "/" + name
        let base = String(path.dropLast(".pcap".count))
        for (json, suffix) in [(false, ".replay.txt"), (true, ".replay.json")] {
            let output = try ReplayCommand.render(file: path, json: json, port: 179)
            let golden = base + suffix
            if ProcessInfo.processInfo.environment["BGPD_UPDATE_GOLDEN"] == "1" {
                try output.write(toFile: golden, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOfFile: golden, encoding: .utf8)
            if output != expected {
                let got = output.split(separator: "\n", omittingEmptySubsequences: false)
                let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
                let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }
                Issue.record("""
                    \(name) \(suffix) differs from the golden file at line \((first?.offset ?? min(got.count, want.count)) + 1):
                      got:  \(first.map { String($0.element.0) } ?? "(\(got.count) lines)")
                      want: \(first.map { String($0.element.1) } ?? "(\(want.count) lines)")
                    """)
            }
        }
    }

    /// The replay is not empty: routes reach the Loc-RIB and the FIB changes name them.
    @Test func unnumberedReplayHasRoutesAndFIBChanges() throws {
        let out = try ReplayCommand.render(file: Self.root + "/Tests/Fixtures/frr/frr-unnumbered-r1-r2.pcap", json: false, port: 179)
        #expect(out.contains("ipv4-unicast:"))
        #expect(out.contains("ipv6-unicast:"))
        #expect(out.contains("via fe80::ff:fe00:1202") || out.contains("via fe80::ff:fe00:1201"))
        let fib = out.split(separator: "\n").first { $0.hasPrefix("fib changes: ") }
        #expect((fib.flatMap { Int($0.dropFirst("fib changes: ".count)) } ?? 0) > 0)
    }
}
