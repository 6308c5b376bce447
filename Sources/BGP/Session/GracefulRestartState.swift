/// Our side of graceful restart as the receiving speaker ("helper") for one peer: RFC 4724
/// section 4.2, with RFC 8538 (NOTIFICATIONs keep routes when both sides set the N bit) and
/// RFC 9494 (long-lived stale routes). One value per configured peer, living across sessions.
///
/// ```
///   Established --down, retained--> restarting --restart timer--> flush (or long-lived stale)
///        ^                              |
///        +------ re-OPEN: F bit 0 or family gone -> flush that family; else wait for
///                End-of-RIB per family (or the stale-path timer), then flush what is still stale
/// ```
public struct GracefulRestartState: Hashable, Sendable {
    /// Our upper bound on waiting for End-of-RIB once the peer is back (FRR
    /// `stalepath-time`, default 360 s).
    public var stalePathTime: Duration
    /// Families holding stale routes (waiting for the peer or its End-of-RIB).
    public private(set) var staleFamilies: Set<Family> = []
    /// Families whose stale routes are long-lived stale (RFC 9494).
    public private(set) var longLivedStaleFamilies: Set<Family> = []
    /// The session went down with routes retained and the peer is not back yet.
    public private(set) var peerRestarting = false
    /// The LLGR entries of the session that went down, for when the restart timer expires.
    var pendingLongLived: [Family: UInt32] = [:]
    var running: Set<RetentionTimer> = []

    public init(stalePathTime: Duration = .seconds(360)) {
        self.stalePathTime = stalePathTime
    }

    /// Whether a session that ended with `cause` keeps the peer's routes. RFC 4724: a TCP
    /// failure keeps them when both sides advertised GR. RFC 8538 section 4: with the N bit on
    /// both sides, so does any NOTIFICATION sent or received other than Cease/Hard Reset.
    public static func retainsRoutes(after cause: SessionCloseCause, session: NegotiatedSession) -> Bool {
        guard session.gracefulRestart else { return false }
        switch cause {
        case .connectionFailed:
            return true
        case .notificationSent(let n), .notificationReceived(let n):
            return session.gracefulRestartNotification && !n.isHardReset
        case .stoppedWithoutNotification:
            return false
        }
    }

    /// An Established session ended.
    public mutating func sessionDown(_ cause: SessionCloseCause, session: NegotiatedSession) -> [RetentionOutput] {
        var out: [RetentionOutput] = []
        let previouslyStale = staleFamilies.union(longLivedStaleFamilies)
        stopAll(&out)
        guard Self.retainsRoutes(after: cause, session: session), let peerGR = session.peerGracefulRestart else {
            staleFamilies = []
            longLivedStaleFamilies = []
            peerRestarting = false
            out.append(.routes(.flushAll))
            return out
        }
        // "To deal with possible consecutive restarts, a route (from the peer) previously
        // marked as stale MUST be deleted."
        if !previouslyStale.isEmpty { out.append(.routes(.flushStale(previouslyStale))) }

        // "Retain the routes received from the peer for all the address families that were
        // previously received in the Graceful Restart Capability."
        let grFamilies = Set(peerGR.families.map(\.family)).intersection(session.families)
        pendingLongLived = [:]
        for e in session.peerLongLivedGracefulRestart where e.staleTime > 0 { pendingLongLived[e.family] = e.staleTime }
        let llgrFamilies = Set(pendingLongLived.keys)
        let retained = grFamilies.union(llgrFamilies)
        let dropped = session.families.union(previouslyStale).subtracting(retained)
        if !dropped.isEmpty { out.append(.routes(.flush(dropped))) }
        guard !retained.isEmpty else {
            staleFamilies = []
            longLivedStaleFamilies = []
            peerRestarting = false
            return out
        }
        out.append(.routes(.markStale(retained)))
        staleFamilies = retained
        longLivedStaleFamilies = []
        peerRestarting = true
        if peerGR.restartTime > 0 && !grFamilies.isEmpty {
            start(.restart, .seconds(peerGR.restartTime), &out)
        } else {
            // RFC 9494: without a restart time, the LLGR families go long-lived at once and the
            // others are gone.
            restartTimeOver(&out)
        }
        return out
    }

