import NetAddress

/// The BGP next hops in use, interned by (address, scope), each with its current resolution.
///
/// Attribute sets point here by id, so a change in reachability is found by re-resolving these
/// few entries, not by walking routes. Each entry also caches the single-member FIB next-hop set
/// it resolves to, so that the common one-path case builds no array per route.
struct NextHopTable: Sendable {
    struct Key: Hashable, Sendable {
        var address: IPAddress
        /// The interface scoping a link-local address; 0 otherwise.
        var scope: UInt32
    }

    struct Entry: Sendable {
        var key: Key
        var refs: UInt32 = 0
        var resolution: NextHopResolver.Resolution?
        /// `NextHopSetTable` id of the one-member set, retained; 0 when unreachable.
        var singleSet: UInt32 = 0
    }

    private var ids: [Key: UInt32] = [:]
    private(set) var entries: [Entry] = [Entry(key: Key(address: .v4(.zero), scope: 0))]
    private var freeIDs: [UInt32] = []
    private var last: (Key, UInt32)?
    var resolver = NextHopResolver()
    var mode: NextHopResolution = .kernel

    init(mode: NextHopResolution, resolveViaDefault: Bool) {
        self.mode = mode
        resolver.resolveViaDefault = resolveViaDefault
    }

    @inline(__always) func isReachable(_ id: UInt32) -> Bool {
        id == 0 || entries[Int(id)].resolution != nil
    }

    @inline(__always) func cost(_ id: UInt32) -> UInt32 { entries[Int(id)].resolution?.cost ?? 0 }

    /// Interns a next hop with one new reference for the caller.
    mutating func intern(_ key: Key, sets: inout NextHopSetTable) -> UInt32 {
        // A peer's UPDATEs mostly share its next hop: skip the dictionary for a repeat.
        if let (k, id) = last, k == key, entries[Int(id)].refs > 0 {
            entries[Int(id)].refs += 1
            return id
        }
        if let id = ids[key] {
            entries[Int(id)].refs += 1
            last = (key, id)
            return id
        }
        let id: UInt32
        if let f = freeIDs.popLast() {
            id = f
            entries[Int(id)] = Entry(key: key)
        } else {
            id = UInt32(truncatingIfNeeded: entries.count)
            entries.append(Entry(key: key))
        }
        entries[Int(id)].refs = 1
        ids[key] = id
        last = (key, id)
        _ = refresh(id, sets: &sets)
        return id
    }

    mutating func retain(_ id: UInt32) { if id != 0 { entries[Int(id)].refs += 1 } }

    mutating func release(_ id: UInt32, sets: inout NextHopSetTable) {
        guard id != 0 else { return }
        let k = Int(id)
        entries[k].refs -= 1
        guard entries[k].refs == 0 else { return }
        ids[entries[k].key] = nil
        sets.release(entries[k].singleSet)
        entries[k].singleSet = 0
        entries[k].resolution = nil
        freeIDs.append(id)
    }

    /// How the key is reached now.
    func resolve(_ key: Key) -> NextHopResolver.Resolution? {
        if key.scope != 0 {
            // A link-local next hop learned on an interface is on that link.
            return .init(gateway: key.address, interfaceIndex: key.scope, onlink: true, cost: 0)
        }
        switch key.address {
        case .v6(let a) where a.isLinkLocal: return nil
        default: break
        }
        switch mode {
        case .assumeReachable: return .init(gateway: key.address, interfaceIndex: nil, onlink: false, cost: 0)
        case .kernel: return resolver.resolve(key.address)
        }
    }

    /// Re-resolves one entry. Returns whether its resolution changed.
    mutating func refresh(_ id: UInt32, sets: inout NextHopSetTable) -> Bool {
        let k = Int(id)
        let r = resolve(entries[k].key)
        if r == entries[k].resolution && (r == nil) == (entries[k].singleSet == 0) { return false }
        entries[k].resolution = r
        sets.release(entries[k].singleSet)
        entries[k].singleSet = r.map {
            sets.intern([FIBNextHop(gateway: $0.gateway, interfaceIndex: $0.interfaceIndex, onlink: $0.onlink)])
        } ?? 0
        return true
    }

    /// Re-resolves every entry in use; returns a flag per id telling which changed.
    mutating func refreshAll(sets: inout NextHopSetTable) -> [Bool] {
        var changed = [Bool](repeating: false, count: entries.count)
        for id in 1..<entries.count where entries[id].refs > 0 {
            changed[id] = refresh(UInt32(truncatingIfNeeded: id), sets: &sets)
        }
        return changed
    }

    /// The FIB next hop of an entry, if reachable.
    func fibNextHop(_ id: UInt32, weight: UInt32) -> FIBNextHop? {
        guard let r = entries[Int(id)].resolution else { return nil }
        return FIBNextHop(gateway: r.gateway, interfaceIndex: r.interfaceIndex, onlink: r.onlink, weight: weight)
    }

    /// The number of next hops in use.
    var count: Int { ids.count }
}

/// Interned ordered FIB next-hop sets, reference counted by the destinations that have them
/// installed. A destination records only the set's id, so "did the installed route change?" is
/// an integer comparison.
struct NextHopSetTable: Sendable {
    private var ids: [[FIBNextHop]: UInt32] = [:]
    private(set) var sets: [[FIBNextHop]] = [[]]
    private var refs: [UInt32] = [0]
    private var freeIDs: [UInt32] = []

    init() {}

    /// Interns a set with one new reference for the caller.
    mutating func intern(_ hops: [FIBNextHop]) -> UInt32 {
        if let id = ids[hops] {
            refs[Int(id)] += 1
            return id
        }
        let id: UInt32
        if let f = freeIDs.popLast() {
            id = f
            sets[Int(id)] = hops
            refs[Int(id)] = 1
        } else {
            id = UInt32(truncatingIfNeeded: sets.count)
            sets.append(hops)
            refs.append(1)
        }
        ids[hops] = id
        return id
    }

    @inline(__always) mutating func retain(_ id: UInt32) { if id != 0 { refs[Int(id)] += 1 } }

    mutating func release(_ id: UInt32) {
        guard id != 0 else { return }
        let k = Int(id)
        refs[k] -= 1
        guard refs[k] == 0 else { return }
        ids[sets[k]] = nil
        sets[k] = []
        freeIDs.append(id)
    }

    /// The number of distinct sets in use.
    var count: Int { ids.count }
}
