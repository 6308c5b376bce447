import CLibBSD
import Glibc

/// What `ps` shows for the daemon, through libbsd's setproctitle(3): `bgpd: AS 65101 router-id
/// 10.255.1.1, 2 neighbors, /etc/bgpd/bgpd.yaml`, so that several daemons on one host (one per
/// namespace, as in the tests) tell themselves apart. Set at start and after each reload.
enum ProcessTitle {
    /// Takes over argv's memory for the title; call once, early, before anything else reads
    /// argv or the environment through their original pointers.
    static func prepare() {
        setproctitle_init(CommandLine.argc, CommandLine.unsafeArgv, environ)
    }

    static func set(_ title: String) {
        swiftbgp_setproctitle(title)
    }

    /// The title for a daemon running `config`, read from `path`.
    static func describe(_ config: Config, path: String) -> String {
        let n = config.neighbors.count
        return "AS \(config.asn) router-id \(config.routerID), \(n) neighbor\(n == 1 ? "" : "s"), \(path)"
    }
}
