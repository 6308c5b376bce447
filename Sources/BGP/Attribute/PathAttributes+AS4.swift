// RFC 6793 4.2.3: rebuilding the real AS path of a route that crossed 2-octet-only speakers.
//
// A 2-octet session carries AS_PATH with AS_TRANS in place of large AS numbers and the true tail
// of the path in AS4_PATH. The decoder keeps both as received (and drops AS4_PATH/AS4_AGGREGATOR
// received on a 4-octet session, RFC 6793 4.1), so `as4Path` is present only when a merge is due.

extension PathAttributes {
    /// The AS path to use for decisions and loop detection: AS_PATH with AS4_PATH merged into it
    /// when a 2-octet session carried one (RFC 6793 4.2.3), AS_PATH otherwise.
    public var effectiveASPath: ASPath? {
        guard let path = asPath else { return nil }
        guard let path4 = as4Path else { return path }
        // "If the AGGREGATOR attribute ... does not contain AS_TRANS ... then the AS4_AGGREGATOR
        // and AS4_PATH attributes ... MUST be ignored."
        if let agg = aggregator, agg.asn != UInt32(asTrans), as4Aggregator != nil { return path }
        // AS4_PATH never carries confederation segments (RFC 6793 3); any that came are dropped.
        let tail = ASPath(segments: path4.segments.filter { $0.type == .sequence || $0.type == .set })
        let total = path.length
        let total4 = tail.length
        // "if the number of AS numbers in the AS_PATH attribute is less than the number of AS
        // numbers in the AS4_PATH attribute, then the AS4_PATH attribute SHALL be ignored".
        guard total >= total4 else { return path }
        // Keep the leading (total - total4) ASes of AS_PATH, counted as path length counts them
        // (a set counts one, confederation segments none), and append AS4_PATH.
        var keep = total - total4
        var merged: [ASPathSegment] = []
        walk: for s in path.segments {
            switch s.type {
            case .confedSequence, .confedSet:
                merged.append(s)
            case .set:
                guard keep > 0 else { break walk }
                merged.append(s)
                keep -= 1
            case .sequence:
                guard keep > 0 else { break walk }
                let n = Swift.min(keep, s.asns.count)
                merged.append(ASPathSegment(type: .sequence, asns: Array(s.asns.prefix(n))))
                keep -= n
            }
        }
        for s in tail.segments {
            if s.type == .sequence, let last = merged.last, last.type == .sequence, last.asns.count + s.asns.count <= 255 {
                merged[merged.count - 1].asns += s.asns
            } else {
                merged.append(s)
            }
        }
        return ASPath(segments: merged)
    }

    /// The aggregator to show and use: AS4_AGGREGATOR when AGGREGATOR holds AS_TRANS (RFC 6793
    /// 4.2.3), AGGREGATOR otherwise.
    public var effectiveAggregator: Aggregator? {
        guard let agg = aggregator else { return nil }
        if agg.asn == UInt32(asTrans), let agg4 = as4Aggregator { return agg4 }
        return agg
    }
}
