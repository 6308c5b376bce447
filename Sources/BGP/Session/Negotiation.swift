import NetAddress

/// The AS a peer must have.
public enum PeerASExpectation: Hashable, Sendable, CustomStringConvertible {
    /// Exactly this AS.
    case number(UInt32)
    /// Our own AS (FRR `remote-as internal`).
    case `internal`
    /// Any AS but ours (FRR `remote-as external`, the usual setting for unnumbered peers).
    case external
    /// Any AS.
    case any

    public var description: String {
        switch self {
        case .number(let n): return "\(n)"
        case .internal: return "internal"
        case .external: return "external"
        case .any: return "any"
        }
    }
}

/// What we accept from a peer's OPEN, beyond what our own OPEN says.
public struct NegotiationPolicy: Hashable, Sendable {
    /// The AS the peer must have.
    public var peerAS: PeerASExpectation
    /// A configured keepalive interval in seconds (FRR `timers bgp KEEPALIVE HOLD`); the
    /// negotiated one never exceeds a third of the hold time.
    public var keepaliveTime: UInt16?
    /// RFC 8538 section 5.1 leaves Cease/Administrative Reset to the operator: true sends it
    /// wrapped in a Hard Reset (routes flushed), false lets the peer keep our routes.
    public var hardAdministrativeReset: Bool

    public init(peerAS: PeerASExpectation, keepaliveTime: UInt16? = nil, hardAdministrativeReset: Bool = true) {
        self.peerAS = peerAS
        self.keepaliveTime = keepaliveTime
        self.hardAdministrativeReset = hardAdministrativeReset
    }
}

/// Why a peer's OPEN was refused: the NOTIFICATION to send, and a sentence for the log.
public struct OpenRejection: Error, Hashable, Sendable, CustomStringConvertible {
    public var notification: NotificationMessage
    public var reason: String
    public init(_ notification: NotificationMessage, _ reason: String) {
        self.notification = notification
        self.reason = reason
    }
    public var description: String { "\(reason) (NOTIFICATION \(notification.summary))" }
}

/// OPEN negotiation (RFC 4271 section 6.2, RFC 5492 and the capability RFCs): checks the peer's
/// OPEN against ours and the policy, in the order section 6.2 lists the checks, and settles
/// every capability-dependent choice of the session.
public enum Negotiation {
    /// Negotiates `peer` against `local` (the OPEN we sent).
    public static func negotiate(local: OpenMessage, peer: OpenMessage,
                                 policy: NegotiationPolicy) -> Result<NegotiatedSession, OpenRejection> {
        // Version. RFC 4271 6.2: the data is the largest version we support below the bid.
        guard peer.version == bgpVersion else {
            return .failure(OpenRejection(.unsupportedVersion, "peer speaks BGP version \(peer.version), we speak \(bgpVersion)"))
        }

        // Peer AS.
        let peerCaps = peer.capabilities
        let localCaps = local.capabilities
        let peerASN: UInt32
        switch peerAS(peer, capabilities: peerCaps) {
        case .success(let a): peerASN = a
        case .failure(let r): return .failure(r)
        }
        let localASN = local.asn
        let badAS = NotificationMessage(.open, subcode: OpenErrorSubcode.badPeerAS.rawValue)
        switch policy.peerAS {
        case .number(let n) where n != peerASN:
            return .failure(OpenRejection(badAS, "peer AS \(peerASN), expected \(n)"))
        case .internal where peerASN != localASN:
            return .failure(OpenRejection(badAS, "peer AS \(peerASN), expected our own AS \(localASN) (internal)"))
        case .external where peerASN == localASN:
            return .failure(OpenRejection(badAS, "peer AS \(peerASN) is our own AS, expected external"))
        default:
            break
        }
        let kind: PeerKind = peerASN == localASN ? .internal : .external

        // Hold time. RFC 4271 6.2: "An implementation MUST reject Hold Time values of one or two
        // seconds."
        if peer.holdTime == 1 || peer.holdTime == 2 {
            return .failure(OpenRejection(
                NotificationMessage(.open, subcode: OpenErrorSubcode.unacceptableHoldTime.rawValue),
                "peer hold time \(peer.holdTime) s is below 3 s"))
        }

        // BGP Identifier. RFC 6286 2.2: zero, or equal to ours on an internal session.
        let badID = NotificationMessage(.open, subcode: OpenErrorSubcode.badBGPIdentifier.rawValue)
        if peer.bgpIdentifier == .zero {
            return .failure(OpenRejection(badID, "peer BGP identifier is 0.0.0.0"))
        }
        if kind == .internal && peer.bgpIdentifier == local.bgpIdentifier {
            return .failure(OpenRejection(badID, "internal peer has our BGP identifier \(peer.bgpIdentifier)"))
        }

        // Optional parameters other than capabilities (RFC 5492 section 4).
        for p in peer.parameters {
            if case .unknown(let type, _) = p {
                return .failure(OpenRejection(
                    NotificationMessage(.open, subcode: OpenErrorSubcode.unsupportedOptionalParameter.rawValue),
                    "unsupported optional parameter type \(type)"))
            }
        }

        let localSide = CapabilitySummary(localCaps)
        let peerSide = CapabilitySummary(peerCaps)
        let families = localSide.families.intersection(peerSide.families)

        var addPath: [Family: AddPathDirection] = [:]
        for f in families {
            let ours = localSide.addPath[f] ?? [], theirs = peerSide.addPath[f] ?? []
            var d: AddPathDirection = []
            if ours.contains(.receive) && theirs.contains(.send) { d.insert(.receive) }
            if ours.contains(.send) && theirs.contains(.receive) { d.insert(.send) }
            if !d.isEmpty { addPath[f] = d }
        }
        let enhSend = peerSide.extendedNextHop.filter { families.contains($0.key) }
        let enhReceive = localSide.extendedNextHop.filter { families.contains($0.key) }

        let holdTime = min(local.holdTime, peer.holdTime)
        var keepalive = holdTime / 3
        if let k = policy.keepaliveTime, k > 0 { keepalive = min(keepalive, k) }

        let localGR = localSide.gracefulRestart
        let peerGR = peerSide.gracefulRestart
        // RFC 9494 section 3: LLGR without the GR capability is ignored; we act on it only when
        // both sides advertised it.
        let llgr: [LLGREntry] = (localGR != nil && peerGR != nil && localSide.longLived != nil)
            ? (peerSide.longLived ?? []).filter { families.contains($0.family) } : []

        let fourOctet = localSide.fourOctetAS && peerSide.fourOctetAS
        let extendedMessage = localSide.extendedMessage && peerSide.extendedMessage
        // The codec decodes what the peer sends and encodes what we send; it is lenient about
        // next-hop AFIs, so it gets both directions' RFC 8950 families.
        let context = CodecContext(
            fourOctetAS: fourOctet, extendedMessage: extendedMessage,
            addPathReceive: Set(addPath.filter { $0.value.contains(.receive) }.keys),
            addPathSend: Set(addPath.filter { $0.value.contains(.send) }.keys),
            extendedNextHop: enhReceive.merging(enhSend) { a, _ in a })

        return .success(NegotiatedSession(
            localOpen: local, peerOpen: peer,
            localASN: localASN, peerASN: peerASN,
            localIdentifier: local.bgpIdentifier, peerIdentifier: peer.bgpIdentifier, kind: kind,
            holdTime: holdTime, keepaliveTime: keepalive,
            families: families, fourOctetAS: fourOctet, extendedMessage: extendedMessage,
            addPath: addPath, extendedNextHopSend: enhSend, extendedNextHopReceive: enhReceive,
            routeRefresh: peerSide.routeRefresh,
            enhancedRouteRefresh: localSide.enhancedRouteRefresh && peerSide.enhancedRouteRefresh,
            peerGracefulRestart: peerGR, localGracefulRestart: localGR,
            peerLongLivedGracefulRestart: llgr,
            peerHostname: peerSide.hostname, peerDomain: peerSide.domain,
            codecContext: context))
    }

