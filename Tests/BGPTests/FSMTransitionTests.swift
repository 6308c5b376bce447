import Testing
import NetAddress
@testable import BGP

/// (state, event) -> (state, actions) for the transitions of RFC 4271 section 8.2.2, with the
/// exact actions each row of the RFC prescribes. No jitter, no automatic restart.
@Suite struct FSMTransitionTests {
    struct Row: CustomStringConvertible {
        var from: SessionState
        var event: SessionEvent
        var to: SessionState
        var actions: [SessionAction]
        var config = Fixture.config()
        var description: String { "\(from) + \(event.rfcNumber.map { "event \($0)" } ?? "\(event)") -> \(to)" }
    }

    static let open = BGPMessage.open(Fixture.openA)
    static let cr = Duration.seconds(120)
    static let rows: [Row] = [
        // Idle
        Row(from: .idle, event: .manualStart, to: .connect,
            actions: [.startTimer(.connectRetry, cr), .connect]),
        Row(from: .idle, event: .automaticStart, to: .connect,
            actions: [.startTimer(.connectRetry, cr), .connect]),
        Row(from: .idle, event: .manualStartPassive, to: .active, actions: [.startTimer(.connectRetry, cr)]),
        Row(from: .idle, event: .automaticStartPassive, to: .active, actions: [.startTimer(.connectRetry, cr)]),
        Row(from: .idle, event: .manualStop(.adminShutdown()), to: .idle, actions: []),
        Row(from: .idle, event: .tcpConnectionConfirmed, to: .idle, actions: []),
        // Connect
        Row(from: .connect, event: .manualStop(.adminShutdown()), to: .idle,
            actions: [.stopTimer(.connectRetry), .disconnect]),
        Row(from: .connect, event: .connectRetryTimerExpires, to: .connect,
            actions: [.disconnect, .startTimer(.connectRetry, cr), .connect]),
        Row(from: .connect, event: .tcpConnectionAcked, to: .openSent,
            actions: [.stopTimer(.connectRetry), .send(open), .startTimer(.hold, .seconds(240))]),
        Row(from: .connect, event: .tcpConnectionConfirmed, to: .openSent,
            actions: [.stopTimer(.connectRetry), .send(open), .startTimer(.hold, .seconds(240))]),
        Row(from: .connect, event: .tcpConnectionAcked, to: .connect,
            actions: [.stopTimer(.connectRetry), .startTimer(.delayOpen, .seconds(5))],
            config: Fixture.config(delayOpen: .seconds(5))),
        Row(from: .connect, event: .tcpConnectionFails, to: .idle,
            actions: [.stopTimer(.connectRetry), .disconnect]),
        Row(from: .connect, event: .keepAliveMsg, to: .idle,
            actions: [.stopTimer(.connectRetry), .disconnect]),
        // Active
        Row(from: .active, event: .connectRetryTimerExpires, to: .connect,
            actions: [.startTimer(.connectRetry, cr), .connect]),
        Row(from: .active, event: .tcpConnectionConfirmed, to: .openSent,
            actions: [.stopTimer(.connectRetry), .send(open), .startTimer(.hold, .seconds(240))]),
        Row(from: .active, event: .tcpConnectionFails, to: .idle,
            actions: [.stopTimer(.connectRetry), .disconnect]),
        Row(from: .active, event: .manualStop(.adminShutdown()), to: .idle,
            actions: [.stopTimer(.connectRetry), .disconnect]),
        // OpenSent
        Row(from: .openSent, event: .bgpOpen(Fixture.openB), to: .openConfirm,
            actions: [.send(.keepalive), .startTimer(.keepalive, .seconds(30)), .startTimer(.hold, .seconds(90))]),
        Row(from: .openSent, event: .tcpConnectionFails, to: .active,
            actions: [.disconnect, .stopTimer(.hold), .startTimer(.connectRetry, cr)]),
        Row(from: .openSent, event: .holdTimerExpires, to: .idle,
            actions: [.send(.notification(.holdTimerExpired)), .disconnect]),
        Row(from: .openSent, event: .manualStop(.adminShutdown(message: "x")), to: .idle,
            actions: [.send(.notification(.adminShutdown(message: "x"))), .stopTimer(.hold), .disconnect]),
        Row(from: .openSent, event: .openCollisionDump, to: .idle,
            actions: [.send(.notification(.cease(.connectionCollisionResolution))), .stopTimer(.hold), .disconnect]),
        Row(from: .openSent, event: .keepAliveMsg, to: .idle,
            actions: [.send(.notification(NotificationMessage(.fsm, subcode: 1))), .stopTimer(.hold), .disconnect]),
        Row(from: .openSent, event: .notifMsgVerErr(.unsupportedVersion), to: .idle,
            actions: [.stopTimer(.hold), .disconnect]),
        // OpenConfirm
        Row(from: .openConfirm, event: .keepaliveTimerExpires, to: .openConfirm,
            actions: [.send(.keepalive), .startTimer(.keepalive, .seconds(30))]),
        Row(from: .openConfirm, event: .updateMsg(.endOfRIB(.ipv4Unicast)), to: .idle,
            actions: [.send(.notification(NotificationMessage(.fsm, subcode: 2))),
                      .stopTimer(.hold), .stopTimer(.keepalive), .disconnect]),
        Row(from: .openConfirm, event: .notifMsg(.cease(.administrativeShutdown)), to: .idle,
            actions: [.stopTimer(.hold), .stopTimer(.keepalive), .disconnect]),
        // Established
        Row(from: .established, event: .keepAliveMsg, to: .established,
            actions: [.startTimer(.hold, .seconds(90))]),
        Row(from: .established, event: .updateMsg(.endOfRIB(.ipv6Unicast)), to: .established,
            actions: [.deliverUpdate(.endOfRIB(.ipv6Unicast)), .startTimer(.hold, .seconds(90))]),
        Row(from: .established, event: .keepaliveTimerExpires, to: .established,
            actions: [.send(.keepalive), .startTimer(.keepalive, .seconds(30))]),
        Row(from: .established, event: .holdTimerExpires, to: .idle,
            actions: [.send(.notification(.holdTimerExpired)), .stopTimer(.keepalive), .disconnect,
                      .sessionDown(.notificationSent(.holdTimerExpired))]),
        Row(from: .established, event: .tcpConnectionFails, to: .idle,
            actions: [.stopTimer(.hold), .stopTimer(.keepalive), .disconnect, .sessionDown(.connectionFailed)]),
        Row(from: .established, event: .bgpOpen(Fixture.openB), to: .idle,
            actions: [.send(.notification(NotificationMessage(.fsm, subcode: 3))), .stopTimer(.hold),
                      .stopTimer(.keepalive), .disconnect,
                      .sessionDown(.notificationSent(NotificationMessage(.fsm, subcode: 3)))]),
    ]

