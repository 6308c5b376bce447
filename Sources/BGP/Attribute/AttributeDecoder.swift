// The path attribute block of an UPDATE, split into attributes and classified per RFC 7606.
//
// Each attribute is first cut out by its own length (section 4), checked for duplicates (3.g),
// looked up in `AttributeSpec`, checked for its Optional and Transitive bits (3.c) and decoded.
// A malformation is not an error here: it becomes an `AttributeDiagnostic` with the approach the
// table gives, and the UPDATE goes on being parsed. Only the outcomes that end the session or the
// family are thrown, and those only after the whole block has been seen, so the strongest approach
// wins (3.h). `finish` adds the checks that need the whole UPDATE: missing well-known attributes
// (3.d) and the escalation of section 5.2 for UPDATEs that carry no reachable NLRI.

import NetAddress

/// What the attribute block yields besides the typed attributes. The caller keeps it in a local
/// and builds the `UpdateMessage` from it once, so nothing large is copied on the way.
struct DecodedAttributes {
    var mpReach: MPReach?
    var mpUnreach: MPUnreach?
    var diagnostics: [AttributeDiagnostic] = []
    var layout = AttributeLayout()
}

/// The decoder writes the typed attributes straight into their storage and the rest into a
/// `DecodedAttributes`; it keeps only its own bookkeeping.
struct AttributeBlockDecoder {
    /// The UPDATE's NLRI field is not empty (NEXT_HOP is then mandatory, RFC 4271 5.1.3).
    let hasNLRIField: Bool
    let fourOctetAS: Bool

    /// The storage the typed attributes are decoded into; `finish` hands it to the message.
    private let storage = PathAttributesStorage.make(PathAttributesFields())
    private var seen = AttributeCodeSet()
    /// The NOTIFICATION of the first error stronger than attribute discard, for section 5.2.
    private var firstWithdrawError: NotificationMessage?
    /// An AFI/SAFI-disable outcome waiting for the end of the block (a session reset may still come).
    private var disable: BGPDecodeError?
    private var sawAttributeOtherThanUnreach = false
    private var sawMPReach = false

    init(hasNLRIField: Bool, fourOctetAS: Bool) {
        self.hasNLRIField = hasNLRIField
        self.fourOctetAS = fourOctetAS
    }

    private var asSize: Int { fourOctetAS ? 4 : 2 }

    /// Parses the whole block. Throws only session resets; AFI/SAFI disable waits for `finish`.
    mutating func decode(_ block: UnsafeRawBufferPointer, into m: inout DecodedAttributes,
                         context: CodecContext) throws(BGPDecodeError) {
        let n = block.count
        var i = 0
        while i < n {
            let start = i
            let left = n &- i
            let flags = block[i]
            // RFC 7606 4: "fewer than three octets remain (or fewer than four octets, if the
            // Attribute Flags field has the Extended Length bit set) when beginning to parse the
            // attribute" -> treat-as-withdraw; the NLRI is still found by the Total Attribute Length.
            let headLength = flags & AttributeFlags.extendedLength != 0 ? 4 : 3
            guard left >= headLength else {
                sawAttributeOtherThanUnreach = true
                malformed(&m, code: left >= 2 ? block[i &+ 1] : 0, .treatAsWithdraw, UpdateErrorSubcode.malformedAttributeList.rawValue,
                          whole: UnsafeRawBufferPointer(rebasing: block[start...]),
                          "\(left) octets at the end of the path attributes cannot hold an attribute")
                return
            }
            let code = block[i &+ 1]
            let length = headLength == 4 ? Int(block[i &+ 2]) << 8 | Int(block[i &+ 3]) : Int(block[i &+ 2])
            if code == AttributeCode.mpReachNLRI { sawMPReach = true }
            if code != AttributeCode.mpUnreachNLRI { sawAttributeOtherThanUnreach = true }
            guard length <= left &- headLength else {
                // RFC 7606 4: the attribute's length overruns the block -> treat-as-withdraw, unless
                // it is an MP attribute, whose NLRI can then not be found (RFC 7606 5.3).
                let whole = UnsafeRawBufferPointer(rebasing: block[start...])
                let reason = "\(AttributeSpec.name(code)) length \(length) overruns the path attributes by \(length - (left - headLength)) octets"
                if code == AttributeCode.mpReachNLRI || code == AttributeCode.mpUnreachNLRI {
                    let partial = UnsafeRawBufferPointer(rebasing: block[(start + headLength)...])
                    try mpMalformed(MPParseError(family: Self.family(partial), reason: reason), whole: whole)
                } else {
                    malformed(&m, code: code, .treatAsWithdraw, UpdateErrorSubcode.attributeLengthError.rawValue, whole: whole, reason)
                }
                return
            }
            i = start &+ headLength &+ length
            try attribute(&m, context: context, flags: flags, code: code,
                          value: UnsafeRawBufferPointer(rebasing: block[(start &+ headLength)..<i]),
                          whole: UnsafeRawBufferPointer(rebasing: block[start..<i]))
        }
    }

