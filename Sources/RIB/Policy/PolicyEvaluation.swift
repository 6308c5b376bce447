import BGP
import NetAddress

/// The result of running a policy on one route: accepted or not, and which terms' actions apply.
/// Routes of one UPDATE with equal outcomes get equal attributes, so the RIB applies the actions
/// (and interns the result) once per outcome, not once per prefix.
struct PolicyOutcome: Hashable, Sendable {
    var accepted: Bool
    /// Indices of the terms whose actions apply, in order.
    var applied: [Int]

    static let accept = PolicyOutcome(accepted: true, applied: [])
    static let reject = PolicyOutcome(accepted: false, applied: [])
}

/// What policy actions need to know about the local side.
struct PolicyContext {
    var localAS: UInt32
    /// Our next hop towards the peer (export), for `setNextHopSelf`.
    var selfNextHop: NextHop?
    /// Our link-local address towards the peer, kept beside a global `setNextHop` on export.
    var selfLinkLocal: IPv6Address?
}

extension Policy {
    /// True when no term exists, so the outcome is the default for every route.
    var isTrivial: Bool { terms.isEmpty }

    /// Evaluates every condition that does not look at the prefix, once per attribute set: one
    /// flag per term.
    func attributeVerdicts(_ a: RouteAttributes, family: Family) -> [Bool] {
        terms.map { term in
            term.conditions.allSatisfy { c in
                switch c {
                case .prefix: return true
                case .community(let any):
                    guard let cs = a.path.communities else { return false }
                    return any.contains { cs.contains($0) }
                case .largeCommunity(let any):
                    guard let cs = a.path.largeCommunities else { return false }
                    return any.contains { cs.contains($0) }
                case .extendedCommunity(let any):
                    guard let cs = a.path.extendedCommunities else { return false }
                    return any.contains { cs.contains($0) }
                case .asPath(let pattern):
                    return pattern.matches(a.path.asPath ?? .empty)
                case .nextHop(let prefixes):
                    guard let nh = a.nextHop?.forwardingAddress else { return false }
                    return prefixes.contains { $0.contains(nh) }
                case .family(let fs):
                    return fs.contains(family)
                }
            }
        }
    }

    /// Runs the terms for one prefix, given the attribute verdicts.
    func outcome(verdicts: [Bool], prefix: IPPrefix?) -> PolicyOutcome {
        var applied: [Int] = []
        for (i, term) in terms.enumerated() where verdicts[i] {
            let prefixOK = term.conditions.allSatisfy { c in
                guard case .prefix(let list) = c else { return true }
                guard let p = prefix else { return false }
                return list.permits(p)
            }
            guard prefixOK else { continue }
            switch term.disposition {
            case .reject: return .reject
            case .accept:
                applied.append(i)
                return PolicyOutcome(accepted: true, applied: applied)
            case .next:
                applied.append(i)
            }
        }
        return PolicyOutcome(accepted: defaultDisposition == .accept, applied: applied)
    }

    /// Applies the actions of the outcome's terms to `a`.
    func apply(_ outcome: PolicyOutcome, to a: inout RouteAttributes, context: PolicyContext) {
        for i in outcome.applied {
            for action in terms[i].actions { Policy.apply(action, to: &a, context: context) }
        }
    }

    static func apply(_ action: PolicyAction, to a: inout RouteAttributes, context: PolicyContext) {
        switch action {
        case .setLocalPref(let v): a.path.localPref = v
        case .setMED(let v): a.path.med = v
        case .setWeight(let v): a.weight = v
        case .setNextHop(let ip):
            switch ip {
            case .v4(let x): a.nextHop = .ipv4(x)
            case .v6(let x):
                if let ll = context.selfLinkLocal, !x.isLinkLocal { a.nextHop = .ipv6Pair(global: x, linkLocal: ll) }
                else { a.nextHop = .ipv6(x) }
            }
        case .setNextHopSelf:
            if let nh = context.selfNextHop { a.nextHop = nh }
        case .addCommunities(let cs):
            var list = a.path.communities ?? []
            for c in cs where !list.contains(c) { list.append(c) }
            a.path.communities = list
        case .removeCommunities(let cs):
            if let list = a.path.communities {
                let left = list.filter { !cs.contains($0) }
                a.path.communities = left.isEmpty ? nil : left
            }
        case .addLargeCommunities(let cs):
            var list = a.path.largeCommunities ?? []
            for c in cs where !list.contains(c) { list.append(c) }
            a.path.largeCommunities = list
        case .removeLargeCommunities(let cs):
            if let list = a.path.largeCommunities {
                let left = list.filter { !cs.contains($0) }
                a.path.largeCommunities = left.isEmpty ? nil : left
            }
        case .addExtendedCommunities(let cs):
            var list = a.path.extendedCommunities ?? []
            for c in cs where !list.contains(c) { list.append(c) }
            a.path.extendedCommunities = list
        case .removeExtendedCommunities(let cs):
            if let list = a.path.extendedCommunities {
                let left = list.filter { !cs.contains($0) }
                a.path.extendedCommunities = left.isEmpty ? nil : left
            }
        case .prepend(let asn, let count):
            let n = max(0, min(count, 64))
            guard n > 0 else { return }
            a.path.asPath = prepended(a.path.asPath ?? .empty, asn ?? context.localAS, times: n)
        }
    }
}

/// `path` with `asn` prepended `times` times: into the leading AS_SEQUENCE while it has room for
/// 255 ASes (the wire limit of a segment), else as a new segment.
func prepended(_ path: ASPath, _ asn: UInt32, times: Int = 1) -> ASPath {
    var segs = path.segments
    var left = times
    while left > 0 {
        if let first = segs.first, first.type == .sequence, first.asns.count < 255 {
            let room = min(left, 255 - first.asns.count)
            segs[0].asns.insert(contentsOf: [UInt32](repeating: asn, count: room), at: 0)
            left -= room
        } else {
            let n = min(left, 255)
            segs.insert(ASPathSegment(type: .sequence, asns: [UInt32](repeating: asn, count: n)), at: 0)
            left -= n
        }
    }
    return ASPath(segments: segs)
}
