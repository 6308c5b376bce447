/// Settings of the decision process and ECMP.
struct DecisionOptions: Sendable {
    var maximumPaths: Int
    var multipathRelax: Bool
    var alwaysCompareMED: Bool
}

extension Decision {
    /// Chooses the best path and the ECMP set among eligible candidates.
    ///
    /// MED is comparable only between paths from the same neighbour AS, which makes "better than"
    /// intransitive; choosing by pairwise comparison in arrival order would then depend on the
    /// order. So, as deterministic-MED does, the best of each neighbour AS is chosen first
    /// (MED compared within the group), then the best of those (MED not compared). Every step is
    /// a total order, so any arrival order gives the same result.
    ///
    /// The ECMP set is the best path and every path equal to it through `igpCost` (MED compared
    /// as above) from the same neighbour AS, or, with `multipathRelax`, from any neighbour AS
    /// (AS_PATH length is already equal then) provided it has the lowest MED of its own AS among
    /// such paths. It is ordered best first, then by the remaining tie-breakers, and cut at
    /// `maximumPaths`. Returns the best path's index into `cands` and leaves the ECMP set in
    /// `members`; `winners` is scratch space (both reused to avoid allocating per destination).
    static func select(_ cands: [Candidate], options: DecisionOptions, winners: inout [Int],
                       members: inout [Int]) -> Int? {
        members.removeAll(keepingCapacity: true)
        if cands.isEmpty { return nil }
        if cands.count == 1 {
            members.append(0)
            return 0
        }
        let always = options.alwaysCompareMED
        var best = 0
        if always {
            for i in 1..<cands.count where compare(cands[i], cands[best], compareMED: true)?.aWins == true { best = i }
        } else {
            winners.removeAll(keepingCapacity: true)   // the best of each neighbour AS
            for i in 0..<cands.count {
                if let w = winners.firstIndex(where: { cands[$0].neighbourAS == cands[i].neighbourAS }) {
                    if compare(cands[i], cands[winners[w]], compareMED: true)?.aWins == true { winners[w] = i }
                } else {
                    winners.append(i)
                }
            }
            best = winners[0]
            for w in winners.dropFirst() where compare(cands[w], cands[best], compareMED: false)?.aWins == true {
                best = w
            }
        }
        let b = cands[best]
        for i in 0..<cands.count where i != best {
            let c = cands[i]
            let sameAS = c.neighbourAS == b.neighbourAS
            guard sameAS || options.multipathRelax else { continue }
            if compare(b, c, compareMED: always || sameAS, through: .igpCost) == nil { members.append(i) }
        }
        if options.multipathRelax && !always && members.count > 1 {
            // A path from another AS joins only with the lowest MED of its AS among the equals.
            let all = members
            members.removeAll { m in
                let c = cands[m]
                return c.neighbourAS != b.neighbourAS
                    && all.contains { cands[$0].neighbourAS == c.neighbourAS && cands[$0].med < c.med }
            }
        }
        if members.count > 1 {
            members.sort { compare(cands[$0], cands[$1], compareMED: false)?.aWins ?? false }
        }
        if members.count > options.maximumPaths - 1 { members.removeLast(members.count - max(0, options.maximumPaths - 1)) }
        members.insert(best, at: 0)
        return best
    }

    /// FIB weights for an ECMP set whose paths carry link bandwidths: proportional, scaled so the
    /// largest is 100, each at least 1, reduced by their greatest common divisor. Equal (all 1)
    /// unless every path carries a bandwidth (FRR's default, so a path without one does not
    /// silently get no traffic).
    static func weights(_ bandwidths: [Float?]) -> [UInt32] {
        guard bandwidths.count > 1, bandwidths.allSatisfy({ ($0 ?? 0) > 0 }) else {
            return [UInt32](repeating: 1, count: bandwidths.count)
        }
        let bws = bandwidths.map { $0 ?? 0 }
        let top = bws.max() ?? 1
        var ws = bws.map { w -> UInt32 in
            // Round half up by truncation (no libm here).
            let v = Double(w) / Double(top) * 100 + 0.5
            return UInt32(max(1, min(100, v)))
        }
        var g = ws[0]
        for w in ws.dropFirst() { g = gcd(g, w) }
        if g > 1 { ws = ws.map { $0 / g } }
        return ws
    }

    private static func gcd(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
