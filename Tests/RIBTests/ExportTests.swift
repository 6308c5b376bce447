import BGP
import NetAddress
@testable import RIB
import Testing

@Suite("Export")
struct ExportTests {
    func announcements(_ out: RIBOutput, _ peer: PeerID) -> [ExportAnnouncement] { out.exports[peer]?.announcements ?? [] }

    @Test("eBGP: our AS prepended, no LOCAL_PREF, no MED, next hop self")
    func ebgpRules() throws {
        var rib = RIB(config: testConfig())
        let a = peer(1, asn: localAS), b = peer(2)
        _ = rib.peerUp(a)
        _ = rib.peerUp(b)
        let out = rib.apply(update: announce(["10.0.0.0/24"], path: [65009], localPref: 150, med: 7,
                                             originatorID: ip4("9.9.9.9"), clusterList: [ip4("7.7.7.7")]), from: a.id)
        let ann = try #require(announcements(out, b.id).first)
        #expect(ann.attributes.asPath == ASPath(sequence: [localAS, 65009]))
        #expect(ann.attributes.localPref == nil && ann.attributes.med == nil)
        #expect(ann.attributes.originatorID == nil && ann.attributes.clusterList == nil)
        #expect(ann.nextHop == .ipv4(ip4("192.0.2.254")))
        #expect(ann.nlri == .ipv4Unicast([IPv4NLRI(pfx4("10.0.0.0/24"))]))
        #expect(out.exports[a.id] == nil, "iBGP-learned routes are not sent to the iBGP peer they came from")
    }

    @Test("MED passes to eBGP only when configured; a policy MED is always sent")
    func med() throws {
        var rib = RIB(config: testConfig())
        var b = peer(2)
        b.sendMED = true
        let c = peer(3, exportPolicy: Policy(name: "m", terms: [PolicyTerm(actions: [.setMED(99)])]))
        for p in [peer(1), b, c] { _ = rib.peerUp(p) }
        let out = rib.apply(update: announce(["10.0.0.0/24"], med: 7), from: PeerID(1))
        #expect(announcements(out, b.id).first?.attributes.med == 7)
        #expect(announcements(out, c.id).first?.attributes.med == 99)
    }

    @Test("next-hop-self towards unnumbered and RFC 8950 peers", arguments: LinkLocalNextHopMode.allCases)
    func linkLocalForms(_ mode: LinkLocalNextHopMode) throws {
        var rib = RIB(config: testConfig())
        let ll = ip6("fe80::1"), peerLL = ip6("fe80::2")
        var b = peer(2, address: .v6(peerLL), interface: 5)
        b.localLinkLocal = ll
        b.extendedNextHop = [.ipv4Unicast]
        b.linkLocalNextHop = mode
        _ = rib.peerUp(peer(1))
        _ = rib.peerUp(b)
        let out = rib.apply(update: announce(["10.0.0.0/24"]), from: PeerID(1))
        let expected: NextHop = mode == .double ? .ipv6Pair(global: ll, linkLocal: ll)
            : mode == .native ? .ipv6Pair(global: .zero, linkLocal: ll) : .ipv6(ll)
        #expect(announcements(out, b.id).first?.nextHop == expected)

        var withGlobal = b
        withGlobal.id = PeerID(3)
        withGlobal.localIPv6 = ip6("2001:db8::1")
        _ = rib.peerUp(withGlobal)
        let out2 = rib.apply(update: announce(["10.0.1.0/24"]), from: PeerID(1))
        #expect(announcements(out2, withGlobal.id).first?.nextHop == .ipv6Pair(global: ip6("2001:db8::1"), linkLocal: ll))
    }

    @Test("a policy next hop keeps the link-local half towards a directly connected peer")
    func policyNextHopKeepsLinkLocal() {
        var rib = RIB(config: testConfig())
        var b = peer(2, address: .v6(ip6("fe80::2")),
                     exportPolicy: Policy(name: "nh", terms: [PolicyTerm(actions: [.setNextHop(ip("2001:db8::9"))])]),
                     interface: 5)
        b.localLinkLocal = ip6("fe80::1")
        _ = rib.peerUp(peer(1))
        _ = rib.peerUp(b)
        let out = rib.apply(update: announceMP(v6: ["2001:db8:5::/48"], nextHop: .ipv6(ip6("2001:db8::77"))), from: PeerID(1))
        #expect(announcements(out, b.id).first?.nextHop == .ipv6Pair(global: ip6("2001:db8::9"), linkLocal: ip6("fe80::1")))
    }

