import ArgumentParser

/// `bgpd refresh NEIGHBOR [ipv4|ipv6|evpn]`: asks a peer to send its routes again.
struct RefreshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh", abstract: "Ask a neighbour to send its routes again (ROUTE-REFRESH, RFC 2918/7313).")
    @OptionGroup var connection: ShowCommand.Connection
    @Argument(help: "The neighbour, as `bgpd show summary` names it.") var neighbor: String
    @Argument(help: "ipv4, ipv6 or evpn (every negotiated family when omitted).") var family: String?

    func validate() throws {
        if let f = family, !["ipv4", "ipv6", "evpn"].contains(f) {
            throw ValidationError("family must be ipv4, ipv6 or evpn, not '\(f)'")
        }
    }

    func run() throws {
        let name = family.map { ["ipv4": "ipv4-unicast", "ipv6": "ipv6-unicast", "evpn": "l2vpn-evpn"][$0] ?? $0 }
        let reply = try connection.ask(ControlRequest(command: .refresh, family: name, neighbor: neighbor))
        print(reply.message ?? "done")
    }
}
