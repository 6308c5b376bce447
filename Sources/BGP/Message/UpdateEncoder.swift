// UPDATE to the wire.
//
// A decoded UPDATE carries its `layout`: the attributes are written in that order with those flag
// octets (the Extended Length bit too), so it re-encodes byte for byte. Attributes not in the
// layout, and all attributes of an UPDATE built locally, follow in canonical order:
// MP_UNREACH_NLRI and MP_REACH_NLRI first (RFC 7606 5.1: "SHALL be encoded as the very first path
// attribute"), then the others by type code (RFC 4271 5), with the flags the attribute's type
// calls for and the Extended Length bit only when the value is longer than 255 octets.

extension UpdateMessage {
    func encodeBody(into out: inout [UInt8], context: CodecContext) {
        let addPath = context.sendsPathIDs(.ipv4Unicast)
        let withdrawnAt = out.count
        out.appendU16(0)
        PrefixCodec.encode(withdrawn, addPath: addPath, into: &out)
        out.patchU16(at: withdrawnAt, UInt16(truncatingIfNeeded: out.count - withdrawnAt - 2))
        let attributesAt = out.count
        out.appendU16(0)
        encodeAttributes(into: &out, context: context)
        out.patchU16(at: attributesAt, UInt16(truncatingIfNeeded: out.count - attributesAt - 2))
        PrefixCodec.encode(nlri, addPath: addPath, into: &out)
    }

    /// Appends the path attribute block (without its length field).
    func encodeAttributes(into out: inout [UInt8], context: CodecContext) {
        var done = AttributeCodeSet()
        var rawDone = [Bool](repeating: false, count: attributes.other.count)
        for index in 0..<layout.count {
            let entry = layout[index]
            if done.contains(entry.code) { continue }
            if writeTyped(code: entry.code, flags: entry.flags, into: &out, context: context) {
                _ = done.insert(entry.code)
            } else if let k = attributes.other.indices.first(where: { !rawDone[$0] && attributes.other[$0].code == entry.code }) {
                rawDone[k] = true
                Self.write(flags: entry.flags, code: entry.code, into: &out) { $0.append(contentsOf: attributes.other[k].value) }
            }
        }
        for code in [AttributeCode.mpUnreachNLRI, AttributeCode.mpReachNLRI] where !done.contains(code) {
            if writeTyped(code: code, flags: nil, into: &out, context: context) { _ = done.insert(code) }
        }
        // Typed attributes and raw ones merged by type code; raw ones of equal code after the typed.
        let rawOrder = attributes.other.indices.filter { !rawDone[$0] }.sorted { attributes.other[$0].code < attributes.other[$1].code }
        var r = 0
        for code in AttributeSpec.canonicalOrder {
            while r < rawOrder.count && attributes.other[rawOrder[r]].code < code {
                writeRaw(rawOrder[r], into: &out)
                r += 1
            }
            if !done.contains(code) && writeTyped(code: code, flags: nil, into: &out, context: context) {
                _ = done.insert(code)
            }
        }
        while r < rawOrder.count {
            writeRaw(rawOrder[r], into: &out)
            r += 1
        }
    }

    private func writeRaw(_ k: Int, into out: inout [UInt8]) {
        let a = attributes.other[k]
        Self.write(flags: a.flags & ~AttributeFlags.extendedLength, code: a.code, into: &out) { $0.append(contentsOf: a.value) }
    }

