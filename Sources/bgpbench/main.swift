// bgpbench: release-mode benchmarks. Each subcommand lives in its own file; this file only
// dispatches. Run `swift build -c release` first, then `.build/release/bgpbench <name> [options]`.

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "rib": RIBBench.run(Array(arguments.dropFirst()))
default:
    print("usage: bgpbench rib [options]")
}
