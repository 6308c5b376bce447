// The values of the typed path attributes, to and from the wire. Decoders check the length rules
// RFC 7606 section 7 gives for each attribute and report a malformation with the UPDATE error
// subcode RFC 4271 6.3 names for it; what happens to the UPDATE is the table's business
// (`AttributeSpec.onMalformed`).

import NetAddress

/// A malformed attribute value: the UPDATE Message Error subcode and why.
struct AttributeMalformation: Error {
    var subcode: UInt8
    var reason: String

    static func length(_ name: String, _ length: Int, _ expected: String) -> AttributeMalformation {
        AttributeMalformation(subcode: UpdateErrorSubcode.attributeLengthError.rawValue,
                              reason: "\(name) length \(length), expected \(expected)")
    }
}

enum AttributeValueCodec {
    typealias Value = UnsafeRawBufferPointer

    static func origin(_ v: Value) throws(AttributeMalformation) -> Origin {
        guard v.count == 1 else { throw .length("ORIGIN", v.count, "1") }
        guard let o = Origin(rawValue: v[0]) else {
            throw AttributeMalformation(subcode: UpdateErrorSubcode.invalidOriginAttribute.rawValue,
                                        reason: "ORIGIN value \(v[0])")
        }
        return o
    }

    /// AS_PATH or AS4_PATH with `asSize` octets per AS (2 or 4).
    ///
    /// RFC 7606 7.2: "An AS_PATH is considered malformed if an unrecognized segment type is
    /// encountered or if it contains a malformed segment. A segment is considered malformed if ...
    /// there is an overrun ... an underrun ... [or] it has a Path Segment Length field of zero."
    static func asPath(_ v: Value, asSize: Int, name: String) throws(AttributeMalformation) -> ASPath {
        let n = v.count
        // Validate first, counting the words the flat form needs, so the array is allocated once.
        var i = 0
        var wordCount = 0
        while i < n {
            guard n &- i >= 2 else { throw malformedPath(name, "one octet left after the last segment") }
            guard ASPathSegment.SegmentType(rawValue: v[i]) != nil else {
                throw malformedPath(name, "segment type \(v[i])")
            }
            let count = Int(v[i &+ 1])
            guard count > 0 else { throw malformedPath(name, "segment of length 0") }
            guard n &- (i &+ 2) >= count &* asSize else {
                throw malformedPath(name, "segment of \(count) ASes overruns the attribute")
            }
            i = i &+ 2 &+ count &* asSize
            wordCount &+= 1 &+ count
        }
        // Every segment was checked above, so the reads below stay inside the value.
        var words: [UInt32] = []
        words.reserveCapacity(wordCount)
        i = 0
        while i < n {
            let count = Int(v[i &+ 1])
            words.append(UInt32(v[i]) << 8 | UInt32(count))
            var p = i &+ 2
            if asSize == 4 {
                for _ in 0..<count {
                    words.append(UInt32(bigEndian: v.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                    p &+= 4
                }
            } else {
                for _ in 0..<count {
                    words.append(UInt32(UInt16(bigEndian: v.loadUnaligned(fromByteOffset: p, as: UInt16.self))))
                    p &+= 2
                }
            }
            i = p
        }
        return ASPath(words: words)
    }

    private static func malformedPath(_ name: String, _ what: String) -> AttributeMalformation {
        AttributeMalformation(subcode: UpdateErrorSubcode.malformedASPath.rawValue, reason: "\(name) malformed: \(what)")
    }

    static func u32(_ v: Value, name: String) throws(AttributeMalformation) -> UInt32 {
        guard v.count == 4 else { throw .length(name, v.count, "4") }
        return UInt32(bigEndian: v.loadUnaligned(as: UInt32.self))
    }

    /// AGGREGATOR (AS of `asSize` octets) or AS4_AGGREGATOR (4), then an IPv4 address.
    static func aggregator(_ v: Value, asSize: Int, name: String) throws(AttributeMalformation) -> Aggregator {
        guard v.count == asSize + 4 else { throw .length(name, v.count, "\(asSize + 4)") }
        var r = WireReader(v)
        do {
            let asn = asSize == 4 ? try r.u32() : UInt32(try r.u16())
            return Aggregator(asn: asn, address: try r.ipv4())
        } catch {
            throw .length(name, v.count, "\(asSize + 4)")
        }
    }

    /// A list of `size`-octet items; RFC 7606 7.8, 7.10, 7.14 and RFC 8092: malformed unless the
    /// length is a non-zero multiple of the item size.
    static func checkList(_ v: Value, size: Int, name: String) throws(AttributeMalformation) -> Int {
        guard v.count > 0, v.count % size == 0 else { throw .length(name, v.count, "a non-zero multiple of \(size)") }
        return v.count / size
    }

    static func communities(_ v: Value) throws(AttributeMalformation) -> [Community] {
        let count = try checkList(v, size: 4, name: "COMMUNITIES")
        var list: [Community] = []
        list.reserveCapacity(count)
        for k in 0..<count {
            list.append(Community(raw: UInt32(bigEndian: v.loadUnaligned(fromByteOffset: k &* 4, as: UInt32.self))))
        }
        return list
    }

    static func clusterList(_ v: Value) throws(AttributeMalformation) -> [IPv4Address] {
        let count = try checkList(v, size: 4, name: "CLUSTER_LIST")
        return (0..<count).map { IPv4Address(UInt32(bigEndian: v.loadUnaligned(fromByteOffset: $0 &* 4, as: UInt32.self))) }
    }

    static func extendedCommunities(_ v: Value) throws(AttributeMalformation) -> [ExtendedCommunity] {
        let count = try checkList(v, size: 8, name: "EXTENDED_COMMUNITIES")
        var list: [ExtendedCommunity] = []
        list.reserveCapacity(count)
        for k in 0..<count {
            list.append(ExtendedCommunity(raw: UInt64(bigEndian: v.loadUnaligned(fromByteOffset: k &* 8, as: UInt64.self))))
        }
        return list
    }

    static func largeCommunities(_ v: Value) throws(AttributeMalformation) -> [LargeCommunity] {
        let count = try checkList(v, size: 12, name: "LARGE_COMMUNITY")
        return (0..<count).map { k in
            let o = k &* 12
            return LargeCommunity(UInt32(bigEndian: v.loadUnaligned(fromByteOffset: o, as: UInt32.self)),
                                  UInt32(bigEndian: v.loadUnaligned(fromByteOffset: o &+ 4, as: UInt32.self)),
                                  UInt32(bigEndian: v.loadUnaligned(fromByteOffset: o &+ 8, as: UInt32.self)))
        }
    }

    /// PMSI_TUNNEL (RFC 6514 5): flags, tunnel type, label, and at least an empty identifier.
    static func pmsiTunnel(_ v: Value) throws(AttributeMalformation) -> PMSITunnel {
        guard v.count >= 5 else { throw .length("PMSI_TUNNEL", v.count, "at least 5") }
        let label = UInt32(v[2]) << 16 | UInt32(v[3]) << 8 | UInt32(v[4])
        return PMSITunnel(flags: v[0], tunnelType: v[1], label: EVPNLabel(raw: label),
                          tunnelIdentifier: Array(UnsafeRawBufferPointer(rebasing: v[5...])))
    }

    // MARK: encoding

    /// AS_PATH or AS4_PATH. With 2-octet ASes, a number above 65535 is written as AS_TRANS
    /// (RFC 6793 4.2.2). (`ASPath` never holds a segment of more than 255 ASes.)
    static func encode(_ path: ASPath, asSize: Int, into out: inout [UInt8]) {
        path.forEachSegment { type, asns in
            out.append(type.rawValue)
            out.append(UInt8(truncatingIfNeeded: asns.count))
            for asn in asns {
                if asSize == 4 { out.appendU32(asn) } else { out.appendU16(asn > 0xFFFF ? asTrans : UInt16(truncatingIfNeeded: asn)) }
            }
        }
    }

    static func encode(_ a: Aggregator, asSize: Int, into out: inout [UInt8]) {
        if asSize == 4 { out.appendU32(a.asn) } else { out.appendU16(a.asn > 0xFFFF ? asTrans : UInt16(truncatingIfNeeded: a.asn)) }
        out.appendIPv4(a.address)
    }

    static func encode(_ p: PMSITunnel, into out: inout [UInt8]) {
        out.append(p.flags)
        out.append(p.tunnelType)
        out.appendU24(p.label.raw)
        out.append(contentsOf: p.tunnelIdentifier)
    }
}
