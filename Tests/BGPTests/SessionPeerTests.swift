import Testing
import NetAddress
@testable import BGP

/// Two `PeerSession`s back to back: establishment, collisions, UPDATEs, graceful restart, hard
/// reset and route refresh, through the same calls the daemon makes.
@Suite struct SessionPeerTests {
    static let v4 = Family.ipv4Unicast, v6 = Family.ipv6Unicast

    static func up(_ net: inout PeerNet) {
        net.with(.b) { $0.start() }
        net.with(.a) { $0.start() }
    }

    @Test func activeToPassiveEstablishes() throws {
        var net = SessionFixture.pair()
        Self.up(&net)
        #expect(net.a.state == .established && net.b.state == .established)
        let na = try #require(net.established(.a))
        #expect(na.peerASN == 65002 && na.holdTime == 9 && na.keepaliveTime == 3)
        #expect(na.gracefulRestartNotification)
        #expect(net.a.connections.count == 1 && net.b.connections.count == 1)
        // The passive side never tried to connect.
        #expect(net.wire.filter { $0.2.type == .open }.count == 2)
        // Hold and keepalive timers run on both sides.
        #expect(net.timers[.a]?.values.contains(.seconds(9)) == true)
        #expect(net.timers[.b]?.values.contains(.seconds(3)) == true)
    }