    @Test("no iBGP to iBGP without reflection; a reflector adds ORIGINATOR_ID and CLUSTER_LIST")
    func reflection() throws {
        var rib = RIB(config: testConfig())
        let client = peer(1, asn: localAS, rrClient: true), nonClient = peer(2, asn: localAS), other = peer(3, asn: localAS)
        for p in [client, nonClient, other] { _ = rib.peerUp(p) }
        let fromNonClient = rib.apply(update: announce(["10.0.0.0/24"], nextHop: "192.0.2.2", localPref: 100), from: nonClient.id)
        #expect(fromNonClient.exports[other.id] == nil, "non-client to non-client: not reflected")
        let toClient = try #require(announcements(fromNonClient, client.id).first)
        #expect(toClient.attributes.originatorID == ip4("1.1.1.2"))
        #expect(toClient.attributes.clusterList == [localRouterID])
        #expect(toClient.nextHop == .ipv4(ip4("192.0.2.2")), "iBGP keeps the next hop")
        #expect(toClient.attributes.localPref == 100)

        let fromClient = rib.apply(update: announce(["10.0.1.0/24"], nextHop: "192.0.2.1", localPref: 100,
                                                    originatorID: ip4("5.5.5.5")), from: client.id)
        #expect(announcements(fromClient, other.id).first?.attributes.originatorID == ip4("5.5.5.5"), "kept when present")
        #expect(announcements(fromClient, nonClient.id).count == 1)
        #expect(fromClient.exports[client.id] == nil, "split horizon")
    }

    @Test("routes carrying our cluster ID or router ID as originator are refused")
    func reflectionLoops() {
        var rib = RIB(config: testConfig())
        let i = peer(1, asn: localAS)
        _ = rib.peerUp(i)
        _ = rib.apply(update: announce(["10.0.0.0/24"], localPref: 100, clusterList: [localRouterID]), from: i.id)
        _ = rib.apply(update: announce(["10.0.1.0/24"], localPref: 100, originatorID: localRouterID), from: i.id)
        #expect(rib.routeCount(.ipv4Unicast) == 0)
        #expect(rib.counters(peer: i.id, family: .ipv4Unicast).received == 2)
    }

    @Test("our own AS in the path: dropped")
    func asLoop() {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        let out = rib.apply(update: announce(["10.0.0.0/24"], path: [65001, localAS, 3]), from: PeerID(1))
        #expect(out.fibChanges.isEmpty)
        #expect(rib.paths(for: pfx("10.0.0.0/24")).isEmpty)
    }

    @Test("well-known communities limit where a route goes")
    func wellKnown() {
        var rib = RIB(config: testConfig())
        let src = peer(1), ebgp = peer(2), ibgp = peer(3, asn: localAS)
        for p in [src, ebgp, ibgp] { _ = rib.peerUp(p) }
        let noExport = rib.apply(update: announce(["10.0.0.0/24"], communities: [.noExport]), from: src.id)
        #expect(noExport.exports[ebgp.id] == nil && announcements(noExport, ibgp.id).count == 1)
        let subconfed = rib.apply(update: announce(["10.0.1.0/24"], communities: [.noExportSubconfed]), from: src.id)
        #expect(subconfed.exports[ebgp.id] == nil && announcements(subconfed, ibgp.id).count == 1)
        let noAdvertise = rib.apply(update: announce(["10.0.2.0/24"], communities: [.noAdvertise]), from: src.id)
        #expect(noAdvertise.exports.isEmpty)
        #expect(rib.routeCount(.ipv4Unicast) == 3)
    }

