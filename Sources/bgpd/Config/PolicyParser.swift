import BGP
import NetAddress
import RIB
import Yams

/// Reads `prefix-lists:` and `policies:` (docs/policy.md) into the RIB's `PrefixList` and
/// `Policy` values, and resolves the names neighbours give in `import:` and `export:`. Part of
/// `ConfigLoader`: every problem is recorded with its place and parsing goes on, so one
/// `bgpd check` lists them all. The `match:` and `set:` blocks are read by `PolicyTermParser`.
struct PolicyParser {
    /// Prefix lists and policies by name, as declared, and the declaration order.
    private(set) var prefixLists: [String: PrefixList] = [:]
    private(set) var policies: [String: Policy] = [:]
    private(set) var prefixListOrder: [String] = []
    private(set) var policyOrder: [String] = []
    /// Names declared with errors in their definition: references to them are not reported
    /// again as unknown (the definition's own errors say what is wrong).
    private var brokenPrefixLists: Set<String> = []
    private var brokenPolicies: Set<String> = []
    /// Every name declared, broken or not, in file order: what "did you mean" chooses from.
    private var declaredPrefixLists: [String] = []
    private var declaredPolicies: [String] = []

    static let builtInNames = ["accept-all", "reject-all"]
    static let policyKeys = ["terms", "default"]
    static let termKeys = ["name", "match", "set", "action"]
    static let entryKeys = ["prefix", "ge", "le", "action"]

    /// The declared prefix lists, in file order.
    var orderedPrefixLists: [PrefixList] { prefixListOrder.compactMap { prefixLists[$0] } }
    /// The declared policies, in file order.
    var orderedPolicies: [Policy] { policyOrder.compactMap { policies[$0] } }

    // MARK: - Declarations

    /// `prefix-lists: {NAME: [entries]}`.
    mutating func parsePrefixLists(_ node: Node, _ r: inout YAMLReader) {
        guard let named = r.namedEntries(node, "prefix-lists") else { return }
        for (name, _, value) in named {
            declaredPrefixLists.append(name)
            let before = r.errors.count
            if let list = Self.parseEntries(value, name: name, &r), r.errors.count == before {
                prefixLists[name] = list
                prefixListOrder.append(name)
            } else {
                brokenPrefixLists.insert(name)
            }
        }
    }

    /// `policies: {NAME: {terms: [...], default: accept|reject}}`. Call after
    /// `parsePrefixLists`, whatever the order of the keys in the file.
    mutating func parsePolicies(_ node: Node, _ r: inout YAMLReader) {
        guard let named = r.namedEntries(node, "policies") else { return }
        for (name, key, value) in named {
            if Self.builtInNames.contains(name) {
                r.error(key, "'\(name)' is a built-in policy and cannot be redefined; choose another name")
                continue
            }
            declaredPolicies.append(name)
            let before = r.errors.count
            if let p = parsePolicy(value, name: name, &r), r.errors.count == before {
                policies[name] = p
                policyOrder.append(name)
            } else {
                brokenPolicies.insert(name)
            }
        }
    }

    private func parsePolicy(_ node: Node, name: String, _ r: inout YAMLReader) -> Policy? {
        guard let f = r.mapping(node, "policy '\(name)'", allowed: Self.policyKeys) else { return nil }
        var terms: [PolicyTerm] = []
        if let n = f["terms"], let items = r.sequence(n, "terms of policy '\(name)'") {
            for (i, item) in items.enumerated() {
                if let t = parseTerm(item, number: i + 1, policy: name, &r) { terms.append(t) }
            }
        }
        var disposition = PolicyDisposition.reject
        if let n = f["default"], let w = r.word(n, "default of policy '\(name)'", ["accept", "reject"]) {
            disposition = w == "accept" ? .accept : .reject
        }
        return Policy(name: name, terms: terms, defaultDisposition: disposition)
    }

    private func parseTerm(_ node: Node, number: Int, policy: String, _ r: inout YAMLReader) -> PolicyTerm? {
        let what = "term \(number) of policy '\(policy)'"
        guard let f = r.mapping(node, what, allowed: Self.termKeys) else { return nil }
        var term = PolicyTerm()
        if let n = f["name"], let s = r.string(n, "term name") { term.name = s }
        let terms = PolicyTermParser(parser: self)
        if let n = f["match"] { term.conditions = terms.parseMatch(n, &r) }
        if let n = f["set"] { term.actions = terms.parseSet(n, &r) }
        if let n = f["action"], let w = r.word(n, "action of \(what)", ["accept", "reject", "next"]) {
            term.disposition = PolicyDisposition(rawValue: w) ?? .accept
        }
        return term
    }

