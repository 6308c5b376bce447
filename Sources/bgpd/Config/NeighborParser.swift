import BGP
import NetAddress
import RIB
import Yams

/// Reads the `neighbors:` list. Part of `ConfigLoader`; split out because a neighbour has the
/// most keys and the most cross-checks (identity, duplicates, timers against the defaults).
struct NeighborParser {
    var defaults: TimerConfig
    var gracefulRestart: Bool
    /// The declared policies, for `import:` and `export:`.
    var policies = PolicyParser()

    static let keys = [
        "interface", "address", "remote-as", "port", "description", "password", "ttl-security",
        "families", "add-path", "timers", "passive", "shutdown", "source-address",
        "extended-next-hop", "link-local-next-hop", "graceful-restart",
        "import", "export", "soft-reconfiguration", "send-med", "next-hop-self", "route-reflector-client",
    ]

    func parseAll(_ node: Node, _ r: inout YAMLReader) -> [NeighborConfig] {
        guard let items = r.sequence(node, "neighbors") else { return [] }
        var out: [NeighborConfig] = []
        var firstLine: [PeerKey: Int] = [:]
        for item in items {
            guard let n = parse(item, &r) else { continue }
            if let line = firstLine[n.key] {
                r.error(item, "duplicate neighbor \(n.key) (first defined on line \(line))")
                continue
            }
            firstLine[n.key] = item.mark?.line ?? 0
            out.append(n)
        }
        return out
    }

