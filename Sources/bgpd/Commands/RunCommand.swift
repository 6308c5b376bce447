import ArgumentParser
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the daemon in the foreground.")
    func run() async throws {}
}
