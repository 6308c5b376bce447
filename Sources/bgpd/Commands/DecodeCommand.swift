import ArgumentParser
import Capture

/// `bgpd decode FILE [--json] [--port N]`: every BGP message of every TCP stream in a capture.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode the BGP messages in a pcap or pcapng file.",
        discussion: """
            Prints every BGP message of every TCP connection on the port, in capture order, with \
            its time (relative to the first packet), source and destination. The encoding choices \
            of each direction (4-octet AS, ADD-PATH, extended messages) come from the OPENs; when \
            the capture has no OPEN they are chosen by decoding, and the output says what was \
            assumed. A message that does not decode is shown with the NOTIFICATION it maps to, and \
            decoding goes on with the next one. JSON fields: docs/decode-json.md.
            """)

    @Argument(help: "A pcap or pcapng file.") var file: String
    @Flag(help: "One JSON object per line: the streams, then one per message (docs/decode-json.md).") var json = false
    @Option(help: "The TCP port BGP runs on; 0 decodes every TCP stream.") var port: UInt16 = 179

    func run() throws {
        for line in try Self.render(file: file, json: json, port: port) { print(line) }
    }

    /// The lines `bgpd decode` prints for a file (also what the tests check).
    static func render(file: String, json: Bool, port: UInt16) throws -> [String] {
        let capture: CaptureFile
        do {
            capture = try CaptureFile(path: file)
        } catch {
            // CaptureError names the file when the file system refused it; add it otherwise.
            let what = error.message.hasPrefix(file) ? error.message : "\(file): \(error.message)"
            throw DecodeFailure(description: "cannot read \(what)")
        }
        let decoded = CaptureDecoder.decode(capture, port: port == 0 ? nil : port)
        return json ? DecodeOutput.jsonLines(decoded) : DecodeOutput.textLines(decoded)
    }
}

/// A failure `bgpd decode` reports as a one-line error (no usage text: the arguments were fine).
struct DecodeFailure: Error, CustomStringConvertible {
    var description: String
}
