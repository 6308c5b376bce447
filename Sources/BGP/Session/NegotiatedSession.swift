import NetAddress

/// Whether the peer is in our AS (iBGP) or another (eBGP).
public enum PeerKind: Hashable, Sendable, CustomStringConvertible {
    case `internal`
    case external
    public var description: String { self == .internal ? "internal" : "external" }
}

/// What OPEN negotiation settled for one session: the common families, the capabilities both
/// sides use, the timers and the codec context.
public struct NegotiatedSession: Hashable, Sendable {
    /// Our OPEN as sent.
    public var localOpen: OpenMessage
    /// The peer's OPEN as received.
    public var peerOpen: OpenMessage

    public var localASN: UInt32
    /// The peer's AS: its 4-octet AS capability when present (RFC 6793), My AS otherwise.
    public var peerASN: UInt32
    public var localIdentifier: IPv4Address
    public var peerIdentifier: IPv4Address
    public var kind: PeerKind

    /// The negotiated hold time in seconds: the smaller of the two OPENs'. 0 means no
    /// KEEPALIVEs and no hold timer.
    public var holdTime: UInt16
    /// The interval between our KEEPALIVEs in seconds: a third of the hold time unless
    /// configured lower; 0 when the hold time is 0.
    public var keepaliveTime: UInt16

    /// Families both sides advertised (RFC 4760). A side that advertises no multiprotocol
    /// capability at all is taken to support IPv4 unicast only.
    public var families: Set<Family>
    /// Both sides advertised the 4-octet AS capability (RFC 6793).
    public var fourOctetAS: Bool
    /// Both sides advertised extended messages (RFC 8654).
    public var extendedMessage: Bool
    /// ADD-PATH (RFC 7911) per common family, from our point of view: `.receive` when we
    /// advertised receive and the peer send; `.send` when we advertised send and the peer
    /// receive. Families without either are absent.
    public var addPath: [Family: AddPathDirection]
    /// RFC 8950 families whose NLRI we may send with a next hop of the given AFI (the peer
    /// advertised it can receive them).
    public var extendedNextHopSend: [Family: AFI]
    /// RFC 8950 families whose NLRI the peer may send us with a next hop of the given AFI (we
    /// advertised it).
    public var extendedNextHopReceive: [Family: AFI]
    /// The peer accepts ROUTE-REFRESH (it advertised code 2 or the pre-standard 128).
    public var routeRefresh: Bool
    /// Both sides advertised enhanced route refresh (RFC 7313): BoRR/EoRR are used.
    public var enhancedRouteRefresh: Bool
    /// The peer's Graceful Restart capability (RFC 4724), when it sent one.
    public var peerGracefulRestart: GracefulRestartCapability?
    /// Ours, when we sent one.
    public var localGracefulRestart: GracefulRestartCapability?
    /// The peer's Long-Lived Graceful Restart entries (RFC 9494) for common families; empty
    /// unless both sides advertised GR and LLGR.
    public var peerLongLivedGracefulRestart: [LLGREntry]
    /// The peer's hostname and domain (FQDN capability), when sent.
    public var peerHostname: String?
    public var peerDomain: String?

    /// The codec settings for this session.
    public var codecContext: CodecContext

    /// Both sides advertised Graceful Restart: the peer is a GR peer for us (we keep its routes
    /// across a restart) and End-of-RIB is exchanged.
    public var gracefulRestart: Bool { peerGracefulRestart != nil && localGracefulRestart != nil }

    /// Both sides set the N bit (RFC 8538): NOTIFICATIONs other than Hard Reset also keep routes.
    public var gracefulRestartNotification: Bool {
        (peerGracefulRestart?.notification ?? false) && (localGracefulRestart?.notification ?? false)
    }

    /// The families sorted, for stable output.
    public var sortedFamilies: [Family] { families.sorted() }
}
