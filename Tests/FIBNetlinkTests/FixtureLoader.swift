import Foundation

/// Reads the committed captures in Fixtures/ (see Fixtures/capture.sh for how they were made).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The receive buffers of a dump: one hex line per recvmsg(2).
    static func dumpBuffers(_ name: String) throws -> [[UInt8]] {
        let text = try String(contentsOf: directory.appendingPathComponent("dumps/\(name).hex"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { bytes(hex: $0) }
    }

    /// `ip -j` output for the same state as a dump.
    static func json(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent("dumps/\(name).json"))
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    /// `## name` / `$ command` / hex blocks of requests.txt or errors.txt.
    static func cases(_ file: String) throws -> [(name: String, command: String, bytes: [UInt8])] {
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        return text.components(separatedBy: "## ").dropFirst().compactMap { block in
            let lines = block.split(separator: "\n", omittingEmptySubsequences: true)
            guard lines.count >= 3 else { return nil }
            return (String(lines[0]), String(lines[1].dropFirst(2)), bytes(hex: lines[2]))
        }
    }

    static func bytes(hex: some StringProtocol) -> [UInt8] {
        var out: [UInt8] = []
        var hi: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...102: v = c - 87
            default: continue
            }
            if let h = hi { out.append(h << 4 | v); hi = nil } else { hi = v }
        }
        return out
    }
}
