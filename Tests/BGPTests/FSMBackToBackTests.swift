import Testing
import NetAddress
@testable import BGP

/// Two machines wired back to back in memory: A connects, B listens. Messages are handed over
/// as values; TCP is a flag.
struct FSMPair {
    var a: SessionFSM
    var b: SessionFSM
    var connected = false
    /// What each side delivered or reported, in order (everything but sends and timers).
    var reportsA: [SessionAction] = []
    var reportsB: [SessionAction] = []
    var timersA: [SessionTimer: Duration] = [:]
    var timersB: [SessionTimer: Duration] = [:]
    var wire: [(toB: Bool, message: BGPMessage)] = []

    enum Side { case a, b }

    /// Events waiting to be handled, in order (a FIFO, so each side sees the other's messages
    /// in wire order).
    var pending: [(Side, SessionEvent)] = []

    mutating func apply(_ actions: [SessionAction], from side: Side) {
        for action in actions {
            switch action {
            case .connect:
                if b.state == .active || b.state == .connect {
                    connected = true
                    pending.append((.a, .tcpConnectionAcked))
                    pending.append((.b, .tcpConnectionConfirmed))
                } else {
                    pending.append((side, .tcpConnectionFails))
                }
            case .send(let m):
                wire.append((side == .a, m))
                pending.append((side == .a ? .b : .a, SessionFSM.event(for: m)))
            case .disconnect:
                if connected {
                    connected = false
                    pending.append((side == .a ? .b : .a, .tcpConnectionFails))
                }
            case .startTimer(let t, let d):
                if side == .a { timersA[t] = d } else { timersB[t] = d }
            case .stopTimer(let t):
                if side == .a { timersA[t] = nil } else { timersB[t] = nil }
            default:
                if side == .a { reportsA.append(action) } else { reportsB.append(action) }
            }
        }
    }

    /// Handles `e` on `side`, then everything it causes, until nothing is pending.
    mutating func handle(_ e: SessionEvent, on side: Side) {
        pending.append((side, e))
        while !pending.isEmpty {
            let (s, event) = pending.removeFirst()
            // What was sent before a close is still delivered (TCP delivers data before FIN);
            // a machine in Idle ignores it.
            if s == .a {
                if let t = event.timer { timersA[t] = nil }
                apply(a.handle(event), from: .a)
            } else {
                if let t = event.timer { timersB[t] = nil }
                apply(b.handle(event), from: .b)
            }
        }
    }

    mutating func fire(_ t: SessionTimer, on side: Side) { handle(.expired(t), on: side) }
}

@Suite struct FSMBackToBackTests {
    static func pair() -> FSMPair {
        let b = SessionFSM(configuration: Fixture.config(local: Fixture.openB, peerAS: .number(65001)), jitter: .none)
        return FSMPair(a: Fixture.fsm(), b: b)
    }

    static func established() -> FSMPair {
        var p = pair()
        p.handle(.manualStartPassive, on: .b)
        p.handle(.manualStart, on: .a)
        return p
    }

    @Test func reachEstablished() throws {
        let p = Self.established()
        #expect(p.a.state == .established)
        #expect(p.b.state == .established)
        // OPEN, OPEN, KEEPALIVE, KEEPALIVE, in that order on the wire.
        #expect(p.wire.map { $0.message.type } == [.open, .open, .keepalive, .keepalive])
        guard case .established(let na) = p.reportsA.first, case .established(let nb) = p.reportsB.first else {
            Issue.record("no established report"); return
        }
        #expect(na.peerASN == 65002 && nb.peerASN == 65001)
        #expect(na.kind == .external)
        #expect(na.families == [.ipv4Unicast, .ipv6Unicast])
        #expect(p.timersA[.hold] == .seconds(90) && p.timersA[.keepalive] == .seconds(30))
    }

    @Test func exchangeUpdatesAndKeepalives() {
        var p = Self.established()
        let eor = UpdateMessage.endOfRIB(.ipv6Unicast)
        p.apply(p.a.send([.update(eor)]), from: .a)
        p.handle(.keepAliveMsg, on: .b)  // flushes the queue, and is a keepalive B sees
        #expect(p.reportsB.last == .deliverUpdate(eor))
        p.wire.removeAll()
        p.fire(.keepalive, on: .b)
        #expect(p.wire.map { $0.message } == [.keepalive])
        #expect(p.timersA[.hold] == .seconds(90))
        #expect(p.timersB[.keepalive] == .seconds(30))
        #expect(p.a.state == .established && p.b.state == .established)
    }

