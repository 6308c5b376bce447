import Testing
@testable import BGP

/// Every event in every state: the resulting state and the NOTIFICATION sent, against an
/// expectation table written from RFC 4271 section 8.2.2 and RFC 6608 (not from the code).
@Suite struct FSMEveryEventTests {
    /// What the RFC prescribes for one (state, event): the next state, and the (code, subcode)
    /// of the NOTIFICATION sent, if any.
    struct Expect: Equatable {
        var state: SessionState
        var notification: (UInt8, UInt8)?
        static func == (a: Expect, b: Expect) -> Bool {
            a.state == b.state && a.notification?.0 == b.notification?.0 && a.notification?.1 == b.notification?.1
        }
    }

    /// A short name per event, for the table.
    static func name(_ e: SessionEvent) -> String {
        switch e {
        case .manualStart: return "start"
        case .automaticStart: return "autoStart"
        case .manualStartPassive, .automaticStartPassive: return "passiveStart"
        case .automaticStartDamped: return "dampedStart"
        case .automaticStartDampedPassive: return "dampedPassiveStart"
        case .manualStop: return "manualStop"
        case .automaticStop: return "autoStop"
        case .connectRetryTimerExpires: return "crt"
        case .holdTimerExpires: return "hold"
        case .keepaliveTimerExpires: return "kat"
        case .delayOpenTimerExpires, .idleHoldTimerExpires, .dampingResetTimerExpires: return "otherTimer"
        case .tcpConnectionValid, .tcpConnectionInvalid: return "tcpRequest"
        case .tcpConnectionAcked, .tcpConnectionConfirmed: return "tcpUp"
        case .tcpConnectionFails: return "tcpFails"
        case .bgpOpen: return "open"
        case .bgpHeaderErr: return "headerErr"
        case .bgpOpenMsgErr: return "openErr"
        case .openCollisionDump: return "collision"
        case .notifMsgVerErr: return "notifVer"
        case .notifMsg: return "notif"
        case .keepAliveMsg: return "keepalive"
        case .updateMsg: return "update"
        case .updateMsgErr: return "updateErr"
        case .routeRefreshMsg: return "refresh"
        case .routeRefreshMsgErr: return "refreshErr"
        }
    }

