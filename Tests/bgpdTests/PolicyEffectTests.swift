import BGP
import Logging
import NetAddress
import RIB
import Synchronization
import Testing
@testable import bgpd

/// Policies from the YAML through the daemon's own path into RIB decisions: the config loader,
/// `SessionSetup.peerInfo`, `RoutingEngine.setPolicy`/`peerUp` (as `Daemon.addPeer` calls them),
/// UPDATEs in, and what each neighbour is sent; then reloads that change a policy.
@Suite struct PolicyEffectTests {
    /// What the engine hands one neighbour's session.
    final class Sent: Sendable {
        private let exports = Mutex<[PeerExport]>([])
        private let refreshes = Mutex<[Family]>([])
        func add(_ e: PeerExport) { exports.withLock { $0.append(e) } }
        func refresh(_ f: Family) { refreshes.withLock { $0.append(f) } }
        func take() -> PeerExport { exports.withLock { all in defer { all = [] }; return PeerExport(steps: all.flatMap(\.steps)) } }
        var refreshed: [Family] { refreshes.withLock { $0 } }
    }

    static func hostConfig(export: String = "host-only", import: String = "accept-all", hostOnly: String = "^$",
                           extra: String = "") -> String {
        """
        asn: 65101
        router-id: 10.255.1.1
        fib: {install: false}
        prefix-lists:
          bogons: [{ prefix: 10.0.0.0/8, le: 32 }]
        policies:
          host-only:
            terms:
              - match: { as-path: "\(hostOnly)" }
                action: accept
          no-bogons:
            terms:
              - match: { prefix-list: bogons }
                action: reject
            default: accept
          to-fabric:
            terms:
              - match: { family: [ipv4-unicast, ipv6-unicast] }
                set:
                  prepend: { count: 2 }
                  med: 10
                  community-remove: ["65000:1"]
        neighbors:
          - address: 192.0.2.1
            remote-as: external
            import: accept-all
            export: host-only
          - address: 192.0.2.5
            remote-as: external
            import: \(`import`)
            export: \(export)
        networks: [10.255.1.1/32]
        \(extra)
        """
    }

    /// A running engine with both neighbours Established, wired as the daemon wires them.
    struct Host {
        let config: Config
        let engine: RoutingEngine
        let sent: [Sent]

        var tor1: PeerID { PeerID(1) }
        var tor2: PeerID { PeerID(2) }
    }

    func up(_ text: String) async throws -> Host {
        let c = try ConfigLoader.load(text).get()
        let e = RoutingEngine(config: c, logger: Logger(label: "test"))
        await e.start()
        await e.kernelChanged([.connected(prefix: IPPrefix("192.0.2.0/24")!, interfaceIndex: 2, present: true)])
        await e.setNetworks(c.networks)
        var sent: [Sent] = []
        for (i, n) in c.neighbors.enumerated() {
            let id = UInt32(i + 1)
            let s = Sent()
            sent.append(s)
            await e.setPolicy(PeerID(id), import: n.importPolicy, export: n.exportPolicy)
            await e.peerUp(try peerInfo(n, c, id: id, peerAS: 65010 + id), sink: { s.add($0) }, refresh: { s.refresh($0) })
        }
        return Host(config: c, engine: e, sent: sent)
    }

    /// What `PeerActor` hands the engine when the session comes up: negotiated with a peer in
    /// `peerAS` from 192.0.2.x, and built by `SessionSetup.peerInfo`.
    func peerInfo(_ n: NeighborConfig, _ c: Config, id: UInt32, peerAS: UInt32) throws -> PeerInfo {
        let setup = SessionSetup.configuration(n, global: c).session
        var peer = setup.localOpen
        let rid = IPv4Address(10, 0, 0, UInt8(id))
        peer.bgpIdentifier = rid
        peer.parameters = OpenConfiguration(asn: peerAS, routerID: rid).makeOpen().parameters
        peer.myAS = UInt16(peerAS)
        guard case .success(let s) = Negotiation.negotiate(local: setup.localOpen, peer: peer, policy: setup.policy) else {
            throw PolicyError("negotiation failed")
        }
        let remote = try #require(n.peer.address)
        return SessionSetup.peerInfo(id: id, neighbor: n, session: s, local: SocketEndpoint(address: IPAddress("192.0.2.254")!, port: 179),
                                     remote: SocketEndpoint(address: remote, port: 40000), link: nil)
    }

