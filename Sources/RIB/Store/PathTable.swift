/// What a record in a destination's list is.
struct RecordFlags: OptionSet, Hashable, Sendable {
    let rawValue: UInt8
    /// A path after import policy: a candidate for the decision process (Adj-RIB-In, post-policy).
    static let candidate = RecordFlags(rawValue: 1)
    /// The attributes as received, kept for soft reconfiguration (Adj-RIB-In, pre-policy).
    static let prePolicy = RecordFlags(rawValue: 2)
    /// A route received but rejected by import policy, kept (without attributes) so that the
    /// received count stays exact without a pre-policy copy.
    static let rejected = RecordFlags(rawValue: 4)
    /// Retained across a session loss for graceful restart; loses to any fresh path.
    static let stale = RecordFlags(rawValue: 8)
    /// The best path (always first in the list when set).
    static let best = RecordFlags(rawValue: 16)
    /// Part of the installed ECMP set.
    static let multipath = RecordFlags(rawValue: 32)

    static let kinds: RecordFlags = [.candidate, .prePolicy, .rejected]
}

/// One family's table: the destinations (prefixes or EVPN routes) and, per destination, a short
/// list of records, one per (peer, path identifier, kind). The union of every peer's Adj-RIB-In
/// lives here, keyed by prefix + path id + peer, so the decision process for a destination reads
/// one list and nothing else.
///
/// Layout is chosen for a million destinations: no object per route. Destinations are one dense
/// array of small structs (key, list head, installed state: 16 bytes for IPv4, one cache line
/// touched per lookup) addressed by an entry number; an open-addressed index (linear probing,
/// Fibonacci hashing, backward-shift deletion) maps a key to its entry and stores only the 4-byte
/// entry number. Records are one array of 16-byte structs, linked through `next`. Freed entries and records go on free lists and are reused, so entry numbers
/// stay stable while a destination exists (per-peer Adj-RIB-Out arrays are indexed by them).
///
/// All links are stored plus one, so that 0 means "none".
struct PathTable<Key: RouteKey>: Sendable {
    static var freeMarker: UInt32 { UInt32.max }

    // The index: 0 for an empty slot, else a 6-bit tag of the key's hash over entry + 1 in the
    // low 26 bits. The tag lets a probe skip slots of other keys without touching their entry
    // (a cache miss each at full-table size). Its size is a power of two.
    private var slots: [UInt32] = [UInt32](repeating: 0, count: 16)
    private var shift: UInt64 = 60
    static var entryBits: UInt32 { 26 }
    static var entryMask: UInt32 { (1 << entryBits) - 1 }
    /// The most destinations a table holds (64 million).
    static var maxEntries: Int { Int(entryMask) - 1 }

    /// One destination.
    struct Entry: Sendable {
        var key: Key
        /// First record + 1; 0 when the list is empty; `freeMarker` for a free entry.
        var head: UInt32
        /// What is installed for the destination: a next-hop-set id for IP families, a retained
        /// attribute id for EVPN; 0 for nothing.
        var installed: UInt32
    }

    // Destinations.
    private var entries: ChunkedArray<Entry>
    private var freeEntries: [UInt32] = []
    private(set) var liveEntries = 0

    /// One record: 16 bytes, so that reading or adding one touches a single cache line.
    struct Record: Sendable {
        var pathID: UInt32
        var attr: UInt32
        /// The next record + 1 (0 for none); the free list runs through it too.
        var next: UInt32
        var peer: UInt16
        var flags: RecordFlags
    }

    // Records.
    private var records = ChunkedArray<Record>(filler: Record(pathID: 0, attr: 0, next: 0, peer: 0, flags: []))
    private var freeRecord: UInt32 = 0
    private(set) var liveRecords = 0

    /// `filler` is any key: it fills unused destination slots.
    init(filler: Key) {
        entries = ChunkedArray<Entry>(filler: Entry(key: filler, head: Self.freeMarker, installed: 0))
    }

