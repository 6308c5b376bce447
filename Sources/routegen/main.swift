// routegen: the route generator the side-by-side benchmark (bench/compare.sh) feeds every daemon
// with, and a fast kernel route counter. It encodes its UPDATEs itself, byte by byte, so that
// bgpd's own codec is not what produces the load it is measured on.
//
//   routegen feed --peer ADDR --local ADDR --asn N --peer-asn N --routes N [--seed S] [--hold S]
//   routegen count [--proto N] [--family 4|6] [--table N]
//   routegen wait-kernel --proto N --count N [--timeout S]

import Foundation

let args = Array(CommandLine.arguments.dropFirst())
guard let command = args.first else {
    FileHandle.standardError.write("usage: routegen feed|count|wait-kernel ...\n".data(using: .utf8)!)
    exit(2)
}
var options: [String: String] = [:]
var i = 1
while i < args.count {
    let k = args[i]
    guard k.hasPrefix("--"), i + 1 < args.count else {
        FileHandle.standardError.write("routegen: bad argument \(k)\n".data(using: .utf8)!)
        exit(2)
    }
    options[String(k.dropFirst(2))] = args[i + 1]
    i += 2
}

let parsedOptions = options
func opt(_ k: String, _ d: String? = nil) -> String {
    let options = parsedOptions
    if let v = options[k] ?? d { return v }
    FileHandle.standardError.write("routegen: --\(k) is required\n".data(using: .utf8)!)
    exit(2)
}

switch command {
case "feed":
    let plan = FeedPlan(routes: Int(opt("routes"))!, asn: UInt32(opt("asn"))!, seed: UInt64(opt("seed", "1"))!,
                        nextHop: opt("local"), prefixesPerUpdate: Int(opt("per-update", "8"))!)
    let speaker = Speaker(peer: opt("peer"), local: opt("local"), asn: UInt32(opt("asn"))!,
                          routerID: opt("router-id", opt("local")), hold: UInt16(opt("hold", "90"))!)
    speaker.run(updates: plan.encode())
case "count":
    print(KernelRoutes.count(proto: UInt8(opt("proto", "0"))!, family: opt("family", "4") == "6" ? 10 : 2,
                             table: UInt32(opt("table", "254"))!))
case "wait-kernel":
    // Polls until the kernel holds `count` routes of `proto`; prints the seconds it took.
    let want = Int(opt("count"))!
    let proto = UInt8(opt("proto"))!
    let timeout = Double(opt("timeout", "600"))!
    let start = Date()
    while true {
        let n = KernelRoutes.count(proto: proto, family: 2, table: 254)
        if n >= want { print(String(format: "%.3f", Date().timeIntervalSince(start))); exit(0) }
        if Date().timeIntervalSince(start) > timeout { print("timeout \(n)"); exit(1) }
        usleep(n * 2 > want ? 50_000 : 200_000)
    }
default:
    FileHandle.standardError.write("routegen: unknown command \(command)\n".data(using: .utf8)!)
    exit(2)
}
