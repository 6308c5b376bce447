// Configuration loading: YAML text in, a `Config` or every problem out. Pure (no files, no
// sockets), so that `bgpd check`, SIGHUP reload and the tests all run exactly this code.
//
// The YAML is composed into Yams nodes (which carry line and column marks) and walked by hand:
// unknown keys, wrong types and invalid values are errors that name their place, never silently
// ignored. Problems are collected, not thrown at the first, so one `bgpd check` shows them all.

import BGP
import RIB
import NetAddress
import Yams

enum ConfigLoader {
    static let topKeys = [
        "asn", "router-id", "listen", "timers", "graceful-restart", "neighbors", "networks",
        "control-socket", "pidfile", "metrics", "fib", "router-advertisements", "ebgp-requires-policy",
        "policy", "maximum-paths", "multipath-relax", "prefix-lists", "policies", "redistribute",
    ]

    /// Parses a whole configuration file's text.
    static func load(_ text: String) -> Result<Config, ConfigErrors> {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let e as YamlError {
            return .failure(ConfigErrors(errors: [yamlError(e)]))
        } catch {
            return .failure(ConfigErrors(errors: [ConfigError(line: 1, column: 1, "\(error)")]))
        }
        guard let root else {
            return .failure(ConfigErrors(errors: [ConfigError(line: 1, column: 1,
                "the configuration is empty; asn and router-id are required")]))
        }
        var r = YAMLReader()
        let config = parse(root, &r)
        if let config, r.errors.isEmpty { return .success(config) }
        return .failure(ConfigErrors(errors: r.errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) }))
    }

    private static func parse(_ root: Node, _ r: inout YAMLReader) -> Config? {
        guard let f = r.mapping(root, "the configuration", allowed: topKeys) else { return nil }
        var asn: UInt32?
        if let n = f["asn"] { asn = parseASN(n, "asn", &r) } else { r.error(root, "asn is required (our AS number)") }
        var routerID: IPv4Address?
        if let n = f["router-id"] { routerID = parseRouterID(n, &r) } else { r.error(root, "router-id is required (an IPv4 address)") }

        var config = Config(asn: asn ?? 0, routerID: routerID ?? .zero)
        if let n = f["listen"] { parseListen(n, into: &config.listen, &r) }
        if let n = f["timers"] { parseTimers(n, into: &config.timers, "timers", &r) }
        if let n = f["graceful-restart"] { parseGracefulRestart(n, into: &config.gracefulRestart, &r) }
        if let n = f["control-socket"] { config.controlSocket = parsePath(n, "control-socket", &r) ?? config.controlSocket }
        if let n = f["pidfile"] {
            if case .scalar(let s) = n, s.string == "false" { config.pidFile = nil }
            else { config.pidFile = parsePath(n, "pidfile", &r) ?? config.pidFile }
        }
        if let n = f["metrics"] { config.metrics = parseMetrics(n, &r) }
        if let n = f["fib"] { parseFIB(n, into: &config.fib, &r) }
        if let n = f["router-advertisements"] { parseRA(n, into: &config.routerAdvertisements, &r) }
        if let n = f["networks"] { config.networks = parseNetworks(n, &r) }
        if let n = f["redistribute"] { config.redistribute = parseRedistribute(n, &r) }
        parseDefaultPolicy(f, into: &config, &r)
        if let n = f["maximum-paths"], let v = r.integer(n, "maximum-paths", 1...256) { config.maximumPaths = v }
        if let n = f["multipath-relax"], let b = r.bool(n, "multipath-relax") { config.multipathRelax = b }
        // Prefix lists before policies before neighbours, whatever the order in the file:
        // each refers to the one before.
        var policies = PolicyParser()
        if let n = f["prefix-lists"] { policies.parsePrefixLists(n, &r) }
        if let n = f["policies"] { policies.parsePolicies(n, &r) }
        config.prefixLists = policies.orderedPrefixLists
        config.policies = policies.orderedPolicies
        if let n = f["neighbors"] {
            config.neighbors = NeighborParser(defaults: config.timers, gracefulRestart: config.gracefulRestart.enabled,
                                              policies: policies)
                .parseAll(n, &r)
        }
        return asn == nil || routerID == nil ? nil : config
    }

    /// The default for eBGP neighbours without a policy of their own, spelt either way:
    /// `ebgp-requires-policy: false` (FRR's words) or `policy: accept-all` (docs/policy.md).
    private static func parseDefaultPolicy(_ f: YAMLReader.Fields, into config: inout Config, _ r: inout YAMLReader) {
        var requires: Bool?
        if let n = f["ebgp-requires-policy"], let b = r.bool(n, "ebgp-requires-policy") { requires = b }
        guard let n = f["policy"] else {
            if let requires { config.ebgpRequiresPolicy = requires }
            return
        }
        guard let word = r.word(n, "policy", ["accept-all", "rfc8212"]) else { return }
        let acceptAll = word == "accept-all"
        if let requires, requires == acceptAll {
            r.error(n, "policy: \(word) contradicts ebgp-requires-policy: \(requires); they set the same thing, keep one")
            return
        }
        config.ebgpRequiresPolicy = !acceptAll
    }

    // MARK: - Values shared by several sections

    /// An AS number, as a plain number or in asdot notation (`1.10` = 65546). 0 and AS_TRANS
    /// (23456) are reserved and never a real AS (RFC 7607, RFC 6793).
    static func parseASN(_ node: Node, _ what: String, _ r: inout YAMLReader) -> UInt32? {
        guard let text = r.string(node, what) else { return nil }
        var value: UInt32?
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 1 { value = UInt32(text) }
        else if parts.count == 2, let hi = UInt16(parts[0]), let lo = UInt16(parts[1]) {
            value = UInt32(hi) << 16 | UInt32(lo)
        }
        guard let value else {
            r.error(node, "\(what) must be an AS number from 1 to 4294967295 (or asdot like 1.10), not '\(text)'")
            return nil
        }
        if value == 0 || value == UInt32(asTrans) {
            r.error(node, "\(what) \(value) is reserved and cannot be used as an AS number")
            return nil
        }
        return value
    }

    static func parseRouterID(_ node: Node, _ r: inout YAMLReader) -> IPv4Address? {
        guard let text = r.string(node, "router-id") else { return nil }
        guard let a = IPv4Address(text) else {
            r.error(node, "router-id must be an IPv4 address like 10.0.0.1, not '\(text)'")
            return nil
        }
        if a == .zero || a.isMulticast {
            r.error(node, "router-id \(a) cannot be used; pick a unicast address, usually a loopback address")
            return nil
        }
        return a
    }

    static func parseAddress(_ node: Node, _ what: String, _ r: inout YAMLReader) -> IPAddress? {
        guard let text = r.string(node, what) else { return nil }
        guard let a = IPAddress(text) else {
            r.error(node, "\(what) must be an IPv4 or IPv6 address, not '\(text)'")
            return nil
        }
        return a
    }

    static func parsePort(_ node: Node, _ what: String, _ r: inout YAMLReader) -> UInt16? {
        r.integer(node, what, UInt16(1)...UInt16.max)
    }

    static func parsePath(_ node: Node, _ what: String, _ r: inout YAMLReader) -> String? {
        guard let text = r.string(node, what) else { return nil }
        guard text.hasPrefix("/") else {
            r.error(node, "\(what) must be an absolute path, not '\(text)'")
            return nil
        }
        return text
    }

    static func parseTimers(_ node: Node, into t: inout TimerConfig, _ what: String, _ r: inout YAMLReader) {
        guard let f = r.mapping(node, what, allowed: ["hold-time", "keepalive", "connect-retry"]) else { return }
        if let n = f["hold-time"], let v = r.integer(n, "hold-time", UInt16(0)...UInt16.max) {
            // RFC 4271 section 4.2: "the Hold Time MUST be either zero or at least three seconds".
            if v == 1 || v == 2 { r.error(n, "hold-time must be 0 or at least 3 seconds (RFC 4271), not \(v)") }
            else { t.holdTime = v }
        }
        if let n = f["keepalive"], let v = r.integer(n, "keepalive", UInt16(0)...UInt16.max) {
            if t.holdTime != 0, v >= t.holdTime { r.error(n, "keepalive \(v) must be less than hold-time \(t.holdTime)") }
            else { t.keepalive = v }
        }
        if let n = f["connect-retry"], let v = r.integer(n, "connect-retry", UInt16(1)...UInt16.max) {
            t.connectRetry = v
        }
    }

    // MARK: - Sections

    private static func parseListen(_ node: Node, into l: inout ListenConfig, _ r: inout YAMLReader) {
        guard let f = r.mapping(node, "listen", allowed: ["address", "port", "enabled"]) else { return }
        if let n = f["address"], let a = parseAddress(n, "listen address", &r) { l.address = a }
        if let n = f["port"], let p = parsePort(n, "listen port", &r) { l.port = p }
        if let n = f["enabled"], let b = r.bool(n, "listen enabled") { l.enabled = b }
    }

    private static func parseGracefulRestart(_ node: Node, into g: inout GracefulRestartConfig, _ r: inout YAMLReader) {
        guard let f = r.mapping(node, "graceful-restart", allowed: ["enabled", "restart-time", "preserve-forwarding"]) else { return }
        if let n = f["enabled"], let b = r.bool(n, "graceful-restart enabled") { g.enabled = b }
        // The restart time is a 12-bit field of the capability (RFC 4724 section 3).
        if let n = f["restart-time"], let v = r.integer(n, "restart-time", UInt16(1)...UInt16(4095)) { g.restartTime = v }
        if let n = f["preserve-forwarding"], let b = r.bool(n, "graceful-restart preserve-forwarding") { g.preserveForwarding = b }
    }

    private static func parseMetrics(_ node: Node, _ r: inout YAMLReader) -> MetricsConfig? {
        guard let f = r.mapping(node, "metrics", allowed: ["listen"]) else { return nil }
        guard let n = f["listen"] else {
            r.error(node, "metrics needs listen: ADDRESS:PORT, e.g. 127.0.0.1:9179")
            return nil
        }
        guard let text = r.string(n, "metrics listen") else { return nil }
        guard let (a, p) = splitHostPort(text) else {
            r.error(n, "metrics listen must be ADDRESS:PORT like 127.0.0.1:9179 or [::1]:9179, not '\(text)'")
            return nil
        }
        return MetricsConfig(address: a, port: p)
    }

    /// `1.2.3.4:80`, `[::1]:80`.
    static func splitHostPort(_ text: String) -> (IPAddress, UInt16)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = text[..<colon]
        guard let port = UInt16(text[text.index(after: colon)...]), port != 0 else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        else if host.contains(":") { return nil }
        guard let a = IPAddress(host) else { return nil }
        return (a, port)
    }

    private static func parseFIB(_ node: Node, into fib: inout FIBConfig, _ r: inout YAMLReader) {
        guard let f = r.mapping(node, "fib", allowed: ["install", "keep-on-exit"]) else { return }
        if let n = f["install"], let b = r.bool(n, "fib install") { fib.install = b }
        if let n = f["keep-on-exit"], let b = r.bool(n, "fib keep-on-exit") { fib.keepOnExit = b }
    }

    private static func parseRA(_ node: Node, into ra: inout RAConfig, _ r: inout YAMLReader) {
        guard let f = r.mapping(node, "router-advertisements", allowed: ["interval", "fast-count", "lifetime"]) else { return }
        if let n = f["interval"], let v = r.integer(n, "interval", UInt16(1)...UInt16(1800)) { ra.interval = v }
        if let n = f["fast-count"], let v = r.integer(n, "fast-count", 0...100) { ra.fastCount = v }
        if let n = f["lifetime"], let v = r.integer(n, "lifetime", UInt16(0)...UInt16(9000)) { ra.lifetime = v }
    }

    private static func parseRedistribute(_ node: Node, _ r: inout YAMLReader) -> Set<LocalRouteSource> {
        guard let items = r.sequence(node, "redistribute") else { return [] }
        var out: Set<LocalRouteSource> = []
        for item in items {
            guard let text = r.string(item, "redistribute") else { continue }
            guard let s = LocalRouteSource(rawValue: text) else {
                r.error(item, "redistribute: unknown source '\(text)'; known: connected, static, kernel")
                continue
            }
            if !out.insert(s).inserted { r.error(item, "redistribute: \(text) is listed twice") }
        }
        return out
    }

    private static func parseNetworks(_ node: Node, _ r: inout YAMLReader) -> [IPPrefix] {
        guard let items = r.sequence(node, "networks") else { return [] }
        var seen: [IPPrefix: Int] = [:]
        var out: [IPPrefix] = []
        for item in items {
            guard let p = parsePrefix(item, "network", &r) else { continue }
            if let line = seen[p] { r.error(item, "network \(p) is listed twice (first on line \(line))"); continue }
            seen[p] = item.mark?.line ?? 0
            out.append(p)
        }
        return out
    }

    /// A prefix with its host bits clear; the error says which prefix was probably meant.
    static func parsePrefix(_ node: Node, _ what: String, _ r: inout YAMLReader) -> IPPrefix? {
        guard let text = r.string(node, what) else { return nil }
        if let p = IPPrefix(text) { return p }
        let parts = text.split(separator: "/")
        if parts.count == 2, let len = UInt8(parts[1]) {
            if let a = IPv4Address(parts[0]), len <= 32, let m = IPv4Prefix(masking: a, length: len) {
                r.error(node, "\(what) \(text) has host bits set; did you mean \(m)?")
                return nil
            }
            if let a = IPv6Address(parts[0]), len <= 128, let m = IPv6Prefix(masking: a, length: len) {
                r.error(node, "\(what) \(text) has host bits set; did you mean \(m)?")
                return nil
            }
        }
        r.error(node, "\(what) must be a prefix like 10.1.0.0/24 or 2001:db8::/64, not '\(text)'")
        return nil
    }

    /// A libyaml error as a positioned config error.
    static func yamlError(_ e: YamlError) -> ConfigError {
        switch e {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let text = context.map { "\(problem) \($0.text)" } ?? problem
            return ConfigError(line: mark.line, column: mark.column, "YAML syntax: \(text)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(line: context.mark.line, column: context.mark.column,
                               "key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears twice in \(context.text)")
        case .reader(let problem, _, _, _):
            return ConfigError(line: 1, column: 1, "unreadable file: \(problem)")
        default:
            return ConfigError(line: 1, column: 1, "\(e)")
        }
    }
}
