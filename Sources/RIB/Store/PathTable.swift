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
/// entry number. Records are parallel arrays, linked through `recNext`. Freed entries and records go on free lists and are reused, so entry numbers
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
    private var entries: [Entry] = []
    private var freeEntries: [UInt32] = []
    private(set) var liveEntries = 0

    // Records.
    private(set) var recPeer: [UInt16] = []
    private(set) var recFlags: [RecordFlags] = []
    private(set) var recPathID: [UInt32] = []
    private(set) var recAttr: [UInt32] = []
    private(set) var recNext: [UInt32] = []
    private var freeRecord: UInt32 = 0
    private(set) var liveRecords = 0

    init() {}

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

    /// Touches the index slots (and entries) of a batch of keys before they are processed, so
    /// that their cache misses overlap instead of coming one after another. Returns a value only
    /// so the loads are not optimised away.
    func warm(_ keys: some Sequence<Key>) -> UInt32 {
        var sink: UInt32 = 0
        for key in keys {
            let h = key.mixedHash
            let s = slots[Int(truncatingIfNeeded: h >> shift)]
            sink &+= s
            if s != 0 && s & ~Self.entryMask == Self.tag(h) { sink &+= entries[Int((s & Self.entryMask) &- 1)].head }
        }
        return sink
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
        let n = recNext[r]
        return n == 0 ? nil : Int(n &- 1)
    }

    /// The record of (peer, path id) of the given kind.
    func findRecord(_ e: Int, peer: UInt16, pathID: UInt32, kind: RecordFlags) -> Int? {
        var r = first(e)
        while let i = r {
            if recPeer[i] == peer && recPathID[i] == pathID && !recFlags[i].isDisjoint(with: kind) { return i }
            r = next(i)
        }
        return nil
    }

    /// Adds a record at the end of the list.
    @discardableResult
    mutating func addRecord(_ e: Int, peer: UInt16, pathID: UInt32, flags: RecordFlags, attr: UInt32) -> Int {
        let r: Int
        if freeRecord != 0 {
            r = Int(freeRecord &- 1)
            freeRecord = recNext[r]
            recPeer[r] = peer
            recFlags[r] = flags
            recPathID[r] = pathID
            recAttr[r] = attr
            recNext[r] = 0
        } else {
            r = recPeer.count
            recPeer.append(peer)
            recFlags.append(flags)
            recPathID.append(pathID)
            recAttr.append(attr)
            recNext.append(0)
        }
        let link = UInt32(truncatingIfNeeded: r + 1)
        if entries[e].head == 0 {
            entries[e].head = link
        } else {
            var last = Int(entries[e].head &- 1)
            while recNext[last] != 0 { last = Int(recNext[last] &- 1) }
            recNext[last] = link
        }
        liveRecords += 1
        return r
    }

    /// Unlinks and frees a record. Returns its attribute id for the caller to release.
    @discardableResult
    mutating func removeRecord(_ e: Int, _ r: Int) -> UInt32 {
        let link = UInt32(truncatingIfNeeded: r + 1)
        if entries[e].head == link {
            entries[e].head = recNext[r]
        } else {
            var p = Int(entries[e].head &- 1)
            while recNext[p] != link { p = Int(recNext[p] &- 1) }
            recNext[p] = recNext[r]
        }
        let attr = recAttr[r]
        recAttr[r] = 0
        recFlags[r] = []
        recNext[r] = freeRecord
        freeRecord = link
        liveRecords -= 1
        return attr
    }

    mutating func setAttr(_ r: Int, _ attr: UInt32) { recAttr[r] = attr }
    mutating func setFlags(_ r: Int, _ flags: RecordFlags) { recFlags[r] = flags }

    /// Moves record `r` to the front of its list (the best path is kept first).
    mutating func moveToFront(_ e: Int, _ r: Int) {
        let link = UInt32(truncatingIfNeeded: r + 1)
        if entries[e].head == link { return }
        var p = Int(entries[e].head &- 1)
        while recNext[p] != link { p = Int(recNext[p] &- 1) }
        recNext[p] = recNext[r]
        recNext[r] = entries[e].head
        entries[e].head = link
    }

    /// The best record of an entry (first in the list, when flagged), or nil.
    @inline(__always) func best(_ e: Int) -> Int? {
        guard let r = first(e), recFlags[r].contains(.best) else { return nil }
        return r
    }
}