    @Test func notificationTearsBothDown() {
        var p = Self.established()
        p.handle(.manualStop(.adminShutdown(message: "maintenance")), on: .a)
        #expect(p.a.state == .idle && p.b.state == .idle)
        let sent = NotificationMessage.adminShutdown(message: "maintenance")
        #expect(p.reportsA.last == .sessionDown(.notificationSent(sent)))
        #expect(p.reportsB.last == .sessionDown(.notificationReceived(sent)))
        #expect(p.b.lastCloseCause?.notification?.shutdownMessage == "maintenance")
        #expect(p.b.connectRetryCounter == 1)
        #expect(p.a.connectRetryCounter == 0)
    }

    @Test func holdTimerExpiryTearsBothDown() {
        var p = Self.established()
        p.fire(.hold, on: .b)
        #expect(p.a.state == .idle && p.b.state == .idle)
        #expect(p.reportsA.last == .sessionDown(.notificationReceived(.holdTimerExpired)))
    }

    @Test func badPeerASIsRejectedOnBothSides() {
        var p = Self.pair()
        p.b.configuration.policy.peerAS = .number(65009)
        p.handle(.manualStartPassive, on: .b)
        p.handle(.manualStart, on: .a)
        #expect(p.a.state == .idle && p.b.state == .idle)
        let n = NotificationMessage(.open, subcode: OpenErrorSubcode.badPeerAS.rawValue)
        #expect(p.a.lastCloseCause == .notificationReceived(n))
        #expect(p.b.lastCloseCause == .notificationSent(n))
        #expect(p.reportsA.sessionDowns.isEmpty)
    }

    @Test func hardResetWrapsAdminShutdownWhenBothSetTheNBit() {
        // FRR's behaviour in LAB.md: with the N bit on both sides, an administrative shutdown
        // is Cease/Hard Reset wrapping Cease/Administrative Shutdown and its message.
        let gr = GracefulRestartCapability(flags: 0x4, restartTime: 120)
        let openA = OpenConfiguration(asn: 65001, routerID: Fixture.idA, gracefulRestart: gr).makeOpen()
        let openB = OpenConfiguration(asn: 65002, routerID: Fixture.idB, gracefulRestart: gr).makeOpen()
        var p = FSMPair(
            a: SessionFSM(configuration: Fixture.config(local: openA), jitter: .none),
            b: SessionFSM(configuration: Fixture.config(local: openB, peerAS: .number(65001)), jitter: .none))
        p.handle(.manualStartPassive, on: .b)
        p.handle(.manualStart, on: .a)
        #expect(p.a.negotiated?.gracefulRestartNotification == true)
        p.wire.removeAll()
        p.handle(.manualStop(.adminShutdown(message: "lab-teardown")), on: .a)
        guard case .notification(let n) = p.wire.last?.message else { Issue.record("no NOTIFICATION"); return }
        #expect(n.code == 6 && n.subcode == 9)
        #expect(n.data == [6, 2, 12] + Array("lab-teardown".utf8))
        #expect(n.hardResetInner == .adminShutdown(message: "lab-teardown"))
        #expect(n.shutdownMessage == "lab-teardown")
    }

    @Test func hardResetLeavesCollisionAndHoldExpiryUnwrapped() {
        let gr = GracefulRestartCapability(flags: 0x4, restartTime: 120)
        let openA = OpenConfiguration(asn: 65001, routerID: Fixture.idA, gracefulRestart: gr).makeOpen()
        let openB = OpenConfiguration(asn: 65002, routerID: Fixture.idB, gracefulRestart: gr).makeOpen()
        for (event, want) in [(SessionEvent.holdTimerExpires, NotificationMessage.holdTimerExpired),
                              (.openCollisionDump, .cease(.connectionCollisionResolution)),
                              (.automaticStop(.cease(.outOfResources)), .cease(.outOfResources)),
                              (.automaticStop(.cease(.maximumPrefixesReached)), .hardReset(inner: .cease(.maximumPrefixesReached)))] {
            var f = Fixture.fsm(in: .established, Fixture.config(local: openA), peerOpen: openB)
            #expect(f.handle(event).notifications == [want])
        }
        var soft = Fixture.config(local: openA)
        soft.policy.hardAdministrativeReset = false
        var f = Fixture.fsm(in: .established, soft, peerOpen: openB)
        #expect(f.handle(.manualStop(.adminReset())).notifications == [.adminReset()])
    }
}