    /// A list of prefix-list entries (declared under `prefix-lists:` or inline in a `match:`).
    static func parseEntries(_ node: Node, name: String, _ r: inout YAMLReader) -> PrefixList? {
        let what = name.isEmpty ? "an inline prefix-list" : "prefix list '\(name)'"
        guard let items = r.sequence(node, what) else { return nil }
        var entries: [PrefixListEntry] = []
        for item in items {
            if let e = parseEntry(item, &r) { entries.append(e) }
        }
        return PrefixList(name: name, entries: entries)
    }

    /// `{prefix: P, ge: N, le: M, action: permit|deny}`; `len <= ge <= le <= 32 (128)`.
    private static func parseEntry(_ node: Node, _ r: inout YAMLReader) -> PrefixListEntry? {
        guard let f = r.mapping(node, "a prefix-list entry", allowed: entryKeys) else { return nil }
        guard let pn = f["prefix"] else {
            r.error(node, "a prefix-list entry needs prefix: (like 10.0.0.0/8)")
            return nil
        }
        guard let p = ConfigLoader.parsePrefix(pn, "prefix-list prefix", &r) else { return nil }
        let maxLength: UInt8 = p.isV4 ? 32 : 128
        var ok = true
        var ge: UInt8?, le: UInt8?
        if let n = f["ge"] {
            if let v = r.integer(n, "ge", UInt8(0)...UInt8(255)) {
                if v < p.length || v > maxLength {
                    r.error(n, "ge \(v) is out of range for \(p): it must be from \(p.length) to \(maxLength)")
                    ok = false
                } else { ge = v }
            } else { ok = false }
        }
        if let n = f["le"] {
            if let v = r.integer(n, "le", UInt8(0)...UInt8(255)) {
                let low = ge ?? p.length
                if v < low || v > maxLength {
                    r.error(n, "le \(v) is out of range for \(p): it must be from \(low)\(ge == nil ? "" : " (ge)") to \(maxLength)")
                    ok = false
                } else { le = v }
            } else { ok = false }
        }
        var permit = true
        if let n = f["action"] {
            if let w = r.word(n, "prefix-list action", ["permit", "deny"]) { permit = w == "permit" } else { ok = false }
        }
        guard ok else { return nil }
        do {
            return try PrefixListEntry(prefix: p, ge: ge, le: le, permit: permit)
        } catch {
            r.error(node, error.message)
            return nil
        }
    }

    // MARK: - References

    /// The prefix list a `match: {prefix-list: NAME}` names; nil after an error (or when the
    /// named list itself had errors, which were reported where it is declared).
    func prefixList(named node: Node, _ r: inout YAMLReader) -> PrefixList? {
        guard let name = r.string(node, "prefix-list") else { return nil }
        if let l = prefixLists[name] { return l }
        if brokenPrefixLists.contains(name) { return nil }
        var message = "unknown prefix-list '\(name)'"
        if let near = YAMLReader.nearest(name, in: declaredPrefixLists) { message += "; did you mean '\(near)'?" }
        else if declaredPrefixLists.isEmpty { message += "; none is declared under prefix-lists:" }
        else { message += "; declared: \(declaredPrefixLists.joined(separator: ", "))" }
        r.error(node, message)
        return nil
    }

    /// The policy a neighbour's `import:` or `export:` names: a declared policy or a built-in.
    /// Nil after an error (reported here unless the named policy had errors of its own).
    func resolve(_ node: Node, _ what: String, _ r: inout YAMLReader) -> Policy? {
        guard let name = r.string(node, what) else { return nil }
        if let p = Policy.builtIn(named: name) { return p }
        if let p = policies[name] { return p }
        if brokenPolicies.contains(name) { return nil }
        var message = "unknown policy '\(name)' in \(what)"
        let all = declaredPolicies + Self.builtInNames
        if let near = YAMLReader.nearest(name, in: all) { message += "; did you mean '\(near)'?" }
        else { message += "; known: \(all.joined(separator: ", "))" }
        r.error(node, message)
        return nil
    }
}
