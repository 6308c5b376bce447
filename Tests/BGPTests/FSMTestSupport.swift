import Testing
import NetAddress
@testable import BGP

/// Shared fixtures for the FSM, negotiation and session tests: two speakers, AS 65001 (10.0.0.1)
/// and AS 65002 (10.0.0.2), and helpers to drive a machine into each state.
enum Fixture {
    static let idA = IPv4Address(10, 0, 0, 1)
    static let idB = IPv4Address(10, 0, 0, 2)

    /// A plain OPEN: IPv4/IPv6 unicast, route refresh, 4-octet AS; no GR (so Cease is not
    /// wrapped in Hard Reset).
    static func plainOpen(asn: UInt32, id: IPv4Address, hold: UInt16 = 90) -> OpenMessage {
        OpenConfiguration(asn: asn, routerID: id, holdTime: hold, gracefulRestart: nil).makeOpen()
    }

    static let openA = plainOpen(asn: 65001, id: idA)
    static let openB = plainOpen(asn: 65002, id: idB)

    static func config(local: OpenMessage = openA, peerAS: PeerASExpectation = .number(65002),
                       automaticRestart: Bool = false, delayOpen: Duration? = nil,
                       passive: Bool = false) -> SessionConfiguration {
        SessionConfiguration(localOpen: local, policy: NegotiationPolicy(peerAS: peerAS),
                             connectRetryTime: .seconds(120), delayOpenTime: delayOpen,
                             passive: passive, automaticRestart: automaticRestart)
    }

    static func fsm(_ c: SessionConfiguration = config()) -> SessionFSM {
        SessionFSM(configuration: c, jitter: .none)
    }

    /// A machine of config `c` driven into `state` by the shortest RFC path.
    static func fsm(in state: SessionState, _ c: SessionConfiguration = config(),
                    peerOpen: OpenMessage = openB) -> SessionFSM {
        var f = fsm(c)
        let path: [SessionEvent]
        switch state {
        case .idle: path = []
        case .connect: path = [.manualStart]
        case .active: path = [.manualStartPassive]
        case .openSent: path = [.manualStart, .tcpConnectionAcked]
        case .openConfirm: path = [.manualStart, .tcpConnectionAcked, .bgpOpen(peerOpen)]
        case .established: path = [.manualStart, .tcpConnectionAcked, .bgpOpen(peerOpen), .keepAliveMsg]
        }
        for e in path { _ = f.handle(e) }
        precondition(f.state == state, "fixture failed to reach \(state), got \(f.state)")
        return f
    }

    /// One example of every event (payloads chosen so their NOTIFICATIONs are distinct).
    static let allEvents: [SessionEvent] = [
        .manualStart, .manualStop(.adminShutdown(message: "bye")), .automaticStart,
        .manualStartPassive, .automaticStartPassive, .automaticStartDamped, .automaticStartDampedPassive,
        .automaticStop(.cease(.maximumPrefixesReached)),
        .connectRetryTimerExpires, .holdTimerExpires, .keepaliveTimerExpires, .delayOpenTimerExpires,
        .idleHoldTimerExpires, .tcpConnectionValid, .tcpConnectionInvalid, .tcpConnectionAcked,
        .tcpConnectionConfirmed, .tcpConnectionFails, .bgpOpen(openB),
        .bgpHeaderErr(NotificationMessage(.messageHeader, subcode: 2)),
        .bgpOpenMsgErr(NotificationMessage(.open, subcode: 4)),
        .openCollisionDump, .notifMsgVerErr(.unsupportedVersion),
        .notifMsg(.cease(.administrativeShutdown)), .keepAliveMsg, .updateMsg(.endOfRIB(.ipv4Unicast)),
        .updateMsgErr(NotificationMessage(.update, subcode: 1)),
        .routeRefreshMsg(RouteRefreshMessage(family: .ipv4Unicast)),
        .routeRefreshMsgErr(NotificationMessage(.routeRefresh, subcode: 1)),
        .dampingResetTimerExpires,
    ]
}

extension [SessionAction] {
    /// The NOTIFICATIONs sent, in order.
    var notifications: [NotificationMessage] {
        compactMap { if case .send(.notification(let n)) = $0 { return n } else { return nil } }
    }
    /// The messages sent, in order.
    var sent: [BGPMessage] {
        compactMap { if case .send(let m) = $0 { return m } else { return nil } }
    }
    var startedTimers: [SessionTimer: Duration] {
        var d: [SessionTimer: Duration] = [:]
        for a in self { if case .startTimer(let t, let v) = a { d[t] = v } }
        return d
    }
    var sessionDowns: [SessionCloseCause] {
        compactMap { if case .sessionDown(let c) = $0 { return c } else { return nil } }
    }
}
