import NetAddress

// The byte writer every netlink builder in this module uses. Netlink integers are in host byte
// order (little-endian on every target swiftbgp supports: x86_64 and aarch64); the few big-endian
// fields (UDP ports) are written explicitly with `appendBigEndian`. Attributes are padded to four
// bytes with zeros, so encoding is canonical and byte-comparable with what iproute2 sends.

/// Builds one or more netlink messages into a contiguous byte array.
///
/// Encoding is total: every method succeeds. Lengths are patched in when a message or a nested
/// attribute ends, so callers never compute them.
public struct NetlinkEncoder: Sendable {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8]
    private var messageStart = -1
    private var nests: [Int] = []

    /// Creates an empty encoder that reserves `capacity` bytes.
    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The number of bytes written so far.
    public var count: Int { bytes.count }

    /// Drops everything written so far but keeps the storage.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        messageStart = -1
        nests.removeAll()
    }

    // MARK: messages

    /// Starts a message; `endMessage()` writes its length.
    public mutating func beginMessage(type: UInt16, flags: UInt16, sequence: UInt32, portID: UInt32 = 0) {
        align()
        messageStart = bytes.count
        append(UInt32(0))
        append(type)
        append(flags)
        append(sequence)
        append(portID)
    }

    /// Ends the current message: patches `nlmsg_len` (the length without trailing padding, as
    /// received) and pads to four bytes for the next message.
    public mutating func endMessage() {
        guard messageStart >= 0 else { return }
        patch(UInt32(truncatingIfNeeded: bytes.count - messageStart), at: messageStart)
        align()
        messageStart = -1
    }

    // MARK: integers

    public mutating func append(_ v: UInt8) { bytes.append(v) }

    public mutating func append(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    public mutating func append(_ v: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    public mutating func append(_ v: Int32) { append(UInt32(bitPattern: v)) }

    public mutating func append(_ v: UInt64) {
        append(UInt32(truncatingIfNeeded: v))
        append(UInt32(truncatingIfNeeded: v >> 32))
    }

    /// Writes a 16-bit value in network byte order (for `__be16` fields such as UDP ports).
    public mutating func appendBigEndian(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    public mutating func append<C: Collection>(contentsOf c: C) where C.Element == UInt8 {
        bytes.append(contentsOf: c)
    }

    /// Appends `n` bytes written by `body` through a raw pointer (the caller must write them all;
    /// they start zeroed). Multi-byte stores are host order, as netlink wants; `n` must keep the
    /// buffer 4-byte aligned for the next message.
    public mutating func appendUninitialized(_ n: Int, _ body: (UnsafeMutableRawPointer) -> Void) {
        guard n > 0 else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: n))
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            body(base + start)
        }
    }

    /// Writes `n` zero bytes.
    public mutating func appendZeros(_ n: Int) {
        for _ in 0..<max(0, n) { bytes.append(0) }
    }

    /// Pads with zeros to the next multiple of four (NLMSG_ALIGN / NLA_ALIGN).
    public mutating func align() {
        while bytes.count & 3 != 0 { bytes.append(0) }
    }

    /// Writes an IPv4 or IPv6 address in network order.
    public mutating func append(address: IPAddress) {
        switch address {
        case .v4(let a):
            let v = a.value
            bytes.append(UInt8(truncatingIfNeeded: v >> 24))
            bytes.append(UInt8(truncatingIfNeeded: v >> 16))
            bytes.append(UInt8(truncatingIfNeeded: v >> 8))
            bytes.append(UInt8(truncatingIfNeeded: v))
        case .v6(let a):
            for i in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: a.high >> UInt64(i))) }
            for i in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: a.low >> UInt64(i))) }
        }
    }

    // MARK: attributes

    /// Writes one attribute (`struct nlattr` plus value plus padding).
    public mutating func appendAttribute<C: Collection>(type: UInt16, value: C) where C.Element == UInt8 {
        append(UInt16(truncatingIfNeeded: 4 + value.count))
        append(type)
        bytes.append(contentsOf: value)
        align()
    }

    public mutating func appendAttribute(type: UInt16, u32 v: UInt32) {
        append(UInt16(8)); append(type); append(v)
    }

    public mutating func appendAttribute(type: UInt16, u16 v: UInt16) {
        append(UInt16(6)); append(type); append(v); align()
    }

    public mutating func appendAttribute(type: UInt16, u8 v: UInt8) {
        append(UInt16(5)); append(type); append(v); align()
    }

    /// A flag attribute: no value, its presence is the information.
    public mutating func appendFlagAttribute(type: UInt16) {
        append(UInt16(4)); append(type)
    }

    public mutating func appendAttribute(type: UInt16, address: IPAddress) {
        append(UInt16(address.isV4 ? 8 : 20)); append(type); append(address: address)
    }

    /// A NUL-terminated string attribute, as the kernel expects for names.
    public mutating func appendAttribute(type: UInt16, string: String) {
        let utf8 = Array(string.utf8)
        append(UInt16(truncatingIfNeeded: 4 + utf8.count + 1)); append(type)
        bytes.append(contentsOf: utf8); bytes.append(0)
        align()
    }

    /// Starts a nested attribute; returns nothing, `endNested()` patches its length.
    public mutating func beginNested(type: UInt16) {
        align()
        nests.append(bytes.count)
        append(UInt16(0)); append(type)
    }

    /// Ends the innermost nested attribute.
    public mutating func endNested() {
        guard let start = nests.popLast() else { return }
        let len = bytes.count - start
        bytes[start] = UInt8(truncatingIfNeeded: len)
        bytes[start + 1] = UInt8(truncatingIfNeeded: len >> 8)
        align()
    }

    /// Sets flag bits in the header of the message that starts at `messageOffset` (e.g. NLM_F_ACK
    /// on the last message of a batch, decided only once the batch is full).
    public mutating func insertFlags(_ flags: NetlinkFlags, messageAt messageOffset: Int) {
        let at = messageOffset + 6
        guard messageOffset >= 0, at + 1 < bytes.count else { return }
        bytes[at] |= UInt8(truncatingIfNeeded: flags.rawValue)
        bytes[at + 1] |= UInt8(truncatingIfNeeded: flags.rawValue >> 8)
    }

    /// Overwrites four bytes at `offset` (used for lengths known only at the end).
    public mutating func patch(_ v: UInt32, at offset: Int) {
        guard offset >= 0, offset + 4 <= bytes.count else { return }
        bytes[offset] = UInt8(truncatingIfNeeded: v)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: v >> 8)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: v >> 16)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }
}
