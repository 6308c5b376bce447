/// Running the state machines of a `PeerSession`: translating their actions, collisions,
/// promotion of the surviving connection, and the session-level consequences of Established
/// and of leaving it.
extension PeerSession {
    /// Runs `event` on the machine in `slot` and carries out what follows.
    mutating func run(_ slot: Slot, _ event: SessionEvent, _ out: inout [PeerSessionAction], collision: Bool = false) {
        if slot == .secondary && secondary == nil { return }
        var isOpen = false
        if case .bgpOpen = event { isOpen = true }
        let rejectionBefore = isOpen ? machine(slot).fsm.lastOpenRejection : nil
        let stateBefore = fsmState(slot)
        let connectionBefore = connection(slot)
        var actions = scratch
        scratch = []
        actions.removeAll(keepingCapacity: true)
        update(slot) { m in
            let failuresBefore = m.fsm.consecutiveFailures
            m.fsm.handle(event, into: &actions)
            // Losing a collision is not a failure of the peer: it must not lengthen the backoff.
            if collision { m.fsm.consecutiveFailures = failuresBefore }
        }
        if isOpen, let r = machine(slot).fsm.lastOpenRejection, r != rejectionBefore {
            out.append(.log(.warning, "OPEN refused: \(r)"))
        }
        // A connection that fails before Established leaves no `.down`; say why in the log.
        let stateAfter = fsmState(slot)
        if stateAfter != stateBefore, stateBefore.rawValue >= SessionState.openSent.rawValue, stateBefore != .established,
           stateAfter == .idle || stateAfter == .active, let cause = machine(slot).fsm.lastCloseCause {
            let conn = connectionBefore.map { " \($0)" } ?? ""
            out.append(.log(.notice, "connection\(conn) closed in \(stateBefore): \(cause)"))
        }
        translate(actions, from: slot, &out)
        // Hand the buffer back for the next event (translate may have run nested events, which
        // used a buffer of their own).
        actions.removeAll(keepingCapacity: true)
        if actions.capacity > scratch.capacity { scratch = actions }
        settle(&out)
    }

    /// Turns one machine's actions into the peer's.
    private mutating func translate(_ actions: [SessionAction], from slot: Slot, _ out: inout [PeerSessionAction]) {
        let mid = machineID(slot)
        // Consecutive messages go out as one write.
        var pending: [UInt8] = []
        func flush(_ out: inout [PeerSessionAction], _ id: ConnectionID?) {
            if let id, !pending.isEmpty {
                // Writes of two events in a row (a KEEPALIVE after an OPEN ...) become one.
                if case .send(id, let before)? = out.last {
                    out[out.count - 1] = .send(id, before + pending)
                } else {
                    out.append(.send(id, pending))
                }
            }
            pending = []
        }
        for action in actions {
            if case .send(let message) = action {
                if connection(slot) != nil {
                    message.encode(into: &pending, context: codecContext(slot))
                    statistics.count(sent: message)
                    if case .notification(let n) = message { out.append(.log(.notice, "NOTIFICATION sent: \(n.summary)")) }
                }
                continue
            }
            if !pending.isEmpty { flush(&out, connection(slot)) }
            switch action {
            case .connect:
                let id = newConnection()
                update(slot) {
                    $0.connection = id
                    $0.tcpUp = false
                    $0.direction = .outgoing
                }
                out.append(.connect(id))
            case .send:
                break
            case .disconnect:
                if let id = connection(slot) { out.append(.close(id)) }
                update(slot) {
                    $0.connection = nil
                    $0.tcpUp = false
                    $0.inbound = []
                }
            case .startTimer(let t, let d):
                timer(.session(machine: mid, t), d)
            case .stopTimer(let t):
                timer(.session(machine: mid, t), nil)
            case .established(let n):
                sessionUp(n, &out)
            case .deliverUpdate(let u):
                deliver(u, &out)
            case .deliverRouteRefresh(let r):
                refreshReceived(r, &out)
            case .sessionDown(let cause):
                sessionDown(cause, &out)
            }
        }
        if !pending.isEmpty { flush(&out, connection(slot)) }
    }