    /// The AFI/SAFI at the start of an MP attribute value, when three octets are there.
    private static func family(_ v: UnsafeRawBufferPointer) -> Family? {
        guard v.count >= 3 else { return nil }
        return Family(afi: AFI(rawValue: UInt16(v[0]) << 8 | UInt16(v[1])), safi: SAFI(rawValue: v[2]))
    }

    private mutating func attribute(_ m: inout DecodedAttributes, context: CodecContext, flags: UInt8, code: UInt8,
                                    value: UnsafeRawBufferPointer, whole: UnsafeRawBufferPointer) throws(BGPDecodeError) {
        guard seen.insert(code) else {
            // RFC 7606 3.g: a second MP_REACH_NLRI or MP_UNREACH_NLRI -> Malformed Attribute List;
            // "If any other attribute ... appears more than once ..., then all the occurrences of
            // the attribute other than the first one SHALL be discarded".
            if code == AttributeCode.mpReachNLRI || code == AttributeCode.mpUnreachNLRI {
                throw BGPDecodeError(.update, UpdateErrorSubcode.malformedAttributeList.rawValue,
                                     reason: "\(AttributeSpec.name(code)) appears more than once")
            }
            m.diagnostics.append(AttributeDiagnostic(code: code, action: .attributeDiscard,
                                                   reason: "second \(AttributeSpec.name(code)) discarded"))
            return
        }
        guard let spec = AttributeSpec.lookup(code) else {
            // RFC 4271 6.3: "If any of the well-known mandatory attributes are not recognized, then
            // the Error Subcode MUST be set to Unrecognized Well-known Attribute. The Data field
            // MUST contain the unrecognized attribute (type, length, and value)."
            guard flags & AttributeFlags.optional != 0 else {
                throw BGPDecodeError(.update, UpdateErrorSubcode.unrecognizedWellKnownAttribute.rawValue, data: Array(whole),
                                     reason: "unrecognized well-known attribute \(code) (flags 0x\(String(flags, radix: 16)))")
            }
            storage.fields.pointee.other.append(RawAttribute(flags: flags, code: code, value: Array(value)))
            m.layout.append(AttributeLayout.Entry(code: code, flags: flags))
            return
        }
        guard flags & (AttributeFlags.optional | AttributeFlags.transitive) == spec.flags else {
            let reason = "\(spec.name) flags 0x\(String(flags, radix: 16)) conflict with its type"
            if spec.onMalformed == .afiSafiDisable {
                try mpMalformed(MPParseError(family: Self.family(value), reason: reason), whole: whole)
            } else {
                malformed(&m, code: code, action(spec), UpdateErrorSubcode.attributeFlagsError.rawValue, whole: whole, reason)
            }
            return
        }
        if code == AttributeCode.mpReachNLRI || code == AttributeCode.mpUnreachNLRI {
            do {
                if code == AttributeCode.mpReachNLRI {
                    m.mpReach = try MPReach.decode(value, context: context)
                } else {
                    m.mpUnreach = try MPUnreach.decode(value, context: context)
                }
                m.layout.append(AttributeLayout.Entry(code: code, flags: flags))
            } catch {
                try mpMalformed(error, whole: whole)
            }
            return
        }
        do {
            try Self.store(&storage.fields.pointee, code: code, value: value, fourOctetAS: fourOctetAS)
            m.layout.append(AttributeLayout.Entry(code: code, flags: flags))
        } catch {
            malformed(&m, code: code, action(spec), error.subcode, whole: whole, error.reason)
        }
    }