    @Test func simultaneousOpenKeepsTheConnectionTheHigherIdentifierInitiated() throws {
        var net = SessionFixture.pair(passiveB: false)
        // Both start before either attempt completes: two TCP connections.
        net.apply(net.a.start(), from: .a)
        net.apply(net.b.start(), from: .b)
        net.run()
        #expect(net.a.state == .established && net.b.state == .established)
        #expect(net.a.connections.count == 1 && net.b.connections.count == 1)
        #expect(net.links.count == 2)  // one connection, two ends
        // One Cease/Connection Collision Resolution on the wire, sent on the losing connection.
        let ceases = net.wire.filter { $0.2 == .notification(.cease(.connectionCollisionResolution)) }
        #expect(ceases.count >= 1)
        // B (10.0.0.2) has the higher identifier: the survivor is B's outgoing connection.
        let bConn = try #require(net.b.connections.first)
        #expect(net.b.primary.direction == .outgoing && net.b.primary.connection == bConn)
        #expect(net.a.primary.direction == .incoming)
        // Nobody counts the collision as a failure.
        #expect(net.a.primary.fsm.consecutiveFailures == 0 && net.b.primary.fsm.consecutiveFailures == 0)
        // No timer of a discarded machine is left running.
        for side in [PeerNet.Side.a, .b] {
            let live = side == .a ? net.a.primary.id : net.b.primary.id
            for t in net.timers[side]?.keys ?? [:].keys {
                if case .session(let m, _) = t { #expect(m == live, "timer \(t) of a discarded machine on \(side)") }
            }
        }
    }

    @Test func updatesFlowBothWays() {
        var net = SessionFixture.pair()
        Self.up(&net)
        let u = SessionFixture.v6Update("2001:db8:1::/48")
        net.with(.a) { $0.sendUpdates([u]) }
        #expect(net.updates(.b) == [u])
        net.with(.b) { $0.sendUpdates([SessionFixture.v6Update("2001:db8:2::/48", asPath: [65002])]) }
        #expect(net.updates(.a).count == 1)
        // End-of-RIB goes to the peer as a report, not as an UPDATE.
        net.with(.a) { $0.sendEndOfRIB(Self.v6) }
        #expect(net.reports[.b]?.last == .endOfRIB(Self.v6))
        #expect(net.updates(.b).count == 1)
    }

    @Test func endOfRIBIsSentOnlyToGracefulRestartPeers() {
        var net = SessionFixture.pair(grA: nil, grB: nil)
        Self.up(&net)
        #expect(net.a.sendEndOfRIB(Self.v4).isEmpty)
        var grNet = SessionFixture.pair()
        Self.up(&grNet)
        #expect(grNet.a.sendEndOfRIB(Self.v4).count == 2)  // the UPDATE and the keepalive restart
    }

    @Test func adminShutdownIsAHardResetAndFlushes() {
        var net = SessionFixture.pair()
        Self.up(&net)
        net.with(.a) { $0.stop(.adminShutdown(message: "maintenance window")) }
        #expect(net.a.state == .idle && net.b.state == .idle)
        let down = net.downs(.b)
        #expect(down.count == 1)
        guard case .notificationReceived(let n)? = down.first?.0 else { Issue.record("no NOTIFICATION"); return }
        #expect(n.isHardReset && n.shutdownMessage == "maintenance window")
        #expect(down.first?.1 == false)
        #expect(net.routes(.b) == [.flushAll])
        // A stopped peer refuses connections. The passive peer counts the close as a failure:
        // Idle for the first idle hold (1 s), then Active again.
        #expect(net.a.acceptIncoming() == .rejected(reason: "peer is administratively down"))
        #expect(net.b.state == .idle)
        net.fire(.idleHold, on: .b)
        #expect(net.b.state == .active)
    }

    @Test func connectionLossKeepsRoutesUntilEndOfRIB() {
        var net = SessionFixture.pair()
        Self.up(&net)
        net.breakLinks()
        #expect(net.downs(.b).first?.0 == .connectionFailed)
        #expect(net.downs(.b).first?.1 == true)
        #expect(net.routes(.b) == [.markStale([Self.v4, Self.v6])])
        #expect(net.timers[.b]?[.retention(.restart)] == .seconds(120))
        #expect(net.b.gracefulRestart.peerRestarting)
        // Both sides wait out their idle hold (one failure: 1 s); while B waits, it refuses A.
        net.fire(.idleHold, on: .a)
        #expect(net.rejections[.b] == ["peer is in Idle, restart delayed after failures"])
        #expect(net.a.state == .idle)
        net.fire(.idleHold, on: .b)
        net.fire(.idleHold, on: .a)
        #expect(net.a.state == .established && net.b.state == .established)
        #expect(net.timers[.b]?[.retention(.restart)] == nil)
        #expect(net.timers[.b]?[.retention(.stalePath)] == .seconds(360))
        // A's End-of-RIB per family sweeps B's stale routes of that family.
        net.reports[.b] = []
        net.with(.a) { $0.sendEndOfRIB(Self.v4) }
        net.with(.a) { $0.sendEndOfRIB(Self.v6) }
        #expect(net.routes(.b) == [.flushStale([Self.v4]), .flushStale([Self.v6])])
        #expect(net.timers[.b]?[.retention(.stalePath)] == nil)
    }

    @Test func restartTimerExpiryFlushesWhenThePeerStaysAway() {
        var net = SessionFixture.pair()
        Self.up(&net)
        net.with(.a) { $0.stop(.cease(.outOfResources)) }  // not a hard reset: GR keeps routes
        #expect(net.downs(.b).first?.1 == true)
        net.fire(.retention(.restart), on: .b)
        #expect(net.routes(.b).last == .flushStale([Self.v4, Self.v6]))
        #expect(!net.b.gracefulRestart.peerRestarting)
    }

    @Test func restartedPeerReplacesTheEstablishedSession() throws {
        var net = SessionFixture.pair()
        Self.up(&net)
        let oldB = try #require(net.b.connections.first)
        // A crashes without closing its TCP connection, and comes back as a new process.
        net.links = [:]
        net.a = SessionFixture.peer(65001, Fixture.idA, peerAS: 65002)
        net.with(.a) { $0.start() }
        #expect(net.b.state == .established && net.a.state == .established)
        #expect(net.b.connections.count == 1 && net.b.connections.first != oldB)
        // The old session went down as a connection failure: routes kept as stale.
        #expect(net.downs(.b).map(\.0) == [.connectionFailed])
        #expect(net.routes(.b).first == .markStale([Self.v4, Self.v6]))
    }

    @Test func secondConnectionWithoutGracefulRestartIsClosed() throws {
        var net = SessionFixture.pair(grA: nil, grB: nil)
        Self.up(&net)
        let oldB = try #require(net.b.connections.first)
        net.links = [:]
        net.a = SessionFixture.peer(65001, Fixture.idA, peerAS: 65002, gr: nil)
        net.with(.a) { $0.start() }
        // RFC 4271 6.8: a collision with an Established connection closes the new one.
        #expect(net.b.connections == [oldB])
        #expect(net.b.state == .established)
        #expect(net.wire.last?.2 == .notification(.cease(.connectionCollisionResolution)))
        #expect(net.a.state == .idle)
    }

    @Test func enhancedRouteRefreshRoundTrip() {
        var net = SessionFixture.pair()
        Self.up(&net)
        net.with(.a) { $0.requestRefresh(Self.v6) }
        #expect(net.reports[.b]?.last == .refreshRequested(Self.v6))
        let u = SessionFixture.v6Update("2001:db8:9::/48", asPath: [65002])
        net.with(.b) { $0.beginRefreshResponse(Self.v6) }
        net.with(.b) { $0.sendUpdates([u]) }
        net.with(.b) { $0.endRefreshResponse(Self.v6) }
        #expect(net.routes(.a) == [.markStale([Self.v6]), .flushStale([Self.v6])])
        #expect(net.updates(.a) == [u])
        let types = net.wire.suffix(3).map { $0.2 }
        #expect(types == [.routeRefresh(RouteRefreshMessage(family: Self.v6, subtype: .beginning)), .update(u),
                          .routeRefresh(RouteRefreshMessage(family: Self.v6, subtype: .end))])
    }

    @Test func endOfRIBDuringARefreshDoesNotSweepEarly() {
        var net = SessionFixture.pair()
        Self.up(&net)
        net.breakLinks()
        net.fire(.idleHold, on: .b)
        net.fire(.idleHold, on: .a)
        net.reports[.b] = []
        // A begins an enhanced refresh of IPv4 before its End-of-RIB for IPv4.
        net.with(.a) { $0.beginRefreshResponse(Self.v4) }
        net.with(.a) { $0.sendEndOfRIB(Self.v4) }
        #expect(net.routes(.b) == [.markStale([Self.v4])])
        net.with(.a) { $0.endRefreshResponse(Self.v4) }
        #expect(net.routes(.b) == [.markStale([Self.v4]), .flushStale([Self.v4])])
    }

    @Test func updatesOfFamiliesNotNegotiatedAreDropped() {
        var net = SessionFixture.pair()
        Self.up(&net)
        var evpn = SessionFixture.v6Update("2001:db8:1::/48")
        evpn.mpReach = MPReach(family: .l2vpnEVPN, nextHop: .ipv4(Fixture.idA), nlri: .evpn([]))
        net.with(.a) { $0.sendUpdates([evpn]) }
        #expect(net.updates(.b).isEmpty)
        #expect(net.reports[.b]?.contains { if case .log(.warning, let m) = $0 { return m.contains("l2vpn-evpn (not negotiated)") } else { return false } } == true)
    }

    @Test func refreshRequestWithoutCapabilityIsRefusedLocally() {
        var c = SessionFixture.pair()
        Self.up(&c)
        var noRR = OpenConfiguration(asn: 65002, routerID: Fixture.idB, gracefulRestart: nil)
        noRR.routeRefresh = false
        noRR.enhancedRouteRefresh = false
        var b = PeerSession(configuration: PeerSessionConfiguration(session: SessionConfiguration(
            localOpen: noRR.makeOpen(), policy: NegotiationPolicy(peerAS: .number(65001)), passive: true)), jitter: .none)
        var net = PeerNet(a: SessionFixture.peer(65001, Fixture.idA, peerAS: 65002), b: b)
        Self.up(&net)
        b = net.b
        let actions = net.a.requestRefresh(Self.v4)
        #expect(actions.count == 1)
        guard case .log(.warning, _)? = actions.first else { Issue.record("expected a warning"); return }
    }

    @Test func idlePeerRefusesConnections() {
        var a = SessionFixture.peer(65001, Fixture.idA, peerAS: 65002)
        #expect(a.acceptIncoming() == .rejected(reason: "peer is administratively down"))
        _ = a.start()
        guard case .accepted = a.acceptIncoming() else { Issue.record("should accept while connecting"); return }
        // A third connection while two are being resolved is refused.
        #expect(a.acceptIncoming() == .rejected(reason: "a connection collision is already being resolved"))
    }

    @Test func staleCallbacksAreHarmless() {
        var a = SessionFixture.peer(65001, Fixture.idA, peerAS: 65002)
        let unknown = ConnectionID(rawValue: 99)
        #expect(a.tcpFailed(unknown).isEmpty)
        #expect(a.tcpConnected(unknown) == [.close(unknown)])
        #expect(a.receive(.keepalive, on: unknown).isEmpty)
        #expect(a.timerFired(.session(machine: 42, .hold)).isEmpty)
        #expect(a.timerFired(.retention(.restart)).isEmpty)
    }

    @Test func timerActionsAreCoalescedPerCall() {
        var s = SessionFixture.peer(65001, Fixture.idA, peerAS: 65002)
        let hold = PeerTimer.session(machine: 1, .hold)
        let ka = PeerTimer.session(machine: 1, .keepalive)
        s.timer(hold, .seconds(9))
        s.timer(ka, .seconds(3))
        s.timer(hold, .seconds(9))
        s.timer(ka, nil)
        let coalesced = s.finish([.update(UpdateMessage())])
        #expect(coalesced == [.update(UpdateMessage()), .startTimer(hold, .seconds(9)), .cancelTimer(ka)])
        // Drained: the next call starts clean.
        #expect(s.finish([]) == [])
    }
}

