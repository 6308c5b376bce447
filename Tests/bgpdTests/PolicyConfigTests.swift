import BGP
import NetAddress
import RIB
import Testing
@testable import bgpd

/// `prefix-lists:`, `policies:` and neighbour `import:`/`export:` as docs/policy.md describes
/// them: every key read into the RIB's values, and every mistake reported at its line and column.
@Suite struct PolicyConfigTests {
    static let header = "asn: 65000\nrouter-id: 10.0.0.1\n"

    func load(_ body: String) throws -> Config { try ConfigLoader.load(Self.header + body).get() }

    func errors(_ body: String) -> [ConfigError] {
        if case .failure(let e) = ConfigLoader.load(Self.header + body) { return e.errors }
        return []
    }

    func community(_ s: String) -> Community { Community(s) ?? Community(raw: 0) }
    func prefix(_ s: String) -> IPPrefix { IPPrefix(s) ?? .v4(IPv4Prefix(key: 0)) }

    /// The example of docs/policy.md, verbatim.
    static let docExample = """
        policy: accept-all            # optional global default for eBGP neighbours without their own

        neighbors:
          - interface: swp1           # unnumbered eBGP
            remote-as: external
            import: from-fabric       # a name under `policies:` or a built-in
            export: to-fabric
          - address: 10.0.0.2
            remote-as: 65000          # iBGP
            # no import/export: iBGP neighbours accept and send everything

        prefix-lists:
          bogons:                                         # the entries permit (match) bogon ranges
            - { prefix: 10.0.0.0/8, le: 32 }              # action: permit is the default
            - { prefix: 192.168.0.0/16, le: 32 }
            - { prefix: 0.0.0.0/0, ge: 25 }               # anything longer than /24

        policies:
          from-fabric:
            terms:
              - name: no-bogons
                match: { prefix-list: bogons }
                action: reject
              - name: tag-everything
                set: { community-add: ["65000:1"] }
                action: next                              # apply, then go on with the next term
              - name: backup-path
                match:
                  community: ["65001:666"]
                  as-path: "_65001_"
                set: { local-pref: 50 }
                action: accept
            default: accept                               # what happens when no term decided

          to-fabric:
            terms:
              - match: { family: [ipv4-unicast, ipv6-unicast] }
                set:
                  prepend: { count: 2 }                   # our AS twice
                  med: 10
                  community-remove: ["65000:1"]
                action: accept
            # default: reject (as FRR's implicit deny at the end of a route-map)
        """

    @Test func documentedExample() throws {
        let c = try load(Self.docExample)
        #expect(!c.ebgpRequiresPolicy)
        let bogons = try PrefixList(name: "bogons", entries: [
            PrefixListEntry(prefix: prefix("10.0.0.0/8"), le: 32),
            PrefixListEntry(prefix: prefix("192.168.0.0/16"), le: 32),
            PrefixListEntry(prefix: prefix("0.0.0.0/0"), ge: 25),
        ])
        #expect(c.prefixLists == [bogons])
        let from = Policy(name: "from-fabric", terms: [
            PolicyTerm(name: "no-bogons", conditions: [.prefix(bogons)], disposition: .reject),
            PolicyTerm(name: "tag-everything", actions: [.addCommunities([community("65000:1")])], disposition: .next),
            PolicyTerm(name: "backup-path", conditions: [.community(anyOf: [community("65001:666")]),
                                                         .asPath(try ASPathPattern("_65001_"))],
                       actions: [.setLocalPref(50)], disposition: .accept),
        ], defaultDisposition: .accept)
        let to = Policy(name: "to-fabric", terms: [
            PolicyTerm(conditions: [.family([.ipv4Unicast, .ipv6Unicast])],
                       actions: [.setMED(10), .removeCommunities([community("65000:1")]), .prepend(asn: nil, count: 2)],
                       disposition: .accept),
        ], defaultDisposition: .reject)
        #expect(c.policies == [from, to])
        #expect(c.neighbors[0].importPolicy == from)
        #expect(c.neighbors[0].exportPolicy == to)
        #expect(c.neighbors[1].importPolicy == nil && c.neighbors[1].exportPolicy == nil)
        // The policies behave as the doc's comments say.
        #expect(bogons.permits(prefix("10.1.0.0/16")))
        #expect(bogons.permits(prefix("203.0.113.128/25")) && !bogons.permits(prefix("203.0.113.0/24")))
    }

