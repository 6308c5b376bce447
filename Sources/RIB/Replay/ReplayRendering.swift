import BGP
import NetAddress

// Text and JSON renderings of a replay, written by hand (no Foundation): stable field order and
// sorted routes, so the output can serve as a golden file.

extension ReplayResult {
    /// A human-readable report: peers, the Loc-RIB per family (best path first, `*` best,
    /// `=` in the ECMP set, `(lost by rule)` for the others), then the FIB and EVPN changes.
    public func text() -> String {
        var out = "replayed \(messages) messages from \(peers.count) peers\n"
        for p in peers {
            let counts = p.counters.sorted { $0.key < $1.key }
                .map { "\($0.key) received \($0.value.received) accepted \($0.value.accepted)" }
                .joined(separator: ", ")
            out += "peer \(p.address) AS\(p.asn) id \(p.routerID) \(p.up ? "up" : "down"): \(counts)\n"
        }
        let byID = Dictionary(uniqueKeysWithValues: peers.map { ($0.id, $0) })
        for family in routes.keys.sorted() {
            let list = routes[family] ?? []
            guard !list.isEmpty else { continue }
            out += "\(family): \(list.count) routes\n"
            for r in list {
                out += "  \(r.destination)\n"
                for p in r.paths {
                    let mark = p.best ? "*" : (p.multipath ? "=" : " ")
                    let from = p.peer.flatMap { byID[$0] }.map { "\($0.address) AS\($0.asn)" } ?? "local"
                    var line = "    \(mark) \(p.nextHop.map { "via \($0)" } ?? "no next hop") from \(from)"
                    if p.pathID != 0 { line += " path-id \(p.pathID)" }
                    line += " " + Self.attributesText(p.attributes)
                    if p.stale { line += " stale" }
                    if !p.reachable { line += " unreachable" }
                    if let rule = p.lostBy { line += " (lost by \(rule))" }
                    out += line + "\n"
                }
                if !r.nextHops.isEmpty { out += "    fib " + r.nextHops.map(\.description).joined(separator: ", ") + "\n" }
            }
        }
        out += "fib changes: \(fibChanges.count)\n"
        for c in fibChanges { out += "  \(c)\n" }
        if !evpnChanges.isEmpty {
            out += "evpn changes: \(evpnChanges.count)\n"
            for c in evpnChanges { out += "  \(c)\n" }
        }
        return out
    }

    /// `as-path 65002 65001 origin igp med 50 communities 65002:100 ...`
    static func attributesText(_ a: PathAttributes) -> String {
        var parts = ["as-path \(a.asPath.map { $0.description.isEmpty ? "(empty)" : $0.description } ?? "(none)")"]
        if let o = a.origin { parts.append("origin \(o)") }
        if let m = a.med { parts.append("med \(m)") }
        if let l = a.localPref { parts.append("local-pref \(l)") }
        if let c = a.communities, !c.isEmpty { parts.append("communities " + c.map(\.description).joined(separator: " ")) }
        if let c = a.largeCommunities, !c.isEmpty { parts.append("large-communities " + c.map(\.description).joined(separator: " ")) }
        if let c = a.extendedCommunities, !c.isEmpty { parts.append("ext-communities " + c.map(\.description).joined(separator: " ")) }
        if let o = a.originatorID { parts.append("originator \(o)") }
        if let c = a.clusterList, !c.isEmpty { parts.append("cluster-list " + c.map(\.description).joined(separator: " ")) }
        return parts.joined(separator: " ")
    }