    /// The peer's AS from My AS and the 4-octet AS capability, with the checks of RFC 6793 and
    /// RFC 7607 (AS 0 is never valid).
    static func peerAS(_ open: OpenMessage, capabilities: [Capability]) -> Result<UInt32, OpenRejection> {
        let bad = NotificationMessage(.open, subcode: OpenErrorSubcode.badPeerAS.rawValue)
        var as4: UInt32?
        for c in capabilities { if case .fourOctetAS(let a) = c { as4 = a; break } }
        guard let as4 else {
            if open.myAS == 0 { return .failure(OpenRejection(bad, "peer AS 0 (RFC 7607)")) }
            // AS_TRANS stands in for a 4-octet AS that must then be in the capability.
            if open.myAS == asTrans {
                return .failure(OpenRejection(bad, "peer AS is AS_TRANS (23456) without a 4-octet AS capability"))
            }
            return .success(UInt32(open.myAS))
        }
        if as4 == 0 { return .failure(OpenRejection(bad, "peer 4-octet AS capability carries AS 0 (RFC 7607)")) }
        if as4 == UInt32(asTrans) {
            return .failure(OpenRejection(bad, "peer 4-octet AS capability carries AS_TRANS (23456)"))
        }
        // A mappable AS goes in My AS as itself; anything else there contradicts the capability.
        if as4 <= UInt32(UInt16.max) && UInt32(open.myAS) != as4 {
            return .failure(OpenRejection(bad, "peer My AS \(open.myAS) differs from its 4-octet AS capability \(as4)"))
        }
        return .success(as4)
    }
}

/// One side's capabilities, folded into what negotiation compares.
struct CapabilitySummary {
    var families: Set<Family> = []
    var addPath: [Family: AddPathDirection] = [:]
    var extendedNextHop: [Family: AFI] = [:]
    var routeRefresh = false
    var enhancedRouteRefresh = false
    var fourOctetAS = false
    var extendedMessage = false
    var gracefulRestart: GracefulRestartCapability?
    var longLived: [LLGREntry]?
    var hostname: String?
    var domain: String?

    init(_ caps: [Capability]) {
        var sawMP = false
        for c in caps {
            switch c {
            case .multiprotocol(let f): sawMP = true; families.insert(f)
            case .routeRefresh, .routeRefreshCisco: routeRefresh = true
            case .enhancedRouteRefresh: enhancedRouteRefresh = true
            case .fourOctetAS: fourOctetAS = true
            case .extendedMessage: extendedMessage = true
            case .extendedNextHop(let entries):
                for e in entries where extendedNextHop[e.family] == nil { extendedNextHop[e.family] = e.nextHopAFI }
            case .addPath(let entries):
                for e in entries { addPath[e.family] = e.direction }
            case .gracefulRestart(let g):
                // RFC 4724 section 3 allows one instance; the first one counts.
                if gracefulRestart == nil { gracefulRestart = g }
            case .longLivedGracefulRestart(let entries):
                if longLived == nil { longLived = entries }
            case .fqdn(let h, let d):
                hostname = String(decoding: h, as: UTF8.self)
                domain = d.isEmpty ? nil : String(decoding: d, as: UTF8.self)
            case .unknown:
                break
            }
        }
        // A speaker without any multiprotocol capability is a plain RFC 4271 speaker: IPv4
        // unicast only (this is what FRR, BIRD and GoBGP assume too).
        if !sawMP { families = [.ipv4Unicast] }
    }
}
