import BGP
import NetAddress
import RIB
import Yams

/// Reads a policy term's `match:` conditions and `set:` changes (docs/policy.md, "Conditions"
/// and "Changes"). Split from `PolicyParser` because each key has its own value syntax.
///
/// Conditions and actions come out in the order of the documented keys, not of the file, so two
/// files that say the same thing build equal policies (and a reload sees no change). Within one
/// `set`, removals of communities come before additions.
struct PolicyTermParser {
    let parser: PolicyParser

    static let matchKeys = ["prefix-list", "community", "large-community", "ext-community", "as-path", "next-hop", "family"]
    static let setKeys = [
        "local-pref", "med", "weight", "next-hop",
        "community-remove", "community-add", "large-community-remove", "large-community-add",
        "ext-community-remove", "ext-community-add", "prepend",
    ]
    static let prependKeys = ["asn", "count"]

    // MARK: - match

    func parseMatch(_ node: Node, _ r: inout YAMLReader) -> [PolicyCondition] {
        guard let f = r.mapping(node, "match", allowed: Self.matchKeys) else { return [] }
        var out: [PolicyCondition] = []
        if let n = f["prefix-list"] {
            if case .sequence = n {
                if let l = PolicyParser.parseEntries(n, name: "", &r) { out.append(.prefix(l)) }
            } else if let l = parser.prefixList(named: n, &r) {
                out.append(.prefix(l))
            }
        }
        if let n = f["community"], let cs = Self.communities(n, "community", &r) { out.append(.community(anyOf: cs)) }
        if let n = f["large-community"], let cs = Self.largeCommunities(n, "large-community", &r) {
            out.append(.largeCommunity(anyOf: cs))
        }
        if let n = f["ext-community"], let cs = Self.extendedCommunities(n, "ext-community", &r) {
            out.append(.extendedCommunity(anyOf: cs))
        }
        if let n = f["as-path"], let text = r.string(n, "as-path") {
            do { out.append(.asPath(try ASPathPattern(text))) } catch { r.error(n, error.message) }
        }
        if let n = f["next-hop"], let items = Self.nonEmptyList(n, "match next-hop", &r) {
            let ps = items.compactMap { ConfigLoader.parsePrefix($0, "next-hop prefix", &r) }
            if ps.count == items.count { out.append(.nextHop(in: ps)) }
        }
        if let n = f["family"], let items = Self.nonEmptyList(n, "match family", &r) {
            var fs: [Family] = []
            for item in items {
                guard let text = r.string(item, "family") else { continue }
                guard let fam = Family(name: text) else {
                    r.error(item, "unknown family '\(text)'; known: ipv4-unicast, ipv6-unicast, l2vpn-evpn")
                    continue
                }
                if !fs.contains(fam) { fs.append(fam) }
            }
            if fs.count == items.count { out.append(.family(fs)) }
        }
        return out
    }

    // MARK: - set

