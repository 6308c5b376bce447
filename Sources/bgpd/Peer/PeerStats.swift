import BGP
import Foundation
import RIB

/// A neighbour's running counters and last events, kept by its `PeerActor` as things happen
/// so that `show summary` and metrics read them without walking anything.
struct PeerStats: Sendable {
    var state = "Idle"
    var adminDown = false
    var lastError: SessionError?
    var establishedTransitions = 0
    var droppedTransitions = 0
    /// When the session last came up or went down.
    var lastChange: Date?
    var capabilities: [String] = []
    var negotiated: NegotiatedSession?
    var local: SocketEndpoint?
    var remote: SocketEndpoint?
    var endOfRIBReceived: Set<String> = []

    mutating func established(at d: Date, capabilities: [String], session: NegotiatedSession,
                              local: SocketEndpoint?, remote: SocketEndpoint?) {
        establishedTransitions += 1
        lastChange = d
        self.capabilities = capabilities
        negotiated = session
        self.local = local
        self.remote = remote
        endOfRIBReceived = []
    }

    mutating func down(at d: Date) {
        droppedTransitions += 1
        lastChange = d
        negotiated = nil
    }

}

extension PeerStatistics {
    /// Messages per type name, sent or received.
    func byName(sent: Bool) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for t in MessageType.allCases {
            let n = sent ? self.sent(t) : received(t)
            if n > 0 { out[t.description] = UInt64(n) }
        }
        return out
    }
}

extension NotificationMessage {
    /// The NOTIFICATION encoded at the start of `bytes` (a whole message we are sending), if
    /// that is what they hold.
    init?(encoded bytes: [UInt8]) {
        guard bytes.count >= 21, bytes[18] == MessageType.notification.rawValue else { return nil }
        let length = min(bytes.count, Int(bytes[16]) << 8 | Int(bytes[17]))
        guard length >= 21 else { return nil }
        self.init(code: bytes[19], subcode: bytes[20], data: Array(bytes[21..<length]))
    }
}

extension PeerActor {
    /// Everything `show neighbors` prints about this neighbour.
    func detail() async -> NeighborDetail {
        let families = stats.negotiated.map { Array($0.families).sorted() } ?? neighbor.families
        let counters = await routingCounters(families)
        let now = Date()
        var prefixes: [String: FamilyCounts] = [:]
        for f in families {
            let c = counters[f] ?? PeerCounters()
            prefixes[f.description] = FamilyCounts(received: c.received, accepted: c.accepted, sent: c.sent, stale: 0)
        }
        let remoteAS: UInt32? = stats.negotiated?.peerASN ?? { if case .number(let n) = neighbor.remoteAS { return n }; return nil }()
        let summary = PeerSummary(
            neighbor: key.description, description: neighbor.description, remoteAS: remoteAS, state: stats.state,
            upDownSeconds: stats.lastChange.map { Int(now.timeIntervalSince($0)) },
            messagesReceived: session.statistics.byName(sent: false).values.reduce(0, +),
            messagesSent: session.statistics.byName(sent: true).values.reduce(0, +),
            prefixesReceived: prefixes.values.reduce(0) { $0 + $1.received },
            prefixesAccepted: prefixes.values.reduce(0) { $0 + $1.accepted },
            prefixesSent: prefixes.values.reduce(0) { $0 + $1.sent })
        var options: [String] = []
        if neighbor.password != nil { options.append("tcp-md5") }
        if neighbor.ttlSecurity { options.append("ttl-security") }
        if neighbor.passive { options.append("passive") }
        if neighbor.shutdown { options.append("shutdown") }
        if !neighbor.addPath.isEmpty { options.append("add-path") }
        if neighbor.extendedNextHop { options.append("extended-next-hop") }
        options.append("link-local-next-hop \(neighbor.linkLocalNextHop.rawValue)")
        let unnumbered = link.map {
            UnnumberedInfo(interface: $0.interface, interfaceIndex: $0.index, localLinkLocal: $0.localLinkLocal.description,
                           peerLinkLocal: $0.peer?.description, peerMAC: $0.peerMAC?.description, learntFrom: $0.learntFrom)
        }
        let up = stats.negotiated != nil
        return NeighborDetail(
            summary: summary, localEndpoint: up ? stats.local?.description : nil, remoteEndpoint: up ? stats.remote?.description : nil,
            remoteRouterID: stats.negotiated?.peerIdentifier.description,
            negotiatedHoldTime: stats.negotiated.map { Int($0.holdTime) },
            keepaliveInterval: stats.negotiated.map { Int($0.keepaliveTime) },
            capabilities: up ? stats.capabilities : [], families: families.map(\.description), prefixes: prefixes,
            messages: MessageCounts(received: session.statistics.byName(sent: false), sent: session.statistics.byName(sent: true)),
            lastError: stats.lastError, establishedTransitions: stats.establishedTransitions,
            droppedTransitions: stats.droppedTransitions, unnumbered: unnumbered, options: options)
    }

    private func routingCounters(_ families: [Family]) async -> [Family: PeerCounters] {
        await routing.counters(PeerID(id), families: families)
    }
}