    func announce(_ prefixes: [String], path: [UInt32], nextHop: String, communities: [Community]? = nil) -> UpdateMessage {
        UpdateMessage(attributes: PathAttributes(origin: .igp, asPath: ASPath(sequence: path), nextHop: IPv4Address(nextHop),
                                                 communities: communities),
                      nlri: prefixes.compactMap { IPv4Prefix($0).map { IPv4NLRI($0) } })
    }

    func v4(_ list: NLRIList) -> [String] {
        if case .ipv4Unicast(let l) = list { return l.map(\.prefix.description) }
        return []
    }

    func announced(_ e: PeerExport) -> [String] { e.announcements.flatMap { v4($0.nlri) }.sorted() }
    func withdrawn(_ e: PeerExport) -> [String] { e.withdrawals.flatMap(v4).sorted() }

    func adjOut(_ h: Host, _ id: PeerID) async -> PeerExport {
        await h.engine.adjRIBOut(id, family: .ipv4Unicast, addPath: false)
    }

    func locRIB(_ h: Host) async -> [String] {
        await h.engine.routes(family: .ipv4Unicast, prefix: nil, peerNames: [:]).map(\.prefix).sorted()
    }

    // MARK: - Decisions

    /// The fabric host of Tests/interop/fabric.bash: `export: host-only` (`as-path: "^$"`)
    /// sends each ToR the host's own routes and nothing learnt from the other ToR.
    @Test func hostOnlyExportsOnlyOwnRoutes() async throws {
        let h = try await up(Self.hostConfig())
        await h.engine.apply(announce(["203.0.113.0/24"], path: [65011, 65000], nextHop: "192.0.2.1"), from: h.tor1)
        #expect(await locRIB(h) == ["10.255.1.1/32", "203.0.113.0/24"], "imported with accept-all")
        #expect(announced(await adjOut(h, h.tor2)) == ["10.255.1.1/32"])
        #expect(announced(await adjOut(h, h.tor1)) == ["10.255.1.1/32"])
        #expect(announced(h.sent[1].take()) == ["10.255.1.1/32"], "nothing of tor1's was ever sent to tor2")

        // Without the policy the same route would be sent: the test can fail.
        let open = try await up(Self.hostConfig(export: "accept-all"))
        await open.engine.apply(announce(["203.0.113.0/24"], path: [65011, 65000], nextHop: "192.0.2.1"), from: open.tor1)
        #expect(announced(await adjOut(open, open.tor2)) == ["10.255.1.1/32", "203.0.113.0/24"])
    }

    @Test func prefixListImportRejects() async throws {
        let h = try await up(Self.hostConfig(import: "no-bogons"))
        await h.engine.apply(announce(["10.1.0.0/16", "203.0.113.0/24"], path: [65012], nextHop: "192.0.2.5"), from: h.tor2)
        #expect(await locRIB(h) == ["10.255.1.1/32", "203.0.113.0/24"])
        let c = await h.engine.counters(h.tor2, families: [.ipv4Unicast])[.ipv4Unicast]
        #expect(c?.received == 2 && c?.accepted == 1)
    }

