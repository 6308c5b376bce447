// RIB: the routing information bases and the decision process of swiftbgp.
//
// This module owns every route the daemon knows: per peer the Adj-RIB-In (after import policy,
// and before it when soft reconfiguration is on), per family the Loc-RIB (IPv4 unicast, IPv6
// unicast, EVPN) with best paths and ECMP sets, and per peer the Adj-RIB-Out. Data takes one
// path through it: a decoded UPDATE (`apply(update:from:)`) or a kernel event
// (`kernelChanged(_:)`) -> import policy -> interned attributes -> the decision process for each
// touched destination -> neutral `FIBChange`/`EVPNChange` values and per-peer export deltas, all
// returned in one `RIBOutput` per call. It is a value driven by one task: no locks, no I/O, no
// clocks. It uses BGP's value types and NetAddress, and must never import FIBNetlink, sockets or
// Foundation.
//
// Layout is chosen for full tables (see `PathTable`, `AttributeStore`): no object per route,
// attribute sets interned and stored compactly, destinations in dense arrays behind an
// open-addressed index.

import BGP
import NetAddress

/// The RIB. Every mutating call returns what it changed as a `RIBOutput`; the daemon sends the
/// FIB changes to the FIB writer and each peer's export delta to that peer's session.
public struct RIB: Sendable {
    var core: Core
    var v4 = FamilyTable<IPv4Prefix>()
    var v6 = FamilyTable<IPv6Prefix>()
    var evpn = FamilyTable<EVPNRoute>()
    var local = LocalOrigination()

    public init(config: RIBConfig) {
        core = Core(config: config)
    }

    /// The settings the RIB was made with.
    public var config: RIBConfig { core.config }

    /// Ends a call: exports what changed, frees what emptied, hands over the output.
    mutating func finishAll() -> RIBOutput {
        core.finish(&v4)
        core.finish(&v6)
        core.finish(&evpn)
        return core.out.take()
    }
}
