import BGP
import NetAddress

extension RIB {
    /// Applies one UPDATE received from a peer: withdrawals, then announcements, each family's
    /// prefixes in one batch (an UPDATE with 500 prefixes is one pass, with its attributes
    /// interned once). An RFC 7606 treat-as-withdraw UPDATE withdraws what it announces. An
    /// End-of-RIB ends graceful-restart stale routes of its family. Families the RIB does not
    /// interpret are ignored. UPDATEs from a peer that is not up are ignored.
    public mutating func apply(update: UpdateMessage, from peer: PeerID) -> RIBOutput {
        guard let slot = core.slot(peer), core.peers[slot].up else { return RIBOutput() }
        if let family = update.endOfRIB {
            flushStaleRecords(slot, family)
            return finishAll()
        }
        if !update.withdrawn.isEmpty {
            core.withdraw(&v4, slot: slot, items: update.withdrawn.lazy.map { ($0.prefix, $0.pathID ?? 0) })
        }
        if let u = update.mpUnreach { withdraw(u.nlri, slot: slot) }
        let withdrawOnly = update.treatAsWithdraw
        if !update.nlri.isEmpty {
            let items = update.nlri.lazy.map { ($0.prefix, $0.pathID ?? 0) }
            if withdrawOnly {
                core.withdraw(&v4, slot: slot, items: items)
            } else {
                let nh = update.attributes.nextHop.map { NextHop.ipv4($0) }
                core.announce(&v4, slot: slot, items: items,
                              received: RouteAttributes(received: update.attributes, nextHop: nh))
            }
        }
        if let m = update.mpReach {
            if withdrawOnly {
                withdraw(m.nlri, slot: slot)
            } else {
                let received = RouteAttributes(received: update.attributes, nextHop: m.nextHop)
                switch m.nlri {
                case .ipv4Unicast(let l):
                    core.announce(&v4, slot: slot, items: l.lazy.map { ($0.prefix, $0.pathID ?? 0) }, received: received)
                case .ipv6Unicast(let l):
                    core.announce(&v6, slot: slot, items: l.lazy.map { ($0.prefix, $0.pathID ?? 0) }, received: received)
                case .evpn(let l):
                    core.announce(&evpn, slot: slot, items: l.lazy.map { ($0.route, $0.pathID ?? 0) }, received: received)
                case .other:
                    break
                }
            }
        }
        return finishAll()
    }

    private mutating func withdraw(_ nlri: NLRIList, slot: Int) {
        switch nlri {
        case .ipv4Unicast(let l): core.withdraw(&v4, slot: slot, items: l.lazy.map { ($0.prefix, $0.pathID ?? 0) })
        case .ipv6Unicast(let l): core.withdraw(&v6, slot: slot, items: l.lazy.map { ($0.prefix, $0.pathID ?? 0) })
        case .evpn(let l): core.withdraw(&evpn, slot: slot, items: l.lazy.map { ($0.route, $0.pathID ?? 0) })
        case .other: break
        }
    }
}
