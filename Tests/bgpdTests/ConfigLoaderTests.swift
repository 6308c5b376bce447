import Foundation
import BGP
import NetAddress
import Testing
@testable import bgpd

/// Configuration loading: the documented example, defaults, and every kind of mistake with
/// its line and column.
@Suite struct ConfigLoaderTests {
    static let example = """
        asn: 65001
        router-id: 10.0.0.1
        listen: {port: 179}
        neighbors:
          - interface: eth0          # unnumbered
            remote-as: external      # external | internal | a number
          - address: 192.0.2.2
            remote-as: 65002
            port: 179
            password: s3cret         # optional TCP-MD5
            ttl-security: true       # optional GTSM
            families: [ipv4-unicast, ipv6-unicast, l2vpn-evpn]
            add-path: receive        # receive | send | both (RFC 7911)
        networks: [10.1.0.1/32, 2001:db8:1::/64]
        """

    func errors(_ text: String) -> [ConfigError] {
        if case .failure(let e) = ConfigLoader.load(text) { return e.errors }
        return []
    }

    @Test func issueExample() throws {
        let c = try ConfigLoader.load(Self.example).get()
        #expect(c.asn == 65001)
        #expect(c.routerID == IPv4Address(10, 0, 0, 1))
        #expect(c.listen.port == 179)
        #expect(c.listen.address == .v6(.zero))
        #expect(c.neighbors.count == 2)
        let u = c.neighbors[0]
        #expect(u.peer == .interface("eth0"))
        #expect(u.remoteAS == .external)
        #expect(u.extendedNextHop)
        #expect(u.linkLocalNextHop == .double)
        #expect(u.families == [.ipv4Unicast, .ipv6Unicast])
        let n = c.neighbors[1]
        #expect(n.peer == .address(IPAddress("192.0.2.2")!, interface: nil))
        #expect(n.remoteAS == .number(65002))
        #expect(n.password == "s3cret")
        #expect(n.ttlSecurity)
        #expect(n.families == [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN])
        #expect(n.addPath == .receive)
        #expect(!n.extendedNextHop)
        #expect(c.networks == [IPPrefix("10.1.0.1/32")!, IPPrefix("2001:db8:1::/64")!])
        #expect(c.controlSocket == "/run/bgpd/bgpd.sock")
        #expect(c.gracefulRestart == GracefulRestartConfig(enabled: true, restartTime: 120))
    }

