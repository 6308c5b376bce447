/// A capability of an OPEN (RFC 5492): code, length, value.
///
/// ```
/// +------------------------------+
/// | Capability Code (1 octet)    |
/// +------------------------------+
/// | Capability Length (1 octet)  |
/// +------------------------------+
/// | Capability Value (variable)  |
/// +------------------------------+
/// ```
/// A known code whose value does not parse is kept as `.unknown` with its bytes, so the OPEN
/// still decodes and re-encodes; negotiation then ignores it.
public enum Capability: Hashable, Sendable {
    /// 1, RFC 4760: AFI (2), Reserved (1), SAFI (1).
    case multiprotocol(Family)
    /// 2, RFC 2918.
    case routeRefresh
    /// 128, the pre-standard route refresh code that FRR and Cisco still send.
    case routeRefreshCisco
    /// 5, RFC 8950: tuples of NLRI AFI (2), NLRI SAFI (2), Nexthop AFI (2).
    case extendedNextHop([ExtendedNextHopEntry])
    /// 6, RFC 8654.
    case extendedMessage
    /// 64, RFC 4724.
    case gracefulRestart(GracefulRestartCapability)
    /// 65, RFC 6793: the speaker's 4-octet AS number.
    case fourOctetAS(UInt32)
    /// 69, RFC 7911: AFI (2), SAFI (1), Send/Receive (1) per family.
    case addPath([AddPathEntry])
    /// 70, RFC 7313.
    case enhancedRouteRefresh
    /// 71, RFC 9494: AFI (2), SAFI (1), Flags (1), Long-lived Stale Time (3) per family.
    case longLivedGracefulRestart([LLGREntry])
    /// 73, draft-walton-bgp-hostname-capability: hostname length (1), hostname, domain length (1), domain.
    case fqdn(hostname: [UInt8], domain: [UInt8])
    /// Any other code, or a known code with a value that does not parse.
    case unknown(code: UInt8, value: [UInt8])

    public var code: UInt8 {
        switch self {
        case .multiprotocol: return 1
        case .routeRefresh: return 2
        case .routeRefreshCisco: return 128
        case .extendedNextHop: return 5
        case .extendedMessage: return 6
        case .gracefulRestart: return 64
        case .fourOctetAS: return 65
        case .addPath: return 69
        case .enhancedRouteRefresh: return 70
        case .longLivedGracefulRestart: return 71
        case .fqdn: return 73
        case .unknown(let c, _): return c
        }
    }
}

/// One RFC 8950 tuple: NLRI of `family` may carry a next hop of `nextHopAFI`.
public struct ExtendedNextHopEntry: Hashable, Sendable {
    public var family: Family
    /// The SAFI field is 2 octets on the wire; its high octet is kept for exact re-encoding.
    public var nextHopAFI: AFI
    public init(family: Family, nextHopAFI: AFI) { self.family = family; self.nextHopAFI = nextHopAFI }
}

/// One ADD-PATH entry.
public struct AddPathEntry: Hashable, Sendable {
    public var family: Family
    public var direction: AddPathDirection
    public init(family: Family, direction: AddPathDirection) { self.family = family; self.direction = direction }
}

/// The Graceful Restart capability (RFC 4724 section 3, RFC 8538 N bit).
///
/// ```
/// +--------------------------------------------------+
/// | Restart Flags (4 bits) | Restart Time (12 bits)  |
/// +--------------------------------------------------+
/// | AFI (16 bits) | SAFI (8 bits) | Flags for AF (8)  |  repeated
/// +--------------------------------------------------+
/// ```
public struct GracefulRestartCapability: Hashable, Sendable {
    /// The 4 flag bits: 0x8 R (restarting), 0x4 N (notification, RFC 8538).
    public var flags: UInt8
    /// Seconds, 12 bits.
    public var restartTime: UInt16
    public var families: [Entry]

    public init(flags: UInt8 = 0, restartTime: UInt16, families: [Entry] = []) {
        self.flags = flags; self.restartTime = restartTime; self.families = families
    }

    public var restarting: Bool { flags & 0x8 != 0 }
    /// RFC 8538: the speaker handles NOTIFICATIONs with graceful restart (Hard Reset understood).
    public var notification: Bool { flags & 0x4 != 0 }

    public struct Entry: Hashable, Sendable {
        public var family: Family
        /// 0x80: forwarding state was preserved.
        public var flags: UInt8
        public init(family: Family, flags: UInt8) { self.family = family; self.flags = flags }
        public var forwardingPreserved: Bool { flags & 0x80 != 0 }
    }
}

/// One Long-Lived Graceful Restart entry (RFC 9494).
public struct LLGREntry: Hashable, Sendable {
    public var family: Family
    /// 0x80: forwarding state preserved.
    public var flags: UInt8
    /// Seconds, 24 bits.
    public var staleTime: UInt32
    public init(family: Family, flags: UInt8, staleTime: UInt32) {
        self.family = family; self.flags = flags; self.staleTime = staleTime
    }
}
