// `bgpd show policy`: which policy each neighbour imports and exports with, and the declared
// policies and prefix lists, read back from the running configuration. The text form is the
// YAML of docs/policy.md, so what is shown can be compared with (or pasted into) the file.

import BGP
import RIB

/// The reply of `show policy`.
struct PolicyReply: Codable, Hashable, Sendable {
    /// What an eBGP neighbour without its own policy gets: `reject-all` (RFC 8212) or `accept-all`.
    var defaultEBGP: String
    var neighbors: [NeighborPolicies]
    var policies: [PolicyEntry]
    var prefixLists: [PrefixListEntryList]

    struct NeighborPolicies: Codable, Hashable, Sendable {
        var neighbor: String
        /// A policy name; `defaulted` says it was not configured but follows from the defaults.
        var importPolicy: String
        var exportPolicy: String
        var importDefaulted: Bool
        var exportDefaulted: Bool
    }

    struct PolicyEntry: Codable, Hashable, Sendable {
        var name: String
        var terms: [Term]
        /// `accept` or `reject`.
        var defaultAction: String
    }

    struct Term: Codable, Hashable, Sendable {
        var name: String?
        /// Conditions and changes as `key: value` in the config's syntax, in evaluation order.
        var match: [Item]
        var set: [Item]
        var action: String
    }

    struct Item: Codable, Hashable, Sendable {
        var key: String
        var value: String
    }

    struct PrefixListEntryList: Codable, Hashable, Sendable {
        var name: String
        /// Each entry in flow form: `{ prefix: 10.0.0.0/8, le: 32 }`.
        var entries: [String]
    }
}

extension PolicyReply {
    /// The reply for a configuration; `only` keeps one policy (and the neighbours using it).
    static func build(_ c: Config, only: String? = nil) -> PolicyReply {
        let fallback = c.ebgpRequiresPolicy ? "reject-all" : "accept-all"
        var neighbors: [NeighborPolicies] = []
        for n in c.neighbors {
            let ibgp: Bool
            switch n.remoteAS {
            case .internal: ibgp = true
            case .external: ibgp = false
            case .number(let a): ibgp = a == c.asn
            }
            let d = ibgp ? "accept-all" : fallback
            let entry = NeighborPolicies(neighbor: n.key.description, importPolicy: n.importPolicy?.name ?? d,
                                         exportPolicy: n.exportPolicy?.name ?? d, importDefaulted: n.importPolicy == nil,
                                         exportDefaulted: n.exportPolicy == nil)
            if let only, entry.importPolicy != only, entry.exportPolicy != only { continue }
            neighbors.append(entry)
        }
        let policies = c.policies.filter { only == nil || $0.name == only }.map(entry)
        let lists = only == nil ? c.prefixLists.map { PrefixListEntryList(name: $0.name, entries: $0.entries.map(flow)) } : []
        return PolicyReply(defaultEBGP: fallback, neighbors: neighbors, policies: policies, prefixLists: lists)
    }

    static func entry(_ p: Policy) -> PolicyEntry {
        PolicyEntry(name: p.name, terms: p.terms.map { t in
            Term(name: t.name.isEmpty ? nil : t.name, match: t.conditions.map(item), set: t.actions.map(item),
                 action: t.disposition.rawValue)
        }, defaultAction: p.defaultDisposition.rawValue)
    }

    static func flow(_ e: PrefixListEntry) -> String {
        var parts = ["prefix: \(e.prefix)"]
        if let g = e.ge { parts.append("ge: \(g)") }
        if let l = e.le { parts.append("le: \(l)") }
        if !e.permit { parts.append("action: deny") }
        return "{ " + parts.joined(separator: ", ") + " }"
    }

    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    static func quoted(_ s: String) -> String { "\"" + s + "\"" }

    /// A community as written in the config: its well-known name, else `"AS:value"`.
    static func community(_ c: Community) -> String {
        let names: [Community: String] = [
            .noExport: "no-export", .noAdvertise: "no-advertise", .noExportSubconfed: "no-export-subconfed",
            .blackhole: "blackhole", .gracefulShutdown: "graceful-shutdown", .noPeer: "no-peer",
        ]
        return names[c] ?? quoted(c.description)
    }

