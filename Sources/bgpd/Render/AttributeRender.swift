import BGP
import NetAddress

/// Path attributes, as JSON and as one text line in FRR's order of reading
/// (`origin igp, as-path 65002 65002, med 50, communities 65002:100 ...`).
enum AttributeRender {
    static func asPathJSON(_ p: ASPath) -> JSONValue {
        .array(p.segments.map { s in
            .object([("type", .string(segmentName(s.type))), ("asns", .array(s.asns.map { .int(Int($0)) }))])
        })
    }

    static func segmentName(_ t: ASPathSegment.SegmentType) -> String {
        switch t {
        case .set: return "set"
        case .sequence: return "sequence"
        case .confedSequence: return "confed-sequence"
        case .confedSet: return "confed-set"
        }
    }

    static func aggregatorJSON(_ a: Aggregator) -> JSONValue {
        .object([("asn", .int(Int(a.asn))), ("address", .string(a.address.description))])
    }

    static func pmsiJSON(_ p: PMSITunnel) -> JSONValue {
        var o = JSONObject()
        o.set("flags", p.flags)
        o.set("tunnel_type", p.tunnelType)
        o.set("tunnel_type_name", pmsiTypeName(p.tunnelType))
        o.set("label", NLRIRender.labelJSON(p.label))
        o.set("tunnel_identifier", hexString(p.tunnelIdentifier))
        o.set("endpoint", p.endpoint?.description)
        return o.value
    }

    /// RFC 6514 section 5 and RFC 7385 tunnel types.
    static func pmsiTypeName(_ t: UInt8) -> String {
        switch t {
        case 0: return "no-tunnel-information"
        case 1: return "rsvp-te-p2mp"
        case 2: return "mldp-p2mp"
        case 3: return "pim-ssm"
        case 4: return "pim-sm"
        case 5: return "bidir-pim"
        case 6: return "ingress-replication"
        case 7: return "mldp-mp2mp"
        default: return "type-\(t)"
        }
    }

    static func json(_ a: PathAttributes) -> JSONValue {
        var o = JSONObject()
        o.set("origin", a.origin?.description)
        if let p = a.asPath {
            o.set("as_path", asPathJSON(p))
            o.set("as_path_text", p.description)
        }
        o.set("next_hop", a.nextHop?.description)
        o.set("med", a.med)
        o.set("local_pref", a.localPref)
        if a.atomicAggregate { o.set("atomic_aggregate", true) }
        o.set("aggregator", a.aggregator.map(aggregatorJSON))
        o.set("communities", a.communities.map { .array($0.map { .string(communityText($0)) }) })
        o.set("originator_id", a.originatorID?.description)
        o.set("cluster_list", a.clusterList.map { .array($0.map { .string($0.description) }) })
        o.set("extended_communities", a.extendedCommunities.map { .array($0.map(ExtendedCommunityText.json)) })
        if let p = a.as4Path {
            o.set("as4_path", asPathJSON(p))
            o.set("as4_path_text", p.description)
        }
        o.set("as4_aggregator", a.as4Aggregator.map(aggregatorJSON))
        o.set("pmsi_tunnel", a.pmsiTunnel.map(pmsiJSON))
        o.set("large_communities", a.largeCommunities.map { .array($0.map { .string($0.description) }) })
        if !a.other.isEmpty {
            o.set("other", .array(a.other.map { r in
                .object([("code", .int(Int(r.code))), ("name", .string(attributeName(r.code))),
                         ("flags", .int(Int(r.flags))), ("value", .string(hexString(r.value)))])
            }))
        }
        return o.value
    }

    /// `65000:1`, or the RFC 1997 / RFC 7999 / RFC 8326 name of a well-known community.
    static func communityText(_ c: Community) -> String {
        switch c {
        case .noExport: return "no-export"
        case .noAdvertise: return "no-advertise"
        case .noExportSubconfed: return "local-AS"
        case .noPeer: return "no-peer"
        case .blackhole: return "blackhole"
        case .gracefulShutdown: return "graceful-shutdown"
        case .acceptOwn: return "accept-own"
        case .llgrStale: return "llgr-stale"
        case .noLLGR: return "no-llgr"
        default: return c.description
        }
    }

