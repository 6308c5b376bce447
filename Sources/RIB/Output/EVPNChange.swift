import BGP
import NetAddress

/// A change the VXLAN dataplane should make because an EVPN best path came or went, in neutral
/// terms: remote MACs and neighbours, flood lists, prefixes via a VTEP. The daemon turns these into
/// FDB, neighbour and route updates; the RIB knows nothing of bridges or netlink.
public enum EVPNChange: Hashable, Sendable, CustomStringConvertible {
    /// Type 2: a remote MAC (and, with an IP, a neighbour entry) behind `vtep` in `vni`.
    /// `l3vni` is label 2 (symmetric IRB) when present; `routerMAC` from the Router's MAC
    /// extended community.
    case remoteMAC(vni: UInt32, mac: MACAddress, ip: IPAddress?, vtep: IPAddress, l3vni: UInt32?,
                   routerMAC: MACAddress?, sequence: UInt32, sticky: Bool, present: Bool)
    /// Type 3: add (or remove) `vtep` to the flood list of `vni` (ingress replication).
    case floodVTEP(vni: UInt32, vtep: IPAddress, present: Bool)
    /// Type 5: `prefix` via `vtep` with the L3VNI `vni` and the remote router's MAC.
    case prefix(prefix: IPPrefix, vni: UInt32, vtep: IPAddress, gateway: IPAddress?, routerMAC: MACAddress?,
                present: Bool)

    public var description: String {
        switch self {
        case let .remoteMAC(vni, mac, ip, vtep, l3, rmac, seq, sticky, present):
            return "\(present ? "add" : "del") mac \(mac)\(ip.map { " ip \($0)" } ?? "") vni \(vni) vtep \(vtep)"
                + (l3.map { " l3vni \($0)" } ?? "") + (rmac.map { " rmac \($0)" } ?? "")
                + (seq != 0 ? " seq \(seq)" : "") + (sticky ? " sticky" : "")
        case let .floodVTEP(vni, vtep, present):
            return "\(present ? "add" : "del") flood vni \(vni) vtep \(vtep)"
        case let .prefix(p, vni, vtep, gw, rmac, present):
            return "\(present ? "add" : "del") prefix \(p) vni \(vni) vtep \(vtep)"
                + (gw.map { " gw \($0)" } ?? "") + (rmac.map { " rmac \($0)" } ?? "")
        }
    }
}
