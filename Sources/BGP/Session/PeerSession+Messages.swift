/// Messages in and out of a `PeerSession`.
extension PeerSession {
    /// A message received on connection `id`.
    public mutating func receive(_ message: BGPMessage, on id: ConnectionID) -> [PeerSessionAction] {
        guard let slot = slot(of: id), machine(slot).tcpUp else { return [] }
        var out: [PeerSessionAction] = []
        if case .open(let open) = message {
            guard resolveCollision(open: open, on: slot, &out) else { return finish(out) }
        }
        // A collision may have promoted the receiving machine to primary.
        if let current = self.slot(of: id) { run(current, SessionFSM.event(for: message), &out) }
        return finish(out)
    }

    /// UPDATEs to send on the Established session (nothing is sent otherwise).
    public mutating func sendUpdates(_ updates: [UpdateMessage]) -> [PeerSessionAction] {
        send(updates.map { .update($0) })
    }

    /// The End-of-RIB marker for `family` after the initial table (RFC 4724 section 2), sent
    /// when the peer advertised Graceful Restart (as FRR and BIRD do) and the family is
    /// negotiated.
    public mutating func sendEndOfRIB(_ family: Family) -> [PeerSessionAction] {
        guard let s = session, s.peerGracefulRestart != nil, s.families.contains(family) else { return [] }
        return send([.update(.endOfRIB(family))])
    }

    /// Asks the peer to re-send its routes of `family` (RFC 2918).
    public mutating func requestRefresh(_ family: Family) -> [PeerSessionAction] {
        guard let s = session else { return [.log(.notice, "route refresh for \(family): session not established")] }
        guard s.routeRefresh else { return [.log(.warning, "route refresh for \(family): the peer did not advertise the capability")] }
        guard s.families.contains(family) else { return [.log(.warning, "route refresh for \(family): family not negotiated")] }
        return send([.routeRefresh(RouteRefreshMessage(family: family))])
    }

    /// Before re-sending the Adj-RIB-Out of `family` (answering `.refreshRequested`, or on our
    /// own after a policy change): BoRR when enhanced route refresh is negotiated (RFC 7313).
    public mutating func beginRefreshResponse(_ family: Family) -> [PeerSessionAction] {
        guard let s = session, s.enhancedRouteRefresh, s.families.contains(family) else { return [] }
        return send([.routeRefresh(RouteRefreshMessage(family: family, subtype: .beginning))])
    }

    /// After re-sending the Adj-RIB-Out of `family`: EoRR when enhanced route refresh is
    /// negotiated.
    public mutating func endRefreshResponse(_ family: Family) -> [PeerSessionAction] {
        guard let s = session, s.enhancedRouteRefresh, s.families.contains(family) else { return [] }
        return send([.routeRefresh(RouteRefreshMessage(family: family, subtype: .end))])
    }

    private mutating func send(_ messages: [BGPMessage]) -> [PeerSessionAction] {
        guard let slot = establishedSlot else { return [] }
        var out: [PeerSessionAction] = []
        var m = machine(slot)
        let actions = m.fsm.send(messages)
        update(slot) { $0 = m }
        for a in actions {
            switch a {
            case .send(let msg): if let id = m.connection { out.append(.send(id, msg)) }
            case .startTimer(let t, let d): out.append(.startTimer(.session(machine: m.id, t), d))
            default: break
            }
        }
        return finish(out)
    }
}
