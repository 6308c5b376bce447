import ArgumentParser

/// `bgpd decode FILE [--json] [--port N]`: every BGP message of every TCP stream in a capture.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode the BGP messages in a pcap or pcapng file.")

    @Argument(help: "A pcap or pcapng file.") var file: String
    @Flag(help: "One JSON object per message.") var json = false
    @Option(help: "The TCP port BGP runs on.") var port: UInt16 = 179

    func run() throws {
        throw ValidationError("not implemented yet")
    }
}
