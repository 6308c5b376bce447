// The common UPDATE in one pass. Almost every UPDATE a session carries for IPv4 unicast has
// prefixes in the NLRI field (and perhaps the Withdrawn Routes field) and a handful of well-formed
// attributes, each once: ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, COMMUNITIES.
// This decoder handles exactly that case in a single loop with no error bookkeeping, and gives up
// (returns nil) at the first thing outside it: an MP_REACH_NLRI or any other attribute it does not
// cover, a repeated attribute, a bad flag, length or value, a missing mandatory attribute, an
// unparseable NLRI field. The general decoder (`UpdateDecoder.swift` with
// `AttributeBlockDecoder`) then decodes the message from the start and applies RFC 7606.
//
// So this path never decides what happens to a malformed UPDATE, and for every UPDATE it accepts
// it yields the same value, layout and (empty) diagnostics as the general decoder would; the tests
// check that on every captured UPDATE and on the fuzz regressions (`UpdateFastPathTests`).

import NetAddress

extension UpdateMessage {
    /// The attributes the fast path decodes, as a bit per type code (1-5 and 8).
    @usableFromInline static let fastPathCodes: UInt64 = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 8

    /// Decodes `body` (the UPDATE after its header) if it is a clean common UPDATE; nil otherwise,
    /// and the caller must use the general decoder.
    @inline(__always)
    static func decodeCommon(body: UnsafeRawBufferPointer, fourOctetAS: Bool, addPath: Bool) -> BGPMessage? {
        let n = body.count
        guard n >= 4 else { return nil }
        let withdrawnLength = Int(body[0]) << 8 | Int(body[1])
        guard withdrawnLength <= n &- 4 else { return nil }
        let attributesAt = 4 &+ withdrawnLength
        let attributesLength = Int(body[attributesAt &- 2]) << 8 | Int(body[attributesAt &- 1])
        guard attributesLength <= n &- attributesAt else { return nil }
        let nlriAt = attributesAt &+ attributesLength

        guard let nlri = try? PrefixCodec.decodeIPv4(UnsafeRawBufferPointer(rebasing: body[nlriAt..<n]), addPath: addPath) else {
            return nil
        }
        let withdrawn: [IPv4NLRI]
        if withdrawnLength == 0 {
            withdrawn = []
        } else {
            guard let w = try? PrefixCodec.decodeIPv4(UnsafeRawBufferPointer(rebasing: body[2..<attributesAt &- 2]),
                                                      addPath: addPath) else { return nil }
            withdrawn = w
        }

        // The attributes go straight into the storage the message will own.
        let storage = PathAttributesStorage.make(PathAttributesFields())
        let fields = storage.fields
        // The layout, packed as `AttributeLayout` keeps it (at most six entries here).
        var layout0: UInt64 = 0, layout1: UInt64 = 0
        var count = 0
        var seen: UInt64 = 0
        let asSize = fourOctetAS ? 4 : 2
        var i = attributesAt
        while i < nlriAt {
            // Flags, type and a one- or two-octet length (RFC 4271 4.3), all within the block.
            guard nlriAt &- i >= 3 else { return nil }
            let flags = body[i]
            let code = body[i &+ 1]
            let length: Int
            let at: Int
            if flags & AttributeFlags.extendedLength != 0 {
                guard nlriAt &- i >= 4 else { return nil }
                length = Int(body[i &+ 2]) << 8 | Int(body[i &+ 3])
                at = i &+ 4
            } else {
                length = Int(body[i &+ 2])
                at = i &+ 3
            }
            guard length <= nlriAt &- at, code < 64 else { return nil }
            let bit = UInt64(1) << UInt64(code)
            guard bit & fastPathCodes != 0, seen & bit == 0 else { return nil }
            seen |= bit
            let kind = flags & (AttributeFlags.optional | AttributeFlags.transitive)
            let v = UnsafeRawBufferPointer(rebasing: body[at..<(at &+ length)])
            switch code {
            case AttributeCode.origin:
                guard kind == AttributeSpec.wellKnown, length == 1, let o = Origin(rawValue: v[0]) else { return nil }
                fields.pointee.origin = o
            case AttributeCode.asPath:
                guard kind == AttributeSpec.wellKnown,
                      let path = try? AttributeValueCodec.asPath(v, asSize: asSize, name: "AS_PATH") else { return nil }
                fields.pointee.asPath = path
            case AttributeCode.nextHop:
                guard kind == AttributeSpec.wellKnown, length == 4 else { return nil }
                fields.pointee.nextHop = IPv4Address(UInt32(bigEndian: v.loadUnaligned(as: UInt32.self)))
            case AttributeCode.multiExitDisc:
                guard kind == AttributeSpec.optionalNonTransitive, length == 4 else { return nil }
                fields.pointee.med = UInt32(bigEndian: v.loadUnaligned(as: UInt32.self))
            case AttributeCode.localPref:
                guard kind == AttributeSpec.wellKnown, length == 4 else { return nil }
                fields.pointee.localPref = UInt32(bigEndian: v.loadUnaligned(as: UInt32.self))
            default:  // COMMUNITIES, the only other code in fastPathCodes
                guard kind == AttributeSpec.optionalTransitive,
                      let list = try? AttributeValueCodec.communities(v) else { return nil }
                fields.pointee.communities = list
            }
            let entry = UInt64(code) << 8 | UInt64(flags)
            if count < 4 { layout0 |= entry << UInt64(count &* 16) } else { layout1 |= entry << UInt64((count &- 4) &* 16) }
            count &+= 1
            i = at &+ length
        }
        // RFC 7606 3.d: with NLRI, the missing well-known attributes are the general decoder's business.
        let mandatory: UInt64 = 1 << 1 | 1 << 2 | 1 << 3
        guard nlri.isEmpty || seen & mandatory == mandatory else { return nil }
        // The memberwise initialiser, so that the message is built where it is returned.
        return .update(UpdateMessage(nlri: nlri, withdrawn: withdrawn, attributes: PathAttributes(storage: storage),
                                     mpReach: nil, mpUnreach: nil, diagnostics: [],
                                     layout: AttributeLayout(packed0: layout0, packed1: layout1, count: count)))
    }
}