    /// A new session with the peer reached Established.
    public mutating func sessionEstablished(_ session: NegotiatedSession) -> [RetentionOutput] {
        var out: [RetentionOutput] = []
        peerRestarting = false
        stop(.restart, &out)
        for f in longLivedStaleFamilies { stop(.longLivedStale(f), &out) }
        let stale = staleFamilies.union(longLivedStaleFamilies)
        guard !stale.isEmpty else { return out }
        // "If the Forwarding State bit for a specific address family is not set in the newly
        // received Graceful Restart Capability, or if a specific address family is not
        // included ..., or if the Graceful Restart Capability is not received in the
        // re-established session at all, then the Receiving Speaker MUST immediately remove
        // all the stale routes from the peer that it is retaining for that address family."
        // RFC 9494 section 4.2 says the same of the LLGR capability's F bit.
        var preserved = Set<Family>()
        if session.gracefulRestart {
            for e in session.peerGracefulRestart?.families ?? [] where e.forwardingPreserved { preserved.insert(e.family) }
            for e in session.peerLongLivedGracefulRestart where e.flags & 0x80 != 0 { preserved.insert(e.family) }
        }
        preserved.formIntersection(session.families)
        let flushNow = stale.subtracting(preserved)
        if !flushNow.isEmpty { out.append(.routes(.flushStale(flushNow))) }
        staleFamilies = staleFamilies.intersection(preserved)
        longLivedStaleFamilies = longLivedStaleFamilies.intersection(preserved)
        if !staleFamilies.union(longLivedStaleFamilies).isEmpty { start(.stalePath, stalePathTime, &out) }
        return out
    }

    /// The peer sent End-of-RIB for `family`: "it MUST immediately remove any routes from the
    /// peer that are still marked as stale for that address family."
    public mutating func endOfRIB(_ family: Family) -> [RetentionOutput] {
        var out: [RetentionOutput] = []
        guard !peerRestarting, staleFamilies.contains(family) || longLivedStaleFamilies.contains(family) else { return out }
        staleFamilies.remove(family)
        longLivedStaleFamilies.remove(family)
        out.append(.routes(.flushStale([family])))
        if staleFamilies.isEmpty && longLivedStaleFamilies.isEmpty { stop(.stalePath, &out) }
        return out
    }

    /// A retention timer fired.
    public mutating func timerFired(_ timer: RetentionTimer) -> [RetentionOutput] {
        guard running.remove(timer) != nil else { return [] }
        var out: [RetentionOutput] = []
        switch timer {
        case .restart:
            // "If the session does not get re-established within the Restart Time that the peer
            // advertised previously, the Receiving Speaker MUST delete all the stale routes."
            restartTimeOver(&out)
        case .stalePath:
            let all = staleFamilies.union(longLivedStaleFamilies)
            if !all.isEmpty { out.append(.routes(.flushStale(all))) }
            staleFamilies = []
            longLivedStaleFamilies = []
        case .longLivedStale(let f):
            if longLivedStaleFamilies.remove(f) != nil { out.append(.routes(.flushStale([f]))) }
            if longLivedStaleFamilies.isEmpty && staleFamilies.isEmpty { peerRestarting = false }
        case .enhancedRefresh:
            break
        }
        return out
    }

    /// The peer is stopped or deconfigured: whatever is still stale goes, and the timers stop.
    public mutating func abandon() -> [RetentionOutput] {
        var out: [RetentionOutput] = []
        stopAll(&out)
        let all = staleFamilies.union(longLivedStaleFamilies)
        if !all.isEmpty { out.append(.routes(.flushStale(all))) }
        staleFamilies = []
        longLivedStaleFamilies = []
        peerRestarting = false
        return out
    }

    /// The restart time is over: LLGR families become long-lived stale, the rest is removed.
    private mutating func restartTimeOver(_ out: inout [RetentionOutput]) {
        let longLived = staleFamilies.filter { pendingLongLived[$0] != nil }
        let gone = staleFamilies.subtracting(longLived)
        if !gone.isEmpty { out.append(.routes(.flushStale(gone))) }
        if !longLived.isEmpty {
            out.append(.routes(.markLongLivedStale(longLived)))
            for f in longLived.sorted() { start(.longLivedStale(f), .seconds(Int64(pendingLongLived[f] ?? 0)), &out) }
        }
        staleFamilies = []
        longLivedStaleFamilies.formUnion(longLived)
        peerRestarting = !longLivedStaleFamilies.isEmpty
    }

    private mutating func start(_ t: RetentionTimer, _ d: Duration, _ out: inout [RetentionOutput]) {
        running.insert(t)
        out.append(.startTimer(t, d))
    }

    private mutating func stop(_ t: RetentionTimer, _ out: inout [RetentionOutput]) {
        if running.remove(t) != nil { out.append(.stopTimer(t)) }
    }

    private mutating func stopAll(_ out: inout [RetentionOutput]) {
        for t in running.sorted(by: { $0.description < $1.description }) { stop(t, &out) }
    }
}
