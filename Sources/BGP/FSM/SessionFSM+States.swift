/// The transitions of RFC 4271 section 8.2.2, one method per state (Connect and Active share
/// one, as their tables differ in a few rows).
extension SessionFSM {
    mutating func idle(_ event: SessionEvent, _ out: inout [SessionAction]) {
        switch event {
        case .manualStart, .automaticStart:
            if event == .manualStart { consecutiveFailures = 0 }
            autoRestartArmed = true
            start(passive: false, &out)
        case .manualStartPassive, .automaticStartPassive:
            if event == .manualStartPassive { consecutiveFailures = 0 }
            autoRestartArmed = true
            start(passive: true, &out)
        case .automaticStartDamped, .automaticStartDampedPassive:
            // Events 6 and 7: "the method of preventing persistent peer oscillation is outside
            // the scope of this document". Ours: start now unless failures are being damped.
            autoRestartArmed = true
            let passive = event == .automaticStartDampedPassive
            if runningTimers.contains(.idleHold) {
                pendingPassiveStart = pendingPassiveStart || passive
            } else if consecutiveFailures > 0 {
                pendingPassiveStart = passive
                startTimer(.idleHold, jittered(configuration.idleHold.delay(afterFailures: consecutiveFailures)), &out)
            } else {
                start(passive: passive, &out)
            }
        case .idleHoldTimerExpires:
            start(passive: pendingPassiveStart, &out)
        case .manualStop:
            // "The ManualStop event ... is ignored in the Idle state": the state stays, but a
            // pending automatic restart is ours to cancel, or the stopped peer would come back.
            autoRestartArmed = false
            consecutiveFailures = 0
            stopTimer(.idleHold, &out)
        default:
            // "Any other event ... in the Idle state does not cause change in the state of the
            // local system." Connections are refused by the owner.
            break
        }
    }

    mutating func connectOrActive(_ event: SessionEvent, _ out: inout [SessionAction]) {
        let delayOpenRunning = runningTimers.contains(.delayOpen)
        switch event {
        case .manualStart, .automaticStart, .manualStartPassive, .automaticStartPassive,
             .automaticStartDamped, .automaticStartDampedPassive:
            break  // already started
        case .manualStop(let n):
            var cause = SessionCloseCause.stoppedWithoutNotification
            if state == .active && delayOpenRunning && configuration.sendNotificationWithoutOpen {
                cause = sendNotification(n, &out)
            }
            enterIdle(cause, .manualStop, &out)
        case .connectRetryTimerExpires:
            if state == .connect {
                // "Drops the TCP connection, restarts the ConnectRetryTimer, stops the
                // DelayOpenTimer, initiates a TCP connection".
                out.append(.disconnect)
                stopTimer(.delayOpen, &out)
            }
            restartConnectRetry(&out)
            out.append(.connect)
            state = .connect
        case .delayOpenTimerExpires:
            stopTimer(.connectRetry, &out)
            sendOpen(&out)
            state = .openSent
        case .tcpConnectionValid, .tcpConnectionInvalid:
            break  // the owner accepts or rejects the connection
        case .tcpConnectionAcked, .tcpConnectionConfirmed:
            stopTimer(.connectRetry, &out)
            if let d = configuration.delayOpenTime {
                startTimer(.delayOpen, d, &out)
            } else {
                sendOpen(&out)
                state = .openSent
            }
        case .tcpConnectionFails:
            if state == .connect && !delayOpenRunning {
                enterIdle(.connectionFailed, .quiet, &out)
            } else if state == .connect {
                // "Restarts the ConnectRetryTimer, stops the DelayOpenTimer ... changes its
                // state to Active."
                stopTimer(.delayOpen, &out)
                restartConnectRetry(&out)
                out.append(.disconnect)
                state = .active
            } else {
                enterIdle(.connectionFailed, .failure, &out)
            }
        case .bgpOpen(let open) where delayOpenRunning:
            // Event 20: the peer's OPEN arrived while we were delaying ours.
            if let rejection = acceptOpen(open, sendOwnOpen: true, &out) {
                openErrorBeforeOpen(rejection.notification, &out)
            }
        case .bgpHeaderErr(let n), .bgpOpenMsgErr(let n):
            openErrorBeforeOpen(n, &out)
        case .notifMsgVerErr(let n):
            enterIdle(.notificationReceived(n), delayOpenRunning ? .quiet : .failure, &out)
        case .notifMsg(let n):
            enterIdle(.notificationReceived(n), .failure, &out)
        default:
            // Events 8, 10, 11, 13, 19 (without DelayOpen), 23, 26-28 and ROUTE-REFRESH: no OPEN
            // has been sent, so no NOTIFICATION either.
            var cause = SessionCloseCause.stoppedWithoutNotification
            if case .automaticStop(let n) = event, delayOpenRunning, configuration.sendNotificationWithoutOpen {
                cause = sendNotification(n, &out)
            }
            enterIdle(cause, .failure, &out)
        }
    }