/// Decode errors as the codec reports them, and the operator's stop while routes are stale.
@Suite struct SessionErrorTests {
    static let v4 = Family.ipv4Unicast, v6 = Family.ipv6Unicast

    static func established() -> PeerNet {
        var net = SessionFixture.pair()
        net.with(.b) { $0.start() }
        net.with(.a) { $0.start() }
        return net
    }

    @Test func afiSafiDisableKeepsTheSessionUp() throws {
        var net = Self.established()
        let id = try #require(net.b.connections.first)
        let err = BGPDecodeError(.update, UpdateErrorSubcode.optionalAttributeError.rawValue,
                                 reason: "bad MP_REACH next hop", action: .afiSafiDisable, family: Self.v6)
        let actions = net.b.receiveError(err, messageType: .update, on: id)
        #expect(actions.filter { if case .log = $0 { return false } else { return true } }
                == [.routes(.flush([Self.v6])), .familyDisabled(Self.v6, reason: "bad MP_REACH next hop")])
        #expect(net.b.state == .established)
        #expect(net.b.disabledFamilies == [Self.v6])
        // Further IPv6 routes are ignored; IPv4 still flows.
        net.reports[.b] = []
        net.with(.a) { $0.sendUpdates([SessionFixture.v6Update("2001:db8:5::/48")]) }
        #expect(net.updates(.b).isEmpty)
        // The same error again changes nothing.
        #expect(net.b.receiveError(err, messageType: .update, on: id).isEmpty)
    }

    @Test func sessionResetErrorsSendTheirNotification() throws {
        for (type, notification) in [(MessageType?.some(.update), NotificationMessage(.update, subcode: 5)),
                                     (.some(.routeRefresh), NotificationMessage(.routeRefresh, subcode: 1)),
                                     (nil, NotificationMessage(.messageHeader, subcode: 1))] {
            var net = Self.established()
            let id = try #require(net.b.connections.first)
            let err = BGPDecodeError(NotificationCode(rawValue: notification.code) ?? .cease, notification.subcode, reason: "test")
            net.apply(net.b.receiveError(err, messageType: type, on: id), from: .b)
            net.run()
            #expect(net.b.state == .idle)
            #expect(net.wire.last?.2 == .notification(notification))
            #expect(net.downs(.a).first?.0 == .notificationReceived(notification))
            // Without a Hard Reset, the N bit keeps routes on both sides (RFC 8538).
            #expect(net.downs(.a).first?.1 == true && net.downs(.b).first?.1 == true)
        }
    }

    @Test func openErrorIsEvent22() throws {
        var a = SessionFixture.peer(65001, Fixture.idA, peerAS: 65002)
        var out = a.start()
        guard case .connect(let id)? = out.first(where: { if case .connect = $0 { return true } else { return false } })
        else { Issue.record("no connect"); return }
        out = a.tcpConnected(id)
        let err = BGPDecodeError(.open, OpenErrorSubcode.unsupportedOptionalParameter.rawValue, reason: "bad parameter")
        out = a.receiveError(err, messageType: .open, on: id)
        #expect(out.contains(.send(id, BGPMessage.notification(NotificationMessage(.open, subcode: 4)).encode(context: .initial))))
        #expect(out.contains(.close(id)))
        #expect(a.state == .idle)
    }

    @Test func stopWhileThePeerRestartsFlushesStaleRoutes() {
        var net = Self.established()
        net.breakLinks()
        #expect(net.b.gracefulRestart.peerRestarting)
        net.reports[.b] = []
        net.with(.b) { $0.stop() }
        #expect(net.routes(.b) == [.flushStale([Self.v4, Self.v6])])
        #expect(net.timers[.b]?[.retention(.restart)] == nil)
        #expect(net.timers[.b]?.isEmpty == true)
    }
}

