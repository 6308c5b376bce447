// IPv4 and IPv6 prefixes in the `<length, prefix>` encoding of RFC 4271 4.3 and RFC 4760 5, with
// the 4-octet path identifier of RFC 7911 in front when ADD-PATH is on for the direction.
//
// This is the hottest loop of the decoder. A first pass walks the length octets only, checks the
// whole field (RFC 7606 5.3: a length beyond the address size, or a prefix overrunning the field,
// makes the field unparseable) and counts the prefixes; the second pass fills an array of exactly
// that size without further checks. Bits past the prefix length in the last octet are cleared, as
// RFC 4271 says their value is irrelevant; such a peer's encoding is not canonical and does not
// re-encode byte for byte.

import NetAddress

/// A field of NLRI that cannot be parsed (RFC 7606 5.3).
struct NLRIParseError: Error {
    var reason: String
}

enum PrefixCodec {
    /// Validates a field and counts its prefixes. `maxBits` is 32 or 128.
    @inline(__always)
    static func count(_ buf: UnsafeRawBufferPointer, maxBits: UInt8, addPath: Bool) throws(NLRIParseError) -> Int {
        let n = buf.count
        let head = addPath ? 5 : 1
        var i = 0
        var count = 0
        while i < n {
            guard n &- i >= head else {
                throw NLRIParseError(reason: "\(n &- i) octets at the end of the NLRI cannot hold a prefix")
            }
            let length = buf[i &+ head &- 1]
            guard length <= maxBits else {
                throw NLRIParseError(reason: "prefix length \(length) exceeds \(maxBits)")
            }
            i &+= head &+ (Int(length) &+ 7) >> 3
            count &+= 1
        }
        guard i == n else {
            throw NLRIParseError(reason: "the last prefix overruns the NLRI by \(i &- n) octets")
        }
        return count
    }

    static func decodeIPv4(_ buf: UnsafeRawBufferPointer, addPath: Bool) throws(NLRIParseError) -> [IPv4NLRI] {
        let total = try count(buf, maxBits: 32, addPath: addPath)
        if total == 0 { return [] }
        let n = buf.count
        // `count` has checked every length octet and that the last prefix ends at `n`, so each read
        // below is inside the field.
        // (reserveCapacity and append rather than Array(unsafeUninitializedCapacity:), whose
        // allocation is not specialized and looks up generic metadata on every call.)
        var result: [IPv4NLRI] = []
        result.reserveCapacity(total)
        var i = 0
        for _ in 0..<total {
            var pathID: UInt32? = nil
            if addPath {
                pathID = UInt32(bigEndian: buf.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                i &+= 4
            }
            let length = buf[i]
            i &+= 1
            let octets = (Int(length) &+ 7) >> 3
            var v: UInt32
            if n &- i >= 4 {
                // Four octets are there (the rest belong to the next prefix): one load, then
                // the mask keeps only this prefix's bits.
                v = UInt32(bigEndian: buf.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            } else {
                v = 0
                var j = 0
                while j < octets {
                    v |= UInt32(buf[i &+ j]) << UInt32(24 &- 8 &* j)
                    j &+= 1
                }
            }
            i &+= octets
            v &= IPv4Prefix.mask(length)
            result.append(IPv4NLRI(IPv4Prefix(key: UInt64(v) << 8 | UInt64(length)), pathID: pathID))
        }
        return result
    }

    static func decodeIPv6(_ buf: UnsafeRawBufferPointer, addPath: Bool) throws(NLRIParseError) -> [IPv6NLRI] {
        let total = try count(buf, maxBits: 128, addPath: addPath)
        if total == 0 { return [] }
        var result: [IPv6NLRI] = []
        result.reserveCapacity(total)
        var i = 0
        for _ in 0..<total {
            var pathID: UInt32? = nil
            if addPath {
                pathID = UInt32(bigEndian: buf.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                i &+= 4
            }
            let length = buf[i]
            i &+= 1
            let octets = (Int(length) &+ 7) >> 3
            var high: UInt64 = 0, low: UInt64 = 0
            var j = 0
            while j < octets {
                let b = UInt64(buf[i &+ j])
                if j < 8 { high |= b << (56 &- 8 &* UInt64(j)) } else { low |= b << (120 &- 8 &* UInt64(j)) }
                j &+= 1
            }
            i &+= octets
            // The length was checked against 128, so masking cannot fail.
            if let p = IPv6Prefix(masking: IPv6Address(high: high, low: low), length: length) {
                result.append(IPv6NLRI(p, pathID: pathID))
            }
        }
        return result
    }

    // MARK: encoding

    @inline(__always)
    static func wireLength(prefixLength: UInt8, addPath: Bool) -> Int {
        (addPath ? 5 : 1) + (Int(prefixLength) + 7) / 8
    }

    @inline(__always)
    static func encode(_ n: IPv4NLRI, addPath: Bool, into out: inout [UInt8]) {
        if addPath { out.appendU32(n.pathID ?? 0) }
        let length = n.prefix.length
        out.append(length)
        let v = n.prefix.address.value
        var shift: UInt32 = 24
        for _ in 0..<((Int(length) + 7) / 8) {
            out.append(UInt8(truncatingIfNeeded: v >> shift))
            shift &-= 8
        }
    }

    static func encode(_ list: [IPv4NLRI], addPath: Bool, into out: inout [UInt8]) {
        for n in list { encode(n, addPath: addPath, into: &out) }
    }

    @inline(__always)
    static func encode(_ n: IPv6NLRI, addPath: Bool, into out: inout [UInt8]) {
        if addPath { out.appendU32(n.pathID ?? 0) }
        let length = n.prefix.length
        out.append(length)
        let a = n.prefix.address
        for j in 0..<((Int(length) + 7) / 8) {
            out.append(j < 8 ? UInt8(truncatingIfNeeded: a.high >> UInt64(56 - 8 * j))
                             : UInt8(truncatingIfNeeded: a.low >> UInt64(120 - 8 * j)))
        }
    }

    static func encode(_ list: [IPv6NLRI], addPath: Bool, into out: inout [UInt8]) {
        for n in list { encode(n, addPath: addPath, into: &out) }
    }
}
