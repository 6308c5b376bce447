import NetAddress
import Testing
@testable import bgpd

/// Reload: which changes reset which sessions.
@Suite struct ConfigDiffTests {
    func config(_ text: String) throws -> Config {
        try ConfigLoader.load("asn: 65001\nrouter-id: 10.0.0.1\n" + text).get()
    }

    @Test func networksAndDescriptionsNeverResetSessions() throws {
        let a = try config("neighbors:\n  - address: 192.0.2.2\n    remote-as: 65002\nnetworks: [10.1.0.0/24]\n")
        let b = try config("neighbors:\n  - address: 192.0.2.2\n    remote-as: 65002\n    description: new\nnetworks: [10.2.0.0/24]\n")
        let d = ConfigDiff.compute(old: a, new: b)
        #expect(d.networksChanged)
        #expect(!d.restartAll)
        #expect(d.neighbors == [.update(b.neighbors[0])])
        #expect(ConfigDiff.compute(old: a, new: a).isEmpty)
    }

    @Test func sessionParametersRestartOnlyThatNeighbour() throws {
        let a = try config("""
            neighbors:
              - address: 192.0.2.2
                remote-as: 65002
              - interface: eth0
                remote-as: external
            """)
        let b = try config("""
            neighbors:
              - address: 192.0.2.2
                remote-as: 65002
                password: x
              - interface: eth0
                remote-as: external
              - address: 192.0.2.3
                remote-as: 65003
            """)
        let d = ConfigDiff.compute(old: a, new: b)
        #expect(d.neighbors == [.restart(b.neighbors[0]), .add(b.neighbors[2])])
        let c = try config("neighbors:\n  - interface: eth0\n    remote-as: external\n    shutdown: true\n")
        let d2 = ConfigDiff.compute(old: a, new: c)
        #expect(d2.neighbors == [.remove(a.neighbors[0].key), .shutdown(c.neighbors[0])])
        #expect(ConfigDiff.compute(old: c, new: a).neighbors == [.add(a.neighbors[0]), .enable(a.neighbors[1])])
    }

    @Test func globalChanges() throws {
        let a = try config("")
        var b = a
        b.asn = 65009
        #expect(ConfigDiff.compute(old: a, new: b).restartAll)
        var c = a
        c.pidFile = "/tmp/x.pid"
        #expect(ConfigDiff.compute(old: a, new: c).needsRestart == ["pidfile"])
        var m = a
        m.metrics = MetricsConfig(address: IPAddress("127.0.0.1")!, port: 9179)
        let d = ConfigDiff.compute(old: a, new: m)
        #expect(d.metricsChanged && !d.restartAll && d.neighbors.isEmpty)
    }
}