@Suite struct SessionReconfigureTests {
    @Test func openChangeResetsGracefullyAndRestarts() throws {
        var net = SessionFixture.pair()
        net.with(.b) { $0.start() }
        net.with(.a) { $0.start() }
        var c = net.a.configuration
        c.session.localOpen.holdTime = 30
        net.with(.a) { $0.reconfigure(c) }
        // Cease/6 is not wrapped in a Hard Reset: B keeps A's routes as stale.
        #expect(net.downs(.b).first?.0 == .notificationReceived(.cease(.otherConfigurationChange)))
        #expect(net.downs(.b).first?.1 == true)
        // A restarted at once; B, in its idle hold, refused it, so A waits in Active for its
        // connect-retry time.
        #expect(net.rejections[.b]?.count == 1)
        #expect(net.a.state == .active)
        net.fire(.idleHold, on: .b)
        net.fire(.connectRetry, on: .a)
        #expect(net.a.state == .established)
        #expect(net.a.session?.holdTime == 9)  // min(30, B's 9)
        #expect(net.a.session?.localOpen.holdTime == 30)
    }

    @Test func timerChangeAppliesWithoutReset() {
        var net = SessionFixture.pair()
        net.with(.b) { $0.start() }
        net.with(.a) { $0.start() }
        var c = net.a.configuration
        c.session.connectRetryTime = .seconds(1)
        c.stalePathTime = .seconds(30)
        #expect(net.a.reconfigure(c).isEmpty)
        #expect(net.a.state == .established)
        #expect(net.a.primary.fsm.configuration.connectRetryTime == .seconds(1))
        #expect(net.a.gracefulRestart.stalePathTime == .seconds(30))
    }
}

