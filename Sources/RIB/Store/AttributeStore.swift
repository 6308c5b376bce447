import BGP
import NetAddress

/// What the decision process and the export rules read of an attribute set, extracted once when
/// the set is interned so that choosing among paths never decodes attributes.
struct AttributeFacts: Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt16
        static let hasLocalPref = Flags(rawValue: 1 << 0)
        static let hasMED = Flags(rawValue: 1 << 1)
        static let hasOriginatorID = Flags(rawValue: 1 << 2)
        static let local = Flags(rawValue: 1 << 3)
        static let noExport = Flags(rawValue: 1 << 4)
        static let noAdvertise = Flags(rawValue: 1 << 5)
        static let noExportSubconfed = Flags(rawValue: 1 << 6)
        static let hasBandwidth = Flags(rawValue: 1 << 7)
    }

    var localPref: UInt32 = 0
    var med: UInt32 = 0
    /// The first AS of the path (the neighbour AS for MED comparison); 0 when the path does not
    /// start with an AS_SEQUENCE.
    var neighbourAS: UInt32 = 0
    var originatorID: UInt32 = 0
    var weight: UInt32 = 0
    /// The interned BGP next hop (`NextHopTable`), 0 for none.
    var nextHop: UInt32 = 0
    /// Link bandwidth in bytes per second, when `hasBandwidth`.
    var bandwidth: Float = 0
    var asPathLength: UInt16 = 0
    var clusterListLength: UInt16 = 0
    var origin: UInt8 = 2
    var flags: Flags = []

    init() {}

    init(_ a: RouteAttributes, nextHop: UInt32) {
        // Fields are read through `a.path` one by one: binding `a.path` to a local would copy
        // the struct and retain every array in it.
        if let lp = a.path.localPref { localPref = lp; flags.insert(.hasLocalPref) }
        if let m = a.path.med { med = m; flags.insert(.hasMED) }
        if a.path.asPath != nil {
            asPathLength = UInt16(clamping: a.path.asPath?.length ?? 0)
            neighbourAS = a.path.asPath?.firstAS ?? 0
        }
        if let o = a.path.originatorID { originatorID = o.value; flags.insert(.hasOriginatorID) }
        clusterListLength = UInt16(clamping: a.path.clusterList?.count ?? 0)
        origin = a.path.origin?.rawValue ?? Origin.incomplete.rawValue
        weight = a.weight
        self.nextHop = nextHop
        if a.local { flags.insert(.local) }
        if let cs = a.path.communities {
            for c in cs {
                if c == .noExport { flags.insert(.noExport) }
                if c == .noAdvertise { flags.insert(.noAdvertise) }
                if c == .noExportSubconfed { flags.insert(.noExportSubconfed) }
            }
        }
        if let ecs = a.path.extendedCommunities {
            for e in ecs {
                if let bw = linkBandwidth(e), bw > 0, bw.isFinite {
                    bandwidth = bw
                    flags.insert(.hasBandwidth)
                    break
                }
            }
        }
    }
}

/// The bytes per second of a link-bandwidth extended community (draft-ietf-idr-link-bandwidth),
/// or nil.
func linkBandwidth(_ e: ExtendedCommunity) -> Float? {
    if case .linkBandwidth(_, let bps, _) = e.kind { return bps }
    return nil
}