    /// The attributes other than MP_REACH/MP_UNREACH on one line; nil when there are none.
    static func line(_ a: PathAttributes) -> String? {
        var parts: [String] = []
        if let o = a.origin { parts.append("origin \(o)") }
        if let p = a.asPath { parts.append("as-path " + (p.segments.isEmpty ? "(empty)" : p.description)) }
        if let n = a.nextHop { parts.append("next-hop \(n)") }
        if let m = a.med { parts.append("med \(m)") }
        if let l = a.localPref { parts.append("local-pref \(l)") }
        if a.atomicAggregate { parts.append("atomic-aggregate") }
        if let g = a.aggregator { parts.append("aggregator \(g.asn) \(g.address)") }
        if let c = a.communities { parts.append("communities " + c.map(communityText).joined(separator: " ")) }
        if let o = a.originatorID { parts.append("originator-id \(o)") }
        if let c = a.clusterList { parts.append("cluster-list " + c.map(\.description).joined(separator: " ")) }
        if let e = a.extendedCommunities {
            parts.append("ext-communities " + e.map(\.description).joined(separator: " "))
        }
        if let p = a.as4Path { parts.append("as4-path \(p)") }
        if let g = a.as4Aggregator { parts.append("as4-aggregator \(g.asn) \(g.address)") }
        if let p = a.pmsiTunnel {
            var s = "pmsi-tunnel \(pmsiTypeName(p.tunnelType)) label \(p.label.raw) (vni \(p.label.vni))"
            if let e = p.endpoint { s += " endpoint \(e)" }
            if p.flags != 0 { s += " flags \(p.flags)" }
            parts.append(s)
        }
        if let l = a.largeCommunities { parts.append("large-communities " + l.map(\.description).joined(separator: " ")) }
        for r in a.other {
            parts.append("\(attributeName(r.code)) (attribute \(r.code), flags 0x\(hexString([r.flags]))) \(r.value.count) octets \(hexString(r.value))")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// IANA "BGP Path Attributes" names for codes kept raw (unknown to the codec, or of families
    /// it does not interpret).
    static func attributeName(_ code: UInt8) -> String {
        switch code {
        case 1: return "ORIGIN"
        case 2: return "AS_PATH"
        case 3: return "NEXT_HOP"
        case 4: return "MULTI_EXIT_DISC"
        case 5: return "LOCAL_PREF"
        case 6: return "ATOMIC_AGGREGATE"
        case 7: return "AGGREGATOR"
        case 8: return "COMMUNITIES"
        case 9: return "ORIGINATOR_ID"
        case 10: return "CLUSTER_LIST"
        case 14: return "MP_REACH_NLRI"
        case 15: return "MP_UNREACH_NLRI"
        case 16: return "EXTENDED_COMMUNITIES"
        case 17: return "AS4_PATH"
        case 18: return "AS4_AGGREGATOR"
        case 22: return "PMSI_TUNNEL"
        case 23: return "TUNNEL_ENCAPSULATION"
        case 25: return "IPV6_EXTENDED_COMMUNITIES"
        case 26: return "AIGP"
        case 29: return "BGP-LS"
        case 32: return "LARGE_COMMUNITY"
        case 33: return "BGPSEC_PATH"
        case 35: return "ONLY_TO_CUSTOMER"
        case 40: return "PREFIX_SID"
        case 128: return "ATTR_SET"
        default: return "UNKNOWN"
        }
    }

    /// The UPDATE carries the VXLAN encapsulation extended community (RFC 9012, tunnel type 8),
    /// so EVPN labels are VNIs (RFC 8365 section 5.1.3).
    static func isVXLAN(_ a: PathAttributes) -> Bool {
        a.extendedCommunities?.contains { $0.kind == .encapsulation(tunnelType: TunnelEncapsulation.vxlan.rawValue) } ?? false
    }
}
