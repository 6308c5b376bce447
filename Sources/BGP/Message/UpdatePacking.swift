// Building outgoing UPDATEs: routes that share attributes packed into as few messages as the
// session's maximum message size allows, each message carrying one kind of NLRI only (RFC 7606
// 5.1: "An UPDATE message MUST NOT contain more than one of the following: non-empty Withdrawn
// Routes field, non-empty Network Layer Reachability Information field, MP_REACH_NLRI attribute,
// and MP_UNREACH_NLRI attribute").

import NetAddress

extension UpdateMessage {
    /// Packs announcements into as few UPDATEs as fit the context's maximum message size.
    ///
    /// IPv4 unicast with an IPv4 next hop (or with `nextHop` nil and `attributes.nextHop` set) goes
    /// in the NLRI field with NEXT_HOP; IPv4 unicast with an IPv6 next hop goes in MP_REACH_NLRI
    /// when `context.extendedNextHop` allows it (RFC 8950) and is not sent otherwise; IPv6 unicast,
    /// EVPN and any other family always go in MP_REACH_NLRI and need `nextHop`. Returns no message
    /// for what cannot be sent (an empty list, a missing or disallowed next hop, attributes too
    /// large for a single route). A raw list of another family is never split.
    public static func announcements(_ nlri: NLRIList, nextHop: NextHop?, attributes: PathAttributes,
                                     context: CodecContext) -> [UpdateMessage] {
        if nlri.isEmpty { return [] }
        var attrs = attributes
        let family = familyOf(nlri)

        if case .ipv4Unicast(let list) = nlri {
            var v4: IPv4Address?
            switch nextHop {
            case .ipv4(let a)?: v4 = a
            case nil: v4 = attributes.nextHop
            default: v4 = nil
            }
            if let v4 {
                attrs.nextHop = v4
                let budget = context.maxMessageLength - 23 - attributeBlockSize(attrs, context: context)
                let addPath = context.sendsPathIDs(.ipv4Unicast)
                return chunks(list, budget: budget) { PrefixCodec.wireLength(prefixLength: $0.prefix.length, addPath: addPath) }
                    .map { UpdateMessage(attributes: attrs, nlri: $0) }
            }
            // RFC 8950: IPv4 NLRI with an IPv6 next hop only where the peer said it takes them.
            guard let nh = nextHop, context.extendedNextHop[.ipv4Unicast] == .ipv6,
                  nh.wireLength == 16 || nh.wireLength == 32 else { return [] }
        }
        guard let nh = nextHop else { return [] }
        // RFC 7606 3.d: an UPDATE whose only NLRI is in MP_REACH_NLRI "SHOULD NOT carry the
        // NEXT_HOP attribute".
        attrs.nextHop = nil
        let budget = context.maxMessageLength - 23 - attributeBlockSize(attrs, context: context) - (4 + 5 + nh.wireLength)
        let addPath = context.sendsPathIDs(family)
        return split(nlri, budget: budget, addPath: addPath).map {
            UpdateMessage(attributes: attrs, mpReach: MPReach(family: family, nextHop: nh, nlri: $0))
        }
    }

    /// Packs withdrawals into as few UPDATEs as fit: IPv4 unicast in the Withdrawn Routes field,
    /// every other family in MP_UNREACH_NLRI.
    public static func withdrawals(_ nlri: NLRIList, context: CodecContext) -> [UpdateMessage] {
        if nlri.isEmpty { return [] }
        let family = familyOf(nlri)
        let addPath = context.sendsPathIDs(family)
        if case .ipv4Unicast(let list) = nlri {
            return chunks(list, budget: context.maxMessageLength - 23) {
                PrefixCodec.wireLength(prefixLength: $0.prefix.length, addPath: addPath)
            }.map { UpdateMessage(withdrawn: $0) }
        }
        return split(nlri, budget: context.maxMessageLength - 23 - 4 - 3, addPath: addPath).map {
            UpdateMessage(mpUnreach: MPUnreach(family: family, nlri: $0))
        }
    }

    private static func familyOf(_ nlri: NLRIList) -> Family {
        switch nlri {
        case .ipv4Unicast: return .ipv4Unicast
        case .ipv6Unicast: return .ipv6Unicast
        case .evpn: return .l2vpnEVPN
        case .other(let f, _): return f
        }
    }

    /// The size of the attribute block `attrs` encodes to, without MP attributes.
    private static func attributeBlockSize(_ attrs: PathAttributes, context: CodecContext) -> Int {
        var scratch: [UInt8] = []
        UpdateMessage(attributes: attrs).encodeAttributes(into: &scratch, context: context)
        return scratch.count
    }

    private static func split(_ nlri: NLRIList, budget: Int, addPath: Bool) -> [NLRIList] {
        switch nlri {
        case .ipv4Unicast(let l):
            return chunks(l, budget: budget) { PrefixCodec.wireLength(prefixLength: $0.prefix.length, addPath: addPath) }.map { .ipv4Unicast($0) }
        case .ipv6Unicast(let l):
            return chunks(l, budget: budget) { PrefixCodec.wireLength(prefixLength: $0.prefix.length, addPath: addPath) }.map { .ipv6Unicast($0) }
        case .evpn(let l):
            return chunks(l, budget: budget) { $0.route.wireLength + (addPath ? 4 : 0) }.map { .evpn($0) }
        case .other:
            return [nlri]
        }
    }

    /// Consecutive runs of `items` whose sizes add up to at most `budget`. An item larger than the
    /// budget on its own is left out.
    private static func chunks<T>(_ items: [T], budget: Int, size: (T) -> Int) -> [[T]] {
        var result: [[T]] = []
        var current: [T] = []
        var used = 0
        for item in items {
            let s = size(item)
            guard s <= budget else { continue }
            if used + s > budget {
                result.append(current)
                current = []
                used = 0
            }
            current.append(item)
            used += s
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
