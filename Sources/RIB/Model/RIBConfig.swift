import BGP
import NetAddress

/// What an eBGP neighbour without its own import or export policy gets.
public enum DefaultEBGPPolicy: String, Hashable, Sendable {
    /// RFC 8212: nothing is imported from or exported to the neighbour.
    case rfc8212
    /// `policy: accept-all` in the config: everything passes. The daemon logs a warning
    /// (see `RIBConfig.warnsAcceptAllDefault`).
    case acceptAll = "accept-all"
}

/// How BGP next hops are judged reachable.
public enum NextHopResolution: String, Hashable, Sendable {
    /// Against the connected prefixes and kernel routes fed through `RIB.kernelChanged(_:)`.
    case kernel
    /// Every next hop is reachable, through itself (and the peer's interface for a link-local
    /// one). For replaying captures, where no kernel state exists.
    case assumeReachable
}

/// The RIB's global settings.
public struct RIBConfig: Hashable, Sendable {
    /// Our AS.
    public var localAS: UInt32
    /// Our BGP identifier.
    public var routerID: IPv4Address
    /// The CLUSTER_ID for route reflection (RFC 4456); the router ID when nil.
    public var clusterID: IPv4Address?
    /// The largest ECMP set installed (`maximum-paths`).
    public var maximumPaths: Int
    /// Paths from different neighbour ASes with AS_PATHs of equal length may form one ECMP set.
    public var multipathRelax: Bool
    /// Compare MED between paths from different neighbour ASes too.
    public var alwaysCompareMED: Bool
    /// LOCAL_PREF assumed when a path carries none.
    public var defaultLocalPref: UInt32
    /// The default for eBGP neighbours without a policy of their own.
    public var defaultEBGPPolicy: DefaultEBGPPolicy
    /// How next hops are resolved.
    public var nextHopResolution: NextHopResolution
    /// Whether a default route (0.0.0.0/0, ::/0) from the kernel may resolve a next hop.
    public var resolveViaDefault: Bool

    public init(localAS: UInt32, routerID: IPv4Address, clusterID: IPv4Address? = nil, maximumPaths: Int = 64,
                multipathRelax: Bool = false, alwaysCompareMED: Bool = false, defaultLocalPref: UInt32 = 100,
                defaultEBGPPolicy: DefaultEBGPPolicy = .rfc8212, nextHopResolution: NextHopResolution = .kernel,
                resolveViaDefault: Bool = false) {
        self.localAS = localAS
        self.routerID = routerID
        self.clusterID = clusterID
        self.maximumPaths = max(1, maximumPaths)
        self.multipathRelax = multipathRelax
        self.alwaysCompareMED = alwaysCompareMED
        self.defaultLocalPref = defaultLocalPref
        self.defaultEBGPPolicy = defaultEBGPPolicy
        self.nextHopResolution = nextHopResolution
        self.resolveViaDefault = resolveViaDefault
    }

    /// True when eBGP neighbours without a policy accept and send everything, against RFC 8212.
    /// The daemon logs this as a warning at start and on reload.
    public var warnsAcceptAllDefault: Bool { defaultEBGPPolicy == .acceptAll }

    /// The cluster ID in use.
    public var effectiveClusterID: IPv4Address { clusterID ?? routerID }
}
