import NetAddress

/// The RIB's neutral view of the host's routing state, fed by the daemon from kernel events:
/// connected prefixes per interface and kernel routes (never the routes bgpd installed itself).
/// It answers one question: how is an address reached? Longest-prefix match over both, the
/// connected prefix winning a tie; a route with a gateway resolves to that gateway and its
/// interface (recursive resolution one level deep, as kernel routes already name their device).
struct NextHopResolver: Sendable {
    struct Route: Hashable, Sendable {
        var gateway: IPAddress?
        var interfaceIndex: UInt32?
        var metric: UInt32
        var source: LocalRouteSource
    }

    /// How an address is reached.
    struct Resolution: Hashable, Sendable {
        var gateway: IPAddress
        var interfaceIndex: UInt32?
        var onlink: Bool
        var cost: UInt32
    }

    private(set) var connected: [IPPrefix: [UInt32]] = [:]
    private(set) var routes: [IPPrefix: [Route]] = [:]
    /// How many stored prefixes have each length, per family, so lookups probe only lengths in use.
    private var lengthsV4 = [Int](repeating: 0, count: 33)
    private var lengthsV6 = [Int](repeating: 0, count: 129)

    var resolveViaDefault = false

    private mutating func count(_ p: IPPrefix, _ d: Int) {
        switch p {
        case .v4(let x): lengthsV4[Int(x.length)] += d
        case .v6(let x): lengthsV6[Int(x.length)] += d
        }
    }

    /// Applies one event. Returns whether anything changed.
    @discardableResult
    mutating func apply(_ e: KernelEvent) -> Bool {
        switch e {
        case let .connected(prefix, ifindex, present):
            var list = connected[prefix] ?? []
            if present {
                guard !list.contains(ifindex) else { return false }
                if list.isEmpty { count(prefix, 1) }
                list.append(ifindex)
                list.sort()
            } else {
                guard let i = list.firstIndex(of: ifindex) else { return false }
                list.remove(at: i)
                if list.isEmpty { count(prefix, -1) }
            }
            connected[prefix] = list.isEmpty ? nil : list
            return true
        case let .route(prefix, source, gateway, ifindex, metric, present):
            var list = routes[prefix] ?? []
            let r = Route(gateway: gateway, interfaceIndex: ifindex, metric: metric, source: source)
            if present {
                guard !list.contains(r) else { return false }
                if list.isEmpty { count(prefix, 1) }
                list.append(r)
                list.sort { ($0.metric, $0.interfaceIndex ?? 0) < ($1.metric, $1.interfaceIndex ?? 0) }
            } else {
                guard let i = list.firstIndex(of: r) else { return false }
                list.remove(at: i)
                if list.isEmpty { count(prefix, -1) }
            }
            routes[prefix] = list.isEmpty ? nil : list
            return true
        }
    }

    /// Resolves a global (not link-local) address.
    func resolve(_ a: IPAddress) -> Resolution? {
        let top: Int
        switch a { case .v4: top = 32; case .v6: top = 128 }
        let bottom = resolveViaDefault ? 0 : 1
        var len = top
        while len >= bottom {
            let used: Int
            switch a { case .v4: used = lengthsV4[len]; case .v6: used = lengthsV6[len] }
            if used > 0, let p = Self.prefix(a, len) {
                if let ifs = connected[p], let i = ifs.first {
                    return Resolution(gateway: a, interfaceIndex: i, onlink: false, cost: 0)
                }
                if let r = routes[p]?.first {
                    // A route via a gateway forwards to that gateway; a device route to the address itself.
                    return Resolution(gateway: r.gateway ?? a, interfaceIndex: r.interfaceIndex,
                                      onlink: false, cost: r.metric)
                }
            }
            len -= 1
        }
        return nil
    }

    private static func prefix(_ a: IPAddress, _ len: Int) -> IPPrefix? {
        switch a {
        case .v4(let x): return IPv4Prefix(masking: x, length: UInt8(len)).map { .v4($0) }
        case .v6(let x): return IPv6Prefix(masking: x, length: UInt8(len)).map { .v6($0) }
        }
    }
}
