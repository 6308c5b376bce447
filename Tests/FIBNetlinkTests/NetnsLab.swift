import Foundation
import Testing
@testable import FIBNetlink

// A throwaway lab for kernel tests: a namespace `fb-<tag>-<pid>` for the writer ("dut") and a peer
// namespace `fb-<tag>-<pid>p`, joined by veth pairs fb-a <-> fb-a-p and fb-b <-> fb-b-p. Everything is
// named with the fb- prefix and removed when the lab is released (also when a test fails).
//
// Tests that need it are enabled when we are root and `ip netns` works; when the environment
// variable CI is set they always run, so a missing capability fails them instead of skipping.

enum Lab {
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false

    /// Root and a working `ip netns` (checked once). Also removes labs left by test runs that
    /// died before they could clean up (their pid, in the name, no longer exists).
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        for line in ((try? run("ip", "netns", "list")) ?? "").split(separator: "\n") {
            guard let name = line.split(separator: " ").first, name.hasPrefix("fb-") else { continue }
            let parts = name.split(separator: "-")
            guard parts.count == 3, let pid = Int32(parts[2].hasSuffix("p") ? parts[2].dropLast() : parts[2]) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { _ = try? run("ip", "netns", "del", String(name)) }
        }
        let probe = "fb-probe-\(getpid())"
        defer { _ = try? run("ip", "netns", "del", probe) }
        return (try? run("ip", "netns", "add", probe)) != nil
    }()

    /// Whether kernel tests should run: always under CI (so they fail there if unavailable).
    static var enabled: Bool { available || isCI }

    @discardableResult
    static func run(_ args: String...) throws -> String { try run(args) }

    /// Runs a command and returns its stdout; throws with stderr on a non-zero exit.
    @discardableResult
    static func run(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw LabError(command: args.joined(separator: " "), output: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct LabError: Error, CustomStringConvertible {
        var command: String
        var output: String
        var description: String { "`\(command)` failed: \(output)" }
    }
}

/// Two namespaces and two veth links, removed on `close()` / deinit.
final class NetnsLab: @unchecked Sendable {
    let dut: String
    let peer: String
    private(set) var index: [String: UInt32] = [:]
    private var closed = false

    /// Namespace names are `fb-<tag>-<pid>` and `fb-<tag>-<pid>p` (the pid keeps two test runs on
    /// one host apart); interface names inside are fixed.
    init(_ tag: String) throws {
        dut = "fb-\(tag)-\(getpid())"
        peer = "fb-\(tag)-\(getpid())p"
        try? Lab.run("ip", "netns", "del", dut)
        try? Lab.run("ip", "netns", "del", peer)
        do {
            try Lab.run("ip", "netns", "add", dut)
            try Lab.run("ip", "netns", "add", peer)
            try ip("link", "set", "lo", "up")
            for (i, l) in ["a", "b"].enumerated() {
                try ip("link", "add", "fb-\(l)", "address", "02:00:00:00:fb:0\(i + 1)", "type", "veth",
                       "peer", "name", "fb-\(l)-p", "address", "02:00:00:00:fb:1\(i + 1)", "netns", peer)
                try ip("addr", "add", "10.0.\(i).1/24", "dev", "fb-\(l)")
                try ip("link", "set", "fb-\(l)", "up")
                try Lab.run("ip", "-n", peer, "addr", "add", "10.0.\(i).2/24", "dev", "fb-\(l)-p")
                try Lab.run("ip", "-n", peer, "link", "set", "fb-\(l)-p", "up")
            }
            try refreshIndices()
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        try? Lab.run("ip", "netns", "del", dut)
        try? Lab.run("ip", "netns", "del", peer)
    }

    /// `ip -n <dut> ...`
    @discardableResult
    func ip(_ args: String...) throws -> String { try Lab.run(["ip", "-n", dut] + args) }

    /// `ip -n <dut> -j ...` parsed.
    func json(_ args: String...) throws -> [[String: Any]] {
        let text = try Lab.run(["ip", "-n", dut, "-j"] + args)
        guard let data = text.data(using: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    func refreshIndices() throws {
        for l in try json("link", "show") {
            if let name = l["ifname"] as? String, let i = l["ifindex"] as? Int { index[name] = UInt32(i) }
        }
    }

    /// Sets the peer end of a link down or up: carrier loss on our side (the kernel flushes
    /// nexthop objects on carrier loss just as on admin down).
    func setPeer(_ link: String, up: Bool) throws {
        try Lab.run("ip", "-n", peer, "link", "set", "\(link)-p", up ? "up" : "down")
    }

    func writer(_ configure: (inout FIBConfiguration) -> Void = { _ in }) throws -> FIBWriter {
        var c = FIBConfiguration(namespace: dut)
        c.staleRouteTimeout = nil
        configure(&c)
        return try FIBWriter(configuration: c)
    }
}

/// Collects a writer's events for assertions.
actor EventLog {
    private(set) var events: [FIBEvent] = []
    private var task: Task<Void, Never>?

    func follow(_ writer: FIBWriter) {
        let stream = writer.events
        task = Task { [weak self] in
            for await e in stream { await self?.append(e) }
        }
    }

    private func append(_ e: FIBEvent) { events.append(e) }

    var failures: [FIBFailure] {
        events.compactMap { if case .failed(let f) = $0 { f } else { nil } }
    }

    /// Waits until `predicate` holds for the events so far, or the timeout passes.
    func wait(seconds: Double = 5, until predicate: @Sendable ([FIBEvent]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if predicate(events) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return predicate(events)
    }
}

/// Polls a condition on the kernel (through `ip`) until it holds or the timeout passes. Sleeps
/// without blocking a thread of the shared cooperative pool.
func eventually(seconds: Double = 5, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
