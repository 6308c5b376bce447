import NetAddress

/// ADD-PATH (RFC 7911) direction for one family, as advertised or negotiated.
public struct AddPathDirection: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// We can receive (the peer may send) multiple paths: value 1 on the wire.
    public static let receive = AddPathDirection(rawValue: 1)
    /// We can send multiple paths: value 2 on the wire.
    public static let send = AddPathDirection(rawValue: 2)
    public static let both: AddPathDirection = [.receive, .send]
}

/// Every capability-dependent choice of the codec, fixed by OPEN negotiation.
///
/// Decoding reads what the peer sends; encoding writes what we send. ADD-PATH is asymmetric:
/// path identifiers are present in received NLRI of a family when we advertised receive and the
/// peer advertised send (`addPathReceive`), and in sent NLRI when we advertised send and the
/// peer advertised receive (`addPathSend`).
public struct CodecContext: Hashable, Sendable {
    /// Both sides advertised the 4-octet AS capability (RFC 6793): AS_PATH and AGGREGATOR carry
    /// 4-octet AS numbers and AS4_PATH/AS4_AGGREGATOR are not used.
    public var fourOctetAS: Bool
    /// Both sides advertised extended messages (RFC 8654): up to 65535 bytes, except OPEN and
    /// KEEPALIVE.
    public var extendedMessage: Bool
    /// Families whose received NLRI carry a 4-byte path identifier.
    public var addPathReceive: Set<Family>
    /// Families whose sent NLRI carry a 4-byte path identifier.
    public var addPathSend: Set<Family>
    /// Families whose NLRI may be carried with a next hop of another AFI (RFC 8950), keyed by the
    /// NLRI family, valued by the next-hop AFI; e.g. ipv4-unicast -> ipv6.
    public var extendedNextHop: [Family: AFI]

    public init(fourOctetAS: Bool = true, extendedMessage: Bool = false,
                addPathReceive: Set<Family> = [], addPathSend: Set<Family> = [],
                extendedNextHop: [Family: AFI] = [:]) {
        self.fourOctetAS = fourOctetAS
        self.extendedMessage = extendedMessage
        self.addPathReceive = addPathReceive
        self.addPathSend = addPathSend
        self.extendedNextHop = extendedNextHop
    }

    /// The context before any OPEN is exchanged: 2-octet AS, 4096-byte messages, no ADD-PATH.
    /// Reading captures without their OPEN uses `.permissive` instead.
    public static let initial = CodecContext(fourOctetAS: false)

    /// For reading captures whose OPENs are not at hand: 4-octet AS and extended messages (what
    /// FRR, BIRD and GoBGP negotiate with each other), no ADD-PATH.
    public static let permissive = CodecContext(fourOctetAS: true, extendedMessage: true)

    /// The largest message the peer may send us, and we it.
    public var maxMessageLength: Int { extendedMessage ? 65535 : 4096 }

    /// The context for the direction opposite this one (what a peer decodes when we encode):
    /// ADD-PATH send and receive swap.
    public var reversed: CodecContext {
        var c = self
        c.addPathReceive = addPathSend
        c.addPathSend = addPathReceive
        return c
    }
}