    /// Bytes reserved by the table's arrays, by part.
    var memory: [(String, Int)] {
        [("index", slots.capacity * MemoryLayout<UInt32>.stride),
         ("destinations", entries.allocatedBytes + freeEntries.capacity * 4),
         ("paths", records.allocatedBytes)]
    }

    /// The number of entry numbers in use or free (the bound for arrays indexed by entry).
    var entryCapacity: Int { entries.count }

    @inline(__always) func isLive(_ e: Int) -> Bool { entries[e].head != Self.freeMarker }
    @inline(__always) func key(_ e: Int) -> Key { entries[e].key }
    /// The list head (first record + 1, 0 for none).
    @inline(__always) func head(_ e: Int) -> UInt32 { entries[e].head }
    @inline(__always) func installed(_ e: Int) -> UInt32 { entries[e].installed }
    @inline(__always) mutating func setInstalled(_ e: Int, _ v: UInt32) { entries[e].installed = v }

    @inline(__always) private func home(_ key: Key) -> Int { Int(truncatingIfNeeded: key.mixedHash >> shift) }

    /// The tag bits of a hash (bits 32-37: never among the home bits while the index has at most
    /// 2^26 slots).
    @inline(__always) private static func tag(_ h: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: (h >> 32) & 0x3F) << entryBits
    }

    @inline(__always) private static func slotValue(_ e: Int, _ h: UInt64) -> UInt32 {
        tag(h) | UInt32(truncatingIfNeeded: e + 1)
    }

    /// The entry of `key`, if it is in the table.
    func find(_ key: Key) -> Int? {
        let mask = slots.count - 1
        let h = key.mixedHash
        let t = Self.tag(h)
        var i = Int(truncatingIfNeeded: h >> shift)
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if s & ~Self.entryMask == t {
                let e = Int((s & Self.entryMask) &- 1)
                if entries[e].key == key { return e }
            }
            i = (i &+ 1) & mask
        }
    }

    /// The entry of `key`, created empty when absent.
    mutating func entry(for key: Key) -> Int {
        if (liveEntries + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        let h = key.mixedHash
        let t = Self.tag(h)
        var i = Int(truncatingIfNeeded: h >> shift)
        while true {
            let s = slots[i]
            if s == 0 { break }
            if s & ~Self.entryMask == t {
                let e = Int((s & Self.entryMask) &- 1)
                if entries[e].key == key { return e }
            }
            i = (i &+ 1) & mask
        }
        precondition(liveEntries < Self.maxEntries, "a family table holds at most \(Self.maxEntries) destinations")
        let e: Int
        if let f = freeEntries.popLast() {
            e = Int(f)
            entries[e] = Entry(key: key, head: 0, installed: 0)
        } else {
            e = entries.count
            entries.append(Entry(key: key, head: 0, installed: 0))
        }
        slots[i] = Self.slotValue(e, h)
        liveEntries += 1
        return e
    }

    private mutating func grow() {
        let newCount = slots.count * 2
        slots = [UInt32](repeating: 0, count: newCount)
        shift -= 1
        let mask = newCount - 1
        for e in 0..<entries.count where entries[e].head != Self.freeMarker {
            let h = entries[e].key.mixedHash
            var i = Int(truncatingIfNeeded: h >> shift)
            while slots[i] != 0 { i = (i &+ 1) & mask }
            slots[i] = Self.slotValue(e, h)
        }
    }

    /// Frees an entry whose record list is empty and which has nothing installed. The caller
    /// makes sure nothing else (Adj-RIB-Out) still refers to it.
    mutating func removeEntry(_ e: Int) {
        precondition(entries[e].head == 0 && entries[e].installed == 0, "entry still in use")
        let mask = slots.count - 1
        var i = home(entries[e].key)
        while slots[i] & Self.entryMask != UInt32(truncatingIfNeeded: e + 1) { i = (i &+ 1) & mask }
        // Backward-shift deletion keeps every probe sequence unbroken without tombstones.
        var j = i
        while true {
            j = (j &+ 1) & mask
            let s = slots[j]
            if s == 0 { break }
            let k = home(entries[Int((s & Self.entryMask) &- 1)].key)
            let stays = i <= j ? (i < k && k <= j) : (i < k || k <= j)
            if stays { continue }
            slots[i] = s
            i = j
        }
        slots[i] = 0
        entries[e].head = Self.freeMarker
        freeEntries.append(UInt32(truncatingIfNeeded: e))
        liveEntries -= 1
    }

    // MARK: records

    /// The first record of an entry's list, or nil.
    @inline(__always) func first(_ e: Int) -> Int? {
        let h = entries[e].head
        return h == 0 ? nil : Int(h &- 1)
    }

    /// The record after `r`, or nil.
    @inline(__always) func next(_ r: Int) -> Int? {
        let n = records[r].next
        return n == 0 ? nil : Int(n &- 1)
    }

    /// The record of (peer, path id) of the given kind.
    func findRecord(_ e: Int, peer: UInt16, pathID: UInt32, kind: RecordFlags) -> Int? {
        var r = first(e)
        while let i = r {
            let rec = records[i]
            if rec.peer == peer && rec.pathID == pathID && !rec.flags.isDisjoint(with: kind) { return i }
            r = next(i)
        }
        return nil
    }

    /// Adds a record at the front of the list (the next decision puts the best path back first).
    @discardableResult
    mutating func addRecord(_ e: Int, peer: UInt16, pathID: UInt32, flags: RecordFlags, attr: UInt32) -> Int {
        let r: Int
        if freeRecord != 0 {
            r = Int(freeRecord &- 1)
            freeRecord = records[r].next
            records[r] = Record(pathID: pathID, attr: attr, next: 0, peer: peer, flags: flags)
        } else {
            r = records.count
            records.append(Record(pathID: pathID, attr: attr, next: 0, peer: peer, flags: flags))
        }
        records[r].next = entries[e].head
        entries[e].head = UInt32(truncatingIfNeeded: r + 1)
        liveRecords += 1
        return r
    }

    /// Unlinks and frees a record. Returns its attribute id for the caller to release.
    @discardableResult
    mutating func removeRecord(_ e: Int, _ r: Int) -> UInt32 {
        let link = UInt32(truncatingIfNeeded: r + 1)
        if entries[e].head == link {
            entries[e].head = records[r].next
        } else {
            var p = Int(entries[e].head &- 1)
            while records[p].next != link { p = Int(records[p].next &- 1) }
            records[p].next = records[r].next
        }
        let attr = records[r].attr
        records[r].attr = 0
        records[r].flags = []
        records[r].next = freeRecord
        freeRecord = link
        liveRecords -= 1
        return attr
    }

    @inline(__always) func recPeer(_ r: Int) -> UInt16 { records[r].peer }
    @inline(__always) func recFlags(_ r: Int) -> RecordFlags { records[r].flags }
    @inline(__always) func recPathID(_ r: Int) -> UInt32 { records[r].pathID }
    @inline(__always) func recAttr(_ r: Int) -> UInt32 { records[r].attr }
    @inline(__always) mutating func setAttr(_ r: Int, _ attr: UInt32) { records[r].attr = attr }
    @inline(__always) mutating func setFlags(_ r: Int, _ flags: RecordFlags) { records[r].flags = flags }

    /// Moves record `r` to the front of its list (the best path is kept first).
    mutating func moveToFront(_ e: Int, _ r: Int) {
        let link = UInt32(truncatingIfNeeded: r + 1)
        if entries[e].head == link { return }
        var p = Int(entries[e].head &- 1)
        while records[p].next != link { p = Int(records[p].next &- 1) }
        records[p].next = records[r].next
        records[r].next = entries[e].head
        entries[e].head = link
    }

    /// The best record of an entry (first in the list, when flagged), or nil. Valid between
    /// decisions (a record added since the last one may sit in front).
    @inline(__always) func best(_ e: Int) -> Int? {
        guard let r = first(e), records[r].flags.contains(.best) else { return nil }
        return r
    }
}