    /// The same content as JSON: `{"messages":N,"peers":[...],"routes":{"ipv4-unicast":[...]},
    /// "fibChanges":[...],"evpnChanges":[...]}`.
    public func json() -> String {
        let j = JSONWriter()
        j.object {
            j.field("messages") { j.number(messages) }
            j.field("peers") {
                j.array(peers) { p in
                    j.object {
                        j.field("address") { j.string(p.address.description) }
                        j.field("asn") { j.number(Int(p.asn)) }
                        j.field("routerId") { j.string(p.routerID.description) }
                        j.field("up") { j.bool(p.up) }
                        j.field("families") {
                            j.object {
                                for (f, c) in p.counters.sorted(by: { $0.key < $1.key }) {
                                    j.field(f.description) {
                                        j.object {
                                            j.field("received") { j.number(c.received) }
                                            j.field("accepted") { j.number(c.accepted) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let byID = Dictionary(uniqueKeysWithValues: peers.map { ($0.id, $0) })
            j.field("routes") {
                j.object {
                    for family in routes.keys.sorted() {
                        j.field(family.description) {
                            j.array(routes[family] ?? []) { r in
                                j.object {
                                    j.field("destination") { j.string(r.destination.description) }
                                    j.field("paths") { j.array(r.paths) { p in Self.pathJSON(j, p, byID) } }
                                    j.field("nextHops") { j.array(r.nextHops) { Self.nextHopJSON(j, $0) } }
                                }
                            }
                        }
                    }
                }
            }
            j.field("fibChanges") {
                j.array(fibChanges) { c in
                    j.object {
                        j.field("kind") { j.string(c.kind.rawValue) }
                        j.field("prefix") { j.string(c.prefix.description) }
                        j.field("nextHops") { j.array(c.nextHops) { Self.nextHopJSON(j, $0) } }
                    }
                }
            }
            j.field("evpnChanges") { j.array(evpnChanges) { j.string($0.description) } }
        }
        return j.text
    }

    private static func pathJSON(_ j: JSONWriter, _ p: RIBPath, _ peers: [PeerID: Peer]) {
        j.object {
            j.field("peer") {
                if let peer = p.peer.flatMap({ peers[$0] }) { j.string(peer.address.description) } else { j.null() }
            }
            if p.pathID != 0 { j.field("pathId") { j.number(Int(p.pathID)) } }
            j.field("nextHop") { if let nh = p.nextHop { j.string(nh.description) } else { j.null() } }
            j.field("best") { j.bool(p.best) }
            j.field("multipath") { j.bool(p.multipath) }
            j.field("stale") { j.bool(p.stale) }
            j.field("reachable") { j.bool(p.reachable) }
            if let rule = p.lostBy { j.field("lostBy") { j.string(rule.description) } }
            let a = p.attributes
            j.field("asPath") { j.string(a.asPath?.description ?? "") }
            if let o = a.origin { j.field("origin") { j.string(o.description) } }
            if let m = a.med { j.field("med") { j.number(Int(m)) } }
            if let l = a.localPref { j.field("localPref") { j.number(Int(l)) } }
            if let c = a.communities { j.field("communities") { j.array(c) { j.string($0.description) } } }
            if let c = a.largeCommunities { j.field("largeCommunities") { j.array(c) { j.string($0.description) } } }
            if let c = a.extendedCommunities { j.field("extendedCommunities") { j.array(c) { j.string($0.description) } } }
        }
    }

    private static func nextHopJSON(_ j: JSONWriter, _ h: FIBNextHop) {
        j.object {
            j.field("gateway") { if let g = h.gateway { j.string(g.description) } else { j.null() } }
            j.field("interface") { if let i = h.interfaceIndex { j.number(Int(i)) } else { j.null() } }
            j.field("onlink") { j.bool(h.onlink) }
            j.field("weight") { j.number(Int(h.weight)) }
        }
    }
}

/// A minimal JSON writer (a class, so nested closures can all write to it): objects, arrays, strings (escaped per RFC 8259), numbers, booleans.
final class JSONWriter {
    private(set) var text = ""
    private var needsComma = [false]

    private func separate() {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
    }

    func object(_ body: () -> Void) {
        separate()
        text += "{"
        needsComma.append(false)
        body()
        needsComma.removeLast()
        text += "}"
    }

    func array<T>(_ items: [T], _ each: (T) -> Void) {
        separate()
        text += "["
        needsComma.append(false)
        for item in items { each(item) }
        needsComma.removeLast()
        text += "]"
    }

    /// A key inside an object; `value` writes exactly one value.
    func field(_ key: String, _ value: () -> Void) {
        separate()
        text += Self.quoted(key) + ":"
        needsComma.append(false)
        value()
        needsComma.removeLast()
    }

    func string(_ s: String) { separate(); text += Self.quoted(s) }
    func number(_ n: Int) { separate(); text += String(n) }
    func bool(_ b: Bool) { separate(); text += b ? "true" : "false" }
    func null() { separate(); text += "null" }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
