import Testing
@testable import BGP

/// Timers, jitter and the damped automatic restart.
@Suite struct FSMTimerTests {
    @Test func fixedJitterScalesJitteredTimersOnly() {
        var f = SessionFSM(configuration: Fixture.config(), jitter: .fixed(0.75))
        #expect(f.handle(.manualStart).startedTimers[.connectRetry] == .seconds(90))
        _ = f.handle(.tcpConnectionAcked)
        let actions = f.handle(.bgpOpen(Fixture.openB))
        // RFC 4271 section 10: keepalive and connect-retry are jittered, the hold timer is not.
        #expect(actions.startedTimers[.keepalive] == .milliseconds(22_500))
        #expect(actions.startedTimers[.hold] == .seconds(90))
    }

    @Test func jitterIsClampedToTheRFCRange() {
        var low = Jitter.fixed(0.1), high = Jitter.fixed(3)
        #expect(low.nextFactor() == 0.75)
        #expect(high.nextFactor() == 1.0)
    }

    @Test func seededJitterIsDeterministicAndInRange() {
        var j1 = Jitter.seeded(42), j2 = Jitter.seeded(42), j3 = Jitter.seeded(43)
        let a = (0..<1000).map { _ in j1.apply(to: .seconds(30)) }
        let b = (0..<1000).map { _ in j2.apply(to: .seconds(30)) }
        let c = (0..<1000).map { _ in j3.apply(to: .seconds(30)) }
        #expect(a == b)
        #expect(a != c)
        #expect(a.allSatisfy { $0 >= .milliseconds(22_500) && $0 <= .seconds(30) })
        // Spread over the range, not stuck at one end.
        #expect(a.contains { $0 < .seconds(24) } && a.contains { $0 > .seconds(29) })
    }

    @Test func keepaliveIsAThirdOfHoldOrTheConfiguredValue() {
        var f = Fixture.fsm(in: .openSent)
        _ = f.handle(.bgpOpen(Fixture.plainOpen(asn: 65002, id: Fixture.idB, hold: 9)))
        #expect(f.negotiated?.holdTime == 9 && f.negotiated?.keepaliveTime == 3)
        var c = Fixture.config()
        c.policy.keepaliveTime = 10
        var g = Fixture.fsm(in: .openSent, c)
        _ = g.handle(.bgpOpen(Fixture.openB))
        #expect(g.negotiated?.keepaliveTime == 10)
        var h = Fixture.fsm(in: .openSent, c)
        _ = h.handle(.bgpOpen(Fixture.plainOpen(asn: 65002, id: Fixture.idB, hold: 3)))
        #expect(h.negotiated?.keepaliveTime == 1)
    }

    @Test func backoffDoublesUpToItsMaximum() {
        let b = IdleHoldBackoff(base: .seconds(1), maximum: .seconds(120))
        #expect((0...9).map { b.delay(afterFailures: $0) }
                == [.zero, .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
                    .seconds(32), .seconds(64), .seconds(120), .seconds(120)])
    }

    /// Repeated failures after Established: the idle hold grows 1, 2, 4 s; a session that
    /// stays up for `resetAfter` forgets them.
    @Test func dampedRestartAfterRepeatedFailures() {
        var f = Fixture.fsm(in: .established, Fixture.config(automaticRestart: true))
        var holds: [Duration] = []
        for _ in 0..<3 {
            let down = f.handle(.notifMsg(.cease(.administrativeReset)))
            #expect(f.state == .idle)
            holds.append(down.startedTimers[.idleHold] ?? .zero)
            // In Idle with the idle hold running, connections are refused and nothing restarts
            // before the timer fires.
            #expect(f.handle(.tcpConnectionConfirmed).isEmpty)
            let restart = f.handle(.idleHoldTimerExpires)
            #expect(f.state == .connect)
            #expect(restart.contains(.connect))
            _ = f.handle(.tcpConnectionAcked)
            _ = f.handle(.bgpOpen(Fixture.openB))
            let up = f.handle(.keepAliveMsg)
            #expect(up.startedTimers[.dampingReset] == .seconds(300))
        }
        #expect(holds == [.seconds(1), .seconds(2), .seconds(4)])
        #expect(f.consecutiveFailures == 3)
        _ = f.handle(.dampingResetTimerExpires)
        #expect(f.consecutiveFailures == 0)
        let down = f.handle(.tcpConnectionFails)
        #expect(down.startedTimers[.idleHold] == .seconds(1))
    }

    /// A connection attempt that fails is not a session failure: the machine waits in Active
    /// for the connect-retry time (accepting connections), then tries again.
    @Test func connectFailureRetriesAfterConnectRetryTime() {
        var f = Fixture.fsm(Fixture.config(automaticRestart: true))
        _ = f.handle(.manualStart)
        let actions = f.handle(.tcpConnectionFails)
        #expect(f.state == .active)
        #expect(actions.startedTimers[.connectRetry] == .seconds(120))
        #expect(f.consecutiveFailures == 0)
        #expect(f.handle(.connectRetryTimerExpires).contains(.connect))
        #expect(f.state == .connect)
    }

    @Test func manualStopDisarmsAutomaticRestart() {
        var f = Fixture.fsm(in: .established, Fixture.config(automaticRestart: true))
        let actions = f.handle(.manualStop(.adminShutdown()))
        #expect(f.state == .idle)
        #expect(actions.startedTimers.isEmpty)
        #expect(f.runningTimers.isEmpty)
    }

    @Test func dampedStartEventsWaitForTheIdleHold() {
        var f = Fixture.fsm(in: .openSent, Fixture.config(automaticRestart: false))
        _ = f.handle(.holdTimerExpires)
        #expect(f.consecutiveFailures == 1)
        // Event 6 with a recent failure: wait for the idle hold instead of connecting.
        let a = f.handle(.automaticStartDamped)
        #expect(f.state == .idle)
        #expect(a == [.startTimer(.idleHold, .seconds(1))])
        // A second event 7 while it runs asks for passive establishment when it fires.
        #expect(f.handle(.automaticStartDampedPassive).isEmpty)
        _ = f.handle(.idleHoldTimerExpires)
        #expect(f.state == .active)
    }

    @Test func manualStopInIdleCancelsThePendingRestart() {
        var f = Fixture.fsm(in: .established, Fixture.config(automaticRestart: true))
        _ = f.handle(.tcpConnectionFails)
        #expect(f.runningTimers == [.idleHold])
        #expect(f.handle(.manualStop(.adminShutdown())) == [.stopTimer(.idleHold)])
        #expect(f.state == .idle && f.runningTimers.isEmpty)
        // A late expiry of the cancelled timer is stale.
        #expect(f.handle(.idleHoldTimerExpires).isEmpty)
        #expect(f.state == .idle)
    }
}
