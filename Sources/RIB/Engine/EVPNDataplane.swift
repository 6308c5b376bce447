import BGP
import NetAddress

extension Core {
    /// The dataplane change an EVPN best path stands for, or nil for route types with none here
    /// (1 and 4 concern multihoming, which the RIB only keeps).
    func evpnChange(_ route: EVPNRoute, _ a: RouteAttributes, present: Bool) -> EVPNChange? {
        let ecs = a.path.extendedCommunities ?? []
        var routerMAC: MACAddress?
        var sequence: UInt32 = 0
        var sticky = false
        for e in ecs where e.type == 0x06 {
            switch e.subtype {
            case 0x03: routerMAC = MACAddress(e.value)                 // RFC 9135 8.1
            case 0x00:                                                // RFC 7432 7.7
                sticky = (e.value >> 40) & 0x01 != 0
                sequence = UInt32(truncatingIfNeeded: e.value)
            default: break
            }
        }
        let vtep = a.nextHop?.forwardingAddress
        switch route {
        case .macIP(let r):
            guard let vtep else { return nil }
            return .remoteMAC(vni: r.label1.vni, mac: r.mac, ip: r.ip, vtep: vtep, l3vni: r.label2?.vni,
                              routerMAC: routerMAC, sequence: sequence, sticky: sticky, present: present)
        case .inclusiveMulticast(let r):
            // The VNI and the replication endpoint come from the PMSI tunnel attribute (RFC 8365
            // 5.1.3); without one, the originating router is the endpoint and the tag the VNI.
            let vni = a.path.pmsiTunnel?.label.vni ?? r.ethernetTag
            let endpoint = a.path.pmsiTunnel?.endpoint ?? r.originatingRouter
            return .floodVTEP(vni: vni, vtep: endpoint, present: present)
        case .ipPrefix(let r):
            guard let vtep, let p = r.prefix else { return nil }
            let gwZero: Bool
            switch r.gateway { case .v4(let x): gwZero = x == .zero; case .v6(let x): gwZero = x.isUnspecified }
            return .prefix(prefix: p, vni: r.label.vni, vtep: vtep, gateway: gwZero ? nil : r.gateway,
                           routerMAC: routerMAC, present: present)
        case .ethernetAutoDiscovery, .ethernetSegment, .unknown:
            return nil
        }
    }
}