    /// Events 21 and 22 in Connect or Active: "(optionally) sends a NOTIFICATION message with
    /// the appropriate error code if the SendNOTIFICATIONwithoutOPEN attribute is set to TRUE".
    private mutating func openErrorBeforeOpen(_ n: NotificationMessage, _ out: inout [SessionAction]) {
        var cause = SessionCloseCause.stoppedWithoutNotification
        if configuration.sendNotificationWithoutOpen { cause = sendNotification(n, &out) }
        enterIdle(cause, .failure, &out)
    }

    mutating func openSent(_ event: SessionEvent, _ out: inout [SessionAction]) {
        switch event {
        case .manualStart, .automaticStart, .manualStartPassive, .automaticStartPassive,
             .automaticStartDamped, .automaticStartDampedPassive:
            break
        case .manualStop(let n):
            enterIdle(sendNotification(n, &out), .manualStop, &out)
        case .automaticStop(let n):
            enterIdle(sendNotification(n, &out), .failure, &out)
        case .holdTimerExpires:
            enterIdle(sendNotification(.holdTimerExpired, &out), .failure, &out)
        case .tcpConnectionValid, .tcpConnectionAcked, .tcpConnectionConfirmed, .tcpConnectionInvalid:
            break  // a second connection is tracked by the owner (section 6.8)
        case .tcpConnectionFails:
            // "Closes the BGP connection, restarts the ConnectRetryTimer, continues to listen
            // for a connection ... changes its state to Active."
            out.append(.disconnect)
            stopTimer(.hold, &out)
            lastCloseCause = .connectionFailed
            if !configuration.passive { restartConnectRetry(&out) }
            state = .active
        case .bgpOpen(let open):
            if let rejection = acceptOpen(open, sendOwnOpen: false, &out) {
                enterIdle(sendNotification(rejection.notification, &out), .failure, &out)
            }
        case .bgpHeaderErr(let n), .bgpOpenMsgErr(let n):
            enterIdle(sendNotification(n, &out), .failure, &out)
        case .openCollisionDump:
            enterIdle(sendNotification(.cease(.connectionCollisionResolution), &out), .failure, &out)
        case .notifMsgVerErr(let n):
            enterIdle(.notificationReceived(n), .quiet, &out)
        case .notifMsg(let n):
            // RFC 4271 lists event 25 among those that answer with an FSM Error here, but the
            // peer closes the connection right after its NOTIFICATION (section 6), nobody would
            // read ours, and OpenConfirm's row for the same event sends none: we send none.
            enterIdle(.notificationReceived(n), .failure, &out)
        default:
            // Events 9, 11-13, 20, 26-28 and ROUTE-REFRESH: an FSM Error; for messages with the
            // RFC 6608 subcode "Receive Unexpected Message in OpenSent State".
            fsmError(event, &out)
        }
    }

