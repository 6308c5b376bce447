import ArgumentParser
import Foundation

/// `bgpd check --config FILE`: validates a configuration without touching the network.
/// Prints every problem as `FILE:LINE:COLUMN: message` and exits 1 when there is any.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate a configuration file and report every problem.")

    @Option(name: .long, help: "The configuration file (YAML).") var config: String

    func run() throws {
        switch loadConfigFile(config) {
        case .success(let c):
            print("\(config): OK (AS \(c.asn), router-id \(c.routerID), \(c.neighbors.count) neighbors, \(c.networks.count) networks)")
        case .failure(let errors):
            FileHandle.standardError.write(Data((errors.formatted(file: config) + "\n").utf8))
            throw ExitCode(1)
        }
    }
}

/// Reads and parses a configuration file; an unreadable file is one positioned error.
func loadConfigFile(_ path: String) -> Result<Config, ConfigErrors> {
    guard let data = FileManager.default.contents(atPath: path) else {
        return .failure(ConfigErrors(errors: [ConfigError(line: 0, column: 0,
            "cannot read the file (\(String(cString: strerror(errno))))")]))
    }
    guard let text = String(data: data, encoding: .utf8) else {
        return .failure(ConfigErrors(errors: [ConfigError(line: 1, column: 1, "the file is not UTF-8 text")]))
    }
    return ConfigLoader.load(text)
}
