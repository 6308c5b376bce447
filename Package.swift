// swift-tools-version:6.1
//
// swiftbgp: a BGP speaker for routing on the host.
//
// Dependency direction is fixed (see README "Architecture"):
//   NetAddress  <- BGP <- RIB
//   NetAddress  <- FIBNetlink (knows nothing of BGP)
//   NetAddress  <- Capture    (pcap reading, knows nothing of BGP)
//   bgpd wires BGP, RIB, FIBNetlink, Capture and does all I/O.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "swiftbgp",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bgpd", targets: ["bgpd"]),
        .library(name: "BGP", targets: ["BGP"]),
        .library(name: "RIB", targets: ["RIB"]),
        .library(name: "FIBNetlink", targets: ["FIBNetlink"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // A tiny shared module: IPv4/IPv6 addresses, prefixes, MAC addresses.
        .target(name: "NetAddress", swiftSettings: strict),

        // The BGP wire codec, capabilities, negotiation and the session FSM. Pure: no sockets, clocks or kernel.
        .target(name: "BGP", dependencies: ["NetAddress"], swiftSettings: strict),

        // Adj-RIB-In, Loc-RIB, best path, ECMP, policy, Adj-RIB-Out. Uses BGP's value types; never the kernel.
        .target(name: "RIB", dependencies: ["BGP", "NetAddress"], swiftSettings: strict),

        // Kernel headers for rtnetlink (constants and struct layouts only).
        .target(name: "CNetlink"),
        // Pure-Swift rtnetlink: routes, nexthop objects, neighbours, FDB, links and addresses. Knows nothing of BGP.
        .target(name: "FIBNetlink", dependencies: ["NetAddress", "CNetlink"], exclude: ["README.md"], swiftSettings: strict),

        // pcap/pcapng reading with TCP reassembly (used by `bgpd decode`, `bgpd replay` and the tests).
        .target(name: "Capture", dependencies: ["NetAddress"], swiftSettings: strict),

        // libbsd: pidfile, setproctitle, strtonum.
        .systemLibrary(name: "CLibBSD", providers: [.apt(["libbsd-dev"])]),

        .executableTarget(
            name: "bgpd",
            dependencies: [
                "BGP", "RIB", "FIBNetlink", "Capture", "NetAddress", "CLibBSD",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),

        // A small kernel-FIB helper for tests and operators: installs routes through FIBWriter and
        // stays running (the restart-reconciliation test SIGKILLs it), or prints the writer's snapshot.
        .executableTarget(name: "fibctl", dependencies: ["FIBNetlink", "NetAddress"], swiftSettings: strict),

        // Release-mode benchmarks (decode, RIB, FIB). Reports CPU seconds, wall seconds and peak RSS.
        .executableTarget(
            name: "bgpbench",
            dependencies: ["BGP", "RIB", "FIBNetlink", "NetAddress"],
            swiftSettings: strict
        ),

        // The route generator and kernel route counter used by bench/compare.sh.
        .executableTarget(name: "routegen", swiftSettings: strict),

        .testTarget(name: "NetAddressTests", dependencies: ["NetAddress"]),
        .testTarget(name: "BGPTests", dependencies: ["BGP", "NetAddress", "Capture"], resources: []),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "NetAddress"]),
        .testTarget(name: "RIBTests", dependencies: ["RIB", "BGP", "NetAddress", "Capture"]),
        .testTarget(name: "FIBNetlinkTests", dependencies: ["FIBNetlink", "NetAddress", "fibctl"], exclude: ["Fixtures", "Fuzz"]),
        .testTarget(name: "bgpdTests", dependencies: ["bgpd", "BGP", "RIB", "FIBNetlink", "NetAddress", "Capture"]),
    ]
)
