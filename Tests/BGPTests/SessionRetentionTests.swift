import Testing
import NetAddress
@testable import BGP

/// Graceful restart (RFC 4724, 8538, 9494) and enhanced route refresh (RFC 7313) retention.
@Suite struct SessionRetentionTests {
    static let v4 = Family.ipv4Unicast, v6 = Family.ipv6Unicast

    /// A session where we advertise GR (N bit as given) and the peer advertises `peerGR` and
    /// `peerLLGR`; we advertise LLGR when the peer does.
    static func session(peerGR: GracefulRestartCapability?, peerLLGR: [LLGREntry]? = nil,
                        localN: Bool = true, enhancedRefresh: Bool = true) -> NegotiatedSession {
        var local = OpenConfiguration(asn: 65001, routerID: Fixture.idA,
                                      gracefulRestart: GracefulRestartCapability(flags: localN ? 0x4 : 0, restartTime: 120))
        local.enhancedRouteRefresh = enhancedRefresh
        if peerLLGR != nil { local.longLivedGracefulRestart = [] }
        var peer = OpenConfiguration(asn: 65002, routerID: Fixture.idB, gracefulRestart: peerGR)
        peer.longLivedGracefulRestart = peerLLGR
        peer.enhancedRouteRefresh = enhancedRefresh
        switch Negotiation.negotiate(local: local.makeOpen(), peer: peer.makeOpen(), policy: NegotiationPolicy(peerAS: .any)) {
        case .success(let n): return n
        case .failure(let r): fatalError("\(r)")
        }
    }

    static func gr(n: Bool, restart: UInt16 = 120, _ families: [(Family, Bool)]) -> GracefulRestartCapability {
        GracefulRestartCapability(flags: n ? 0x4 : 0, restartTime: restart,
                                  families: families.map { .init(family: $0.0, flags: $0.1 ? 0x80 : 0) })
    }

    // MARK: - Which closes keep routes

    @Test func retentionMatrix() {
        let noGR = Self.session(peerGR: nil)
        let grOnly = Self.session(peerGR: Self.gr(n: false, [(Self.v4, true)]))
        let grN = Self.session(peerGR: Self.gr(n: true, [(Self.v4, true)]))
        let cease = NotificationMessage.cease(.administrativeReset)
        let hard = NotificationMessage.hardReset(inner: .adminShutdown(message: "x"))
        typealias R = GracefulRestartState
        #expect(!R.retainsRoutes(after: .connectionFailed, session: noGR))
        #expect(R.retainsRoutes(after: .connectionFailed, session: grOnly))
        // RFC 4724 alone: a NOTIFICATION means a normal close.
        #expect(!R.retainsRoutes(after: .notificationReceived(cease), session: grOnly))
        // RFC 8538: with the N bit on both sides, NOTIFICATIONs keep routes, hold timer too ...
        #expect(R.retainsRoutes(after: .notificationReceived(cease), session: grN))
        #expect(R.retainsRoutes(after: .notificationSent(.holdTimerExpired), session: grN))
        #expect(R.retainsRoutes(after: .notificationSent(NotificationMessage(.update, subcode: 1)), session: grN))
        // ... except Hard Reset, sent or received.
        #expect(!R.retainsRoutes(after: .notificationReceived(hard), session: grN))
        #expect(!R.retainsRoutes(after: .notificationSent(hard), session: grN))
        // The N bit must be on both sides.
        let peerNOnly = Self.session(peerGR: Self.gr(n: true, [(Self.v4, true)]), localN: false)
        #expect(!R.retainsRoutes(after: .notificationReceived(cease), session: peerNOnly))
    }

    @Test func helperOnlyPeerKeepsNothing() {
        // FRR advertises GR with no families: there is nothing to retain.
        var s = GracefulRestartState()
        let out = s.sessionDown(.connectionFailed, session: Self.session(peerGR: Self.gr(n: true, [])))
        #expect(out == [.routes(.flush([Self.v4, Self.v6]))])
        #expect(!s.peerRestarting)
    }

    @Test func hardResetFlushesEverything() {
        var s = GracefulRestartState()
        let session = Self.session(peerGR: Self.gr(n: true, [(Self.v4, true), (Self.v6, true)]))
        let out = s.sessionDown(.notificationReceived(.hardReset(inner: .adminShutdown())), session: session)
        #expect(out == [.routes(.flushAll)])
    }

