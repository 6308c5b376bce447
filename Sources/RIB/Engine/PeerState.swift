import BGP
import NetAddress

/// Per-peer, per-family counts for `bgpd show summary`, kept up to date as routes change (never
/// by walking a table).
public struct PeerCounters: Hashable, Sendable {
    /// Destinations (prefix + path id) the peer currently announces, whatever import policy said.
    public var received = 0
    /// Of those, the ones import policy accepted (paths in the Adj-RIB-In, post-policy).
    public var accepted = 0
    /// Destinations currently announced to the peer (Adj-RIB-Out).
    public var sent = 0
    public init() {}
}

/// The RIB's record of one peer slot. Slot 0 is the local pseudo-peer that owns originated
/// routes.
struct PeerState: Sendable {
    var info: PeerInfo
    var up: Bool { didSet { exportMask = computeExportMask() } }
    /// Bit `FamilyIndex` set when the peer is up, carries the family and its export policy can
    /// let something through: the per-UPDATE export pass reads this one byte per peer.
    private(set) var exportMask: UInt8 = 0
    var external: Bool
    var importPolicy: Policy
    var exportPolicy: Policy
    /// The peer address as two integers (decision tie-breaker).
    var addressHigh: UInt64
    var addressLow: UInt64

    init(info: PeerInfo, config: RIBConfig, up: Bool) {
        self.info = info
        self.up = up
        external = info.asn != config.localAS
        let fallback: Policy = external && config.defaultEBGPPolicy == .rfc8212 ? .rejectAll : .acceptAll
        importPolicy = info.importPolicy ?? fallback
        exportPolicy = info.exportPolicy ?? fallback
        // IPv4 addresses order below every IPv6 address but the deprecated IPv4-compatible ::/96
        // ones; the decision's last tie-breaker (peer id) keeps the order total even then.
        switch info.address {
        case .v4(let a): addressHigh = 0; addressLow = UInt64(a.value)
        case .v6(let a): addressHigh = a.high; addressLow = a.low
        }
        exportMask = computeExportMask()
    }

    /// The local pseudo-peer.
    static func local(_ config: RIBConfig) -> PeerState {
        var s = PeerState(info: PeerInfo(id: PeerID(UInt32.max), address: .v4(.zero), asn: config.localAS,
                                         routerID: config.routerID), config: config, up: true)
        s.addressHigh = 0
        s.addressLow = 0
        return s
    }

    private func computeExportMask() -> UInt8 {
        guard up, !(exportPolicy.isTrivial && exportPolicy.defaultDisposition == .reject) else { return 0 }
        var m: UInt8 = 0
        for f in FamilyIndex.allCases where info.families.contains(f.family) { m |= 1 << UInt8(f.rawValue) }
        return m
    }

    /// Whether routes of `family` are exchanged with the peer.
    func carries(_ family: Family) -> Bool { up && info.families.contains(family) }
}

/// One family's table with its per-peer Adj-RIB-Out and the batch bookkeeping.
struct FamilyTable<Key: RouteKey>: Sendable {
    var table = PathTable<Key>()
    /// Adj-RIB-Out by peer slot: the exported attribute id per entry, 0 when nothing was sent.
    /// Arrays are grown lazily to the table's entry capacity; empty for peers that get nothing.
    var adjOut: [[UInt32]] = []
    /// Entries touched by the current call, in order (may repeat).
    var changed: [Int] = []
    /// Destinations with a best path (the Loc-RIB size).
    var bestCount = 0

    init() {}

    /// Unlinks and frees a record, keeping the Loc-RIB count right when it was the best path
    /// (the destination has no best path until it is decided again). Returns its attribute id.
    mutating func removeRecord(_ e: Int, _ r: Int) -> UInt32 {
        if table.recFlags[r].contains(.best) { bestCount -= 1 }
        return table.removeRecord(e, r)
    }
}
