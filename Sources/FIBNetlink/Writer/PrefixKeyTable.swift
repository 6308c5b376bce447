/// A hash table from 40-bit IPv4 prefix keys (`IPv4Prefix.key`) to values, for the route map.
///
/// Why not `Dictionary`: a Swift dictionary keeps its load under 3/4 and sizes by powers of
/// two, so 100,000 routes take 262,144 buckets and a million take 2,097,152, 24 bytes each:
/// more than the rest of the daemon spends per route. This table probes linearly, fills to 7/8
/// and grows by half, so it holds a route in 27 to 41 bytes. Removal shifts the following entries
/// back (no tombstones), so lookups stay short however routes come and go.
struct PrefixKeyTable<Value> {
    /// Marks an empty slot; no prefix key reaches it (keys are 40 bits).
    private static var empty: UInt64 { .max }

    private var keys: ContiguousArray<UInt64> = []
    private var values: ContiguousArray<Value> = []
    /// What empty slots of `values` hold.
    private let filler: Value
    private(set) var count = 0

    init(filler: Value) { self.filler = filler }

    /// Entries the table takes before it grows.
    var capacity: Int { keys.count - keys.count / 8 }

    subscript(key: UInt64) -> Value? {
        get {
            guard let (slot, found) = find(key), found else { return nil }
            return values[slot]
        }
        set { modify(key) { $0 = newValue } }
    }

    /// Reads and changes one entry with a single lookup (nil: absent; set nil to remove).
    mutating func modify<R>(_ key: UInt64, _ body: (inout Value?) -> R) -> R {
        precondition(key != Self.empty, "a prefix key has at most 40 bits")
        var located = find(key)
        if located?.found != true, count + 1 > capacity {
            grow(toHold: count + 1)
            located = find(key)
        }
        guard let (slot, found) = located else { preconditionFailure("the table has room after growing") }
        var value: Value? = found ? values[slot] : nil
        let result = body(&value)
        switch (found, value) {
        case (true, let v?):
            values[slot] = v
        case (true, nil):
            remove(at: slot)
        case (false, let v?):
            keys[slot] = key
            values[slot] = v
            count += 1
        case (false, nil):
            break
        }
        return result
    }

    /// Room for `n` entries without growing (grows by at least half, so batches of reserves
    /// cost amortised constant time per entry).
    mutating func reserve(_ n: Int) {
        if n > capacity { grow(toHold: n) }
    }

    func forEach(_ body: (UInt64, Value) -> Void) {
        for i in keys.indices where keys[i] != Self.empty { body(keys[i], values[i]) }
    }

    /// Calls `body` on every entry, allowing changes to the value in place.
    mutating func updateAll(_ body: (UInt64, inout Value) -> Void) {
        for i in keys.indices where keys[i] != Self.empty { body(keys[i], &values[i]) }
    }

    // MARK: - Probing

    /// The slot a key hashes to: Fibonacci hashing, then the high half of a multiply maps the
    /// 64-bit hash onto any table size (not only powers of two).
    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        let h = key &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h.multipliedFullWidth(by: UInt64(keys.count)).high)
    }

    /// The key's slot, or the empty slot where it would go; nil for a table with no slots.
    private func find(_ key: UInt64) -> (slot: Int, found: Bool)? {
        guard !keys.isEmpty else { return nil }
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key { return (i, true) }
            if k == Self.empty { return (i, false) }
            i += 1
            if i == keys.count { i = 0 }
        }
    }

    /// Empties `slot` and moves back the entries after it that probed past it, so that every
    /// entry stays reachable from its home without a tombstone.
    private mutating func remove(at slot: Int) {
        let n = keys.count
        var hole = slot
        var i = slot
        while true {
            i += 1
            if i == n { i = 0 }
            let k = keys[i]
            if k == Self.empty { break }
            let h = home(k)
            // The entry may fill the hole when the hole lies on its probe path (home ... i).
            let fromHome = i >= h ? i - h : i + n - h
            let fromHole = i >= hole ? i - hole : i + n - hole
            if fromHome >= fromHole {
                keys[hole] = k
                values[hole] = values[i]
                hole = i
            }
        }
        keys[hole] = Self.empty
        values[hole] = filler
        count -= 1
    }

    private mutating func grow(toHold n: Int) {
        let needed = n + n / 7 + 1                       // slots for n at 7/8 full
        let slots = max(16, needed, keys.count + keys.count / 2)
        let oldKeys = keys
        let oldValues = values
        keys = ContiguousArray(repeating: Self.empty, count: slots)
        values = ContiguousArray(repeating: filler, count: slots)
        for i in oldKeys.indices where oldKeys[i] != Self.empty {
            var j = home(oldKeys[i])
            while keys[j] != Self.empty {
                j += 1
                if j == slots { j = 0 }
            }
            keys[j] = oldKeys[i]
            values[j] = oldValues[i]
        }
    }
}
