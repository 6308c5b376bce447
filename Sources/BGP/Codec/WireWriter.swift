// Appending big-endian fields to a byte array, and back-patching length fields once the body they
// measure has been written. Encoding only ever appends to the caller's array, so a whole message
// (or a whole batch of messages) is built in one buffer.

import NetAddress

extension Array where Element == UInt8 {
    @inlinable @inline(__always)
    mutating func appendU16(_ v: UInt16) {
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v))
    }

    @inlinable @inline(__always)
    mutating func appendU24(_ v: UInt32) {
        append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v))
    }

    @inlinable @inline(__always)
    mutating func appendU32(_ v: UInt32) {
        append(UInt8(truncatingIfNeeded: v >> 24))
        append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v))
    }

    @inlinable @inline(__always)
    mutating func appendU64(_ v: UInt64) {
        appendU32(UInt32(truncatingIfNeeded: v >> 32))
        appendU32(UInt32(truncatingIfNeeded: v))
    }

    @inlinable mutating func appendIPv4(_ a: IPv4Address) { appendU32(a.value) }

    @inlinable mutating func appendIPv6(_ a: IPv6Address) {
        appendU64(a.high)
        appendU64(a.low)
    }

    @inlinable mutating func appendIP(_ a: IPAddress) {
        switch a {
        case .v4(let v): appendIPv4(v)
        case .v6(let v): appendIPv6(v)
        }
    }

    @inlinable mutating func appendMAC(_ m: MACAddress) {
        appendU16(UInt16(truncatingIfNeeded: m.value >> 32))
        appendU32(UInt32(truncatingIfNeeded: m.value))
    }

    /// Writes a 2-octet big-endian value at `index`, which the encoder reserved earlier.
    @inlinable mutating func patchU16(at index: Int, _ v: UInt16) {
        self[index] = UInt8(truncatingIfNeeded: v >> 8)
        self[index + 1] = UInt8(truncatingIfNeeded: v)
    }
}
