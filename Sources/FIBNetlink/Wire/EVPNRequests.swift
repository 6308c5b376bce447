import NetAddress

// Builders for what EVPN puts in the kernel (see LAB.md scenarios 2 and 3), matching the entries
// FRR's zebra installs:
//   remote MAC (type-2):   MAC dst VTEP self extern_learn       on the vxlan device
//                          MAC master extern_learn              in the bridge, pointing at the vxlan port
//   flood list (type-3):   00:00:00:00:00:00 dst VTEP self permanent   (one per remote VTEP, appended)
//   MAC+IP (type-2):       IP lladdr MAC extern_learn NOARP proto P    on the SVI
// State and flags are parameters so the golden tests can reproduce iproute2's bytes; the defaults
// are what zebra uses (REACHABLE for remote MACs, so `bridge fdb show` prints no "permanent").

extension NetlinkMessage {
    /// RTM_NEWNEIGH (AF_BRIDGE) on a vxlan device: send frames for `mac` to the remote VTEP.
    public static func newVXLANRemoteMAC(mac: MACAddress, vxlanIndex: UInt32, vtep: IPAddress,
                                         state: NeighborState = .reachable, flags: NetlinkFlags = [.request, .create, .replace],
                                         sequence: UInt32 = 0) -> NetlinkMessage {
        let body = NeighborMessage(family: .bridge, interfaceIndex: vxlanIndex, state: state, flags: [.self, .externLearn],
                                   attributes: [.linkLayerAddress(mac.bytes), .destination(vtep)])
        return NetlinkMessage(type: .newNeighbor, flags: flags, sequence: sequence, body: .neighbor(body))
    }

    /// RTM_NEWNEIGH (AF_BRIDGE) with NTF_MASTER: the bridge's FDB entry sending `mac` to the vxlan port.
    public static func newBridgeMAC(mac: MACAddress, portIndex: UInt32, state: NeighborState = .reachable,
                                    flags: NetlinkFlags = [.request, .create, .replace], sequence: UInt32 = 0) -> NetlinkMessage {
        let body = NeighborMessage(family: .bridge, interfaceIndex: portIndex, state: state, flags: [.master, .externLearn],
                                   attributes: [.linkLayerAddress(mac.bytes)])
        return NetlinkMessage(type: .newNeighbor, flags: flags, sequence: sequence, body: .neighbor(body))
    }

    /// RTM_NEWNEIGH with NLM_F_APPEND: add a VTEP to the all-zeros (BUM head-end replication) entry.
    public static func newVXLANFloodVTEP(vxlanIndex: UInt32, vtep: IPAddress, flags: NetlinkFlags = [.request, .create, .append],
                                         sequence: UInt32 = 0) -> NetlinkMessage {
        let body = NeighborMessage(family: .bridge, interfaceIndex: vxlanIndex, state: [.noARP, .permanent], flags: .self,
                                   attributes: [.linkLayerAddress(MACAddress.zero.bytes), .destination(vtep)])
        return NetlinkMessage(type: .newNeighbor, flags: flags, sequence: sequence, body: .neighbor(body))
    }

    /// RTM_DELNEIGH for a vxlan FDB entry (`vtep` selects one remote of a MAC, e.g. one flood VTEP).
    public static func deleteVXLANEntry(mac: MACAddress, vxlanIndex: UInt32, vtep: IPAddress?,
                                        state: NeighborState = [.noARP, .permanent], flags: NetlinkFlags = [.request],
                                        sequence: UInt32 = 0) -> NetlinkMessage {
        var attrs: [NeighborAttribute] = [.linkLayerAddress(mac.bytes)]
        if let vtep { attrs.append(.destination(vtep)) }
        let body = NeighborMessage(family: .bridge, interfaceIndex: vxlanIndex, state: state, flags: .self, attributes: attrs)
        return NetlinkMessage(type: .deleteNeighbor, flags: flags, sequence: sequence, body: .neighbor(body))
    }

    /// RTM_DELNEIGH for the bridge's (NTF_MASTER) entry of a MAC on a port.
    public static func deleteBridgeMAC(mac: MACAddress, portIndex: UInt32, flags: NetlinkFlags = [.request],
                                       sequence: UInt32 = 0) -> NetlinkMessage {
        let body = NeighborMessage(family: .bridge, interfaceIndex: portIndex, state: [], flags: .master,
                                   attributes: [.linkLayerAddress(mac.bytes)])
        return NetlinkMessage(type: .deleteNeighbor, flags: flags, sequence: sequence, body: .neighbor(body))
    }

    /// RTM_NEWNEIGH (inet/inet6): a MAC+IP learnt from EVPN as a static, externally learnt neighbour.
    public static func newNeighbor(address: IPAddress, mac: MACAddress, interfaceIndex: UInt32, protocol: RouteProtocol,
                                   state: NeighborState = .noARP, neighborFlags: NeighborFlags = .externLearn,
                                   flags: NetlinkFlags = [.request, .create, .replace], sequence: UInt32 = 0) -> NetlinkMessage {
        let body = NeighborMessage(family: AddressFamily(address), interfaceIndex: interfaceIndex, state: state, flags: neighborFlags,
                                   attributes: [.protocol(`protocol`), .destination(address), .linkLayerAddress(mac.bytes)])
        return NetlinkMessage(type: .newNeighbor, flags: flags, sequence: sequence, body: .neighbor(body))
    }

    /// RTM_DELNEIGH (inet/inet6).
    public static func deleteNeighbor(address: IPAddress, interfaceIndex: UInt32, state: NeighborState = .permanent,
                                      flags: NetlinkFlags = [.request], sequence: UInt32 = 0) -> NetlinkMessage {
        let body = NeighborMessage(family: AddressFamily(address), interfaceIndex: interfaceIndex, state: state,
                                   attributes: [.destination(address)])
        return NetlinkMessage(type: .deleteNeighbor, flags: flags, sequence: sequence, body: .neighbor(body))
    }
}