@Suite struct SessionLogTests {
    @Test func refusedOpenIsLoggedWithItsReasonOnBothSides() {
        var net = SessionFixture.pair()
        var c = net.b.configuration
        c.session.policy.peerAS = .number(65099)
        net.b = PeerSession(configuration: c, jitter: .none)
        net.with(.b) { $0.start() }
        net.with(.a) { $0.start() }
        let logsB = (net.reports[.b] ?? []).compactMap { if case .log(_, let m) = $0 { return m } else { return nil } }
        let logsA = (net.reports[.a] ?? []).compactMap { if case .log(_, let m) = $0 { return m } else { return nil } }
        #expect(logsB.contains { $0.contains("OPEN refused: peer AS 65001, expected 65099") })
        #expect(logsA.contains { $0.contains("closed in OpenConfirm: received OPEN Message Error/Bad Peer AS") }, "\(logsA)")
        #expect(net.downs(.a).isEmpty && net.downs(.b).isEmpty)
    }
}

@Suite struct SessionStatisticsTests {
    @Test func countsMessagesAndNotifications() {
        var net = SessionFixture.pair()
        net.with(.b) { $0.start() }
        net.with(.a) { $0.start() }
        net.with(.a) { $0.sendUpdates([SessionFixture.v6Update("2001:db8:1::/48"), SessionFixture.v6Update("2001:db8:2::/48")]) }
        #expect(net.a.statistics.sent(.open) == 1 && net.a.statistics.sent(.keepalive) == 1)
        #expect(net.a.statistics.sent(.update) == 2 && net.b.statistics.received(.update) == 2)
        #expect(net.b.statistics.received(.open) == 1 && net.b.statistics.establishedCount == 1)
        net.with(.a) { $0.stop(.adminShutdown(message: "bye")) }
        let wrapped = NotificationMessage.hardReset(inner: .adminShutdown(message: "bye"))
        #expect(net.a.statistics.lastNotificationSent == wrapped)
        #expect(net.b.statistics.lastNotificationReceived == wrapped)
        #expect(net.reports[.b]?.contains(.log(.notice, "NOTIFICATION received: \(wrapped.summary)")) == true)
        #expect(net.reports[.a]?.contains(.log(.notice, "NOTIFICATION sent: \(wrapped.summary)")) == true)
    }
}
