import BGP
import NetAddress
@testable import RIB
import Testing

@Suite("Policy")
struct PolicyTests {
    @Test("prefix-list entries: exact, ge, le, and the first match decides")
    func prefixLists() throws {
        let exact = try PrefixListEntry(prefix: pfx("10.0.0.0/8"))
        #expect(exact.matches(pfx("10.0.0.0/8")))
        #expect(!exact.matches(pfx("10.1.0.0/16")))
        let le24 = try PrefixListEntry(prefix: pfx("10.0.0.0/8"), le: 24)
        #expect(le24.matches(pfx("10.0.0.0/8")) && le24.matches(pfx("10.1.2.0/24")))
        #expect(!le24.matches(pfx("10.1.2.0/25")) && !le24.matches(pfx("11.0.0.0/8")))
        let ge16 = try PrefixListEntry(prefix: pfx("10.0.0.0/8"), ge: 16)
        #expect(!ge16.matches(pfx("10.0.0.0/8")) && ge16.matches(pfx("10.1.2.3/32")))
        let range = try PrefixListEntry(prefix: pfx("2001:db8::/32"), ge: 48, le: 64)
        #expect(range.matches(pfx("2001:db8:1::/48")) && range.matches(pfx("2001:db8:1:2::/64")))
        #expect(!range.matches(pfx("2001:db8::/32")) && !range.matches(pfx("10.0.0.0/8")))
        let list = PrefixList(entries: [try PrefixListEntry(prefix: pfx("10.1.0.0/16"), le: 32, permit: false),
                                        try PrefixListEntry(prefix: pfx("10.0.0.0/8"), le: 32)])
        #expect(!list.permits(pfx("10.1.1.0/24")))
        #expect(list.permits(pfx("10.2.1.0/24")))
        #expect(!list.permits(pfx("192.168.0.0/16")))
    }

    @Test("impossible ge/le ranges are refused with a reason")
    func badRanges() {
        #expect(throws: PolicyError.self) { try PrefixListEntry(prefix: pfx("10.0.0.0/16"), ge: 8) }
        #expect(throws: PolicyError.self) { try PrefixListEntry(prefix: pfx("10.0.0.0/16"), ge: 24, le: 20) }
        #expect(throws: PolicyError.self) { try PrefixListEntry(prefix: pfx("10.0.0.0/16"), le: 33) }
        do {
            _ = try PrefixListEntry(prefix: pfx("10.0.0.0/16"), ge: 8)
        } catch {
            #expect(error.message.contains("ge 8"))
        }
    }

    @Test("AS path patterns in FRR style")
    func asPathPatterns() throws {
        let cases: [(String, String, Bool)] = [
            ("_65001_", "65001 65002", true), ("_65001_", "65000 65001", true), ("_65001_", "6500165 1", false),
            ("_65001_", "1 65001 2", true), ("_65001_", "165001", false),
            ("^65001", "65001 65002", true), ("^65001", "65000 65001", false), ("^65001_", "650011", false),
            ("65002$", "65001 65002", true), ("65002$", "65002 65001", false),
            (".*", "", true), (".*", "1 2 3", true), ("^$", "", true), ("^$", "1", false),
            ("_6500[0-9]_", "65003", true), ("_6500[^0-4]_", "65003", false), ("_6500[^0-4]_", "65007", true),
            ("^(65001|65002)_", "65002 7", true), ("^(65001|65002)_", "65003 7", false),
            ("_4_", "1 {4,5}", true), ("^1_[0-9]+$", "1 234", true), ("^1_[0-9]+$", "1 234 5", false),
            ("^65001( 65001)*$", "65001 65001 65001", true), ("^65001( 65001)*$", "65001 65002", false),
            ("2?3", "13", true), ("_?4", "4", true), ("a\\.b", "a.b", true), ("a\\.b", "axb", false),
        ]
        for (pattern, text, expected) in cases {
            #expect(try ASPathPattern(pattern).matches(text: text) == expected, "\(pattern) on \"\(text)\"")
        }
        #expect(try ASPathPattern("_65002_").matches(ASPath(sequence: [65001, 65002, 65003])))
    }