    /// Writes the typed attribute `code` if present, with `flags` or (nil) the canonical flags.
    private func writeTyped(code: UInt8, flags: UInt8?, into out: inout [UInt8], context: CodecContext) -> Bool {
        guard let spec = AttributeSpec.lookup(code) else { return false }
        let f = flags ?? spec.flags
        let a = attributes
        let asSize = context.fourOctetAS ? 4 : 2
        switch code {
        case AttributeCode.origin:
            guard let v = a.origin else { return false }
            Self.write(flags: f, code: code, into: &out) { $0.append(v.rawValue) }
        case AttributeCode.asPath:
            guard let v = a.asPath else { return false }
            Self.write(flags: f, code: code, into: &out) { AttributeValueCodec.encode(v, asSize: asSize, into: &$0) }
        case AttributeCode.nextHop:
            guard let v = a.nextHop else { return false }
            Self.write(flags: f, code: code, into: &out) { $0.appendIPv4(v) }
        case AttributeCode.multiExitDisc:
            guard let v = a.med else { return false }
            Self.write(flags: f, code: code, into: &out) { $0.appendU32(v) }
        case AttributeCode.localPref:
            guard let v = a.localPref else { return false }
            Self.write(flags: f, code: code, into: &out) { $0.appendU32(v) }
        case AttributeCode.atomicAggregate:
            guard a.atomicAggregate else { return false }
            Self.write(flags: f, code: code, into: &out) { _ in }
        case AttributeCode.aggregator:
            guard let v = a.aggregator else { return false }
            Self.write(flags: f, code: code, into: &out) { AttributeValueCodec.encode(v, asSize: asSize, into: &$0) }
        case AttributeCode.communities:
            guard let v = a.communities else { return false }
            Self.write(flags: f, code: code, into: &out) { o in for c in v { o.appendU32(c.raw) } }
        case AttributeCode.originatorID:
            guard let v = a.originatorID else { return false }
            Self.write(flags: f, code: code, into: &out) { $0.appendIPv4(v) }
        case AttributeCode.clusterList:
            guard let v = a.clusterList else { return false }
            Self.write(flags: f, code: code, into: &out) { o in for c in v { o.appendIPv4(c) } }
        case AttributeCode.mpReachNLRI:
            guard let v = mpReach else { return false }
            Self.write(flags: f, code: code, into: &out) { v.encodeValue(into: &$0, context: context) }
        case AttributeCode.mpUnreachNLRI:
            guard let v = mpUnreach else { return false }
            Self.write(flags: f, code: code, into: &out) { v.encodeValue(into: &$0, context: context) }
        case AttributeCode.extendedCommunities:
            guard let v = a.extendedCommunities else { return false }
            Self.write(flags: f, code: code, into: &out) { o in for c in v { o.appendU64(c.raw) } }
        case AttributeCode.as4Path:
            guard let v = a.as4Path else { return false }
            Self.write(flags: f, code: code, into: &out) { AttributeValueCodec.encode(v, asSize: 4, into: &$0) }
        case AttributeCode.as4Aggregator:
            guard let v = a.as4Aggregator else { return false }
            Self.write(flags: f, code: code, into: &out) { AttributeValueCodec.encode(v, asSize: 4, into: &$0) }
        case AttributeCode.pmsiTunnel:
            guard let v = a.pmsiTunnel else { return false }
            Self.write(flags: f, code: code, into: &out) { AttributeValueCodec.encode(v, into: &$0) }
        case AttributeCode.largeCommunities:
            guard let v = a.largeCommunities else { return false }
            Self.write(flags: f, code: code, into: &out) { o in
                for c in v { o.appendU32(c.globalAdmin); o.appendU32(c.localData1); o.appendU32(c.localData2) }
            }
        default:
            return false
        }
        return true
    }

    /// Flags, type code, length (one octet, or two when `flags` has Extended Length or the value
    /// turns out longer than 255 octets) and the value `body` appends.
    @inline(__always)
    static func write(flags: UInt8, code: UInt8, into out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        let flagsAt = out.count
        out.append(flags)
        out.append(code)
        let lengthAt = out.count
        let extended = flags & AttributeFlags.extendedLength != 0
        out.append(0)
        if extended { out.append(0) }
        let valueAt = out.count
        body(&out)
        let length = out.count - valueAt
        if extended {
            out.patchU16(at: lengthAt, UInt16(truncatingIfNeeded: length))
        } else if length <= 255 {
            out[lengthAt] = UInt8(truncatingIfNeeded: length)
        } else {
            out[flagsAt] |= AttributeFlags.extendedLength
            out.insert(0, at: lengthAt)
            out.patchU16(at: lengthAt, UInt16(truncatingIfNeeded: length))
        }
    }
}