    // MARK: - The restart cycle

    @Test func restartThenEndOfRIB() {
        var s = GracefulRestartState()
        let first = Self.session(peerGR: Self.gr(n: false, [(Self.v4, true), (Self.v6, true)]))
        #expect(s.sessionDown(.connectionFailed, session: first)
                == [.routes(.markStale([Self.v4, Self.v6])), .startTimer(.restart, .seconds(120))])
        #expect(s.peerRestarting)
        // The peer is back; it preserved IPv4 forwarding but not IPv6.
        let second = Self.session(peerGR: Self.gr(n: false, [(Self.v4, true), (Self.v6, false)]))
        #expect(s.sessionEstablished(second)
                == [.stopTimer(.restart), .routes(.flushStale([Self.v6])), .startTimer(.stalePath, .seconds(360))])
        #expect(s.staleFamilies == [Self.v4])
        #expect(s.endOfRIB(Self.v6).isEmpty)
        #expect(s.endOfRIB(Self.v4) == [.routes(.flushStale([Self.v4])), .stopTimer(.stalePath)])
        #expect(s.staleFamilies.isEmpty)
    }

    @Test func restartTimerExpiryFlushesStale() {
        var s = GracefulRestartState()
        _ = s.sessionDown(.connectionFailed, session: Self.session(peerGR: Self.gr(n: false, [(Self.v4, true)])))
        #expect(s.timerFired(.restart) == [.routes(.flushStale([Self.v4]))])
        #expect(!s.peerRestarting && s.staleFamilies.isEmpty)
        // A second expiry is stale and does nothing.
        #expect(s.timerFired(.restart).isEmpty)
    }

    @Test func stalePathTimerBoundsTheWaitForEndOfRIB() {
        var s = GracefulRestartState(stalePathTime: .seconds(60))
        let session = Self.session(peerGR: Self.gr(n: false, [(Self.v4, true)]))
        _ = s.sessionDown(.connectionFailed, session: session)
        #expect(s.sessionEstablished(session) == [.stopTimer(.restart), .startTimer(.stalePath, .seconds(60))])
        #expect(s.timerFired(.stalePath) == [.routes(.flushStale([Self.v4]))])
    }

    @Test func reOpenWithoutGracefulRestartFlushesStale() {
        var s = GracefulRestartState()
        _ = s.sessionDown(.connectionFailed, session: Self.session(peerGR: Self.gr(n: false, [(Self.v4, true), (Self.v6, true)])))
        #expect(s.sessionEstablished(Self.session(peerGR: nil))
                == [.stopTimer(.restart), .routes(.flushStale([Self.v4, Self.v6]))])
    }

    @Test func consecutiveRestartDeletesPreviouslyStaleRoutes() {
        var s = GracefulRestartState()
        let session = Self.session(peerGR: Self.gr(n: false, [(Self.v4, true)]))
        _ = s.sessionDown(.connectionFailed, session: session)
        _ = s.sessionEstablished(session)
        // Down again before End-of-RIB: what is still stale goes, what was refreshed is marked.
        #expect(s.sessionDown(.connectionFailed, session: session)
                == [.stopTimer(.stalePath), .routes(.flushStale([Self.v4])), .routes(.flush([Self.v6])),
                    .routes(.markStale([Self.v4])), .startTimer(.restart, .seconds(120))])
    }

    @Test func familiesOutsideTheCapabilityAreFlushed() {
        var s = GracefulRestartState()
        let out = s.sessionDown(.connectionFailed, session: Self.session(peerGR: Self.gr(n: false, [(Self.v4, true)])))
        #expect(out == [.routes(.flush([Self.v6])), .routes(.markStale([Self.v4])), .startTimer(.restart, .seconds(120))])
    }

    @Test func longLivedStaleAfterTheRestartTime() {
        var s = GracefulRestartState()
        let session = Self.session(peerGR: Self.gr(n: true, [(Self.v4, true)]),
                                   peerLLGR: [LLGREntry(family: Self.v4, flags: 0x80, staleTime: 3600)])
        #expect(session.peerLongLivedGracefulRestart.count == 1)
        _ = s.sessionDown(.notificationReceived(.cease(.administrativeReset)), session: session)
        #expect(s.timerFired(.restart)
                == [.routes(.markLongLivedStale([Self.v4])), .startTimer(.longLivedStale(Self.v4), .seconds(3600))])
        #expect(s.longLivedStaleFamilies == [Self.v4] && s.peerRestarting)
        #expect(s.timerFired(.longLivedStale(Self.v4)) == [.routes(.flushStale([Self.v4]))])
        #expect(!s.peerRestarting)
    }

    @Test func longLivedWithoutRestartTimeGoesLongLivedAtOnce() {
        var s = GracefulRestartState()
        let session = Self.session(peerGR: Self.gr(n: false, restart: 0, []),
                                   peerLLGR: [LLGREntry(family: Self.v6, flags: 0x80, staleTime: 600)])
        #expect(s.sessionDown(.connectionFailed, session: session)
                == [.routes(.flush([Self.v4])), .routes(.markStale([Self.v6])),
                    .routes(.markLongLivedStale([Self.v6])), .startTimer(.longLivedStale(Self.v6), .seconds(600))])
        // Back: LLGR's F bit set, so the routes wait for End-of-RIB.
        #expect(s.sessionEstablished(session)
                == [.stopTimer(.longLivedStale(Self.v6)), .startTimer(.stalePath, .seconds(360))])
        #expect(s.endOfRIB(Self.v6) == [.routes(.flushStale([Self.v6])), .stopTimer(.stalePath)])
    }

    @Test func abandonFlushesWhatIsStale() {
        var s = GracefulRestartState()
        _ = s.sessionDown(.connectionFailed, session: Self.session(peerGR: Self.gr(n: false, [(Self.v4, true)])))
        #expect(s.abandon() == [.stopTimer(.restart), .routes(.flushStale([Self.v4]))])
    }

    // MARK: - Enhanced route refresh

    @Test func enhancedRefreshMarksAndSweeps() {
        var r = RouteRefreshState(refreshTimeLimit: .seconds(100))
        let session = Self.session(peerGR: nil)
        #expect(r.received(RouteRefreshMessage(family: Self.v4, subtype: .beginning), session: session)
                == .retention([.routes(.markStale([Self.v4])), .startTimer(.enhancedRefresh(Self.v4), .seconds(100))]))
        #expect(r.refreshing == [Self.v4])
        #expect(r.received(RouteRefreshMessage(family: Self.v4, subtype: .end), session: session)
                == .retention([.routes(.flushStale([Self.v4])), .stopTimer(.enhancedRefresh(Self.v4))]))
        // EoRR without BoRR: ignored.
        #expect(r.received(RouteRefreshMessage(family: Self.v6, subtype: .end), session: session) == .ignore)
    }

    @Test func refreshRequestsAndIgnoredOnes() {
        var r = RouteRefreshState()
        let session = Self.session(peerGR: nil)
        #expect(r.received(RouteRefreshMessage(family: Self.v6), session: session) == .resend(Self.v6))
        // A family that was not negotiated, and a reserved subtype, are ignored.
        #expect(r.received(RouteRefreshMessage(family: .l2vpnEVPN), session: session) == .ignore)
        #expect(r.received(RouteRefreshMessage(family: Self.v4, subtype: .init(rawValue: 7)), session: session) == .ignore)
        // BoRR without enhanced route refresh negotiated is ignored.
        let plain = Self.session(peerGR: nil, enhancedRefresh: false)
        #expect(r.received(RouteRefreshMessage(family: Self.v4, subtype: .beginning), session: plain) == .ignore)
    }

    @Test func refreshTimeLimitSweeps() {
        var r = RouteRefreshState(refreshTimeLimit: .seconds(5))
        _ = r.received(RouteRefreshMessage(family: Self.v4, subtype: .beginning), session: Self.session(peerGR: nil))
        #expect(r.timerFired(Self.v4) == [.routes(.flushStale([Self.v4]))])
        #expect(r.timerFired(Self.v4).isEmpty)
        _ = r.received(RouteRefreshMessage(family: Self.v6, subtype: .beginning), session: Self.session(peerGR: nil))
        #expect(r.sessionDown() == [.stopTimer(.enhancedRefresh(Self.v6))])
        #expect(r.refreshing.isEmpty)
    }
}
