import Foundation
import Testing
@testable import bgpd
import Capture

/// Where the fixture captures are, and the environment the fixture tests need.
///
/// Tests/Fixtures holds the captures the project may redistribute (README there records where
/// each came from). Captures without a licence that allows it (PacketLife) are read from
/// ../shared/pcaps-public beside the repository, as CI provides it.
enum Fixtures {
    /// The repository root, found from this file's path.
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)   // Tests/bgpdTests/File.swift
        return parts.joined(separator: "/")
    }()

    static let directory = root + "/Tests/Fixtures"
    static let shared = root + "/../shared"

    /// `CI` is set: anything a test needs that is missing is a failure, not a skip.
    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false }

    /// The captures in a directory given relative to the repository root (`Tests/Fixtures/frr`),
    /// as paths relative to the root, sorted.
    static func captures(in dir: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + dir)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") || $0.hasSuffix(".cap") }
            .sorted().map { dir + "/" + $0 }
    }

    /// Every BGP session capture the round-trip and tshark tests go through: ours, the
    /// redistributable public ones, and the PacketLife ones read from ../shared (see
    /// `FixtureCatalogTests.sharedCapturesArePresent` for when ../shared is missing).
    static let sessionCaptures: [String] =
        captures(in: "Tests/Fixtures/frr") + captures(in: "Tests/Fixtures/frr-script") + captures(in: "Tests/Fixtures/public")
            + captures(in: "../shared/pcaps-public").filter { $0.contains("/packetlife_") }

    /// Captures in Tests/Fixtures/frr that hold no BGP (the VXLAN data plane, RAs and pings).
    static let withoutBGP: Set<String> = ["Tests/Fixtures/frr/frr-evpn-vxlan-dataplane.pcap", "Tests/Fixtures/frr/frr-unnumbered-icmp6.pcap"]

    static let malformedCaptures: [String] = captures(in: "Tests/Fixtures/malformed")

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// Records a failure in CI and a warning elsewhere, for a prerequisite that is missing.
    static func missing(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if inCI {
            Issue.record("\(what) (CI is set, so this is a failure)", sourceLocation: sourceLocation)
        } else {
            print("warning: skipped, \(what)")
        }
    }

    static func name(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

    /// Decodes a fixture (path relative to the root) with the same code `bgpd decode` runs.
    static func decode(_ relative: String) throws -> CaptureDecoding {
        CaptureDecoder.decode(try CaptureFile(path: path(relative)), port: 179)
    }
}

/// Runs a program and collects its standard output.
enum Run {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func which(_ program: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static func run(_ path: String, _ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // stdout first (it can be megabytes); what these programs print on stderr is small.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: data, stderr: String(decoding: errData, as: UTF8.self))
    }
}
