/// Messages in and out of a `PeerSession`.
extension PeerSession {
    /// A decoded message received on connection `id` (the daemon hands over bytes instead;
    /// this is for tests and replays of decoded captures).
    mutating func receive(_ message: BGPMessage, on id: ConnectionID) -> [PeerSessionAction] {
        var out: [PeerSessionAction] = []
        receiveMessage(message, on: id, &out)
        return finish(out)
    }

    mutating func receiveMessage(_ message: BGPMessage, on id: ConnectionID, _ out: inout [PeerSessionAction]) {
        guard let slot = slot(of: id), isUp(slot) else { return }
        statistics.count(received: message)
        if case .notification(let n) = message { out.append(.log(.notice, "NOTIFICATION received: \(n.summary)")) }
        if case .open(let open) = message {
            guard resolveCollision(open: open, on: slot, &out) else { return }
        }
        // A collision may have promoted the receiving machine to primary.
        if let current = self.slot(of: id) { run(current, SessionFSM.event(for: message), &out) }
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
        guard let slot = establishedSlot, let id = connection(slot) else { return [] }
        let context = codecContext(slot)
        var out: [PeerSessionAction] = []
        var bytes: [UInt8] = []
        var sendable: [BGPMessage] = []
        sendable.reserveCapacity(messages.count)
        for message in messages {
            let start = bytes.count
            message.encode(into: &bytes, context: context)
            // A message larger than the session allows would make the peer reset the session
            // (1/2 Bad Message Length): it is not sent. UpdateMessage.announcements/withdrawals
            // pack UPDATEs to fit.
            let size = bytes.count - start
            if size > context.maxMessageLength {
                bytes.removeSubrange(start...)
                out.append(.log(.warning, "\(message.type) of \(size) bytes exceeds the session's \(context.maxMessageLength): not sent"))
            } else {
                statistics.count(sent: message)
                sendable.append(message)
            }
        }
        let actions = update(slot) { $0.fsm.send(sendable) } ?? []
        if !bytes.isEmpty { out.append(.send(id, bytes)) }
        for case .startTimer(let t, let d) in actions {
            timer(.session(machine: machineID(slot), t), d)
        }
        return finish(out)
    }
}

extension PeerSession {
    /// A message on `id` that could not be framed or decoded: `messageType` is the type from
    /// its header, nil when the header itself was bad.
    ///
    /// Header errors are RFC 4271 event 21, OPEN errors event 22, UPDATE errors event 28 and
    /// ROUTE-REFRESH errors RFC 7313 section 5: the machine sends the error's NOTIFICATION and
    /// closes. An UPDATE error whose RFC 7606 outcome is AFI/SAFI disable instead turns the
    /// family off for the rest of the Established session (RFC 4760 section 7) and flushes its
    /// routes; the session stays up.
    mutating func receiveError(_ error: BGPDecodeError, messageType: MessageType?, on id: ConnectionID) -> [PeerSessionAction] {
        var out: [PeerSessionAction] = []
        receiveError(error, messageType: messageType, on: id, &out)
        return finish(out)
    }

    mutating func receiveError(_ error: BGPDecodeError, messageType: MessageType?, on id: ConnectionID,
                               _ out: inout [PeerSessionAction]) {
        guard let slot = slot(of: id), isUp(slot) else { return }
        let n = error.notification
        switch messageType {
        case .update?:
            if error.action == .afiSafiDisable, let family = error.family, slot == establishedSlot, session != nil {
                if disabledFamilies.insert(family).inserted {
                    out.append(.log(.warning, "UPDATE error, \(family) disabled for this session: \(error.reason)"))
                    out.append(.routes(.flush([family])))
                    out.append(.familyDisabled(family, reason: error.reason))
                }
                return
            }
            out.append(.log(.warning, "UPDATE error: \(error.reason)"))
            run(slot, .updateMsgErr(n), &out)
        case .open?:
            out.append(.log(.warning, "OPEN error: \(error.reason)"))
            run(slot, .bgpOpenMsgErr(n), &out)
        case .routeRefresh?:
            out.append(.log(.warning, "ROUTE-REFRESH error: \(error.reason)"))
            run(slot, .routeRefreshMsgErr(n), &out)
        case .notification?, .keepalive?, nil:
            out.append(.log(.warning, "message header error: \(error.reason)"))
            run(slot, .bgpHeaderErr(n), &out)
        }
    }
}
