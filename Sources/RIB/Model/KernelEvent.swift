import NetAddress

/// Where a locally known route came from, for `redistribute`.
public enum LocalRouteSource: String, Hashable, Sendable, CaseIterable, Comparable {
    /// The subnet of an address configured on an interface.
    case connected
    /// A route added by an administrator (`proto static`).
    case `static`
    /// A route added by the kernel or at boot (`proto kernel`, `proto boot`), or by another program.
    case kernel

    var rank: Int {
        switch self { case .connected: return 0; case .static: return 1; case .kernel: return 2 }
    }

    public static func < (a: LocalRouteSource, b: LocalRouteSource) -> Bool { a.rank < b.rank }
}

/// One change in the host's routing state, in neutral terms. The daemon translates netlink
/// address and route notifications into these (leaving out routes it installed itself); the RIB
/// uses them both to resolve next hops and for `redistribute`.
public enum KernelEvent: Hashable, Sendable {
    /// An address's subnet appeared on (`present: true`) or left an interface.
    case connected(prefix: IPPrefix, interfaceIndex: UInt32, present: Bool)
    /// A kernel route appeared or left. `gateway` is nil for a device route.
    case route(prefix: IPPrefix, source: LocalRouteSource, gateway: IPAddress?, interfaceIndex: UInt32?,
               metric: UInt32, present: Bool)
}
