// bgpbench: release-mode benchmarks. `bgpbench <name> [options]`; each benchmark lives in its own
// file and reports its figures on stdout. Keep this file a dispatcher only.
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "decode":
    runDecodeBench(args: Array(arguments.dropFirst()))
case "session":
    runSessionBench(args: Array(arguments.dropFirst()))
default:
    print("usage: bgpbench decode|session [--prefixes N] [--passes N]")
    exit(2)
}