    /// The approach for a malformed instance of `spec`. NEXT_HOP matters only to the NLRI field:
    /// without one, RFC 7606 3.d says the attribute "SHOULD [be] ignore[d]", so it is discarded.
    private func action(_ spec: AttributeSpec) -> ErrorAction {
        if spec.code == AttributeCode.nextHop && !hasNLRIField { return .attributeDiscard }
        return spec.onMalformed
    }

    /// Decodes a typed attribute into `attributes` (MP attributes are handled by the caller).
    private static func store(_ attributes: inout PathAttributesFields, code: UInt8, value v: UnsafeRawBufferPointer,
                              fourOctetAS: Bool) throws(AttributeMalformation) {
        let asSize = fourOctetAS ? 4 : 2
        typealias C = AttributeValueCodec
        switch code {
        case AttributeCode.origin: attributes.origin = try C.origin(v)
        case AttributeCode.asPath: attributes.asPath = try C.asPath(v, asSize: asSize, name: "AS_PATH")
        case AttributeCode.nextHop:
            guard v.count == 4 else { throw .length("NEXT_HOP", v.count, "4") }
            attributes.nextHop = IPv4Address(UInt32(bigEndian: v.loadUnaligned(as: UInt32.self)))
        case AttributeCode.multiExitDisc: attributes.med = try C.u32(v, name: "MULTI_EXIT_DISC")
        case AttributeCode.localPref: attributes.localPref = try C.u32(v, name: "LOCAL_PREF")
        case AttributeCode.atomicAggregate:
            guard v.count == 0 else { throw .length("ATOMIC_AGGREGATE", v.count, "0") }
            attributes.atomicAggregate = true
        case AttributeCode.aggregator: attributes.aggregator = try C.aggregator(v, asSize: asSize, name: "AGGREGATOR")
        case AttributeCode.communities: attributes.communities = try C.communities(v)
        case AttributeCode.originatorID: attributes.originatorID = IPv4Address(try C.u32(v, name: "ORIGINATOR_ID"))
        case AttributeCode.clusterList: attributes.clusterList = try C.clusterList(v)
        case AttributeCode.extendedCommunities: attributes.extendedCommunities = try C.extendedCommunities(v)
        case AttributeCode.as4Path, AttributeCode.as4Aggregator:
            // RFC 6793 4.1: NEW speakers do not send these to each other, and one that receives
            // them from a NEW speaker discards them.
            guard !fourOctetAS else {
                throw AttributeMalformation(subcode: UpdateErrorSubcode.optionalAttributeError.rawValue,
                                            reason: "\(AttributeSpec.name(code)) on a 4-octet AS session ignored")
            }
            if code == AttributeCode.as4Path {
                attributes.as4Path = try C.asPath(v, asSize: 4, name: "AS4_PATH")
            } else {
                attributes.as4Aggregator = try C.aggregator(v, asSize: 4, name: "AS4_AGGREGATOR")
            }
        case AttributeCode.pmsiTunnel: attributes.pmsiTunnel = try C.pmsiTunnel(v)
        case AttributeCode.largeCommunities: attributes.largeCommunities = try C.largeCommunities(v)
        default:
            // MP_REACH_NLRI / MP_UNREACH_NLRI are decoded by the caller.
            break
        }
    }

