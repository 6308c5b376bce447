// bgpbench: release-mode benchmarks (`swift build -c release`). `bgpbench <name> [options]`;
// each benchmark lives in its own file and reports its figures on stdout. Keep this file a
// dispatcher only.
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "decode":
    runDecodeBench(args: Array(arguments.dropFirst()))
case "session":
    runSessionBench(args: Array(arguments.dropFirst()))
case "rib":
    RIBBench.run(Array(arguments.dropFirst()))
case "fib":
    await FIBBench.run(Array(arguments.dropFirst()))
default:
    print("usage: bgpbench decode [--prefixes N] [--passes N] | session [--prefixes N] [--passes N] | rib [--prefixes N] [--per-update K] [--export] | fib [--routes N]")
    exit(2)
}