    /// After a machine ran: a finished second machine goes away; a primary that lost its
    /// connection while a second one lives hands over to it.
    private mutating func settle(_ out: inout [PeerSessionAction]) {
        guard let second = secondary else { return }
        if second.fsm.state == .idle {
            secondary = nil
            return
        }
        // The primary keeps its place while its connection is up, or while its attempt is in
        // progress and the second connection has not got further than OpenSent.
        guard !primary.tcpUp, primary.connection == nil || second.fsm.state.rawValue >= SessionState.openConfirm.rawValue
        else { return }
        // Promote the second machine: it inherits the peer's settings (active or passive,
        // automatic restart) and the failure count that damps restarts.
        for t in primary.fsm.runningTimers.sorted(by: { $0.description < $1.description }) {
            timer(.session(machine: primary.id, t), nil)
        }
        if let pending = primary.connection { out.append(.close(pending)) }
        var p = second
        p.fsm.configuration = configuration.session
        p.fsm.consecutiveFailures = primary.fsm.consecutiveFailures
        primary = p
        secondary = nil
    }

    /// Connection collision processing (RFC 4271 section 6.8) for a valid OPEN arriving on
    /// `slot`'s connection. Returns false when that connection was closed.
    mutating func resolveCollision(open: OpenMessage, on slot: Slot, _ out: inout [PeerSessionAction]) -> Bool {
        let other: Slot = slot == .primary ? .secondary : .primary
        guard secondary != nil, machine(other).tcpUp,
              [.connect, .active, .openSent].contains(machine(slot).fsm.state) else { return true }
        // Both connections belong to this configured peer (the daemon matched the address), so
        // they are taken to be the same speaker: section 6.8's "whose BGP Identifier equals the
        // one in the OPEN message" is not required, so a peer that restarted with a new
        // identifier still resolves against its old connection.
        let local = configuration.session.localOpen
        guard case .success = Negotiation.negotiate(local: local, peer: open, policy: configuration.session.policy) else {
            return true  // an invalid OPEN is refused by the machine itself
        }
        let mine = machine(slot), theirs = machine(other)
        let decision = CollisionResolver.resolve(
            receiving: mine.direction, peerOpen: open, localOpen: local, otherState: theirs.fsm.state,
            otherIsGracefulRestartPeer: theirs.fsm.negotiated?.gracefulRestart ?? false)
        let which = "\(mine.direction) \(mine.connection.map(\.description) ?? "-")"
        let otherWhich = "\(theirs.direction) \(theirs.connection.map(\.description) ?? "-")"
        switch decision {
        case .proceed:
            return true
        case .closeReceiving:
            out.append(.log(.info, "connection collision: keeping \(otherWhich) (\(theirs.fsm.state)), closing \(which)"))
            run(slot, .openCollisionDump, &out, collision: true)
            return false
        case .closeOther:
            out.append(.log(.info, "connection collision: keeping \(which), closing \(otherWhich) (\(theirs.fsm.state))"))
            run(other, .openCollisionDump, &out, collision: true)
            return true
        case .replaceEstablished:
            out.append(.log(.notice, "peer reconnected while Established: treating it as a restart (RFC 4724 4.2), closing \(otherWhich)"))
            run(other, .tcpConnectionFails, &out)
            return true
        }
    }

    // MARK: - Session level

    private mutating func sessionUp(_ n: NegotiatedSession, _ out: inout [PeerSessionAction]) {
        session = n
        statistics.establishedCount += 1
        disabledFamilies = []
        out.append(.established(n))
        retention(gracefulRestart.sessionEstablished(n), &out)
    }

    private mutating func sessionDown(_ cause: SessionCloseCause, _ out: inout [PeerSessionAction]) {
        guard let s = session else { return }
        retention(routeRefresh.sessionDown(), &out)
        let outputs = gracefulRestart.sessionDown(cause, session: s)
        retention(outputs, &out)
        let retained = outputs.contains { if case .routes(.markStale) = $0 { return true } else { return false } }
        out.append(.down(cause, retainRoutes: retained))
        session = nil
        disabledFamilies = []
    }