    @Test("prefixes with one attribute set go out as one announcement; only changes are sent")
    func diffs() throws {
        var rib = RIB(config: testConfig())
        let a = peer(1), b = peer(2), c = peer(3)
        for p in [a, b, c] { _ = rib.peerUp(p) }
        let first = rib.apply(update: announce(["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"], path: [65001, 9]), from: a.id)
        #expect(announcements(first, c.id).count == 1)
        #expect(announcements(first, c.id).first?.nlri.count == 3)
        let same = rib.apply(update: announce(["10.0.0.0/24"], path: [65001, 9]), from: a.id)
        #expect(same.exports.isEmpty && same.fibChanges.isEmpty, "an identical re-announcement changes nothing")
        // A worse path from b changes nothing for c, but b now hears a's route as before.
        let worse = rib.apply(update: announce(["10.0.0.0/24"], nextHop: "192.0.2.2", path: [65002, 8, 9]), from: b.id)
        #expect(worse.exports[c.id] == nil)
        // A better one from b: c gets the new best, b gets nothing new (its own route is best now,
        // so a's route is withdrawn from it: split horizon).
        let better = rib.apply(update: announce(["10.0.1.0/24"], nextHop: "192.0.2.2", path: [65002]), from: b.id)
        #expect(announcements(better, c.id).first?.attributes.asPath == ASPath(sequence: [localAS, 65002]))
        #expect(better.exports[b.id]?.withdrawals == [.ipv4Unicast([IPv4NLRI(pfx4("10.0.1.0/24"))])])
        let gone = rib.apply(update: withdraw(["10.0.2.0/24"]), from: a.id)
        #expect(gone.exports[c.id]?.withdrawals == [.ipv4Unicast([IPv4NLRI(pfx4("10.0.2.0/24"))])])
        #expect(rib.counters(peer: c.id, family: .ipv4Unicast).sent == 2)
        #expect(rib.adjRIBOut(peer: c.id, family: .ipv4Unicast).count == 2)
    }

    @Test("a new peer gets the table, then End-of-RIB for each family")
    func initialTransfer() throws {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.apply(update: announce(["10.0.0.0/24", "10.0.1.0/24"]), from: PeerID(1))
        let out = rib.peerUp(peer(2, families: [.ipv4Unicast, .ipv6Unicast]))
        let steps = try #require(out.exports[PeerID(2)]?.steps)
        #expect(steps.count == 3)
        if case .announce(let a) = steps[0] { #expect(a.nlri.count == 2) } else { Issue.record("announce first") }
        #expect(steps[1] == .endOfRIB(.ipv4Unicast) && steps[2] == .endOfRIB(.ipv6Unicast))
        let rfc8212 = RIB(config: testConfig(ebgpDefault: .rfc8212))
        var r2 = rfc8212
        let quiet = r2.peerUp(peer(3))
        #expect(quiet.exports[PeerID(3)]?.steps == [.endOfRIB(.ipv4Unicast), .endOfRIB(.ipv6Unicast), .endOfRIB(.l2vpnEVPN)])
    }

    @Test("a new export policy sends only the difference, without a session reset")
    func exportPolicyChange() throws {
        var rib = RIB(config: testConfig())
        _ = rib.peerUp(peer(1))
        _ = rib.peerUp(peer(2))
        _ = rib.apply(update: announce(["10.0.0.0/24", "10.1.0.0/24"]), from: PeerID(1))
        let only10 = PrefixList(entries: [try PrefixListEntry(prefix: pfx("10.0.0.0/16"), le: 32)])
        let pol = Policy(name: "out", terms: [PolicyTerm(conditions: [.prefix(only10)])])
        let out = rib.setPolicy(peer: PeerID(2), import: nil, export: pol)
        #expect(out.exports[PeerID(2)]?.steps == [.withdraw(.ipv4Unicast([IPv4NLRI(pfx4("10.1.0.0/24"))]))])
        let none = rib.setPolicy(peer: PeerID(2), import: nil, export: .rejectAll)
        #expect(none.exports[PeerID(2)]?.withdrawnCount == 1)
        #expect(rib.counters(peer: PeerID(2), family: .ipv4Unicast).sent == 0)
    }

    @Test("ADD-PATH send: the best path goes with path identifier 1")
    func addPathSend() {
        var rib = RIB(config: testConfig())
        var b = peer(2)
        b.addPathSend = [.ipv4Unicast]
        _ = rib.peerUp(peer(1))
        _ = rib.peerUp(b)
        let out = rib.apply(update: announce(["10.0.0.0/24"]), from: PeerID(1))
        #expect(out.exports[b.id]?.announcements.first?.nlri == .ipv4Unicast([IPv4NLRI(pfx4("10.0.0.0/24"), pathID: 1)]))
    }
}
