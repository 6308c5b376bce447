import BGP
import NetAddress
@testable import RIB
import Testing

// Fixtures shared by the RIB tests: peers, UPDATE builders and a seeded random generator.

let localAS: UInt32 = 65000
let localRouterID = IPv4Address(10, 0, 0, 254)

func ip4(_ s: String) -> IPv4Address { IPv4Address(s) ?? .zero }
func ip6(_ s: String) -> IPv6Address { IPv6Address(s) ?? .zero }
func ip(_ s: String) -> IPAddress { IPAddress(s) ?? .v4(.zero) }
func pfx(_ s: String) -> IPPrefix { IPPrefix(s) ?? .v4(IPv4Prefix(key: 0)) }
func pfx4(_ s: String) -> IPv4Prefix { IPv4Prefix(s) ?? IPv4Prefix(key: 0) }
func pfx6(_ s: String) -> IPv6Prefix { IPv6Prefix(s) ?? IPv6Prefix(address: .zero, length: 0)! }

/// A config whose next hops are all reachable and whose eBGP peers accept everything.
func testConfig(maximumPaths: Int = 64, relax: Bool = false, alwaysMED: Bool = false,
                resolution: NextHopResolution = .assumeReachable, ebgpDefault: DefaultEBGPPolicy = .acceptAll) -> RIBConfig {
    RIBConfig(localAS: localAS, routerID: localRouterID, maximumPaths: maximumPaths, multipathRelax: relax,
              alwaysCompareMED: alwaysMED, defaultEBGPPolicy: ebgpDefault, nextHopResolution: resolution)
}

/// Peer `n`: address 192.0.2.n, router ID 1.1.1.n, eBGP from AS 65000+n unless `asn` says otherwise.
func peer(_ n: UInt32, asn: UInt32? = nil, routerID: IPv4Address? = nil, address: IPAddress? = nil,
          families: Set<Family> = [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN], rrClient: Bool = false,
          soft: Bool = false, importPolicy: Policy? = nil, exportPolicy: Policy? = nil,
          interface: UInt32? = nil) -> PeerInfo {
    PeerInfo(id: PeerID(n), address: address ?? .v4(IPv4Address(192, 0, 2, UInt8(truncatingIfNeeded: n))),
             asn: asn ?? (localAS + n), routerID: routerID ?? IPv4Address(1, 1, 1, UInt8(truncatingIfNeeded: n)),
             interfaceIndex: interface, localIPv4: IPv4Address(192, 0, 2, 254), families: families,
             routeReflectorClient: rrClient, softReconfiguration: soft, importPolicy: importPolicy,
             exportPolicy: exportPolicy)
}

/// An UPDATE announcing IPv4 prefixes in the NLRI field.
func announce(_ prefixes: [String], nextHop: String = "192.0.2.1", path: [UInt32] = [65001],
              origin: Origin = .igp, localPref: UInt32? = nil, med: UInt32? = nil,
              communities: [Community]? = nil, large: [LargeCommunity]? = nil, ext: [ExtendedCommunity]? = nil,
              originatorID: IPv4Address? = nil, clusterList: [IPv4Address]? = nil, asPath: ASPath? = nil,
              pathID: UInt32? = nil) -> UpdateMessage {
    let attrs = PathAttributes(origin: origin, asPath: asPath ?? ASPath(sequence: path), nextHop: ip4(nextHop),
                               med: med, localPref: localPref, communities: communities, originatorID: originatorID,
                               clusterList: clusterList, extendedCommunities: ext, largeCommunities: large)
    return UpdateMessage(attributes: attrs, nlri: prefixes.map { IPv4NLRI(pfx4($0), pathID: pathID) })
}

/// An UPDATE withdrawing IPv4 prefixes.
func withdraw(_ prefixes: [String], pathID: UInt32? = nil) -> UpdateMessage {
    UpdateMessage(withdrawn: prefixes.map { IPv4NLRI(pfx4($0), pathID: pathID) })
}

/// An UPDATE announcing IPv6 prefixes (or IPv4 ones with `v4`) in MP_REACH_NLRI.
func announceMP(v6 prefixes: [String] = [], v4: [String] = [], nextHop: NextHop, path: [UInt32] = [65001],
                ext: [ExtendedCommunity]? = nil) -> UpdateMessage {
    let attrs = PathAttributes(origin: .igp, asPath: ASPath(sequence: path), extendedCommunities: ext)
    let nlri: NLRIList = v4.isEmpty ? .ipv6Unicast(prefixes.map { IPv6NLRI(pfx6($0)) })
                                    : .ipv4Unicast(v4.map { IPv4NLRI(pfx4($0)) })
    let family: Family = v4.isEmpty ? .ipv6Unicast : .ipv4Unicast
    return UpdateMessage(attributes: attrs, mpReach: MPReach(family: family, nextHop: nextHop, nlri: nlri))
}

/// A link-bandwidth extended community (transitive, type 0x00/0x04).
func linkBandwidthCommunity(asn: UInt16, bytesPerSecond: Float) -> ExtendedCommunity {
    .linkBandwidth(asn: asn, bytesPerSecond: bytesPerSecond)
}

/// The peer of the best path to a prefix, or nil ("local" paths give nil too).
func bestPeer(_ rib: RIB, _ prefix: String) -> PeerID? {
    rib.paths(for: pfx(prefix)).first(where: \.best)?.peer
}

/// Every permutation of `items` (Heap's algorithm).
func permutations<T>(_ items: [T]) -> [[T]] {
    var a = items
    var out: [[T]] = [a]
    var c = [Int](repeating: 0, count: a.count)
    var i = 0
    while i < a.count {
        if c[i] < i {
            if i % 2 == 0 { a.swapAt(0, i) } else { a.swapAt(c[i], i) }
            out.append(a)
            c[i] += 1
            i = 0
        } else {
            c[i] = 0
            i += 1
        }
    }
    return out
}

/// SplitMix64: a small seeded generator, so randomised tests repeat exactly.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