    /// `set:` changes from the YAML reach the wire: two prepends of our AS (then ours once more
    /// for eBGP), a MED sent without send-med, a community removed.
    @Test func exportSetChanges() async throws {
        let h = try await up(Self.hostConfig(export: "to-fabric"))
        await h.engine.apply(announce(["203.0.113.0/24"], path: [65011], nextHop: "192.0.2.1",
                                      communities: [Community(asn: 65000, value: 1), Community(asn: 65000, value: 2)]), from: h.tor1)
        let out = await adjOut(h, h.tor2)
        let own = try #require(out.announcements.first { v4($0.nlri).contains("10.255.1.1/32") })
        #expect(own.attributes.asPath == ASPath(sequence: [65101, 65101, 65101]))
        #expect(own.attributes.med == 10)
        let transit = try #require(out.announcements.first { v4($0.nlri).contains("203.0.113.0/24") })
        #expect(transit.attributes.asPath == ASPath(sequence: [65101, 65101, 65101, 65011]))
        #expect(transit.attributes.communities == [Community(asn: 65000, value: 2)])
    }

    /// RFC 8212: an eBGP neighbour without import or export exchanges nothing; `policy:
    /// accept-all` changes that on reload without resetting the session.
    @Test func rfc8212DefaultAndItsReload() async throws {
        let strict = Self.hostConfig().replacingOccurrences(of: "    import: accept-all\n    export: host-only\n  - address: 192.0.2.5",
                                                           with: "  - address: 192.0.2.5")
        let h = try await up(strict)
        #expect(h.config.neighbors[0].importPolicy == nil)
        await h.engine.apply(announce(["203.0.113.0/24"], path: [65011], nextHop: "192.0.2.1"), from: h.tor1)
        #expect(await locRIB(h) == ["10.255.1.1/32"])
        #expect(announced(await adjOut(h, h.tor1)).isEmpty)

        let relaxed = try ConfigLoader.load(strict + "\npolicy: accept-all\n").get()
        let d = ConfigDiff.compute(old: h.config, new: relaxed)
        #expect(d.defaultPolicyChanged && !d.restartAll && d.neighbors.isEmpty)
        _ = h.sent[0].take()
        await h.engine.updateDefaultPolicy(relaxed)
        #expect(announced(h.sent[0].take()) == ["10.255.1.1/32"], "the export difference is sent")
        #expect(h.sent[0].refreshed == [.ipv4Unicast, .ipv6Unicast], "routes asked for again to judge them")
    }

    // MARK: - Reload

    @Test func reloadChangingExportPolicy() async throws {
        let h = try await up(Self.hostConfig())
        await h.engine.apply(announce(["203.0.113.0/24"], path: [65011], nextHop: "192.0.2.1"), from: h.tor1)
        _ = h.sent[1].take()

        // tor2's export becomes accept-all: a policy change, not a session restart.
        let opened = try ConfigLoader.load(Self.hostConfig(export: "accept-all")).get()
        let d = ConfigDiff.compute(old: h.config, new: opened)
        #expect(d.neighbors == [.policy(opened.neighbors[1])])
        #expect(!d.restartAll)
        await h.engine.setPolicy(h.tor2, import: opened.neighbors[1].importPolicy, export: opened.neighbors[1].exportPolicy)
        let delta = h.sent[1].take()
        #expect(announced(delta) == ["203.0.113.0/24"], "only the difference is sent")
        #expect(delta.endOfRIB.isEmpty)
        #expect(delta.announcements.first?.attributes.asPath == ASPath(sequence: [65101, 65011]))
        #expect(h.sent[1].refreshed.isEmpty, "the import policy did not change")

        // Back to host-only: the transit route is withdrawn, the host's own stays.
        let back = try ConfigLoader.load(Self.hostConfig()).get()
        #expect(ConfigDiff.compute(old: opened, new: back).neighbors == [.policy(back.neighbors[1])])
        await h.engine.setPolicy(h.tor2, import: back.neighbors[1].importPolicy, export: back.neighbors[1].exportPolicy)
        let undo = h.sent[1].take()
        #expect(withdrawn(undo) == ["203.0.113.0/24"] && announced(undo).isEmpty)
    }

