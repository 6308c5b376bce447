import ArgumentParser
import Foundation

/// `bgpd show ...`: asks the running daemon over its control socket.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the running daemon's sessions and routes.",
        subcommands: [Summary.self, Neighbors.self, Routes.self, FIB.self, PolicyCommand.self, Version.self])

    /// Options every `show` subcommand takes.
    struct Connection: ParsableArguments {
        @Option(help: "The daemon's control socket (default \(Config.defaultControlSocket)).")
        var socket: String?
        @Option(help: "Read the control socket path from this configuration file.")
        var config: String?
        @Flag(help: "Print the reply as JSON.") var json = false

        func path() throws -> String {
            if let socket { return socket }
            if let config {
                switch loadConfigFile(config) {
                case .success(let c): return c.controlSocket
                case .failure(let e): throw ValidationError(e.formatted(file: config))
                }
            }
            return Config.defaultControlSocket
        }

        func ask(_ request: ControlRequest) throws -> ControlReply {
            do { return try ControlClient.request(request, socketPath: try path()) } catch let e as ControlClient.Failure {
                FileHandle.standardError.write(Data("bgpd: \(e.description)\n".utf8))
                throw ExitCode(2)
            }
        }

        func printJSON<T: Encodable>(_ value: T) throws {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try e.encode(value), as: UTF8.self))
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per neighbour, and Loc-RIB sizes.")
        @OptionGroup var connection: Connection

        func run() throws {
            guard let s = try connection.ask(ControlRequest(command: .summary)).summary else { throw ExitCode(2) }
            if connection.json { try connection.printJSON(s) } else { print(HumanFormat.summary(s), terminator: "") }
        }
    }

    struct Neighbors: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "State, capabilities, counters and last error of each session.")
        @OptionGroup var connection: Connection
        @Argument(help: "Only this neighbour (address, address%interface or interface).") var neighbor: String?

        func run() throws {
            guard let n = try connection.ask(ControlRequest(command: .neighbors, neighbor: neighbor)).neighbors else { throw ExitCode(2) }
            if connection.json { try connection.printJSON(n) } else { print(HumanFormat.neighbors(n), terminator: "") }
        }
    }

    struct Routes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Routes with their paths, next hops, attributes and best path.")
        @OptionGroup var connection: Connection
        @Argument(help: "ipv4, ipv6 or evpn (all when omitted).") var family: String?
        @Option(help: "Only this prefix.") var prefix: String?

        func validate() throws {
            if let f = family, !["ipv4", "ipv6", "evpn"].contains(f) {
                throw ValidationError("family must be ipv4, ipv6 or evpn, not '\(f)'")
            }
        }

        func run() throws {
            let name = family.map { ["ipv4": "ipv4-unicast", "ipv6": "ipv6-unicast", "evpn": "l2vpn-evpn"][$0] ?? $0 }
            guard let r = try connection.ask(ControlRequest(command: .routes, family: name, prefix: prefix)).routes else { throw ExitCode(2) }
            if connection.json { try connection.printJSON(r) } else { print(HumanFormat.routes(r), terminator: "") }
        }
    }

    struct FIB: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fib",
            abstract: "Routes installed in the kernel: next hops, nexthop objects and groups, offload flags.")
        @OptionGroup var connection: Connection
        @Argument(help: "ipv4 or ipv6 (both when omitted).") var family: String?
        @Option(help: "Only this prefix.") var prefix: String?
        @Option(help: "List at most this many routes (all by default).") var limit: Int?

        func validate() throws {
            if let f = family, !["ipv4", "ipv6"].contains(f) { throw ValidationError("family must be ipv4 or ipv6, not '\(f)'") }
            if let l = limit, l < 0 { throw ValidationError("--limit must be 0 or more") }
        }

        func run() throws {
            let name = family.map { $0 == "ipv4" ? "ipv4-unicast" : "ipv6-unicast" }
            let reply = try connection.ask(ControlRequest(command: .fib, family: name, prefix: prefix, limit: limit))
            guard let f = reply.fib else {
                FileHandle.standardError.write(Data("bgpd: \(reply.error ?? "no answer")\n".utf8))
                throw ExitCode(2)
            }
            if connection.json { try connection.printJSON(f) } else { print(HumanFormat.fib(f), terminator: "") }
        }
    }

    struct PolicyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Each neighbour's import and export policy, and the declared policies and prefix lists.")
        @OptionGroup var connection: Connection
        @Argument(help: "Only this policy and the neighbours using it.") var name: String?

        func run() throws {
            let reply = try connection.ask(ControlRequest(command: .policy, name: name))
            guard let p = reply.policy else {
                FileHandle.standardError.write(Data("bgpd: \(reply.error ?? "no answer")\n".utf8))
                throw ExitCode(2)
            }
            if connection.json { try connection.printJSON(p) } else { print(HumanFormat.policy(p), terminator: "") }
        }
    }

    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "This program's version and the running daemon's.")
        @OptionGroup var connection: Connection

        func run() throws {
            let daemon = try? ControlClient.request(ControlRequest(command: .version), socketPath: try connection.path()).version
            if connection.json {
                struct Both: Encodable { var client: String; var daemon: VersionReply? }
                try connection.printJSON(Both(client: bgpdVersion, daemon: daemon))
            } else {
                print(HumanFormat.version(client: bgpdVersion, daemon: daemon), terminator: "")
            }
        }
    }
}

