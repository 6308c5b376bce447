import BGP
import NetAddress

extension RIB {
    /// A session reached Established. The RIB records the peer (or updates it, keeping any
    /// routes retained stale from its previous session) and returns the initial transfer: the
    /// Loc-RIB of every negotiated family the export policy lets through, each followed by
    /// End-of-RIB. If the peer was already up, it is first taken down without retaining routes.
    public mutating func peerUp(_ info: PeerInfo) -> RIBOutput {
        var output = RIBOutput()
        let slot: Int
        if let s = core.slot(info.id) {
            if core.peers[s].up { output = peerDown(info.id, retainStale: false) }
            // Counters of routes retained stale from the previous session stay.
            core.peers[s] = PeerState(info: info, config: core.config, up: true)
            slot = s
        } else {
            slot = core.addPeer(PeerState(info: info, config: core.config, up: true))
        }
        for family in info.families.sorted() {
            switch family {
            case .ipv4Unicast: core.dump(&v4, slot: slot, endOfRIB: true)
            case .ipv6Unicast: core.dump(&v6, slot: slot, endOfRIB: true)
            case .l2vpnEVPN: core.dump(&evpn, slot: slot, endOfRIB: true)
            default: core.emit(info.id, .endOfRIB(family))
            }
        }
        output.append(finishAll())
        return output
    }

    /// A session left Established. Its Adj-RIB-Out is dropped; its routes are removed, or, with
    /// `retainStale` (graceful restart, RFC 4724), kept but marked stale: they stay usable, lose
    /// to any fresh path, and go when the peer sends End-of-RIB or `flushStale` is called.
    public mutating func peerDown(_ peer: PeerID, retainStale: Bool) -> RIBOutput {
        guard let slot = core.slot(peer), core.peers[slot].up else { return RIBOutput() }
        core.peers[slot].up = false
        core.clearAdjOut(&v4, slot: slot)
        core.clearAdjOut(&v6, slot: slot)
        core.clearAdjOut(&evpn, slot: slot)
        core.dropPeer(&v4, slot: slot, retainStale: retainStale)
        core.dropPeer(&v6, slot: slot, retainStale: retainStale)
        core.dropPeer(&evpn, slot: slot, retainStale: retainStale)
        return finishAll()
    }

    /// Removes the routes of `peer` in `family` still stale after a graceful restart (the
    /// restart or stale-path timer fired without End-of-RIB).
    public mutating func flushStale(peer: PeerID, family: Family) -> RIBOutput {
        guard let slot = core.slot(peer) else { return RIBOutput() }
        flushStaleRecords(slot, family)
        return finishAll()
    }

    mutating func flushStaleRecords(_ slot: Int, _ family: Family) {
        switch FamilyIndex(family) {
        case .ipv4: core.flushStale(&v4, slot: slot)
        case .ipv6: core.flushStale(&v6, slot: slot)
        case .evpn: core.flushStale(&evpn, slot: slot)
        case nil: break
        }
    }

    /// Changes a neighbour's import and export policies (nil: the default, see `PeerInfo`)
    /// without resetting the session. A new import policy is applied to the kept pre-policy
    /// routes when soft reconfiguration is on; otherwise the output asks the daemon to send
    /// ROUTE-REFRESH for each family, and the routes the peer sends again replace the old ones.
    /// A new export policy is applied to the whole Loc-RIB at once; only differences are sent.
    public mutating func setPolicy(peer: PeerID, import importPolicy: Policy?, export exportPolicy: Policy?) -> RIBOutput {
        guard let slot = core.slot(peer) else { return RIBOutput() }
        let old = core.peers[slot]
        var info = old.info
        info.importPolicy = importPolicy
        info.exportPolicy = exportPolicy
        let fresh = PeerState(info: info, config: core.config, up: old.up)
        core.peers[slot] = fresh
        guard old.up else { return RIBOutput() }
        if fresh.importPolicy != old.importPolicy {
            if info.softReconfiguration {
                core.reimport(&v4, slot: slot)
                core.reimport(&v6, slot: slot)
                core.reimport(&evpn, slot: slot)
            } else {
                for f in info.families.sorted() { core.out.refresh.append(RouteRefreshRequest(peer: peer, family: f)) }
            }
        }
        if fresh.exportPolicy != old.exportPolicy {
            for family in info.families.sorted() {
                switch family {
                case .ipv4Unicast: core.dump(&v4, slot: slot, endOfRIB: false)
                case .ipv6Unicast: core.dump(&v6, slot: slot, endOfRIB: false)
                case .l2vpnEVPN: core.dump(&evpn, slot: slot, endOfRIB: false)
                default: break
                }
            }
        }
        return finishAll()
    }
}