    /// Records a malformed attribute that does not end the session.
    private mutating func malformed(_ m: inout DecodedAttributes, code: UInt8, _ action: ErrorAction, _ subcode: UInt8,
                                    whole: UnsafeRawBufferPointer, _ reason: String) {
        m.diagnostics.append(AttributeDiagnostic(code: code, action: action, reason: reason))
        if action != .attributeDiscard && firstWithdrawError == nil {
            // RFC 4271 6.3: the data of an attribute error is the erroneous attribute.
            firstWithdrawError = NotificationMessage(code: NotificationCode.update.rawValue, subcode: subcode, data: Array(whole))
        }
    }

    /// A malformed MP_REACH_NLRI or MP_UNREACH_NLRI. RFC 7606 7.11 / 5.3: "AFI/SAFI disable" when
    /// the family can be read, "session reset" otherwise. RFC 4760 7 names Optional Attribute Error.
    private mutating func mpMalformed(_ e: MPParseError, whole: UnsafeRawBufferPointer) throws(BGPDecodeError) {
        let subcode = UpdateErrorSubcode.optionalAttributeError.rawValue
        guard let family = e.family else {
            throw BGPDecodeError(.update, subcode, data: Array(whole), reason: e.reason)
        }
        if let pending = disable {
            // Two families broken at once: there is no single family to disable.
            guard pending.family == family else {
                throw BGPDecodeError(.update, subcode, data: Array(whole), reason: "\(pending.reason); \(e.reason)")
            }
            return
        }
        disable = BGPDecodeError(.update, subcode, data: Array(whole), reason: e.reason, action: .afiSafiDisable, family: family)
    }

    /// Checks that need the whole UPDATE, then throws a pending AFI/SAFI disable.
    /// Returns the typed attributes.
    mutating func finish(_ m: inout DecodedAttributes) throws(BGPDecodeError) -> PathAttributes {
        let reachable = hasNLRIField || sawMPReach
        // RFC 7606 3.d: "If any of the well-known mandatory attributes are not present in an UPDATE
        // message, then 'treat-as-withdraw' MUST be used." They are mandatory only with NLRI, and
        // NEXT_HOP only for the NLRI field (RFC 4760 3).
        if hasNLRIField || (m.mpReach.map { !$0.nlri.isEmpty } ?? false) {
            if !seen.contains(AttributeCode.origin) { missing(&m, AttributeCode.origin) }
            if !seen.contains(AttributeCode.asPath) { missing(&m, AttributeCode.asPath) }
            if hasNLRIField && !seen.contains(AttributeCode.nextHop) { missing(&m, AttributeCode.nextHop) }
        }
        // RFC 7606 5.2: "if an UPDATE message is encountered that does contain path attributes
        // other than MP_UNREACH_NLRI and doesn't encode any reachable NLRI, ... if any encountered
        // error specifies an error-handling approach other than 'attribute discard', then the
        // 'session reset' approach MUST be used."
        if !reachable && sawAttributeOtherThanUnreach {
            if let n = firstWithdrawError ?? disable?.notification {
                let why = m.diagnostics.first { $0.action != .attributeDiscard }?.reason ?? disable?.reason ?? ""
                throw BGPDecodeError(.update, n.subcode, data: n.data,
                                     reason: "UPDATE without reachable NLRI has a malformed attribute: \(why)")
            }
        }
        if let d = disable { throw d }
        return PathAttributes(storage: storage)
    }

    private mutating func missing(_ m: inout DecodedAttributes, _ code: UInt8) {
        m.diagnostics.append(AttributeDiagnostic(code: code, action: .treatAsWithdraw,
                                               reason: "well-known attribute \(AttributeSpec.name(code)) is missing"))
        if firstWithdrawError == nil {
            firstWithdrawError = NotificationMessage(code: NotificationCode.update.rawValue,
                                                     subcode: UpdateErrorSubcode.missingWellKnownAttribute.rawValue, data: [code])
        }
    }
}