    @Test("bad AS path patterns are refused with the pattern named")
    func badPatterns() {
        for bad in ["(65001", "65001)", "[0-9", "*1", "1\\"] {
            #expect(throws: PolicyError.self, "\(bad)") { try ASPathPattern(bad) }
        }
        do { _ = try ASPathPattern("(1") } catch { #expect(error.message.contains("\"(1\"")) }
    }

    @Test("a long AS path is matched in linear time without recursion")
    func longPath() throws {
        let text = Array(repeating: "65001", count: 20_000).joined(separator: " ")
        #expect(try ASPathPattern("^(65001 )*65001$").matches(text: text))
        #expect(try !ASPathPattern("(.*)*x").matches(text: text))
    }

    @Test("import terms: reject by prefix list, set and match attributes, default")
    func importTerms() throws {
        let bogons = PrefixList(name: "bogons", entries: [try PrefixListEntry(prefix: pfx("10.0.0.0/8"), le: 32)])
        let pol = Policy(name: "in", terms: [
            PolicyTerm(name: "no-bogons", conditions: [.prefix(bogons)], disposition: .reject),
            PolicyTerm(name: "tag", actions: [.addCommunities([Community(asn: 65000, value: 1)])], disposition: .next),
            PolicyTerm(name: "prefer", conditions: [.community(anyOf: [Community(asn: 65001, value: 100)])],
                       actions: [.setLocalPref(200), .removeCommunities([Community(asn: 65001, value: 100)]),
                                 .addLargeCommunities([LargeCommunity(65000, 1, 2)]), .prepend(asn: nil, count: 2)],
                       disposition: .accept),
            PolicyTerm(name: "via-path", conditions: [.asPath(try ASPathPattern("^65001_"))], disposition: .accept),
        ], defaultDisposition: .reject)
        var rib = RIB(config: testConfig())
        let info = peer(1, importPolicy: pol)
        _ = rib.peerUp(info)
        _ = rib.apply(update: announce(["10.1.0.0/16", "192.168.1.0/24"], path: [65001, 7],
                                       communities: [Community(asn: 65001, value: 100)]), from: info.id)
        _ = rib.apply(update: announce(["172.16.0.0/12"], path: [65009]), from: info.id)
        _ = rib.apply(update: announce(["172.17.0.0/16"], path: [65001]), from: info.id)
        #expect(rib.paths(for: pfx("10.1.0.0/16")).isEmpty)
        let kept = try #require(rib.paths(for: pfx("192.168.1.0/24")).first)
        #expect(kept.attributes.localPref == 200)
        #expect(kept.attributes.communities == [Community(asn: 65000, value: 1)])
        #expect(kept.attributes.largeCommunities == [LargeCommunity(65000, 1, 2)])
        #expect(kept.attributes.asPath == ASPath(sequence: [65000, 65000, 65001, 7]))
        #expect(rib.paths(for: pfx("172.16.0.0/12")).isEmpty, "falls through to the default")
        #expect(rib.paths(for: pfx("172.17.0.0/16")).first?.attributes.communities == [Community(asn: 65000, value: 1)])
        let c = rib.counters(peer: info.id, family: .ipv4Unicast)
        #expect(c.received == 4 && c.accepted == 2)
    }

    @Test("next-hop and extended-community conditions; setting MED and next hop")
    func nextHopAndExtended() throws {
        let rt = ExtendedCommunity(raw: 0x0002_FDE9_0000_0064)
        let pol = Policy(name: "in", terms: [
            PolicyTerm(conditions: [.nextHop(in: [pfx("192.0.2.0/28")]), .extendedCommunity(anyOf: [rt])],
                       actions: [.setMED(42), .setNextHop(ip("192.0.2.100")), .removeExtendedCommunities([rt])]),
        ])
        var rib = RIB(config: testConfig())
        let info = peer(1, importPolicy: pol)
        _ = rib.peerUp(info)
        _ = rib.apply(update: announce(["10.0.0.0/24"], nextHop: "192.0.2.1", ext: [rt]), from: info.id)
        _ = rib.apply(update: announce(["10.0.1.0/24"], nextHop: "192.0.2.20", ext: [rt]), from: info.id)
        let p = try #require(rib.paths(for: pfx("10.0.0.0/24")).first)
        #expect(p.attributes.med == 42 && p.nextHop == .ipv4(ip4("192.0.2.100")) && p.attributes.extendedCommunities == nil)
        #expect(rib.installedNextHops(pfx("10.0.0.0/24")).first?.gateway == ip("192.0.2.100"))
        #expect(rib.paths(for: pfx("10.0.1.0/24")).isEmpty)
    }

    @Test("RFC 8212: an eBGP peer without policy imports and exports nothing; iBGP is unaffected")
    func rfc8212() {
        var rib = RIB(config: testConfig(ebgpDefault: .rfc8212))
        #expect(!rib.config.warnsAcceptAllDefault)
        let e = peer(1), i = peer(2, asn: localAS), e2 = peer(3)
        for p in [e, i, e2] { _ = rib.peerUp(p) }
        _ = rib.apply(update: announce(["10.0.0.0/24"]), from: e.id)
        #expect(rib.paths(for: pfx("10.0.0.0/24")).isEmpty)
        #expect(rib.counters(peer: e.id, family: .ipv4Unicast) == { var c = PeerCounters(); c.received = 1; return c }())
        let out = rib.apply(update: announce(["10.0.1.0/24"], nextHop: "192.0.2.2", localPref: 100), from: i.id)
        #expect(bestPeer(rib, "10.0.1.0/24") == i.id)
        #expect(out.exports[e.id] == nil && out.exports[e2.id] == nil, "nothing exported to eBGP")
        #expect(testConfig(ebgpDefault: .acceptAll).warnsAcceptAllDefault)
    }

    @Test("a new import policy is applied to the kept pre-policy routes without a refresh")
    func softReconfiguration() {
        var rib = RIB(config: testConfig())
        let info = peer(1, soft: true, importPolicy: .rejectAll)
        _ = rib.peerUp(info)
        _ = rib.apply(update: announce(["10.0.0.0/24", "10.0.1.0/24"]), from: info.id)
        #expect(rib.routeCount(.ipv4Unicast) == 0)
        #expect(rib.adjRIBIn(peer: info.id, family: .ipv4Unicast, prePolicy: true).count == 2)
        let out = rib.setPolicy(peer: info.id, import: .acceptAll, export: nil)
        #expect(out.routeRefreshRequests.isEmpty)
        #expect(out.fibChanges.count == 2)
        #expect(rib.routeCount(.ipv4Unicast) == 2)
        let prefer = Policy(name: "lp", terms: [PolicyTerm(actions: [.setLocalPref(300)])])
        _ = rib.setPolicy(peer: info.id, import: prefer, export: nil)
        #expect(rib.paths(for: pfx("10.0.0.0/24")).first?.attributes.localPref == 300)
        let back = rib.setPolicy(peer: info.id, import: .rejectAll, export: nil)
        #expect(back.fibChanges.map(\.kind) == [.delete, .delete])
        #expect(rib.counters(peer: info.id, family: .ipv4Unicast).received == 2)
        #expect(rib.counters(peer: info.id, family: .ipv4Unicast).accepted == 0)
    }

    @Test("without a pre-policy view, a new import policy asks for a route refresh; resent routes are re-judged")
    func routeRefresh() {
        var rib = RIB(config: testConfig())
        let info = peer(1, families: [.ipv4Unicast, .ipv6Unicast])
        _ = rib.peerUp(info)
        _ = rib.apply(update: announce(["10.0.0.0/24"]), from: info.id)
        let out = rib.setPolicy(peer: info.id, import: .rejectAll, export: nil)
        #expect(out.routeRefreshRequests == [RouteRefreshRequest(peer: info.id, family: .ipv4Unicast),
                                             RouteRefreshRequest(peer: info.id, family: .ipv6Unicast)])
        #expect(rib.isPeerUp(info.id), "the session stays up")
        let resent = rib.apply(update: announce(["10.0.0.0/24"]), from: info.id)
        #expect(resent.fibChanges.map(\.kind) == [.delete])
    }

    @Test("built-in policies by name")
    func builtIns() {
        #expect(Policy.builtIn(named: "accept-all") == .acceptAll)
        #expect(Policy.builtIn(named: "reject-all") == .rejectAll)
        #expect(Policy.builtIn(named: "other") == nil)
    }
}
