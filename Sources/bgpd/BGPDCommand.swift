// bgpd: the executable. It alone does I/O: sockets, timers, the kernel, the control socket,
// config files and captures. It wires the pure modules together:
//   peer TCP -> BGP (framing, decode, FSM) -> RIB (decision, policy) -> FIBNetlink (kernel)
//                                             RIB (Adj-RIB-Out) -> BGP (encode) -> peer TCP
// Each subcommand lives in its own file under Commands/.

import ArgumentParser

@main
struct BGPDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bgpd",
        abstract: "swiftbgp: a BGP speaker for routing on the host.",
        version: bgpdVersion,
        subcommands: [RunCommand.self, CheckCommand.self, ShowCommand.self, RefreshCommand.self, DecodeCommand.self, ReplayCommand.self, ProbeCommand.self]
    )
}

/// The version of this build.
let bgpdVersion = "0.1.0"
