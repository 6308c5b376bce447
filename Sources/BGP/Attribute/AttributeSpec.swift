// One descriptor per path attribute swiftbgp interprets: its name, the Optional and Transitive
// bits it must carry, and what RFC 7606 does with the UPDATE when the attribute is malformed. The
// decoder and the encoder read this table instead of repeating the facts in switches.

/// What the codec knows about one path attribute type.
struct AttributeSpec: Sendable {
    let code: UInt8
    let name: StaticString
    /// The Optional (0x80) and Transitive (0x40) bits the attribute must carry.
    let flags: UInt8
    /// The RFC 7606 approach for a malformed instance (flags conflicting with `flags` included,
    /// RFC 7606 3.c: "unless the specification for the attribute mandates different handling").
    let onMalformed: ErrorAction

    static let wellKnown: UInt8 = AttributeFlags.transitive
    static let optionalTransitive: UInt8 = AttributeFlags.optional | AttributeFlags.transitive
    static let optionalNonTransitive: UInt8 = AttributeFlags.optional

    // RFC 7606 7.1-7.3: malformed ORIGIN, AS_PATH, NEXT_HOP -> treat-as-withdraw.
    static var origin: AttributeSpec { AttributeSpec(code: 1, name: "ORIGIN", flags: wellKnown, onMalformed: .treatAsWithdraw) }
    static var asPath: AttributeSpec { AttributeSpec(code: 2, name: "AS_PATH", flags: wellKnown, onMalformed: .treatAsWithdraw) }
    static var nextHop: AttributeSpec { AttributeSpec(code: 3, name: "NEXT_HOP", flags: wellKnown, onMalformed: .treatAsWithdraw) }
    // 7.4: MULTI_EXIT_DISC -> treat-as-withdraw.
    static var med: AttributeSpec { AttributeSpec(code: 4, name: "MULTI_EXIT_DISC", flags: optionalNonTransitive, onMalformed: .treatAsWithdraw) }
    // 7.5: LOCAL_PREF from an internal peer -> treat-as-withdraw. (From an external peer it is
    // ignored whatever its length; the RIB does that, the codec does not know the peer type.)
    static var localPref: AttributeSpec { AttributeSpec(code: 5, name: "LOCAL_PREF", flags: wellKnown, onMalformed: .treatAsWithdraw) }
    // 7.6, 7.7: ATOMIC_AGGREGATE and AGGREGATOR -> attribute discard.
    static var atomicAggregate: AttributeSpec { AttributeSpec(code: 6, name: "ATOMIC_AGGREGATE", flags: wellKnown, onMalformed: .attributeDiscard) }
    static var aggregator: AttributeSpec { AttributeSpec(code: 7, name: "AGGREGATOR", flags: optionalTransitive, onMalformed: .attributeDiscard) }
    // 7.8: COMMUNITIES -> treat-as-withdraw.
    static var communities: AttributeSpec { AttributeSpec(code: 8, name: "COMMUNITIES", flags: optionalTransitive, onMalformed: .treatAsWithdraw) }
    // 7.9, 7.10: ORIGINATOR_ID and CLUSTER_LIST from an internal peer -> treat-as-withdraw.
    static var originatorID: AttributeSpec { AttributeSpec(code: 9, name: "ORIGINATOR_ID", flags: optionalNonTransitive, onMalformed: .treatAsWithdraw) }
    static var clusterList: AttributeSpec { AttributeSpec(code: 10, name: "CLUSTER_LIST", flags: optionalNonTransitive, onMalformed: .treatAsWithdraw) }
    // 7.11 and RFC 4760 7: MP_REACH_NLRI / MP_UNREACH_NLRI -> AFI/SAFI disable (session reset
    // when the AFI/SAFI cannot be read).
    static var mpReach: AttributeSpec { AttributeSpec(code: 14, name: "MP_REACH_NLRI", flags: optionalNonTransitive, onMalformed: .afiSafiDisable) }
    static var mpUnreach: AttributeSpec { AttributeSpec(code: 15, name: "MP_UNREACH_NLRI", flags: optionalNonTransitive, onMalformed: .afiSafiDisable) }
    // 7.14: EXTENDED_COMMUNITIES -> treat-as-withdraw.
    static var extendedCommunities: AttributeSpec { AttributeSpec(code: 16, name: "EXTENDED_COMMUNITIES", flags: optionalTransitive, onMalformed: .treatAsWithdraw) }
    // RFC 6793 7: a malformed AS4_PATH or AS4_AGGREGATOR is discarded.
    static var as4Path: AttributeSpec { AttributeSpec(code: 17, name: "AS4_PATH", flags: optionalTransitive, onMalformed: .attributeDiscard) }
    static var as4Aggregator: AttributeSpec { AttributeSpec(code: 18, name: "AS4_AGGREGATOR", flags: optionalTransitive, onMalformed: .attributeDiscard) }
    // RFC 6514 does not say; PMSI_TUNNEL decides how EVPN type-3 routes are reached, so a broken
    // one must not be silently dropped (RFC 7606 2: attribute discard only for attributes that do
    // not affect route selection or installation).
    static var pmsiTunnel: AttributeSpec { AttributeSpec(code: 22, name: "PMSI_TUNNEL", flags: optionalTransitive, onMalformed: .treatAsWithdraw) }
    // RFC 8092 6: LARGE_COMMUNITY -> treat-as-withdraw.
    static var largeCommunities: AttributeSpec { AttributeSpec(code: 32, name: "LARGE_COMMUNITY", flags: optionalTransitive, onMalformed: .treatAsWithdraw) }

