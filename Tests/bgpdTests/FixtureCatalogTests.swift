import Foundation
import Testing

/// Tests/Fixtures stays documented: every capture is in its README with the right digest, the
/// lab captures keep their notes, the licences of copied captures are beside them, and the
/// PacketLife captures the tests read from ../shared are there (in CI).
@Suite struct FixtureCatalogTests {
    static let directories = ["frr", "frr-script", "public", "malformed"]

    @Test func everyCaptureIsListedWithItsDigest() throws {
        let readme = try String(contentsOfFile: Fixtures.directory + "/README.md", encoding: .utf8)
        let sha = try #require(Run.which("sha256sum"), "sha256sum (coreutils) is needed")
        var checked = 0
        for dir in Self.directories {
            for rel in Fixtures.captures(in: "Tests/Fixtures/" + dir) {
                let name = Fixtures.name(rel)
                let r = try Run.run(sha, [Fixtures.path(rel)])
                let digest = String(String(decoding: r.stdout, as: UTF8.self).prefix(16))
                #expect(readme.contains("| `\(name)` |"), "\(rel) is not in Tests/Fixtures/README.md")
                #expect(readme.contains("`\(digest)`"), "\(rel): digest \(digest) is not the one in the README")
                checked += 1
            }
        }
        #expect(checked >= 40)
    }

    @Test func labCapturesKeepTheirNotes() {
        for dir in ["frr", "frr-script"] {
            for rel in Fixtures.captures(in: "Tests/Fixtures/" + dir) {
                let notes = Fixtures.path(rel).replacingOccurrences(of: ".pcap", with: ".txt")
                #expect(FileManager.default.fileExists(atPath: notes), "\(rel) has no notes beside it")
            }
        }
    }

    @Test func licencesAreBesideTheCopies() throws {
        let need: [String: [String]] = [
            "public": ["LICENSE.tcpdump", "LICENSE.pmacct-test-automation", "LICENSE.NetGauze", "NOTICE.NetGauze"],
            "malformed": ["LICENSE.tcpdump"],
        ]
        for (dir, files) in need {
            for f in files {
                let text = try String(contentsOfFile: "\(Fixtures.directory)/\(dir)/\(f)", encoding: .utf8)
                #expect(text.count > 100, "\(dir)/\(f) is empty")
            }
        }
        // Only captures from sources with one of those licences were copied.
        for rel in Fixtures.captures(in: "Tests/Fixtures/public") + Fixtures.malformedCaptures {
            let name = Fixtures.name(rel)
            #expect(name.hasPrefix("tcpdump_") || name.hasPrefix("pmacct_") || name.hasPrefix("netgauze_"),
                    "\(rel) comes from a source whose licence was not checked")
        }
    }

    /// The script that regenerates frr-script/ parses, and writes the files that are committed.
    @Test func captureScriptParses() throws {
        let script = Fixtures.root + "/scripts/capture-frr-fixtures.sh"
        #expect(FileManager.default.isExecutableFile(atPath: script))
        let bash = try #require(Run.which("bash"))
        for file in [script, Fixtures.root + "/scripts/lab/frr-lab.sh"] {
            let r = try Run.run(bash, ["-n", file])
            #expect(r.status == 0, "\(file): \(r.stderr)")
        }
        let text = try String(contentsOfFile: script, encoding: .utf8)
        for rel in Fixtures.captures(in: "Tests/Fixtures/frr-script") {
            #expect(text.contains(Fixtures.name(rel)), "\(rel) is not produced by the script")
        }
    }

    @Test func sharedCapturesArePresent() {
        let packetlife = Fixtures.sessionCaptures.filter { $0.contains("/packetlife_") }
        if packetlife.count < 11 {
            Fixtures.missing("../shared/pcaps-public (PacketLife captures) is not beside the repository: "
                             + "found \(packetlife.count) of 11")
        }
    }
}
