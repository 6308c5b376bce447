import NetAddress

/// One way out of an ECMP set, in kernel terms but without any kernel encoding.
///
/// An IPv4 route may leave through an IPv6 gateway (RFC 8950, unnumbered peers): the gateway's
/// family need not match the prefix's.
public struct FIBNextHop: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The neighbour to forward to; nil for a device route.
    public var gateway: IPAddress?
    /// The outgoing interface (Linux ifindex); nil when the kernel is to look it up.
    public var interfaceIndex: UInt32?
    /// The gateway is reachable on the interface without a connected prefix covering it (a
    /// link-local gateway, or an IPv6 gateway for an IPv4 route): the kernel needs `onlink`.
    public var onlink: Bool
    /// Relative weight within the set, at least 1. Equal unless every path of the set carries a
    /// link-bandwidth extended community; then proportional to bandwidth, in lowest terms, at most 100.
    public var weight: UInt32

    public init(gateway: IPAddress?, interfaceIndex: UInt32?, onlink: Bool = false, weight: UInt32 = 1) {
        self.gateway = gateway
        self.interfaceIndex = interfaceIndex
        self.onlink = onlink
        self.weight = weight
    }

    public var description: String {
        var s = gateway.map { "via \($0)" } ?? "direct"
        if let i = interfaceIndex { s += " dev #\(i)" }
        if onlink { s += " onlink" }
        if weight != 1 { s += " weight \(weight)" }
        return s
    }

    public static func < (a: FIBNextHop, b: FIBNextHop) -> Bool {
        if a.gateway != b.gateway {
            switch (a.gateway, b.gateway) {
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): return x < y
            }
        }
        return (a.interfaceIndex ?? 0) < (b.interfaceIndex ?? 0)
    }
}

/// A change the kernel's forwarding table should make, as the RIB sees it. The daemon hands these
/// to the FIB writer in order; the RIB never learns how they are encoded.
public struct FIBChange: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// A prefix that had no BGP route gets one.
        case add
        /// A prefix keeps a BGP route with another next-hop set.
        case replace
        /// The prefix no longer has a BGP route to install.
        case delete
    }

    public var kind: Kind
    public var prefix: IPPrefix
    /// The ordered ECMP set (best path first); empty for `.delete`.
    public var nextHops: [FIBNextHop]

    public init(kind: Kind, prefix: IPPrefix, nextHops: [FIBNextHop]) {
        self.kind = kind
        self.prefix = prefix
        self.nextHops = nextHops
    }

    public var description: String {
        "\(kind.rawValue) \(prefix)" + (nextHops.isEmpty ? "" : " " + nextHops.map(\.description).joined(separator: ", "))
    }
}