    /// The descriptor of `code`, or nil for an attribute kept raw.
    @inline(__always)
    static func lookup(_ code: UInt8) -> AttributeSpec? {
        switch code {
        case 1: return origin
        case 2: return asPath
        case 3: return nextHop
        case 4: return med
        case 5: return localPref
        case 6: return atomicAggregate
        case 7: return aggregator
        case 8: return communities
        case 9: return originatorID
        case 10: return clusterList
        case 14: return mpReach
        case 15: return mpUnreach
        case 16: return extendedCommunities
        case 17: return as4Path
        case 18: return as4Aggregator
        case 22: return pmsiTunnel
        case 32: return largeCommunities
        default: return nil
        }
    }

    /// The typed attributes in the order a canonical UPDATE carries them after MP_UNREACH_NLRI and
    /// MP_REACH_NLRI (RFC 7606 5.1 puts those first; RFC 4271 5 orders the rest by type code).
    static let canonicalOrder: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17, 18, 22, 32]

    /// A short name for logs: `MED`, `attribute 99`.
    static func name(_ code: UInt8) -> String { lookup(code).map { "\($0.name)" } ?? "attribute \(code)" }
}

/// A set of attribute type codes (256 bits), to find duplicates without allocating.
struct AttributeCodeSet {
    private var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Adds `code`; returns false when it was already there.
    @inline(__always)
    mutating func insert(_ code: UInt8) -> Bool {
        let mask = UInt64(1) << UInt64(code & 63)
        switch code >> 6 {
        case 0: if bits.0 & mask != 0 { return false }; bits.0 |= mask
        case 1: if bits.1 & mask != 0 { return false }; bits.1 |= mask
        case 2: if bits.2 & mask != 0 { return false }; bits.2 |= mask
        default: if bits.3 & mask != 0 { return false }; bits.3 |= mask
        }
        return true
    }

    @inline(__always)
    func contains(_ code: UInt8) -> Bool {
        let mask = UInt64(1) << UInt64(code & 63)
        switch code >> 6 {
        case 0: return bits.0 & mask != 0
        case 1: return bits.1 & mask != 0
        case 2: return bits.2 & mask != 0
        default: return bits.3 & mask != 0
        }
    }
}
