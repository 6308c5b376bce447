/// An array for the RIB's large tables that grows by whole chunks and never moves what it holds.
///
/// A Swift array grows by doubling: it allocates twice the room and copies everything over, so
/// for a moment the old and the new buffer are both resident, and at a million routes that
/// moment is the peak RSS. Here growth allocates one more fixed-size chunk (its pages are touched
/// only as they are filled) and nothing is copied. An index is split into a chunk number and an
/// offset: one more load per access, from a small array that stays in cache.
///
/// Chunks are raw memory (nested Swift arrays would retain and release the inner array on every
/// read), owned by a small class that frees them; mutation copies them first when the storage is
/// shared, so the type keeps value semantics. Every slot of a chunk is initialised with
/// `filler` when the chunk is made, so any element type works and freeing needs no count.
struct ChunkedArray<Element>: @unchecked Sendable {
    private var owner: ChunkOwner
    /// The same pointers as `owner.chunks`, typed, read without touching the class.
    private var chunks: [UnsafeMutablePointer<Element>] = []
    private(set) var count = 0
    private let filler: Element
    /// Elements per chunk: 2^`shift`.
    private let shift: Int
    private let mask: Int

    /// `chunkBytes` is rounded down to a power-of-two number of elements (at least 64).
    init(filler: Element, chunkBytes: Int = 256 << 10) {
        var s = 6
        while (1 << (s + 1)) * MemoryLayout<Element>.stride <= chunkBytes { s += 1 }
        shift = s
        mask = (1 << s) - 1
        self.filler = filler
        owner = ChunkOwner(release: Self.releaser(size: 1 << s))
    }

    private static func releaser(size: Int) -> @Sendable (UnsafeMutableRawPointer) -> Void {
        { raw in
            let p = raw.assumingMemoryBound(to: Element.self)
            p.deinitialize(count: size)
            p.deallocate()
        }
    }

    /// Slots allocated (chunks times chunk size).
    var capacity: Int { chunks.count << shift }

    /// Bytes allocated.
    var allocatedBytes: Int { capacity * MemoryLayout<Element>.stride }

    var isEmpty: Bool { count == 0 }

    /// Element `i`. Memory-safe for any index: a negative one or one past every chunk traps on
    /// the chunk table's bounds check, and one past `count` within the last chunk reads the
    /// filler (every slot of a chunk is initialised), so no separate range check is paid here.
    subscript(i: Int) -> Element {
        @inline(__always) get { chunks[i &>> shift][i & mask] }
        @inline(__always) _modify {
            makeUnique()
            yield &chunks[i &>> shift][i & mask]
        }
    }

    @inline(__always)
    mutating func append(_ x: Element) {
        makeUnique()
        if count >> shift == chunks.count {
            let c = UnsafeMutablePointer<Element>.allocate(capacity: 1 << shift)
            c.initialize(repeating: filler, count: 1 << shift)
            owner.chunks.append(UnsafeMutableRawPointer(c))
            chunks.append(c)
        }
        chunks[count &>> shift][count & mask] = x
        count += 1
    }

    /// Grows to `n` elements, the new ones equal to `filler` (whole chunks are allocated; no
    /// element is written one by one).
    mutating func extend(to n: Int) {
        guard n > count else { return }
        makeUnique()
        while chunks.count << shift < n {
            let c = UnsafeMutablePointer<Element>.allocate(capacity: 1 << shift)
            c.initialize(repeating: filler, count: 1 << shift)
            owner.chunks.append(UnsafeMutableRawPointer(c))
            chunks.append(c)
        }
        count = n
    }

    @inline(__always)
    private mutating func makeUnique() {
        if isKnownUniquelyReferenced(&owner) { return }
        copyStorage()
    }

    private mutating func copyStorage() {
        let size = 1 << shift
        let fresh = ChunkOwner(release: Self.releaser(size: size))
        var copied: [UnsafeMutablePointer<Element>] = []
        for c in chunks {
            let n = UnsafeMutablePointer<Element>.allocate(capacity: size)
            n.initialize(from: c, count: size)
            fresh.chunks.append(UnsafeMutableRawPointer(n))
            copied.append(n)
        }
        owner = fresh
        chunks = copied
    }
}

/// Owns the chunks of a `ChunkedArray` and frees them. Not generic, so that checking it for
/// uniqueness never looks up type metadata.
final class ChunkOwner: @unchecked Sendable {
    var chunks: [UnsafeMutableRawPointer] = []
    let release: @Sendable (UnsafeMutableRawPointer) -> Void
    init(release: @escaping @Sendable (UnsafeMutableRawPointer) -> Void) { self.release = release }
    deinit { for c in chunks { release(c) } }
}

/// Bytes stored in fixed-size chunks: a run of bytes (an attribute blob) always lies within one
/// chunk, addressed by a 32-bit handle (chunk << 18 | offset).
struct ChunkedBytes: Sendable {
    static let chunkShift = 18
    static let chunkSize = 1 << chunkShift
    private var chunks: [[UInt8]] = []
    /// Bytes written (including the unused tails of full chunks).
    private(set) var used = 0

    init() {}

    var allocatedBytes: Int { chunks.count * Self.chunkSize }

    /// Appends `bytes` (at most `chunkSize`) and returns their handle.
    mutating func append(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        precondition(bytes.count <= Self.chunkSize, "a run of bytes must fit in one chunk")
        if chunks.isEmpty || chunks[chunks.count - 1].count + bytes.count > Self.chunkSize {
            if let last = chunks.indices.last { used += Self.chunkSize - chunks[last].count }
            var c: [UInt8] = []
            c.reserveCapacity(Self.chunkSize)
            chunks.append(c)
        }
        let k = chunks.count - 1
        let handle = UInt32(truncatingIfNeeded: k << Self.chunkShift | chunks[k].count)
        chunks[k].append(contentsOf: bytes)
        used += bytes.count
        return handle
    }

    /// Calls `body` with the `length` bytes at `handle`.
    @inline(__always)
    func withBytes<R>(_ handle: UInt32, _ length: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let k = Int(handle) >> Self.chunkShift, o = Int(handle) & (Self.chunkSize - 1)
        return chunks[k].withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[o..<(o + length)])) }
    }
}