    func parseSet(_ node: Node, _ r: inout YAMLReader) -> [PolicyAction] {
        guard let f = r.mapping(node, "set", allowed: Self.setKeys) else { return [] }
        var out: [PolicyAction] = []
        let all = UInt32(0)...UInt32.max
        if let n = f["local-pref"], let v = r.integer(n, "local-pref", all) { out.append(.setLocalPref(v)) }
        if let n = f["med"], let v = r.integer(n, "med", all) { out.append(.setMED(v)) }
        if let n = f["weight"], let v = r.integer(n, "weight", all) { out.append(.setWeight(v)) }
        if let n = f["next-hop"], let text = r.string(n, "next-hop") {
            if text == "self" { out.append(.setNextHopSelf) }
            else if let a = IPAddress(text), !Self.unusableNextHop(a) { out.append(.setNextHop(a)) }
            else { r.error(n, "next-hop must be a unicast IPv4 or IPv6 address or 'self', not '\(text)'") }
        }
        if let n = f["community-remove"], let cs = Self.communities(n, "community-remove", &r) {
            out.append(.removeCommunities(cs))
        }
        if let n = f["community-add"], let cs = Self.communities(n, "community-add", &r) { out.append(.addCommunities(cs)) }
        if let n = f["large-community-remove"], let cs = Self.largeCommunities(n, "large-community-remove", &r) {
            out.append(.removeLargeCommunities(cs))
        }
        if let n = f["large-community-add"], let cs = Self.largeCommunities(n, "large-community-add", &r) {
            out.append(.addLargeCommunities(cs))
        }
        if let n = f["ext-community-remove"], let cs = Self.extendedCommunities(n, "ext-community-remove", &r) {
            out.append(.removeExtendedCommunities(cs))
        }
        if let n = f["ext-community-add"], let cs = Self.extendedCommunities(n, "ext-community-add", &r) {
            out.append(.addExtendedCommunities(cs))
        }
        if let n = f["prepend"], let p = Self.prepend(n, &r) { out.append(p) }
        return out
    }

    /// `{asn: N, count: K}`: `asn` defaults to ours (nil here), `count` to 1, at most 64.
    private static func prepend(_ node: Node, _ r: inout YAMLReader) -> PolicyAction? {
        guard let f = r.mapping(node, "prepend", allowed: prependKeys) else { return nil }
        var asn: UInt32?
        var count = 1
        var ok = true
        if let n = f["asn"] {
            asn = ConfigLoader.parseASN(n, "prepend asn", &r)
            ok = asn != nil
        }
        if let n = f["count"] {
            if let v = r.integer(n, "prepend count", 1...64) { count = v } else { ok = false }
        }
        return ok ? .prepend(asn: asn, count: count) : nil
    }

    private static func unusableNextHop(_ a: IPAddress) -> Bool {
        a == .v4(.zero) || a == .v6(.zero) || a.v4?.isMulticast == true || a.v6?.isMulticast == true
    }

    // MARK: - Community lists

    /// A list with at least one item (an empty list would match nothing or change nothing,
    /// which is never what was meant).
    static func nonEmptyList(_ node: Node, _ what: String, _ r: inout YAMLReader) -> [Node]? {
        guard let items = r.sequence(node, what) else { return nil }
        if items.isEmpty {
            r.error(node, "\(what) must list at least one value")
            return nil
        }
        return items
    }

    /// Each item parsed by `parse`; nil when any is wrong (each reported).
    private static func list<T>(_ node: Node, _ what: String, _ r: inout YAMLReader, hint: String,
                                _ parse: (String) -> T?) -> [T]? {
        guard let items = nonEmptyList(node, what, &r) else { return nil }
        var out: [T] = []
        for item in items {
            guard let text = r.string(item, what) else { continue }
            guard let v = parse(text) else {
                r.error(item, "'\(text)' in \(what) is not \(hint)")
                continue
            }
            out.append(v)
        }
        return out.count == items.count ? out : nil
    }

    static func communities(_ node: Node, _ what: String, _ r: inout YAMLReader) -> [Community]? {
        list(node, what, &r, hint: "a community: write AS:value (each 0-65535) or one of no-export, no-advertise, "
             + "no-export-subconfed, blackhole, graceful-shutdown, no-peer") { Community($0) }
    }

    static func largeCommunities(_ node: Node, _ what: String, _ r: inout YAMLReader) -> [LargeCommunity]? {
        list(node, what, &r, hint: "a large community: write global:local1:local2 (each 0-4294967295)") { LargeCommunity($0) }
    }

    static func extendedCommunities(_ node: Node, _ what: String, _ r: inout YAMLReader) -> [ExtendedCommunity]? {
        list(node, what, &r, hint: "a route target: write RT:65000:100, RT:10.0.0.1:5 or RT:4200000001:7") {
            ExtendedCommunity(routeTarget: $0)
        }
    }
}
