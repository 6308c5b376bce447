/// Route refresh for one peer (RFC 2918) with the enhanced procedure of RFC 7313, receiving
/// side: a BoRR marks the peer's routes of the family stale, the UPDATEs that follow refresh
/// them, and the EoRR removes those still stale.
public struct RouteRefreshState: Hashable, Sendable {
    /// Our upper bound on waiting for EoRR after BoRR; nil waits forever (RFC 7313 section 4
    /// allows a bound; FRR uses its stale-path time).
    public var refreshTimeLimit: Duration?
    /// Families between BoRR and EoRR.
    public private(set) var refreshing: Set<Family> = []
    var running: Set<Family> = []

    public init(refreshTimeLimit: Duration? = .seconds(360)) {
        self.refreshTimeLimit = refreshTimeLimit
    }

    /// What a received ROUTE-REFRESH asks of us.
    public enum Outcome: Hashable, Sendable {
        /// Ignore it (family not negotiated, subtype not negotiated or reserved, EoRR without BoRR).
        case ignore
        /// Re-send the Adj-RIB-Out of the family (RFC 2918); with enhanced route refresh,
        /// between BoRR and EoRR.
        case resend(Family)
        /// Retention work for the routes received from the peer.
        case retention([RetentionOutput])
    }

    /// Handles a ROUTE-REFRESH received on `session`.
    public mutating func received(_ message: RouteRefreshMessage, session: NegotiatedSession) -> Outcome {
        let family = message.family
        // RFC 2918 section 4: a refresh for a family not advertised "shall" be ignored.
        guard session.families.contains(family) else { return .ignore }
        switch message.subtype {
        case .normal:
            return .resend(family)
        case .beginning:
            guard session.enhancedRouteRefresh else { return .ignore }
            var out: [RetentionOutput] = [.routes(.markStale([family]))]
            refreshing.insert(family)
            if let limit = refreshTimeLimit {
                running.insert(family)
                out.append(.startTimer(.enhancedRefresh(family), limit))
            }
            return .retention(out)
        case .end:
            // RFC 7313 section 4: an EoRR without a preceding BoRR is ignored.
            guard session.enhancedRouteRefresh, refreshing.remove(family) != nil else { return .ignore }
            var out: [RetentionOutput] = [.routes(.flushStale([family]))]
            if running.remove(family) != nil { out.append(.stopTimer(.enhancedRefresh(family))) }
            return .retention(out)
        default:
            // "When the BGP speaker receives a ROUTE-REFRESH message with a 'Message Subtype'
            // field other than 0, 1, or 2, it MUST ignore the received ROUTE-REFRESH message."
            return .ignore
        }
    }

    /// The EoRR did not come in time: what is still stale goes.
    public mutating func timerFired(_ family: Family) -> [RetentionOutput] {
        guard running.remove(family) != nil, refreshing.remove(family) != nil else { return [] }
        return [.routes(.flushStale([family]))]
    }

    /// The session ended: pending refreshes are void (graceful restart decides about routes).
    public mutating func sessionDown() -> [RetentionOutput] {
        let out = running.sorted().map { RetentionOutput.stopTimer(.enhancedRefresh($0)) }
        running = []
        refreshing = []
        return out
    }
}
