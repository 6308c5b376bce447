import NetAddress

/// What a route points at, in the writer's model: kind plus object id.
struct Target: Hashable {
    var kind: Kind
    /// The nexthop object or group id for `.object`.
    var id: UInt32

    enum Kind: UInt8 {
        /// Not wanted (for `want`) or not in the kernel (for `have`).
        case none = 0
        /// Unicast via nexthop object / group `id` (or, in multipath mode, via its next hops).
        case object = 1
        case blackhole = 2
        case unreachable = 3
        /// In the kernel, but in a form we do not map (e.g. inline next hops left by an older run).
        case foreign = 4
    }

    static let none = Target(kind: .none, id: 0)
    static let blackhole = Target(kind: .blackhole, id: 0)
    static let unreachable = Target(kind: .unreachable, id: 0)
    static func object(_ id: UInt32) -> Target { Target(kind: .object, id: id) }
}

/// One prefix's state: what we want in the kernel and what we believe it holds. Packed into 16
/// bytes (a million of these live in the route map).
struct RouteEntry {
    private var wantID: UInt32
    private var haveID: UInt32
    /// Multipath mode: the next-hop set version installed (routes are re-sent when it changes).
    var haveVersion: UInt32 = 0
    private var wantKind: Target.Kind
    private var haveKind: Target.Kind
    var flags: Flags = []

    init(want: Target, have: Target, haveVersion: UInt32 = 0, flags: Flags = []) {
        wantID = want.id
        wantKind = want.kind
        haveID = have.id
        haveKind = have.kind
        self.haveVersion = haveVersion
        self.flags = flags
    }

    var want: Target {
        get { Target(kind: wantKind, id: wantID) }
        set { wantKind = newValue.kind; wantID = newValue.id }
    }

    var have: Target {
        get { Target(kind: haveKind, id: haveID) }
        set { haveKind = newValue.kind; haveID = newValue.id }
    }

    struct Flags: OptionSet {
        var rawValue: UInt8
        /// Queued in `dirtyRoutes`.
        static let dirty = Flags(rawValue: 1)
        /// Found in the kernel at start-up and not (yet) claimed by the RIB.
        static let stale = Flags(rawValue: 2)
        static let offload = Flags(rawValue: 4)
        static let trap = Flags(rawValue: 8)
        static let offloadFailed = Flags(rawValue: 16)
        /// The last attempt to install it failed (details in `FIBState.routeErrors`).
        static let failed = Flags(rawValue: 32)
    }

    var offload: FIBOffloadFlags {
        var f: FIBOffloadFlags = []
        if flags.contains(.offload) { f.insert(.offload) }
        if flags.contains(.trap) { f.insert(.trap) }
        if flags.contains(.offloadFailed) { f.insert(.offloadFailed) }
        return f
    }

    mutating func setOffload(_ f: FIBOffloadFlags) {
        flags.remove([.offload, .trap, .offloadFailed])
        if f.contains(.offload) { flags.insert(.offload) }
        if f.contains(.trap) { flags.insert(.trap) }
        if f.contains(.offloadFailed) { flags.insert(.offloadFailed) }
    }
}

/// Route entries keyed by prefix, with IPv4 kept in a compact table of 40-bit integer keys so
/// that a million IPv4 routes cost little more than the entries themselves.
struct RouteMap {
    private(set) var v4 = PrefixKeyTable<RouteEntry>(filler: RouteEntry(want: .none, have: .none))
    private(set) var v6: [IPv6Prefix: RouteEntry] = [:]

    var count: Int { v4.count + v6.count }

    subscript(prefix: IPPrefix) -> RouteEntry? {
        get {
            switch prefix {
            case .v4(let p): return v4[p.key]
            case .v6(let p): return v6[p]
            }
        }
        set {
            switch prefix {
            case .v4(let p): v4[p.key] = newValue
            case .v6(let p): v6[p] = newValue
            }
        }
    }

    /// Reads and changes one entry with a single hash lookup (nil: absent; set nil to remove).
    mutating func modify<R>(_ prefix: IPPrefix, _ body: (inout RouteEntry?) -> R) -> R {
        switch prefix {
        case .v4(let p): return v4.modify(p.key, body)
        case .v6(let p): return body(&v6[p])
        }
    }

    /// Room for `v4` more IPv4 and `v6` more IPv6 routes without rehashing.
    mutating func reserve(v4 more4: Int, v6 more6: Int) {
        v4.reserve(v4.count + more4)
        if v6.count + more6 > v6.capacity { v6.reserveCapacity(v6.count + more6) }
    }

    /// Calls `body` on every entry, allowing changes in place.
    mutating func updateAll(_ body: (IPPrefix, inout RouteEntry) -> Void) {
        v4.updateAll { k, e in body(.v4(IPv4Prefix(key: k)), &e) }
        var j = v6.startIndex
        while j != v6.endIndex {
            body(.v6(v6.keys[j]), &v6.values[j])
            v6.formIndex(after: &j)
        }
    }

    func forEach(_ body: (IPPrefix, RouteEntry) -> Void) {
        v4.forEach { k, e in body(.v4(IPv4Prefix(key: k)), e) }
        for (k, e) in v6 { body(.v6(k), e) }
    }
}