    mutating func openConfirm(_ event: SessionEvent, _ out: inout [SessionAction]) {
        switch event {
        case .manualStart, .automaticStart, .manualStartPassive, .automaticStartPassive,
             .automaticStartDamped, .automaticStartDampedPassive:
            break
        case .manualStop(let n):
            enterIdle(sendNotification(n, &out), .manualStop, &out)
        case .automaticStop(let n):
            enterIdle(sendNotification(n, &out), .failure, &out)
        case .holdTimerExpires:
            enterIdle(sendNotification(.holdTimerExpired, &out), .failure, &out)
        case .keepaliveTimerExpires:
            out.append(.send(.keepalive))
            restartKeepalive(&out)
        case .tcpConnectionValid, .tcpConnectionAcked, .tcpConnectionConfirmed, .tcpConnectionInvalid:
            break
        case .tcpConnectionFails:
            enterIdle(.connectionFailed, .failure, &out)
        case .notifMsg(let n):
            enterIdle(.notificationReceived(n), .failure, &out)
        case .notifMsgVerErr(let n):
            enterIdle(.notificationReceived(n), .quiet, &out)
        case .bgpHeaderErr(let n), .bgpOpenMsgErr(let n):
            enterIdle(sendNotification(n, &out), .failure, &out)
        case .openCollisionDump:
            enterIdle(sendNotification(.cease(.connectionCollisionResolution), &out), .failure, &out)
        case .keepAliveMsg:
            restartHold(&out)
            state = .established
            if consecutiveFailures > 0 { startTimer(.dampingReset, configuration.idleHold.resetAfter, &out) }
            if let n = negotiated { out.append(.established(n)) }
        default:
            // Events 9, 12, 13, 19 (a second OPEN on this connection; a colliding connection's
            // OPEN is the owner's to resolve), 20, 27, 28 and ROUTE-REFRESH. RFC 6608: "Receive
            // Unexpected Message in OpenConfirm State".
            fsmError(event, &out)
        }
    }

    mutating func established(_ event: SessionEvent, _ out: inout [SessionAction]) {
        switch event {
        case .manualStart, .automaticStart, .manualStartPassive, .automaticStartPassive,
             .automaticStartDamped, .automaticStartDampedPassive:
            break
        case .manualStop(let n):
            enterIdle(sendNotification(n, &out), .manualStop, &out)
        case .automaticStop(let n):
            enterIdle(sendNotification(n, &out), .failure, &out)
        case .holdTimerExpires:
            enterIdle(sendNotification(.holdTimerExpired, &out), .failure, &out)
        case .keepaliveTimerExpires:
            out.append(.send(.keepalive))
            restartKeepalive(&out)
        case .tcpConnectionValid, .tcpConnectionAcked, .tcpConnectionConfirmed, .tcpConnectionInvalid:
            break
        case .openCollisionDump:
            enterIdle(sendNotification(.cease(.connectionCollisionResolution), &out), .failure, &out)
        case .tcpConnectionFails:
            enterIdle(.connectionFailed, .failure, &out)
        case .notifMsg(let n), .notifMsgVerErr(let n):
            enterIdle(.notificationReceived(n), .failure, &out)
        case .keepAliveMsg:
            restartHold(&out)
        case .updateMsg(let u):
            out.append(.deliverUpdate(u))
            restartHold(&out)
        case .routeRefreshMsg(let r):
            out.append(.deliverRouteRefresh(r))
            restartHold(&out)
        case .updateMsgErr(let n), .routeRefreshMsgErr(let n):
            enterIdle(sendNotification(n, &out), .failure, &out)
        case .bgpHeaderErr(let n):
            // RFC 4271 8.2.2 lists event 21 under "FSM Error" here, but section 6.1 says a
            // header error is reported with its Message Header Error code, as FRR and BIRD do.
            enterIdle(sendNotification(n, &out), .failure, &out)
        case .dampingResetTimerExpires:
            consecutiveFailures = 0
        default:
            // Events 9, 12, 13, 19, 20, 22: an OPEN here is an unexpected message (RFC 6608
            // subcode 3); the timers cannot run in this state.
            fsmError(event, &out)
        }
    }

    /// "Sends the NOTIFICATION with the Error Code Finite State Machine Error, ... increments
    /// the ConnectRetryCounter by 1, ... changes its state to Idle."
    private mutating func fsmError(_ event: SessionEvent, _ out: inout [SessionAction]) {
        let n: NotificationMessage = event.isMessage
            ? .fsmError(unexpectedMessageIn: state) : NotificationMessage(.fsm, subcode: FSMErrorSubcode.unspecified.rawValue)
        enterIdle(sendNotification(n, &out), .failure, &out)
    }
}