    static func item(_ c: PolicyCondition) -> Item {
        switch c {
        case .prefix(let l):
            return Item(key: "prefix-list", value: l.name.isEmpty ? list(l.entries.map(flow)) : l.name)
        case .community(let cs): return Item(key: "community", value: list(cs.map(community)))
        case .largeCommunity(let cs): return Item(key: "large-community", value: list(cs.map { quoted($0.description) }))
        case .extendedCommunity(let cs): return Item(key: "ext-community", value: list(cs.map { quoted($0.description) }))
        case .asPath(let p): return Item(key: "as-path", value: quoted(p.source))
        case .nextHop(let ps): return Item(key: "next-hop", value: list(ps.map { quoted($0.description) }))
        case .family(let fs): return Item(key: "family", value: list(fs.map(\.description)))
        }
    }

    static func item(_ a: PolicyAction) -> Item {
        switch a {
        case .setLocalPref(let v): return Item(key: "local-pref", value: "\(v)")
        case .setMED(let v): return Item(key: "med", value: "\(v)")
        case .setWeight(let v): return Item(key: "weight", value: "\(v)")
        case .setNextHop(let ip): return Item(key: "next-hop", value: quoted(ip.description))
        case .setNextHopSelf: return Item(key: "next-hop", value: "self")
        case .addCommunities(let cs): return Item(key: "community-add", value: list(cs.map(community)))
        case .removeCommunities(let cs): return Item(key: "community-remove", value: list(cs.map(community)))
        case .addLargeCommunities(let cs): return Item(key: "large-community-add", value: list(cs.map { quoted($0.description) }))
        case .removeLargeCommunities(let cs):
            return Item(key: "large-community-remove", value: list(cs.map { quoted($0.description) }))
        case .addExtendedCommunities(let cs): return Item(key: "ext-community-add", value: list(cs.map { quoted($0.description) }))
        case .removeExtendedCommunities(let cs):
            return Item(key: "ext-community-remove", value: list(cs.map { quoted($0.description) }))
        case .prepend(let asn, let count):
            return Item(key: "prepend", value: "{ " + (asn.map { "asn: \($0), " } ?? "") + "count: \(count) }")
        }
    }
}

extension HumanFormat {
    /// The neighbours' policies as a table, then the declarations as YAML.
    static func policy(_ r: PolicyReply) -> String {
        var out = "Default for eBGP neighbors without their own policy: \(r.defaultEBGP)"
            + (r.defaultEBGP == "reject-all" ? " (RFC 8212)" : " (policy: accept-all)") + "\n"
        if !r.neighbors.isEmpty {
            let width = max(8, r.neighbors.map(\.neighbor.count).max() ?? 0) + 2
            let w2 = max(6, r.neighbors.map { $0.importPolicy.count + ($0.importDefaulted ? 10 : 0) }.max() ?? 0) + 2
            out += "\n" + pad("Neighbor", width) + pad("Import", w2) + "Export\n"
            for n in r.neighbors {
                out += pad(n.neighbor, width) + pad(n.importPolicy + (n.importDefaulted ? " (default)" : ""), w2)
                    + n.exportPolicy + (n.exportDefaulted ? " (default)" : "") + "\n"
            }
        }
        if !r.policies.isEmpty {
            out += "\npolicies:\n"
            for p in r.policies {
                out += "  \(p.name):\n"
                out += p.terms.isEmpty ? "    terms: []\n" : "    terms:\n"
                for t in p.terms {
                    var lines: [String] = []
                    if let n = t.name { lines.append("name: \(n)") }
                    if !t.match.isEmpty { lines.append("match: { " + t.match.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + " }") }
                    if !t.set.isEmpty { lines.append("set: { " + t.set.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + " }") }
                    lines.append("action: \(t.action)")
                    for (i, l) in lines.enumerated() { out += (i == 0 ? "      - " : "        ") + l + "\n" }
                }
                out += "    default: \(p.defaultAction)\n"
            }
        }
        if !r.prefixLists.isEmpty {
            out += "\nprefix-lists:\n"
            for l in r.prefixLists {
                out += l.entries.isEmpty ? "  \(l.name): []\n" : "  \(l.name):\n"
                for e in l.entries { out += "    - \(e)\n" }
            }
        }
        return out
    }
}
