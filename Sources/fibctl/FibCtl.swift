// fibctl: a small front end to FIBWriter for tests and operators.
//
//   fibctl [--netns NS] install --count N [--base 10.200.0.0] [--nexthop GW@DEV]... [--stay]
//       Installs N /24 routes (from --base up) through the writer; with --stay it then keeps
//       running until killed (the restart test SIGKILLs it to leave routes behind).
//   fibctl [--netns NS] show [--limit N]
//       Adopts what is in the kernel (never removing anything) and prints the snapshot.

import FIBNetlink
import Glibc
import NetAddress

@main
struct FibCtl {
    static func say(_ s: String) {
        let line = s + "\n"
        _ = line.withCString { write(1, $0, strlen($0)) }
    }

    static func fail(_ s: String) -> Never {
        let line = "fibctl: " + s + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }

    static func main() async {
        var args = Array(CommandLine.arguments.dropFirst())
        var namespace: String?
        if args.first == "--netns", args.count >= 2 { namespace = args[1]; args.removeFirst(2) }
        guard let command = args.first else { fail("usage: fibctl [--netns NS] install|show ...") }
        args.removeFirst()
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            return args[i + 1]
        }
        var configuration = FIBConfiguration(namespace: namespace)
        configuration.staleRouteTimeout = nil
        do {
            switch command {
            case "install":
                guard let count = option("--count").flatMap({ Int($0) }), count > 0 else { fail("install needs --count N") }
                guard let base = IPv4Address(option("--base") ?? "10.200.0.0") else { fail("bad --base") }
                let links = try NetlinkSocket(namespace: namespace).links()
                var hops: [FIBNextHop] = []
                for (i, a) in args.enumerated() where a == "--nexthop" && i + 1 < args.count {
                    let parts = args[i + 1].split(separator: "@")
                    guard parts.count == 2, let gw = IPAddress(parts[0]) else { fail("bad --nexthop \(args[i + 1]) (GW@DEV)") }
                    guard let link = links.first(where: { $0.name == String(parts[1]) }) else { fail("no interface \(parts[1])") }
                    hops.append(FIBNextHop(gateway: gw, interfaceIndex: link.index))
                }
                guard !hops.isEmpty else { fail("install needs --nexthop GW@DEV") }
                let writer = try FIBWriter(configuration: configuration)
                try await writer.start()
                await writer.converged()
                var changes: [FIBChange] = []
                for i in 0..<count {
                    guard let p = IPv4Prefix(address: IPv4Address(base.value &+ UInt32(i) << 8), length: 24) else { fail("bad prefix") }
                    changes.append(.add(FIBRoute(prefix: .v4(p), nextHops: hops)))
                }
                let result = await writer.apply(changes)
                say("installed \(result.accepted) failed \(result.failures.count)")
                if args.contains("--stay") {
                    while true { try await Task.sleep(for: .seconds(3600)) }
                }
            case "show":
                configuration.monitor = false
                configuration.enableOffloadNotifications = false
                let writer = try FIBWriter(configuration: configuration)
                try await writer.start()
                let snap = await writer.snapshot(limit: option("--limit").flatMap { Int($0) } ?? Int.max)
                say("\(snap.totalRoutes) routes, \(snap.nexthopObjects.count) nexthop objects, mode \(snap.mode), table \(snap.table), metric \(snap.metric)")
                for r in snap.routes { say(r.description) }
                for o in snap.nexthopObjects {
                    if let m = o.members { say("id \(o.id) group \(m.map { "\($0.id),\($0.weight)" }.joined(separator: "/")) refs \(o.references)") }
                    else if let h = o.nextHop { say("id \(o.id) \(h) refs \(o.references)") }
                }
            default:
                fail("unknown command \(command)")
            }
        } catch {
            fail("\(error)")
        }
    }
}
