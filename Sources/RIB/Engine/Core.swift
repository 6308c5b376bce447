import BGP
import NetAddress

/// Collects what one RIB call produces.
struct OutputBuilder: Sendable {
    var fib: [FIBChange] = []
    var evpn: [EVPNChange] = []
    var exports: [PeerID: PeerExport] = [:]
    var refresh: [RouteRefreshRequest] = []

    mutating func take() -> RIBOutput {
        var o = RIBOutput()
        o.fibChanges = fib
        o.evpnChanges = evpn
        o.exports = exports
        o.routeRefreshRequests = refresh
        self = OutputBuilder()
        return o
    }
}

/// The RIB's shared state apart from the family tables: peers, interned attributes, next hops,
/// next-hop sets and the output being built. The family tables are separate stored properties
/// of `RIB` so that the generic per-family code can take one table `inout` while using this.
struct Core: Sendable {
    var config: RIBConfig
    var options: DecisionOptions
    var peers: [PeerState]
    var slotOf: [PeerID: Int] = [:]
    /// Per peer slot and family (`slot * 3 + FamilyIndex`), flat so that counting is one store.
    var counters: [PeerCounters] = [PeerCounters(), PeerCounters(), PeerCounters()]
    /// The last peer looked up: UPDATEs come in runs from one peer.
    private var lastPeer: (PeerID, Int)?
    var attrs = AttributeStore()
    var nextHops: NextHopTable
    var sets = NextHopSetTable()
    var out = OutputBuilder()
    /// Reused buffers for the decision process.
    var scratch: [Candidate] = []
    var scratchWinners: [Int] = []
    var scratchMembers: [Int] = []
    /// Where `PathTable.warm` results go (never read).
    var warmSink: UInt32 = 0

    init(config: RIBConfig) {
        self.config = config
        options = DecisionOptions(maximumPaths: config.maximumPaths, multipathRelax: config.multipathRelax,
                                  alwaysCompareMED: config.alwaysCompareMED)
        peers = [PeerState.local(config)]
        nextHops = NextHopTable(mode: config.nextHopResolution, resolveViaDefault: config.resolveViaDefault)
    }

    static let localSlot = 0
    /// The weight of locally originated paths (as FRR's), so they win before LOCAL_PREF.
    static let localWeight: UInt32 = 32768

    // MARK: attributes

    /// The next hop an attribute set forwards to, as a `NextHopTable` key.
    static func nextHopKey(_ a: RouteAttributes) -> NextHopTable.Key? {
        guard let nh = a.nextHop else { return nil }
        switch nh {
        case .ipv4(let x): return .init(address: .v4(x), scope: 0)
        case .ipv6(let x): return .init(address: .v6(x), scope: x.isLinkLocal ? a.scope : 0)
        case .ipv6Pair(let g, let ll):
            // A directly connected peer is reached at its link-local address, as FRR installs it.
            if a.scope != 0 && ll.isLinkLocal { return .init(address: .v6(ll), scope: a.scope) }
            if !g.isUnspecified && !g.isLinkLocal { return .init(address: .v6(g), scope: 0) }
            return .init(address: .v6(ll.isLinkLocal ? ll : g), scope: a.scope)
        case .raw: return nil
        }
    }

    /// Interns a received or local attribute set (its next hop is tracked for reachability).
    /// Returns an id holding one reference for the caller.
    mutating func internPath(_ a: RouteAttributes) -> UInt32 {
        let (id, isNew) = attrs.intern(a)
        if isNew {
            let nh = Self.nextHopKey(a).map { nextHops.intern($0, sets: &sets) } ?? 0
            attrs.setFacts(id, AttributeFacts(a, nextHop: nh))
        }
        return id
    }

    /// Interns an attribute set built for export (no reachability tracking).
    mutating func internExport(_ a: RouteAttributes) -> UInt32 {
        let (id, isNew) = attrs.intern(a)
        if isNew { attrs.setFacts(id, AttributeFacts(a, nextHop: 0)) }
        return id
    }

    /// Drops one reference to an attribute set, and its next hop's when the set is freed.
    @inline(__always) mutating func releaseAttr(_ id: UInt32) {
        let nh = attrs.release(id)
        if nh != 0 { nextHops.release(nh, sets: &sets) }
    }

    // MARK: peers

    mutating func slot(_ id: PeerID) -> Int? {
        if let (p, s) = lastPeer, p == id { return s }
        guard let s = slotOf[id] else { return nil }
        lastPeer = (id, s)
        return s
    }

    func lookupSlot(_ id: PeerID) -> Int? { slotOf[id] }

    /// Adds a peer slot.
    mutating func addPeer(_ state: PeerState) -> Int {
        precondition(peers.count < Int(UInt16.max), "too many peers")
        let s = peers.count
        peers.append(state)
        counters += [PeerCounters(), PeerCounters(), PeerCounters()]
        slotOf[state.info.id] = s
        return s
    }

    @inline(__always) func counterIndex(_ slot: Int, _ f: FamilyIndex) -> Int { slot &* 3 &+ f.rawValue }

    /// Adds `n` to a counter of a peer.
    @inline(__always) mutating func count(_ slot: Int, _ f: FamilyIndex, received: Int = 0, accepted: Int = 0, sent: Int = 0) {
        let i = counterIndex(slot, f)
        counters[i].received += received
        counters[i].accepted += accepted
        counters[i].sent += sent
    }

    mutating func emit(_ peer: PeerID, _ step: ExportStep) {
        out.exports[peer, default: PeerExport()].steps.append(step)
    }
}
