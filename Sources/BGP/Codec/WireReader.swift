// The one place the decoder touches raw memory. Every read checks the bytes that remain first and
// throws `ShortRead` instead of reading past the end, so no length taken from the wire can make a
// decoder trap or read out of bounds. Callers turn a `ShortRead` into the NOTIFICATION or RFC 7606
// outcome that fits where it happened.

import NetAddress

/// Thrown by `WireReader` when fewer bytes remain than a read needs.
@usableFromInline
struct ShortRead: Error {
    @usableFromInline init() {}
}

/// A cursor over a borrowed buffer that reads big-endian integers and sub-buffers.
///
/// `position` only moves forward and never passes `buffer.count`. Lengths passed in are checked
/// against what remains before anything is read.
@usableFromInline
struct WireReader {
    @usableFromInline let buffer: UnsafeRawBufferPointer
    @usableFromInline var position: Int

    @inlinable init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.position = 0
    }

    @inlinable var remaining: Int { buffer.count &- position }
    @inlinable var isAtEnd: Bool { position >= buffer.count }

    @inlinable @inline(__always)
    mutating func u8() throws(ShortRead) -> UInt8 {
        guard position < buffer.count else { throw ShortRead() }
        let v = buffer[position]
        position &+= 1
        return v
    }

    @inlinable @inline(__always)
    mutating func u16() throws(ShortRead) -> UInt16 {
        guard remaining >= 2 else { throw ShortRead() }
        let v = buffer.loadUnaligned(fromByteOffset: position, as: UInt16.self)
        position &+= 2
        return UInt16(bigEndian: v)
    }

    /// Three octets, big-endian (MPLS labels, VNIs, LLGR stale times).
    @inlinable @inline(__always)
    mutating func u24() throws(ShortRead) -> UInt32 {
        guard remaining >= 3 else { throw ShortRead() }
        let v = UInt32(buffer[position]) << 16 | UInt32(buffer[position &+ 1]) << 8 | UInt32(buffer[position &+ 2])
        position &+= 3
        return v
    }

    @inlinable @inline(__always)
    mutating func u32() throws(ShortRead) -> UInt32 {
        guard remaining >= 4 else { throw ShortRead() }
        let v = buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position &+= 4
        return UInt32(bigEndian: v)
    }

    @inlinable @inline(__always)
    mutating func u64() throws(ShortRead) -> UInt64 {
        guard remaining >= 8 else { throw ShortRead() }
        let v = buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return UInt64(bigEndian: v)
    }

    /// The next `count` bytes as a buffer of their own (no copy).
    @inlinable @inline(__always)
    mutating func bytes(_ count: Int) throws(ShortRead) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw ShortRead() }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<(position &+ count)])
        position &+= count
        return slice
    }

    /// A reader over the next `count` bytes; this reader moves past them.
    @inlinable @inline(__always)
    mutating func subReader(_ count: Int) throws(ShortRead) -> WireReader {
        WireReader(try bytes(count))
    }

    /// Everything that remains, as a buffer; the reader ends up at the end.
    @inlinable
    mutating func rest() -> UnsafeRawBufferPointer {
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<buffer.count])
        position = buffer.count
        return slice
    }

    @inlinable
    mutating func skip(_ count: Int) throws(ShortRead) {
        guard count >= 0, count <= remaining else { throw ShortRead() }
        position &+= count
    }

    /// An IPv4 address (4 octets).
    @inlinable
    mutating func ipv4() throws(ShortRead) -> IPv4Address { IPv4Address(try u32()) }

    /// An IPv6 address (16 octets).
    @inlinable
    mutating func ipv6() throws(ShortRead) -> IPv6Address {
        let h = try u64()
        return IPv6Address(high: h, low: try u64())
    }

    /// A MAC address (6 octets).
    @inlinable
    mutating func mac() throws(ShortRead) -> MACAddress {
        let h = UInt64(try u16())
        return MACAddress(h << 32 | UInt64(try u32()))
    }
}
