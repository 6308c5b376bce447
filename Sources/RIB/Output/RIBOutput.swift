import BGP
import NetAddress

/// What one call into the RIB produced: kernel changes, EVPN dataplane changes, what to send to
/// each peer, and requests the daemon must act on. Every mutating RIB call returns one; the
/// daemon forwards each part to its owner (FIB writer, EVPN writer, peer sessions).
public struct RIBOutput: Sendable {
    /// Forwarding-table changes, in the order they were decided.
    public var fibChanges: [FIBChange] = []
    /// EVPN dataplane changes.
    public var evpnChanges: [EVPNChange] = []
    /// Per peer: the Adj-RIB-Out delta (only what changed).
    public var exports: [PeerID: PeerExport] = [:]
    /// ROUTE-REFRESH messages the daemon should send, because an import policy changed on a
    /// peer without a kept pre-policy view.
    public var routeRefreshRequests: [RouteRefreshRequest] = []

    public init() {}

    /// True when nothing is to be done.
    public var isEmpty: Bool {
        fibChanges.isEmpty && evpnChanges.isEmpty && exports.isEmpty && routeRefreshRequests.isEmpty
    }

    /// Appends another output after this one (for callers that batch several RIB calls).
    public mutating func append(_ other: RIBOutput) {
        fibChanges += other.fibChanges
        evpnChanges += other.evpnChanges
        for (peer, e) in other.exports {
            if var mine = exports[peer] { mine.append(e); exports[peer] = mine } else { exports[peer] = e }
        }
        routeRefreshRequests += other.routeRefreshRequests
    }
}

/// A ROUTE-REFRESH (RFC 2918) the daemon should send to `peer` for `family`.
public struct RouteRefreshRequest: Hashable, Sendable {
    public var peer: PeerID
    public var family: Family
    public init(peer: PeerID, family: Family) { self.peer = peer; self.family = family }
}

/// One group of routes announced to a peer with identical attributes and next hop.
public struct ExportAnnouncement: Hashable, Sendable {
    public var family: Family
    /// The attributes to send (AS_PATH in 4-octet form; the codec writes AS4_PATH for 2-octet
    /// peers). `nextHop` of these attributes is nil: the next hop is `nextHop` below.
    public var attributes: PathAttributes
    /// The next hop to send (NEXT_HOP attribute or MP_REACH_NLRI, as the codec decides).
    public var nextHop: NextHop?
    public var nlri: NLRIList

    public init(family: Family, attributes: PathAttributes, nextHop: NextHop?, nlri: NLRIList) {
        self.family = family
        self.attributes = attributes
        self.nextHop = nextHop
        self.nlri = nlri
    }
}

/// One step of an Adj-RIB-Out delta.
public enum ExportStep: Hashable, Sendable {
    /// Withdraw these prefixes.
    case withdraw(NLRIList)
    /// Announce these prefixes with one set of attributes.
    case announce(ExportAnnouncement)
    /// The initial table transfer of this family is complete (RFC 4724 End-of-RIB).
    case endOfRIB(Family)
}

/// The Adj-RIB-Out delta for one peer, as ordered steps. Within one RIB call every prefix appears
/// at most once (withdrawals come before announcements, End-of-RIB last); outputs appended from
/// several calls keep their order, so sending the steps in order is always right.
/// `updates(context:)` packs the steps into UPDATE messages.
public struct PeerExport: Hashable, Sendable {
    public var steps: [ExportStep] = []

    public init(steps: [ExportStep] = []) { self.steps = steps }

    public var isEmpty: Bool { steps.isEmpty }

    /// The announcement steps.
    public var announcements: [ExportAnnouncement] {
        steps.compactMap { if case .announce(let a) = $0 { return a } else { return nil } }
    }
    /// The withdrawal steps.
    public var withdrawals: [NLRIList] {
        steps.compactMap { if case .withdraw(let l) = $0 { return l } else { return nil } }
    }
    /// Families whose End-of-RIB is in the delta.
    public var endOfRIB: [Family] {
        steps.compactMap { if case .endOfRIB(let f) = $0 { return f } else { return nil } }
    }

    /// The number of prefixes announced.
    public var announcedCount: Int { announcements.reduce(0) { $0 + $1.nlri.count } }
    /// The number of prefixes withdrawn.
    public var withdrawnCount: Int { withdrawals.reduce(0) { $0 + $1.count } }

    public mutating func append(_ other: PeerExport) { steps += other.steps }
}