    @Test(arguments: rows)
    func transition(_ row: Row) {
        var f = Fixture.fsm(in: row.from, row.config)
        let actions = f.handle(row.event)
        #expect(f.state == row.to)
        #expect(actions == row.actions)
    }

    @Test func openConfirmToEstablishedReportsNegotiatedSession() throws {
        var f = Fixture.fsm(in: .openConfirm)
        let actions = f.handle(.keepAliveMsg)
        #expect(f.state == .established)
        #expect(actions.first == .startTimer(.hold, .seconds(90)))
        guard case .established(let n) = actions.last else { Issue.record("no established action"); return }
        #expect(n.peerASN == 65002)
        #expect(n.peerIdentifier == Fixture.idB)
        #expect(n.holdTime == 90 && n.keepaliveTime == 30)
    }

    @Test func openRejectedInOpenSentSendsNegotiationNotification() {
        var f = Fixture.fsm(in: .openSent, Fixture.config(peerAS: .number(65099)))
        let actions = f.handle(.bgpOpen(Fixture.openB))
        #expect(f.state == .idle)
        #expect(actions.notifications == [NotificationMessage(.open, subcode: 2)])
        #expect(f.lastOpenRejection?.reason.contains("expected 65099") == true)
        #expect(f.connectRetryCounter == 1)
    }

