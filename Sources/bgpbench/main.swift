// bgpbench: release-mode benchmarks (`swift build -c release`). One file per benchmark; this
// file only dispatches on the first argument.
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "fib": await FIBBench.run(Array(arguments.dropFirst()))
default:
    print("usage: bgpbench fib [--routes N]")
    exit(2)
}