    func parse(_ node: Node, _ r: inout YAMLReader) -> NeighborConfig? {
        guard let f = r.mapping(node, "a neighbor", allowed: Self.keys) else { return nil }
        var ok = true

        var interface: String?
        if let n = f["interface"] {
            interface = parseInterfaceName(n, &r)
            ok = ok && interface != nil
        }
        var address: IPAddress?
        if let n = f["address"] {
            address = ConfigLoader.parseAddress(n, "neighbor address", &r)
            if let a = address, a.v6?.isMulticast == true || a.v4?.isMulticast == true || a == .v6(.zero) || a == .v4(.zero) {
                r.error(n, "neighbor address \(a) is not a unicast address")
                address = nil
            }
            ok = ok && address != nil
        }
        let peer: PeerIdentity
        switch (address, interface) {
        case (let a?, let i):
            if a.v6?.isLinkLocal == true, i == nil, let n = f["address"] {
                r.error(n, "link-local address \(a) needs 'interface:' to say which link it is on")
                ok = false
            }
            peer = .address(a, interface: i)
        case (nil, let i?):
            peer = .interface(i)
        case (nil, nil):
            if ok { r.error(node, "a neighbor needs 'address:' or 'interface:' (for an unnumbered peer)") }
            return nil
        }

        var remoteAS: RemoteAS?
        if let n = f["remote-as"] {
            if case .scalar(let s) = n, s.string == "external" { remoteAS = .external }
            else if case .scalar(let s) = n, s.string == "internal" { remoteAS = .internal }
            else if let v = ConfigLoader.parseASN(n, "remote-as", &r) { remoteAS = .number(v) }
        } else {
            r.error(node, "neighbor \(peer) needs remote-as: external, internal or an AS number")
        }

        var timers = defaults
        if let n = f["timers"] { ConfigLoader.parseTimers(n, into: &timers, "neighbor timers", &r) }
        var neighbor = NeighborConfig(
            peer: peer, remoteAS: remoteAS ?? .external, timers: timers,
            extendedNextHop: { if case .interface = peer { return true }; return address?.v6?.isLinkLocal == true }(),
            gracefulRestart: gracefulRestart)

        if let n = f["port"], let p = ConfigLoader.parsePort(n, "port", &r) { neighbor.port = p }
        if let n = f["description"], let d = r.string(n, "description") { neighbor.description = d }
        if let n = f["password"], let p = r.string(n, "password") {
            // struct tcp_md5sig holds at most TCP_MD5SIG_MAXKEYLEN (80) bytes of key.
            if p.utf8.count > 80 { r.error(n, "password is \(p.utf8.count) bytes; TCP-MD5 keys are at most 80") }
            else { neighbor.password = p }
        }
        if let n = f["ttl-security"], let b = r.bool(n, "ttl-security") { neighbor.ttlSecurity = b }
        if let n = f["families"] { neighbor.families = parseFamilies(n, &r) ?? neighbor.families }
        if let n = f["add-path"], let w = r.word(n, "add-path", ["receive", "send", "both", "none"]) {
            neighbor.addPath = ["receive": .receive, "send": .send, "both": .both][w] ?? []
        }
        if let n = f["passive"], let b = r.bool(n, "passive") { neighbor.passive = b }
        if let n = f["shutdown"], let b = r.bool(n, "shutdown") { neighbor.shutdown = b }
        if let n = f["source-address"], let a = ConfigLoader.parseAddress(n, "source-address", &r) {
            if let peerAddress = address, peerAddress.isV4 != a.isV4 {
                r.error(n, "source-address \(a) is not of the same family as the neighbor address \(peerAddress)")
            } else { neighbor.sourceAddress = a }
        }
        if let n = f["extended-next-hop"], let b = r.bool(n, "extended-next-hop") { neighbor.extendedNextHop = b }
        if let n = f["link-local-next-hop"],
           let w = r.word(n, "link-local-next-hop", LinkLocalNextHopFormat.allCases.map(\.rawValue)) {
            neighbor.linkLocalNextHop = LinkLocalNextHopFormat(rawValue: w) ?? .double
        }
        if let n = f["graceful-restart"], let b = r.bool(n, "graceful-restart") { neighbor.gracefulRestart = b }
        if let n = f["import"] {
            neighbor.importPolicy = policies.resolve(n, "import", &r)
            ok = ok && neighbor.importPolicy != nil
        }
        if let n = f["export"] {
            neighbor.exportPolicy = policies.resolve(n, "export", &r)
            ok = ok && neighbor.exportPolicy != nil
        }
        if let n = f["soft-reconfiguration"], let b = r.bool(n, "soft-reconfiguration") { neighbor.softReconfiguration = b }
        if let n = f["send-med"], let b = r.bool(n, "send-med") { neighbor.sendMED = b }
        if let n = f["next-hop-self"], let b = r.bool(n, "next-hop-self") { neighbor.nextHopSelf = b }
        if let n = f["route-reflector-client"], let b = r.bool(n, "route-reflector-client") {
            if b, remoteAS == .external {
                r.error(n, "route-reflector-client applies to iBGP neighbors; this one is remote-as: external")
            } else { neighbor.routeReflectorClient = b }
        }
        if case .interface = peer, !neighbor.families.contains(.ipv6Unicast), !neighbor.extendedNextHop,
           neighbor.families.contains(.ipv4Unicast), let n = f["extended-next-hop"] {
            r.error(n, "an unnumbered neighbor carries IPv4 routes only with extended-next-hop: true")
        }
        return ok && remoteAS != nil ? neighbor : nil
    }

    private func parseFamilies(_ node: Node, _ r: inout YAMLReader) -> [Family]? {
        guard let items = r.sequence(node, "families") else { return nil }
        var out: [Family] = []
        let errorsBefore = r.errors.count
        for item in items {
            guard let text = r.string(item, "family") else { continue }
            guard let fam = Family(name: text) else {
                r.error(item, "unknown family '\(text)'; known: ipv4-unicast, ipv6-unicast, l2vpn-evpn")
                continue
            }
            if out.contains(fam) { r.error(item, "family \(text) is listed twice"); continue }
            out.append(fam)
        }
        if out.isEmpty, r.errors.count == errorsBefore { r.error(node, "families must list at least one family") }
        return out
    }

    /// A Linux interface name: 1 to 15 bytes, no slash, colon or whitespace (dev_valid_name()).
    private func parseInterfaceName(_ node: Node, _ r: inout YAMLReader) -> String? {
        guard let text = r.string(node, "interface") else { return nil }
        let bad = text.utf8.count > 15 || text == "." || text == ".."
            || text.contains { $0 == "/" || $0 == ":" || $0.isWhitespace }
        if bad {
            r.error(node, "'\(text)' is not a valid interface name (1 to 15 characters, no '/', ':' or spaces)")
            return nil
        }
        return text
    }
}