    @Test func builtInsAndNeighbourKeys() throws {
        let c = try load("""
            neighbors:
              - address: 192.0.2.1
                remote-as: external
                import: accept-all
                export: reject-all
                soft-reconfiguration: true
                send-med: true
              - address: 192.0.2.2
                remote-as: internal
                next-hop-self: true
                route-reflector-client: true
            """)
        let a = c.neighbors[0], b = c.neighbors[1]
        #expect(a.importPolicy == .acceptAll && a.exportPolicy == .rejectAll)
        #expect(a.softReconfiguration && a.sendMED && !a.nextHopSelf && !a.routeReflectorClient)
        #expect(b.nextHopSelf && b.routeReflectorClient && !b.softReconfiguration && !b.sendMED)
        #expect(c.ebgpRequiresPolicy, "RFC 8212 stays the default")
    }

    @Test func everyMatchCondition() throws {
        let c = try load("""
            policies:
              p:
                terms:
                  - match:
                      prefix-list: [{ prefix: 2001:db8::/32, ge: 48, le: 64, action: deny }, { prefix: "::/0", le: 128 }]
                      community: [no-export, no-advertise, no-export-subconfed, blackhole, graceful-shutdown, no-peer, "65001:7"]
                      large-community: ["4200000001:1:2"]
                      ext-community: ["RT:65000:100", "RT:10.0.0.1:5", "RT:4200000001:7"]
                      as-path: "^(65001|65002)_"
                      next-hop: [192.0.2.0/24, "2001:db8::/32"]
                      family: [l2vpn-evpn]
            """)
        let t = try #require(c.policies.first?.terms.first)
        let list = try PrefixList(name: "", entries: [
            PrefixListEntry(prefix: prefix("2001:db8::/32"), ge: 48, le: 64, permit: false),
            PrefixListEntry(prefix: prefix("::/0"), le: 128),
        ])
        #expect(t.conditions == [
            .prefix(list),
            .community(anyOf: [.noExport, .noAdvertise, .noExportSubconfed, .blackhole, .gracefulShutdown, .noPeer,
                               Community(asn: 65001, value: 7)]),
            .largeCommunity(anyOf: [LargeCommunity(4_200_000_001, 1, 2)]),
            .extendedCommunity(anyOf: [.routeTarget(asn: 65000, number: 100),
                                       .routeTarget(ipv4: IPv4Address(10, 0, 0, 1), number: 5),
                                       .routeTarget(asn: 4_200_000_001, number: 7)]),
            .asPath(try ASPathPattern("^(65001|65002)_")),
            .nextHop(in: [prefix("192.0.2.0/24"), prefix("2001:db8::/32")]),
            .family([.l2vpnEVPN]),
        ])
        #expect(t.disposition == .accept, "action defaults to accept")
        #expect(c.policies.first?.defaultDisposition == .reject, "default defaults to reject")
    }

    @Test func everySetChange() throws {
        let c = try load("""
            policies:
              p:
                terms:
                  - set:
                      local-pref: 200
                      med: 4294967295
                      weight: 32768
                      next-hop: 2001:db8::1
                      community-add: ["65000:1"]
                      community-remove: [no-export]
                      large-community-add: ["1:2:3"]
                      large-community-remove: ["4:5:6"]
                      ext-community-add: ["RT:65000:1"]
                      ext-community-remove: ["RT:65000:2"]
                      prepend: { asn: 65010, count: 3 }
                    action: next
                  - set: { next-hop: self, prepend: {} }
                default: accept
            """)
        let p = try #require(c.policies.first)
        #expect(p.defaultDisposition == .accept)
        #expect(p.terms[0].disposition == .next)
        #expect(p.terms[0].actions == [
            .setLocalPref(200), .setMED(UInt32.max), .setWeight(32768), .setNextHop(IPAddress("2001:db8::1")!),
            .removeCommunities([.noExport]), .addCommunities([Community(asn: 65000, value: 1)]),
            .removeLargeCommunities([LargeCommunity(4, 5, 6)]), .addLargeCommunities([LargeCommunity(1, 2, 3)]),
            .removeExtendedCommunities([.routeTarget(asn: 65000, number: 2)]),
            .addExtendedCommunities([.routeTarget(asn: 65000, number: 1)]),
            .prepend(asn: 65010, count: 3),
        ])
        #expect(p.terms[1].actions == [.setNextHopSelf, .prepend(asn: nil, count: 1)])
    }

    /// Keys may come in any order: neighbours before policies before prefix lists.
    @Test func declarationOrderDoesNotMatter() throws {
        let c = try load("""
            neighbors:
              - address: 192.0.2.1
                remote-as: external
                import: in
            policies:
              in:
                terms:
                  - match: { prefix-list: mine }
            prefix-lists:
              mine: [{ prefix: 10.0.0.0/8 }]
            """)
        #expect(c.neighbors[0].importPolicy?.terms.first?.conditions.count == 1)
    }

    // MARK: - Errors, each with its place

    func expectError(_ body: String, line: Int, column: Int? = nil, _ fragments: String..., count: Int = 1,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let es = errors(body)
        #expect(es.count == count, "errors: \(es)", sourceLocation: sourceLocation)
        guard let e = es.first(where: { $0.line == line }) else {
            Issue.record("no error on line \(line): \(es)", sourceLocation: sourceLocation)
            return
        }
        if let column { #expect(e.column == column, "\(e)", sourceLocation: sourceLocation) }
        for f in fragments { #expect(e.message.contains(f), "\(e) lacks \(f)", sourceLocation: sourceLocation) }
    }

    @Test func unknownPolicyInNeighbour() {
        expectError("""
            policies:
              host-only: { terms: [{ match: { as-path: "^$" } }] }
            neighbors:
              - interface: eth0
                remote-as: external
                export: host-onyl
            """, line: 8, column: 13, "unknown policy 'host-onyl' in export", "did you mean 'host-only'?")
        expectError("neighbors:\n  - interface: eth0\n    remote-as: external\n    import: nothing-like-it\n",
                    line: 6, "unknown policy 'nothing-like-it'", "known: accept-all, reject-all")
    }

    @Test func unknownKeysSuggest() {
        // line 3: policies:, 4: p:, 5: terms:, 6: - match:, 7: as-paht
        expectError("policies:\n  p:\n    terms:\n      - match:\n          as-paht: \"^$\"\n",
                    line: 7, column: 11, "unknown key 'as-paht' in match", "did you mean 'as-path'?")
        expectError("policies:\n  p:\n    terms:\n      - set: { comunity-add: [\"1:1\"] }\n",
                    line: 6, "unknown key 'comunity-add' in set", "did you mean 'community-add'?")
        expectError("policies:\n  p:\n    term: []\n", line: 5, "unknown key 'term' in policy 'p'", "did you mean 'terms'?")
        expectError("policies:\n  p:\n    terms:\n      - actoin: reject\n",
                    line: 6, "unknown key 'actoin' in term 1 of policy 'p'", "did you mean 'action'?")
        expectError("neighbors:\n  - interface: eth0\n    remote-as: external\n    imprt: accept-all\n",
                    line: 6, "unknown key 'imprt' in a neighbor", "did you mean 'import'?")
        expectError("prefix-lists:\n  l: [{ prefix: 10.0.0.0/8, lee: 24 }]\n",
                    line: 4, "unknown key 'lee' in a prefix-list entry", "did you mean 'le'?")
    }

    @Test func badPrefixesAndRanges() {
        expectError("prefix-lists:\n  l:\n    - { prefix: 10.0.0.1/8 }\n",
                    line: 5, "host bits set; did you mean 10.0.0.0/8?")
        expectError("prefix-lists:\n  l:\n    - { prefix: 10.0.0.0/8, ge: 33 }\n",
                    line: 5, "ge 33 is out of range for 10.0.0.0/8", "from 8 to 32")
        expectError("prefix-lists:\n  l:\n    - { prefix: 10.0.0.0/16, ge: 8 }\n", line: 5, "ge 8 is out of range")
        expectError("prefix-lists:\n  l:\n    - { prefix: 10.0.0.0/8, ge: 24, le: 20 }\n",
                    line: 5, "le 20 is out of range for 10.0.0.0/8", "from 24 (ge) to 32")
        expectError("prefix-lists:\n  l:\n    - { prefix: \"2001:db8::/32\", le: 129 }\n", line: 5, "to 128")
        expectError("prefix-lists:\n  l:\n    - { le: 24 }\n", line: 5, "needs prefix:")
        expectError("prefix-lists:\n  l:\n    - { prefix: 10.0.0.0/8, action: allow }\n", line: 5, "permit, deny")
        expectError("policies:\n  p:\n    terms:\n      - match: { next-hop: [192.0.2.1/24] }\n",
                    line: 6, "did you mean 192.0.2.0/24?")
    }

    @Test func badASPathQuoted() {
        expectError("policies:\n  p:\n    terms:\n      - match: { as-path: \"(65001\" }\n",
                    line: 6, "as-path pattern \"(65001\"", "missing \")\"")
        expectError("policies:\n  p:\n    terms:\n      - match: { as-path: \"*1\" }\n", line: 6, "\"*1\"", "repeats nothing")
    }

    @Test func badCommunities() {
        expectError("policies:\n  p:\n    terms:\n      - match:\n          community: [\"65001:70000\"]\n",
                    line: 7, "'65001:70000' in community is not a community", "AS:value")
        expectError("policies:\n  p:\n    terms:\n      - set: { large-community-add: [\"1:2\"] }\n",
                    line: 6, "'1:2' in large-community-add is not a large community")
        expectError("policies:\n  p:\n    terms:\n      - match: { ext-community: [\"RT:x:1\"] }\n",
                    line: 6, "not a route target")
        expectError("policies:\n  p:\n    terms:\n      - match: { community: [] }\n", line: 6, "at least one")
        expectError("policies:\n  p:\n    terms:\n      - match: { community: \"65000:1\" }\n", line: 6, "must be a list")
    }

    @Test func badValues() {
        expectError("policies:\n  p:\n    terms:\n      - action: maybe\n", line: 6, "accept, reject, next")
        expectError("policies:\n  p:\n    default: next\n", line: 5, "accept, reject")
        expectError("policies:\n  p:\n    terms:\n      - set: { prepend: { count: 65 } }\n", line: 6, "1 to 64")
        expectError("policies:\n  p:\n    terms:\n      - set: { local-pref: -1 }\n", line: 6, "local-pref")
        expectError("policies:\n  p:\n    terms:\n      - set: { next-hop: ff02::1 }\n", line: 6, "unicast")
        expectError("policies:\n  p:\n    terms:\n      - match: { family: [ipv4-multicast] }\n", line: 6, "unknown family")
        expectError("policies:\n  accept-all: {}\n", line: 4, "built-in policy")
        expectError("policies:\n  p:\n    terms:\n      - match: { prefix-list: bogns }\n",
                    line: 6, "unknown prefix-list 'bogns'", "none is declared")
        expectError("prefix-lists:\n  bogons: []\npolicies:\n  p:\n    terms:\n      - match: { prefix-list: bogns }\n",
                    line: 8, "did you mean 'bogons'?")
        expectError("neighbors:\n  - address: 192.0.2.1\n    remote-as: external\n    route-reflector-client: true\n",
                    line: 6, "iBGP")
    }

    /// A policy with an error is reported once, where it is declared, not again at every
    /// neighbour that names it.
    @Test func brokenPolicyReportedOnce() {
        expectError("""
            policies:
              p: { terms: [{ match: { as-path: "(" } }] }
            neighbors:
              - interface: eth0
                remote-as: external
                import: p
            """, line: 4, "as-path pattern")
        // A misspelt reference to it still gets the suggestion.
        expectError("""
            policies:
              host-only: { terms: [{ match: { as-path: "(" } }] }
            neighbors:
              - interface: eth0
                remote-as: external
                import: host-onyl
            """, line: 4, count: 2)
        #expect(errors("policies:\n  host-only: { terms: [{ match: { as-path: \"(\" } }] }\nneighbors:\n  - interface: eth0\n    remote-as: external\n    import: host-onyl\n")
            .contains { $0.line == 8 && $0.message.contains("did you mean 'host-only'?") })
    }

    /// `bgpd check` prints the errors as FILE:LINE:COLUMN.
    @Test func checkFormat() {
        guard case .failure(let e) = ConfigLoader.load(Self.header + "policies:\n  p:\n    terms:\n      - match: { as-path: \"(\" }\n")
        else { Issue.record("loaded"); return }
        #expect(e.formatted(file: "bgpd.yaml").hasPrefix("bgpd.yaml:6:27: as-path pattern \"(\""))
    }
}