    /// A received UPDATE: End-of-RIB goes to graceful restart; parts of families that are not
    /// negotiated or were disabled are dropped.
    private mutating func deliver(_ update: UpdateMessage, _ out: inout [PeerSessionAction]) {
        guard establishedSlot != nil else { return }
        // The common case, checked without copying the session: one family, negotiated, on.
        if disabledFamilies.isEmpty, update.mpUnreach == nil, update.withdrawn.isEmpty {
            let family = update.mpReach?.family ?? .ipv4Unicast
            if (update.mpReach == nil || update.nlri.isEmpty), update.mpReach != nil || !update.nlri.isEmpty,
               acceptedFamilies.contains(family) {
                out.append(.update(update))
                return
            }
        }
        if let family = update.endOfRIB {
            var outputs = gracefulRestart.endOfRIB(family)
            // A BoRR in progress for the family: its EoRR sweeps the stale routes; sweeping now
            // would remove routes the refresh has not re-sent yet.
            if routeRefresh.refreshing.contains(family) {
                outputs.removeAll { $0 == .routes(.flushStale([family])) }
            }
            retention(outputs, &out)
            out.append(.endOfRIB(family))
            return
        }
        let accepted = acceptedFamilies
        var u = update
        var dropped: [Family] = []
        if let r = u.mpReach, !accepted.contains(r.family) { dropped.append(r.family); u.mpReach = nil }
        if let w = u.mpUnreach, !accepted.contains(w.family) { dropped.append(w.family); u.mpUnreach = nil }
        if !accepted.contains(.ipv4Unicast), !u.nlri.isEmpty || !u.withdrawn.isEmpty {
            dropped.append(.ipv4Unicast)
            u.nlri = []
            u.withdrawn = []
        }
        if !dropped.isEmpty {
            let why = dropped.map { disabledFamilies.contains($0) ? "\($0) (disabled)" : "\($0) (not negotiated)" }
            out.append(.log(.warning, "UPDATE: ignored NLRI of \(why.joined(separator: ", "))"))
            if u.mpReach == nil && u.mpUnreach == nil && u.nlri.isEmpty && u.withdrawn.isEmpty { return }
        }
        out.append(.update(u))
    }

    private mutating func refreshReceived(_ r: RouteRefreshMessage, _ out: inout [PeerSessionAction]) {
        guard let s = session else { return }
        switch routeRefresh.received(r, session: s) {
        case .ignore:
            out.append(.log(.debug, "ROUTE-REFRESH for \(r.family) subtype \(r.subtype.rawValue) ignored"))
        case .resend(let f):
            out.append(.refreshRequested(f))
        case .retention(let outputs):
            retention(outputs, &out)
        }
    }

    mutating func retention(_ outputs: [RetentionOutput], _ out: inout [PeerSessionAction]) {
        for o in outputs {
            switch o {
            case .routes(let a): out.append(.routes(a))
            case .startTimer(let t, let d): timer(.retention(t), d)
            case .stopTimer(let t): timer(.retention(t), nil)
            }
        }
    }

    /// The slot of the Established machine, if any.
    var establishedSlot: Slot? {
        if primary.fsm.state == .established { return .primary }
        if secondary?.fsm.state == .established { return .secondary }
        return nil
    }

    /// Records a timer action (`nil`: cancel) for the end of the call; a later one for the same
    /// timer replaces it.
    mutating func timer(_ t: PeerTimer, _ d: Duration?) {
        if let i = timerActions.firstIndex(where: { $0.0 == t }) {
            timerActions.remove(at: i)
        }
        timerActions.append((t, d))
    }

    /// The final action list of a call: the actions, then the timer actions recorded during the
    /// call (the last per timer, so the daemon reschedules each timer at most once per call).
    mutating func finish(_ actions: [PeerSessionAction]) -> [PeerSessionAction] {
        guard !timerActions.isEmpty else { return actions }
        var actions = actions
        for (t, d) in timerActions {
            actions.append(d.map { .startTimer(t, $0) } ?? .cancelTimer(t))
        }
        timerActions.removeAll(keepingCapacity: true)
        return actions
    }
}