    /// The shipped example stays valid.
    @Test func shippedExampleLoads() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let path = parts.joined(separator: "/") + "/examples/bgpd.yaml"
        let c = try loadConfigFile(path).get()
        #expect(c.neighbors.map(\.key.description) == ["swp1", "swp2", "192.0.2.2"])
        #expect(c.metrics != nil)
    }

    /// The configuration README shows under "Running bgpd" loads, with its policies attached.
    @Test func readmeExampleLoads() throws {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let readme = try String(contentsOfFile: parts.joined(separator: "/") + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "```yaml\n# /etc/bgpd/bgpd.yaml"))
        let body = readme[readme.index(start.lowerBound, offsetBy: 8)...]
        let end = try #require(body.range(of: "```"))
        let c = try ConfigLoader.load(String(body[..<end.lowerBound])).get()
        #expect(c.neighbors.count == 2)
        #expect(c.neighbors.allSatisfy { $0.exportPolicy != nil && $0.importPolicy != nil })
        #expect(c.networks.count == 2)
    }

    /// RFC 8212 by default; `policy: accept-all` and `ebgp-requires-policy: false` are the same
    /// switch (docs/policy.md and FRR's words), and contradicting spellings are refused.
    @Test func defaultPolicySpellings() throws {
        let head = "asn: 65001\nrouter-id: 10.0.0.1\n"
        func requires(_ extra: String) throws -> Bool { try ConfigLoader.load(head + extra).get().ebgpRequiresPolicy }
        #expect(try requires(""))
        #expect(try requires("policy: accept-all\n") == false)
        #expect(try requires("ebgp-requires-policy: false\n") == false)
        #expect(try requires("policy: rfc8212\n"))
        #expect(try requires("policy: accept-all\nebgp-requires-policy: false\n") == false)
        let contradiction = errors(head + "ebgp-requires-policy: true\npolicy: accept-all\n")
        #expect(contradiction.count == 1)
        #expect(contradiction.first?.line == 4)
        #expect(contradiction.first?.message.contains("contradicts ebgp-requires-policy") == true)
        let bad = errors(head + "policy: permit-all\n")
        #expect(bad.first?.message == "policy must be one of accept-all, rfc8212, not 'permit-all'")
        let rib = RoutingEngine.ribConfig(try ConfigLoader.load(head + "policy: accept-all\n").get())
        #expect(rib.defaultEBGPPolicy == .acceptAll)
        #expect(rib.warnsAcceptAllDefault)
    }

    /// ECMP settings reach the RIB; a host with ToRs in two ASes needs multipath-relax.
    @Test func multipathSettings() throws {
        let head = "asn: 65001\nrouter-id: 10.0.0.1\n"
        let d = try ConfigLoader.load(head).get()
        #expect(d.maximumPaths == 64 && !d.multipathRelax)
        let c = try ConfigLoader.load(head + "maximum-paths: 8\nmultipath-relax: true\n").get()
        let rib = RoutingEngine.ribConfig(c)
        #expect(rib.maximumPaths == 8)
        #expect(rib.multipathRelax)
        #expect(errors(head + "maximum-paths: 0\n").count == 1)
        #expect(errors(head + "multipath-relax: sometimes\n").count == 1)
        let gr = try ConfigLoader.load(head + "graceful-restart: {preserve-forwarding: false}\n").get()
        #expect(!gr.gracefulRestart.preserveForwarding)
        #expect(ConfigDiff.compute(old: d, new: c).restartAll)
    }

    @Test func timersInheritAndOverride() throws {
        let c = try ConfigLoader.load("""
            asn: 4200000001
            router-id: 10.0.0.1
            timers: {hold-time: 9, keepalive: 3, connect-retry: 1}
            neighbors:
              - address: fe80::1
                interface: eth1
                remote-as: 1.10
                timers: {hold-time: 30}
                passive: true
                shutdown: true
                description: spine 1
                link-local-next-hop: native
            metrics: {listen: "[::1]:9179"}
            pidfile: false
            fib: {keep-on-exit: true}
            """).get()
        #expect(c.asn == 4_200_000_001)
        #expect(c.timers == TimerConfig(holdTime: 9, keepalive: 3, connectRetry: 1))
        let n = c.neighbors[0]
        #expect(n.timers == TimerConfig(holdTime: 30, keepalive: 3, connectRetry: 1))
        #expect(n.remoteAS == .number(65546))
        #expect(n.passive && n.shutdown)
        #expect(n.description == "spine 1")
        #expect(n.extendedNextHop)   // link-local peers get it by default
        #expect(n.linkLocalNextHop == .native)
        #expect(n.key == PeerKey(interface: "eth1", address: "fe80::1"))
        #expect(c.metrics == MetricsConfig(address: IPAddress("::1")!, port: 9179))
        #expect(c.pidFile == nil)
        #expect(c.fib.keepOnExit)
    }

    @Test func unknownKeysAreErrorsWithSuggestion() {
        let e = errors("""
            asn: 65001
            router-id: 10.0.0.1
            neighbours:
              - interface: eth0
            """)
        #expect(e == [ConfigError(line: 3, column: 1, "unknown key 'neighbours' in the configuration; did you mean 'neighbors'?")])
        let e2 = errors("""
            asn: 65001
            router-id: 10.0.0.1
            neighbors:
              - interface: eth0
                remote-as: external
                remote_as: 5
            """)
        #expect(e2.map(\.line) == [6])
        #expect(e2.map(\.column) == [5])
        #expect(e2.first?.message.contains("did you mean 'remote-as'") == true)
    }

    @Test func everyProblemIsReportedWithItsPlace() {
        let e = errors("""
            asn: 0
            router-id: 10.0.0.256
            listen: {port: 70000}
            neighbors:
              - address: 192.0.2.2
                remote-as: 65002
                ttl-security: yes
                families: [ipv4-unicast, ipv4-flowspec]
              - address: 192.0.2.2
                remote-as: 65003
              - interface: eth0
              - address: fe80::2
                remote-as: external
                hold-time: 5
            networks: [10.1.0.1/24, 2001:db8::/129, 10.9.0.0/16, 10.9.0.0/16]
            """)
        let got = e.map { "\($0.line):\($0.column)" }
        #expect(got == ["1:6", "2:12", "3:16", "7:19", "8:30", "9:5", "11:5", "12:14", "14:5",
                        "15:12", "15:25", "15:54"])
        #expect(e[0].message == "asn 0 is reserved and cannot be used as an AS number")
        #expect(e[1].message.contains("router-id must be an IPv4 address"))
        #expect(e[3].message == "ttl-security must be true or false, not 'yes'")
        #expect(e[4].message.contains("unknown family 'ipv4-flowspec'"))
        #expect(e[5].message == "duplicate neighbor 192.0.2.2 (first defined on line 5)")
        #expect(e[6].message == "neighbor eth0 needs remote-as: external, internal or an AS number")
        #expect(e[7].message.contains("needs 'interface:'"))
        #expect(e[9].message == "network 10.1.0.1/24 has host bits set; did you mean 10.1.0.0/24?")
        #expect(e[11].message == "network 10.9.0.0/16 is listed twice (first on line 15)")
    }

    @Test func requiredAndTypeErrors() {
        #expect(errors("") == [ConfigError(line: 1, column: 1, "the configuration is empty; asn and router-id are required")])
        let e = errors("asn: [1]\nneighbors: {a: 1}\n")
        #expect(e.map(\.line) == [1, 1, 2])
        #expect(e[0].message.contains("router-id is required"))
        #expect(e[1].message == "asn must be a single value, not a list")
        #expect(e[2].message == "neighbors must be a list, not a mapping")
        let t = errors("asn: 1\nrouter-id: 1.1.1.1\ntimers: {hold-time: 2, keepalive: 90}\n")
        #expect(t.map(\.message) == ["hold-time must be 0 or at least 3 seconds (RFC 4271), not 2",
                                     "keepalive 90 must be less than hold-time 90"])
        let p = errors("asn: 1\nrouter-id: 1.1.1.1\nneighbors:\n  - address: 10.0.0.2\n    remote-as: 2\n    password: \(String(repeating: "x", count: 81))\n")
        #expect(p.map(\.line) == [6])
    }

    @Test func yamlSyntaxAndDuplicateKeys() {
        let e = errors("asn: 1\nrouter-id: [1.1.1.1\n")
        #expect(e.count == 1)
        #expect(e[0].message.hasPrefix("YAML syntax"))
        #expect(e[0].line == 3)
        let d = errors("asn: 1\nasn: 2\nrouter-id: 1.1.1.1\n")
        #expect(d.count == 1)
        #expect(d[0].message.contains("'asn' appears twice"))
    }

    @Test func formattedWithFileName() {
        let e = ConfigError(line: 3, column: 7, "bad")
        #expect(e.formatted(file: "/etc/bgpd.yaml") == "/etc/bgpd.yaml:3:7: bad")
    }

    @Test func remoteASAcceptance() {
        #expect(RemoteAS.external.accepts(65002, localAS: 65001))
        #expect(!RemoteAS.external.accepts(65001, localAS: 65001))
        #expect(RemoteAS.internal.accepts(65001, localAS: 65001))
        #expect(!RemoteAS.number(5).accepts(6, localAS: 1))
    }
}