    @Test func zeroHoldTimeStartsNeitherKeepaliveNorHoldTimer() {
        var f = Fixture.fsm(in: .openSent)
        let actions = f.handle(.bgpOpen(Fixture.plainOpen(asn: 65002, id: Fixture.idB, hold: 0)))
        #expect(f.state == .openConfirm)
        #expect(actions == [.send(.keepalive), .stopTimer(.hold)])
        #expect(f.handle(.keepAliveMsg).startedTimers.isEmpty)
        #expect(f.state == .established)
        // Sending UPDATEs with hold time 0 does not start a keepalive timer either.
        #expect(f.send([.update(.endOfRIB(.ipv4Unicast))]) == [.send(.update(.endOfRIB(.ipv4Unicast)))])
    }

    @Test func delayOpenReceivesPeerOpenFirst() {
        var f = Fixture.fsm(Fixture.config(delayOpen: .seconds(5)))
        _ = f.handle(.manualStart)
        _ = f.handle(.tcpConnectionAcked)
        #expect(f.runningTimers == [.delayOpen])
        // Event 20: BGPOpen with the DelayOpenTimer running.
        let actions = f.handle(.bgpOpen(Fixture.openB))
        #expect(f.state == .openConfirm)
        #expect(actions.sent == [.open(Fixture.openA), .keepalive])
        #expect(actions.contains(.stopTimer(.delayOpen)))
    }

    @Test func delayOpenExpirySendsOpen() {
        var f = Fixture.fsm(Fixture.config(delayOpen: .seconds(5)))
        _ = f.handle(.manualStartPassive)
        _ = f.handle(.tcpConnectionConfirmed)
        #expect(f.state == .active)
        let actions = f.handle(.delayOpenTimerExpires)
        #expect(f.state == .openSent)
        #expect(actions.sent == [.open(Fixture.openA)])
    }

    @Test func delayOpenConnectFailureFallsBackToActive() {
        var f = Fixture.fsm(Fixture.config(delayOpen: .seconds(5)))
        _ = f.handle(.manualStart)
        _ = f.handle(.tcpConnectionAcked)
        let actions = f.handle(.tcpConnectionFails)
        #expect(f.state == .active)
        #expect(actions.contains(.stopTimer(.delayOpen)))
        #expect(actions.startedTimers[.connectRetry] == .seconds(120))
    }

    @Test func staleTimerExpiryIsIgnored() {
        var f = Fixture.fsm(in: .openSent)
        #expect(!f.runningTimers.contains(.connectRetry))
        // RFC 4271 would answer event 9 in OpenSent with an FSM Error; a stopped timer cannot
        // expire, so the event is a race with the owner's cancel and changes nothing.
        #expect(f.handle(.connectRetryTimerExpires).isEmpty)
        #expect(f.state == .openSent)
    }

    @Test func strictPassiveNeverConnects() {
        var f = Fixture.fsm(Fixture.config(passive: true))
        #expect(f.handle(.manualStart).isEmpty)
        #expect(f.state == .active)
        #expect(f.runningTimers.isEmpty)
    }

    @Test func routeRefreshIsDeliveredInEstablished() {
        var f = Fixture.fsm(in: .established)
        let rr = RouteRefreshMessage(family: .ipv6Unicast)
        #expect(f.receive(.routeRefresh(rr)) == [.deliverRouteRefresh(rr), .startTimer(.hold, .seconds(90))])
    }

    @Test func sendingUpdatesRestartsKeepaliveOnlyInEstablished() {
        var f = Fixture.fsm(in: .openConfirm)
        #expect(f.send([.update(.endOfRIB(.ipv4Unicast))]).isEmpty)
        _ = f.handle(.keepAliveMsg)
        let actions = f.send([.update(.endOfRIB(.ipv4Unicast)), .update(.endOfRIB(.ipv6Unicast))])
        #expect(actions.sent.count == 2)
        #expect(actions.last == .startTimer(.keepalive, .seconds(30)))
        // A ROUTE-REFRESH alone does not restart the keepalive timer (only KEEPALIVE and UPDATE do).
        #expect(f.send([.routeRefresh(RouteRefreshMessage(family: .ipv4Unicast))]).count == 1)
    }
}