    /// Editing a declared policy (same names everywhere) is a policy change for every neighbour
    /// that uses it, and for no other.
    @Test func reloadChangingAPolicyDefinition() throws {
        let a = try ConfigLoader.load(Self.hostConfig(export: "reject-all")).get()
        let b = try ConfigLoader.load(Self.hostConfig(export: "reject-all", hostOnly: ".*")).get()
        let d = ConfigDiff.compute(old: a, new: b)
        #expect(d.neighbors == [.policy(b.neighbors[0])])
        #expect(d.policiesChanged && !d.restartAll)
        // A declaration no neighbour uses (bogons, through no-bogons) changing is no neighbour's business.
        let c = try ConfigLoader.load(Self.hostConfig().replacingOccurrences(of: "le: 32", with: "le: 24")).get()
        let e = ConfigDiff.compute(old: try ConfigLoader.load(Self.hostConfig()).get(), new: c)
        #expect(e.neighbors.isEmpty && e.policiesChanged)
    }

    /// A new import policy is applied from the soft-reconfiguration copy, without a refresh;
    /// without the copy the neighbour is asked for its routes again.
    @Test func reloadChangingImportPolicy() async throws {
        let h = try await up(Self.hostConfig())
        await h.engine.apply(announce(["10.1.0.0/16"], path: [65012], nextHop: "192.0.2.5"), from: h.tor2)
        #expect(await locRIB(h) == ["10.1.0.0/16", "10.255.1.1/32"])
        let n = try ConfigLoader.load(Self.hostConfig(import: "no-bogons")).get()
        #expect(ConfigDiff.compute(old: h.config, new: n).neighbors == [.policy(n.neighbors[1])])
        await h.engine.setPolicy(h.tor2, import: n.neighbors[1].importPolicy, export: n.neighbors[1].exportPolicy)
        #expect(h.sent[1].refreshed == [.ipv4Unicast, .ipv6Unicast])
        await h.engine.apply(announce(["10.1.0.0/16"], path: [65012], nextHop: "192.0.2.5"), from: h.tor2)
        #expect(await locRIB(h) == ["10.255.1.1/32"], "the resent route is judged by the new policy")

        let softText = Self.hostConfig().replacingOccurrences(of: "    export: host-only\nnetworks", with: "    export: host-only\n    soft-reconfiguration: true\nnetworks")
        let s = try await up(softText)
        #expect(s.config.neighbors[1].softReconfiguration)
        await s.engine.apply(announce(["10.1.0.0/16"], path: [65012], nextHop: "192.0.2.5"), from: s.tor2)
        let sn = try ConfigLoader.load(softText.replacingOccurrences(of: "import: accept-all\n    export: host-only\n    soft",
                                                                      with: "import: no-bogons\n    export: host-only\n    soft")).get()
        #expect(ConfigDiff.compute(old: s.config, new: sn).neighbors == [.policy(sn.neighbors[1])])
        await s.engine.setPolicy(s.tor2, import: sn.neighbors[1].importPolicy, export: sn.neighbors[1].exportPolicy)
        #expect(s.sent[1].refreshed.isEmpty)
        #expect(await locRIB(s) == ["10.255.1.1/32"])
    }

    /// The daemon sets the policy before the session comes up; a session that comes up after a
    /// reload changed it gets the new one even if its `PeerInfo` was built from the old config.
    @Test func peerUpUsesTheLatestConfiguredPolicy() async throws {
        let c = try ConfigLoader.load(Self.hostConfig()).get()
        let e = RoutingEngine(config: c, logger: Logger(label: "test"))
        await e.start()
        await e.setNetworks(c.networks)
        await e.setPolicy(PeerID(2), import: nil, export: .rejectAll)
        let s = Sent()
        await e.peerUp(try peerInfo(c.neighbors[1], c, id: 2, peerAS: 65012), sink: { s.add($0) })
        #expect(announced(s.take()).isEmpty, "reject-all from the reload wins over host-only in the stale PeerInfo")
    }
}
