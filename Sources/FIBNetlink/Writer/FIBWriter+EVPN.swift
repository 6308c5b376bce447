import NetAddress

// The EVPN side of the writer: FDB entries on vxlan devices and bridges, the BUM flood list, and
// neighbour entries on SVIs, as LAB.md scenarios 2 and 3 show FRR installing them. These entries
// are written through the same batching and error matching as routes; the writer keeps the set
// it installed so `l2Entries()` can list it.

/// One EVPN dataplane change.
public enum FIBL2Change: Sendable, Hashable {
    /// Type-2 MAC: `MAC dst VTEP self extern_learn` on the vxlan device, and
    /// `MAC master extern_learn` so the bridge forwards the MAC to the vxlan port.
    case addRemoteMAC(mac: MACAddress, vxlanIndex: UInt32, vtep: IPAddress)
    case removeRemoteMAC(mac: MACAddress, vxlanIndex: UInt32, vtep: IPAddress)
    /// Type-3: add a VTEP to the head-end replication list (`00:00:00:00:00:00 dst VTEP self permanent`).
    case addFloodVTEP(vxlanIndex: UInt32, vtep: IPAddress)
    case removeFloodVTEP(vxlanIndex: UInt32, vtep: IPAddress)
    /// Type-2 MAC+IP (or a type-5 router MAC): `IP lladdr MAC extern_learn NOARP proto <ours>` on an SVI.
    case addNeighbor(ip: IPAddress, mac: MACAddress, interfaceIndex: UInt32)
    case removeNeighbor(ip: IPAddress, interfaceIndex: UInt32)
}

extension FIBWriter {
    /// Applies EVPN dataplane changes; returns what failed (also sent as `.failed` events).
    @discardableResult
    public func applyL2(_ changes: [FIBL2Change]) -> [FIBFailure] {
        var ops: [FIBOperation] = []
        let proto = configuration.routeProtocol
        for c in changes {
            switch c {
            case .addRemoteMAC(let mac, let vx, let vtep):
                let subject = FIBFailure.Subject.fdb(mac: mac, interfaceIndex: vx, vtep: vtep)
                ops.append(.l2(.newVXLANRemoteMAC(mac: mac, vxlanIndex: vx, vtep: vtep), subject))
                ops.append(.l2(.newBridgeMAC(mac: mac, portIndex: vx), .fdb(mac: mac, interfaceIndex: vx, vtep: nil)))
            case .removeRemoteMAC(let mac, let vx, let vtep):
                ops.append(.l2(.deleteBridgeMAC(mac: mac, portIndex: vx), .fdb(mac: mac, interfaceIndex: vx, vtep: nil)))
                ops.append(.l2(.deleteVXLANEntry(mac: mac, vxlanIndex: vx, vtep: vtep, state: .reachable),
                               .fdb(mac: mac, interfaceIndex: vx, vtep: vtep)))
            case .addFloodVTEP(let vx, let vtep):
                ops.append(.l2(.newVXLANFloodVTEP(vxlanIndex: vx, vtep: vtep), .fdb(mac: .zero, interfaceIndex: vx, vtep: vtep)))
            case .removeFloodVTEP(let vx, let vtep):
                ops.append(.l2(.deleteVXLANEntry(mac: .zero, vxlanIndex: vx, vtep: vtep), .fdb(mac: .zero, interfaceIndex: vx, vtep: vtep)))
            case .addNeighbor(let ip, let mac, let index):
                ops.append(.l2(.newNeighbor(address: ip, mac: mac, interfaceIndex: index, protocol: proto),
                               .neighbor(ip: ip, interfaceIndex: index)))
            case .removeNeighbor(let ip, let index):
                ops.append(.l2(.deleteNeighbor(address: ip, interfaceIndex: index), .neighbor(ip: ip, interfaceIndex: index)))
            }
        }
        return executeL2(ops)
    }
}
