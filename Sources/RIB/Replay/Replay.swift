import BGP
import NetAddress

/// The engine behind `bgpd replay FILE [--json]`: recorded BGP messages run through a RIB, giving
/// the final Loc-RIB and every FIB change on the way. Pure: the daemon reads the capture, splits
/// it into messages with their senders and hands them here; rendering is `ReplayResult.text()`
/// and `json()`.
///
/// Every message is taken as received by us from its sender, so a capture of two routers
/// replays as both of them peering with an observer. A sender becomes a peer at its OPEN (AS,
/// router ID, families, RFC 8950 from its capabilities) or, for a capture that starts mid-
/// session, at its first UPDATE (AS from the AS_PATH). A NOTIFICATION or the end of its session
/// takes it down. Next hops are taken as reachable (there is no kernel to resolve them against)
/// and no policy filters anything, unless `config` says otherwise.
public struct Replay: Sendable {
    /// Who sent a message: its address, and the interface a link-local next hop from it is on
    /// when the capture tells.
    public struct Sender: Hashable, Sendable, CustomStringConvertible {
        public var address: IPAddress
        public var interfaceIndex: UInt32?
        public init(address: IPAddress, interfaceIndex: UInt32? = nil) {
            self.address = address
            self.interfaceIndex = interfaceIndex
        }
        public var description: String { address.description }
    }

    /// One recorded event.
    public enum Event: Sendable {
        /// A message from a sender.
        case message(from: Sender, BGPMessage)
        /// The sender's session ended (TCP closed without a NOTIFICATION).
        case sessionEnded(Sender)
    }

    /// The configuration replay uses by default: an observer in a private AS (65535, reserved,
    /// so never in a real path) accepting everything, next hops taken as reachable.
    public static let defaultConfig = RIBConfig(localAS: 65535, routerID: IPv4Address(0, 0, 0, 1),
                                                defaultEBGPPolicy: .acceptAll, nextHopResolution: .assumeReachable)

    private var rib: RIB
    private var ids: [Sender: PeerID] = [:]
    private var order: [Sender] = []
    private var infos: [PeerID: PeerInfo] = [:]
    private var fib: [FIBChange] = []
    private var evpn: [EVPNChange] = []
    private var messages = 0

    /// A replay into an empty RIB.
    public init(config: RIBConfig = Replay.defaultConfig) {
        rib = RIB(config: config)
    }

    /// Runs events through the RIB (may be called several times; state carries over).
    public mutating func run(_ events: some Sequence<Event>) {
        for event in events {
            switch event {
            case let .message(sender, message):
                messages += 1
                handle(message, from: sender)
            case .sessionEnded(let sender):
                if let id = ids[sender] { record(rib.peerDown(id, retainStale: false)) }
            }
        }
    }

    /// The final state and everything that happened on the way.
    public var result: ReplayResult {
        var routes: [Family: [LocRIBRoute]] = [:]
        for f in [Family.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN] { routes[f] = rib.locRIB(f) }
        let peers = order.compactMap { s -> ReplayResult.Peer? in
            guard let id = ids[s], let info = infos[id] else { return nil }
            var counters: [Family: PeerCounters] = [:]
            for f in info.families.sorted() { counters[f] = rib.counters(peer: id, family: f) }
            return ReplayResult.Peer(id: id, address: s.address, asn: info.asn, routerID: info.routerID,
                                     up: rib.isPeerUp(id), counters: counters)
        }
        return ReplayResult(messages: messages, peers: peers, routes: routes, fibChanges: fib, evpnChanges: evpn)
    }

    private mutating func record(_ out: RIBOutput) {
        fib += out.fibChanges
        evpn += out.evpnChanges
    }

    private mutating func id(for sender: Sender) -> PeerID {
        if let id = ids[sender] { return id }
        let id = PeerID(UInt32(ids.count + 1))
        ids[sender] = id
        order.append(sender)
        return id
    }

    private mutating func handle(_ message: BGPMessage, from sender: Sender) {
        switch message {
        case .open(let open):
            let id = id(for: sender)
            if rib.isPeerUp(id) { return }   // a collision's second OPEN: the session stands
            var families: Set<Family> = []
            var enhe: Set<Family> = []
            for c in open.capabilities {
                switch c {
                case .multiprotocol(let f): families.insert(f)
                case .extendedNextHop(let entries):
                    for e in entries where e.nextHopAFI == .ipv6 { enhe.insert(e.family) }
                default: break
                }
            }
            if families.isEmpty { families = [.ipv4Unicast] }   // RFC 4760: no MP capability
            up(PeerInfo(id: id, address: sender.address, asn: open.asn, routerID: open.bgpIdentifier,
                        interfaceIndex: sender.interfaceIndex, families: families, extendedNextHop: enhe))
        case .update(let update):
            let id = id(for: sender)
            if !rib.isPeerUp(id) {
                // Mid-session capture: the peer's AS is the first of its paths.
                let asn = update.attributes.effectiveASPath?.firstAS ?? 0
                up(PeerInfo(id: id, address: sender.address, asn: asn, routerID: .zero, interfaceIndex: sender.interfaceIndex,
                            families: [.ipv4Unicast, .ipv6Unicast, .l2vpnEVPN], extendedNextHop: [.ipv4Unicast]))
            }
            record(rib.apply(update: update, from: id))
        case .notification:
            if let id = ids[sender] { record(rib.peerDown(id, retainStale: false)) }
        case .keepalive, .routeRefresh:
            break
        }
    }

    private mutating func up(_ info: PeerInfo) {
        infos[info.id] = info
        record(rib.peerUp(info))
    }
}

/// What a replay ends with.
public struct ReplayResult: Sendable {
    /// A sender as a peer, with its counters at the end.
    public struct Peer: Hashable, Sendable {
        public var id: PeerID
        public var address: IPAddress
        public var asn: UInt32
        public var routerID: IPv4Address
        public var up: Bool
        public var counters: [Family: PeerCounters]
    }

    /// Messages replayed.
    public var messages: Int
    public var peers: [Peer]
    /// The final Loc-RIB, per family, sorted.
    public var routes: [Family: [LocRIBRoute]]
    /// Every FIB change, in order.
    public var fibChanges: [FIBChange]
    /// Every EVPN dataplane change, in order.
    public var evpnChanges: [EVPNChange]
}