/// Interned attribute sets, reference counted, shared by every path (and every Adj-RIB-Out
/// entry) that uses them.
///
/// Each set is stored once as compact bytes in one arena (`AttributeBlob`), with its decision
/// facts alongside; an open-addressed index over the byte hash finds an existing copy. Ids are
/// small integers reused after a set is freed; 0 means "no attributes". The arena is compacted
/// when more than half of it is dead.
struct AttributeStore: Sendable {
    private var arena: [UInt8] = []
    private var deadBytes = 0
    private var offset: [UInt32] = [0]
    private var length: [UInt32] = [0]
    private var hashes: [UInt64] = [0]
    private var refs: [UInt32] = [0]
    /// Decision facts by id.
    private(set) var facts: [AttributeFacts] = [AttributeFacts()]
    private var freeIDs: [UInt32] = []
    /// Open-addressed index: 0 empty, else a 6-bit tag of the hash over the id in the low 26 bits
    /// (the tag spares a look at `hashes` for most slots of other sets).
    private var index: [UInt32] = [UInt32](repeating: 0, count: 16)
    private var shift: UInt64 = 60
    private static var idMask: UInt32 { (1 << 26) - 1 }
    @inline(__always) private static func tag(_ h: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: (h >> 32) & 0x3F) << 26 }
    private var scratch: [UInt8] = []
    /// The number of distinct attribute sets stored.
    private(set) var liveCount = 0

    init() {}

    /// The arena size in bytes (for memory statistics).
    var arenaBytes: Int { arena.count }

    @inline(__always) func refCount(_ id: UInt32) -> UInt32 { refs[Int(id)] }

    /// Interns `a` and returns its id holding one new reference for the caller. When the set is
    /// new (`isNew`) its facts are empty: the caller sets them with `setFacts` (it interns the
    /// next hop only for a new set).
    mutating func intern(_ a: RouteAttributes) -> (id: UInt32, isNew: Bool) {
        scratch.removeAll(keepingCapacity: true)
        AttributeBlob.encode(a, into: &scratch)
        let h = scratch.withUnsafeBytes { AttributeBlob.hash($0) }
        let mask = index.count - 1
        var i = Int(truncatingIfNeeded: h >> shift)
        let t = Self.tag(h)
        while true {
            let s = index[i]
            if s == 0 { break }
            if s & ~Self.idMask == t {
                let id = Int(s & Self.idMask)
                if hashes[id] == h && sameBytes(id) {
                    refs[id] += 1
                    return (UInt32(truncatingIfNeeded: id), false)
                }
            }
            i = (i &+ 1) & mask
        }
        precondition(liveCount < Int(Self.idMask) - 1, "too many distinct attribute sets")
        let id: Int
        if let f = freeIDs.popLast() {
            id = Int(f)
        } else {
            id = offset.count
            offset.append(0); length.append(0); hashes.append(0); refs.append(0); facts.append(AttributeFacts())
        }
        offset[id] = UInt32(truncatingIfNeeded: arena.count)
        length[id] = UInt32(truncatingIfNeeded: scratch.count)
        arena.append(contentsOf: scratch)
        hashes[id] = h
        refs[id] = 1
        facts[id] = AttributeFacts()
        index[i] = t | UInt32(truncatingIfNeeded: id)
        liveCount += 1
        if liveCount * 4 > index.count * 3 { growIndex() }
        return (UInt32(truncatingIfNeeded: id), true)
    }

    private func sameBytes(_ id: Int) -> Bool {
        let n = Int(length[id])
        guard n == scratch.count else { return false }
        let o = Int(offset[id])
        return arena.withUnsafeBytes { ar in
            scratch.withUnsafeBytes { sc in
                var i = 0
                while i + 8 <= n {
                    if ar.loadUnaligned(fromByteOffset: o + i, as: UInt64.self)
                        != sc.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                    i += 8
                }
                while i < n {
                    if ar[o + i] != sc[i] { return false }
                    i += 1
                }
                return true
            }
        }
    }

    private mutating func growIndex() {
        index = [UInt32](repeating: 0, count: index.count * 2)
        shift -= 1
        let mask = index.count - 1
        for id in 1..<offset.count where refs[id] > 0 {
            var i = Int(truncatingIfNeeded: hashes[id] >> shift)
            while index[i] != 0 { i = (i &+ 1) & mask }
            index[i] = Self.tag(hashes[id]) | UInt32(truncatingIfNeeded: id)
        }
    }

    /// Replaces the facts of a set (right after interning it).
    mutating func setFacts(_ id: UInt32, _ f: AttributeFacts) { facts[Int(id)] = f }

    /// Adds `n` references.
    @inline(__always) mutating func retain(_ id: UInt32, _ n: UInt32 = 1) {
        if id != 0 { refs[Int(id)] += n }
    }

    /// Drops one reference. When it was the last, frees the set and returns the next-hop id it
    /// held (for the caller to release); otherwise returns 0.
    @discardableResult
    mutating func release(_ id: UInt32) -> UInt32 {
        guard id != 0 else { return 0 }
        let k = Int(id)
        refs[k] -= 1
        guard refs[k] == 0 else { return 0 }
        // Backward-shift deletion from the index.
        let mask = index.count - 1
        var i = Int(truncatingIfNeeded: hashes[k] >> shift)
        while index[i] & Self.idMask != id { i = (i &+ 1) & mask }
        var j = i
        while true {
            j = (j &+ 1) & mask
            let s = index[j]
            if s == 0 { break }
            let home = Int(truncatingIfNeeded: hashes[Int(s & Self.idMask)] >> shift)
            let stays = i <= j ? (i < home && home <= j) : (i < home || home <= j)
            if stays { continue }
            index[i] = s
            i = j
        }
        index[i] = 0
        deadBytes += Int(length[k])
        length[k] = 0
        liveCount -= 1
        freeIDs.append(id)
        let nh = facts[k].nextHop
        facts[k] = AttributeFacts()
        if deadBytes > 1 << 16 && deadBytes * 2 > arena.count { compact() }
        return nh
    }

    /// Rewrites the arena without dead bytes.
    private mutating func compact() {
        var fresh: [UInt8] = []
        fresh.reserveCapacity(arena.count - deadBytes)
        for id in 1..<offset.count where refs[id] > 0 {
            let o = Int(offset[id]), n = Int(length[id])
            offset[id] = UInt32(truncatingIfNeeded: fresh.count)
            fresh.append(contentsOf: arena[o..<(o + n)])
        }
        arena = fresh
        deadBytes = 0
    }

    /// The attributes of a set, decoded from the arena.
    func attributes(_ id: UInt32) -> RouteAttributes {
        let k = Int(id)
        guard id != 0, k < offset.count, refs[k] > 0 else { return RouteAttributes(path: PathAttributes()) }
        let o = Int(offset[k]), n = Int(length[k])
        return arena.withUnsafeBytes { AttributeBlob.decode(UnsafeRawBufferPointer(rebasing: $0[o..<(o + n)])) }
    }
}
