import ArgumentParser
import Capture
import RIB

/// `bgpd replay FILE [--json] [--port N]`: the UPDATEs received in a capture go through a RIB;
/// prints the resulting Loc-RIB and the FIB changes it would make. Nothing touches the kernel.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run the BGP messages of a capture through a RIB and print the result.",
        discussion: """
            Every message in the capture is taken as received by an observer (AS 65535) from its \
            sender: each speaker becomes a peer at its OPEN (or its first UPDATE when the capture \
            starts mid-session) and goes down at a NOTIFICATION. Next hops are taken as reachable \
            and no policy filters anything. The output is the Loc-RIB per family (best path \
            marked `*`, ECMP members `=`, other paths with the decision rule they lost by) and \
            every FIB change in order. Decoding follows `bgpd decode`.
            """)

    @Argument(help: "A pcap or pcapng file.") var file: String
    @Flag(help: "The result as one JSON object.") var json = false
    @Option(help: "The TCP port BGP runs on; 0 takes every TCP stream.") var port: UInt16 = 179

    func run() throws {
        print(try Self.render(file: file, json: json, port: port), terminator: "")
    }

    /// What `bgpd replay` prints for a file (also what the golden-file tests compare).
    static func render(file: String, json: Bool, port: UInt16) throws -> String {
        let capture: CaptureFile
        do {
            capture = try CaptureFile(path: file)
        } catch {
            let what = error.message.hasPrefix(file) ? error.message : "\(file): \(error.message)"
            throw DecodeFailure(description: "cannot read \(what)")
        }
        let result = replay(CaptureDecoder.decode(capture, port: port == 0 ? nil : port))
        return json ? result.json() + "\n" : result.text()
    }

    /// The decoded messages, in capture order, as received by the observer from their senders.
    static func replay(_ decoded: CaptureDecoding) -> ReplayResult {
        var replay = Replay()
        replay.run(decoded.items.compactMap { item -> Replay.Event? in
            guard let message = item.message else { return nil }
            let sender = Replay.Sender(address: decoded.streams[item.stream].source.address)
            return .message(from: sender, message)
        })
        return replay.result
    }
}