    /// The expectation, by state. Timers that cannot be running in a state (e.g. the
    /// ConnectRetryTimer in OpenSent) are stale and leave the state unchanged.
    static func expected(_ state: SessionState, _ event: String) -> Expect {
        let idle = Expect(state: .idle, notification: nil)
        func stay(_ s: SessionState) -> Expect { Expect(state: s, notification: nil) }
        func idleWith(_ c: UInt8, _ s: UInt8) -> Expect { Expect(state: .idle, notification: (c, s)) }
        switch state {
        case .idle:
            switch event {
            case "start", "autoStart", "dampedStart": return stay(.connect)
            case "passiveStart", "dampedPassiveStart": return stay(.active)
            default: return idle  // "any other event ... does not cause change in the state"
            }
        case .connect, .active:
            switch event {
            case "start", "autoStart", "passiveStart", "dampedStart", "dampedPassiveStart", "tcpRequest":
                return stay(state)
            case "crt": return stay(.connect)
            case "hold", "kat", "otherTimer": return stay(state)  // not running
            case "tcpUp": return stay(.openSent)
            default: return idle  // no OPEN sent yet: no NOTIFICATION (SendNOTIFICATIONwithoutOPEN false)
            }
        case .openSent:
            switch event {
            case "start", "autoStart", "passiveStart", "dampedStart", "dampedPassiveStart", "tcpRequest", "tcpUp":
                return stay(.openSent)
            case "crt", "kat", "otherTimer": return stay(.openSent)  // not running
            case "manualStop": return idleWith(6, 2)
            case "autoStop": return idleWith(6, 1)
            case "hold": return idleWith(4, 0)
            case "tcpFails": return stay(.active)
            case "open": return stay(.openConfirm)
            case "headerErr": return idleWith(1, 2)
            case "openErr": return idleWith(2, 4)
            case "collision": return idleWith(6, 7)
            case "notifVer", "notif": return idle
            case "keepalive", "update", "updateErr", "refresh", "refreshErr": return idleWith(5, 1)  // RFC 6608
            default: return Expect(state: .openSent, notification: (0, 0))  // unreachable
            }
        case .openConfirm:
            switch event {
            case "start", "autoStart", "passiveStart", "dampedStart", "dampedPassiveStart", "tcpRequest", "tcpUp":
                return stay(.openConfirm)
            case "crt", "otherTimer": return stay(.openConfirm)
            case "kat": return stay(.openConfirm)  // sends a KEEPALIVE
            case "manualStop": return idleWith(6, 2)
            case "autoStop": return idleWith(6, 1)
            case "hold": return idleWith(4, 0)
            case "tcpFails", "notifVer", "notif": return idle
            case "headerErr": return idleWith(1, 2)
            case "openErr": return idleWith(2, 4)
            case "collision": return idleWith(6, 7)
            case "keepalive": return stay(.established)
            case "open", "update", "updateErr", "refresh", "refreshErr": return idleWith(5, 2)  // RFC 6608
            default: return Expect(state: .openConfirm, notification: (0, 0))
            }
        case .established:
            switch event {
            case "start", "autoStart", "passiveStart", "dampedStart", "dampedPassiveStart", "tcpRequest", "tcpUp":
                return stay(.established)
            case "crt", "otherTimer": return stay(.established)
            case "kat", "keepalive", "update", "refresh": return stay(.established)
            case "manualStop": return idleWith(6, 2)
            case "autoStop": return idleWith(6, 1)
            case "hold": return idleWith(4, 0)
            case "tcpFails", "notifVer", "notif": return idle
            case "headerErr": return idleWith(1, 2)  // RFC 4271 section 6.1
            case "open", "openErr": return idleWith(5, 3)  // RFC 6608: unexpected OPEN
            case "collision": return idleWith(6, 7)
            case "updateErr": return idleWith(3, 1)
            case "refreshErr": return idleWith(7, 1)  // RFC 7313 section 5
            default: return Expect(state: .established, notification: (0, 0))
            }
        }
    }

    struct Case: CustomStringConvertible {
        var state: SessionState
        var event: SessionEvent
        var description: String { "\(state) + \(FSMEveryEventTests.name(event))" }
    }

    static let cases: [Case] = SessionState.allCases.flatMap { s in Fixture.allEvents.map { Case(state: s, event: $0) } }

    @Test(arguments: cases)
    func everyEventInEveryState(_ c: Case) {
        var f = Fixture.fsm(in: c.state)
        let actions = f.handle(c.event)
        let want = Self.expected(c.state, Self.name(c.event))
        let sent = actions.notifications
        let got = Expect(state: f.state, notification: sent.first.map { ($0.code, $0.subcode) })
        #expect(got == want, "got \(f.state) \(sent.map(\.summary)), want \(want.state) \(String(describing: want.notification))")
        #expect(sent.count <= 1)
        // "Deletes all routes" exactly when Established is left.
        #expect(actions.sessionDowns.count == (c.state == .established && f.state != .established ? 1 : 0))
        // A connection that existed is dropped when the machine falls to Idle.
        if c.state != .idle && f.state == .idle { #expect(actions.contains(.disconnect)) }
        // Nothing keeps running in Idle (no automatic restart in this configuration).
        if f.state == .idle { #expect(f.runningTimers.isEmpty) }
        // ConnectRetryCounter: incremented on failures, zeroed by ManualStop (RFC 4271 8.2.2).
        if c.state.rawValue >= SessionState.openSent.rawValue, f.state == .idle {
            let quiet: Bool
            switch c.event {
            case .manualStop: quiet = true
            // Event 24 increments the counter only in Established (8.2.2, "Event 24 or Event 25").
            case .notifMsgVerErr: quiet = c.state != .established
            default: quiet = false
            }
            #expect(f.connectRetryCounter == (quiet ? 0 : 1))
        }
    }
}
