import NetAddress

/// Path attribute type codes (IANA "BGP Path Attributes").
public enum AttributeCode {
    public static let origin: UInt8 = 1
    public static let asPath: UInt8 = 2
    public static let nextHop: UInt8 = 3
    public static let multiExitDisc: UInt8 = 4
    public static let localPref: UInt8 = 5
    public static let atomicAggregate: UInt8 = 6
    public static let aggregator: UInt8 = 7
    public static let communities: UInt8 = 8
    public static let originatorID: UInt8 = 9
    public static let clusterList: UInt8 = 10
    public static let mpReachNLRI: UInt8 = 14
    public static let mpUnreachNLRI: UInt8 = 15
    public static let extendedCommunities: UInt8 = 16
    public static let as4Path: UInt8 = 17
    public static let as4Aggregator: UInt8 = 18
    public static let pmsiTunnel: UInt8 = 22
    public static let largeCommunities: UInt8 = 32
}

/// Path attribute flag bits (RFC 4271 section 4.3).
public enum AttributeFlags {
    public static let optional: UInt8 = 0x80
    public static let transitive: UInt8 = 0x40
    public static let partial: UInt8 = 0x20
    public static let extendedLength: UInt8 = 0x10
}

/// The path attributes of an UPDATE other than MP_REACH_NLRI and MP_UNREACH_NLRI: everything
/// that describes a path and is shared by the prefixes it carries. The RIB interns these.
///
/// Each attribute is kept as on the wire (AS_PATH and AS4_PATH both, 2- or 4-octet as received),
/// so an UPDATE re-encodes byte for byte; `effectiveASPath` gives the RFC 6793 merge.
///
/// A value type with copy-on-write storage: copying one (into an UPDATE, a RIB entry, an export
/// queue) retains one reference instead of a dozen arrays, and two copies of the same decoded set
/// compare equal by identity first. (`@unchecked Sendable`: the storage is only ever mutated
/// through a uniquely referenced value.)
public struct PathAttributes: Hashable, @unchecked Sendable {
    @usableFromInline var storage: PathAttributesStorage

    /// No attributes; one shared storage, so building it allocates nothing.
    public static let empty = PathAttributes()

    /// Wraps storage the decoder filled in.
    @inlinable init(storage: PathAttributesStorage) { self.storage = storage }
    public var origin: Origin? {
        @inlinable get { storage.fields.pointee.origin }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.origin }
        @inlinable set { uniqueStorage().fields.pointee.origin = newValue }
    }
    public var asPath: ASPath? {
        @inlinable get { storage.fields.pointee.asPath }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.asPath }
        @inlinable set { uniqueStorage().fields.pointee.asPath = newValue }
    }
    /// NEXT_HOP (attribute 3), for IPv4 NLRI in the NLRI field.
    public var nextHop: IPv4Address? {
        @inlinable get { storage.fields.pointee.nextHop }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.nextHop }
        @inlinable set { uniqueStorage().fields.pointee.nextHop = newValue }
    }
    /// MULTI_EXIT_DISC (attribute 4).
    public var med: UInt32? {
        @inlinable get { storage.fields.pointee.med }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.med }
        @inlinable set { uniqueStorage().fields.pointee.med = newValue }
    }
    /// LOCAL_PREF (attribute 5).
    public var localPref: UInt32? {
        @inlinable get { storage.fields.pointee.localPref }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.localPref }
        @inlinable set { uniqueStorage().fields.pointee.localPref = newValue }
    }
    /// ATOMIC_AGGREGATE (attribute 6) is present.
    public var atomicAggregate: Bool {
        @inlinable get { storage.fields.pointee.atomicAggregate }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.atomicAggregate }
        @inlinable set { uniqueStorage().fields.pointee.atomicAggregate = newValue }
    }
    /// AGGREGATOR (attribute 7), with a 2-octet AS on 2-octet sessions (see `effectiveAggregator`).
    public var aggregator: Aggregator? {
        @inlinable get { storage.fields.pointee.aggregator }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.aggregator }
        @inlinable set { uniqueStorage().fields.pointee.aggregator = newValue }
    }
    /// COMMUNITIES (attribute 8), in wire order.
    public var communities: [Community]? {
        @inlinable get { storage.fields.pointee.communities }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.communities }
        @inlinable set { uniqueStorage().fields.pointee.communities = newValue }
    }
    /// ORIGINATOR_ID (attribute 9).
    public var originatorID: IPv4Address? {
        @inlinable get { storage.fields.pointee.originatorID }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.originatorID }
        @inlinable set { uniqueStorage().fields.pointee.originatorID = newValue }
    }
    /// CLUSTER_LIST (attribute 10).
    public var clusterList: [IPv4Address]? {
        @inlinable get { storage.fields.pointee.clusterList }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.clusterList }
        @inlinable set { uniqueStorage().fields.pointee.clusterList = newValue }
    }
    /// EXTENDED_COMMUNITIES (attribute 16), in wire order.
    public var extendedCommunities: [ExtendedCommunity]? {
        @inlinable get { storage.fields.pointee.extendedCommunities }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.extendedCommunities }
        @inlinable set { uniqueStorage().fields.pointee.extendedCommunities = newValue }
    }
    /// AS4_PATH (attribute 17), only as received on a 2-octet AS session.
    public var as4Path: ASPath? {
        @inlinable get { storage.fields.pointee.as4Path }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.as4Path }
        @inlinable set { uniqueStorage().fields.pointee.as4Path = newValue }
    }
    /// AS4_AGGREGATOR (attribute 18), only as received on a 2-octet AS session.
    public var as4Aggregator: Aggregator? {
        @inlinable get { storage.fields.pointee.as4Aggregator }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.as4Aggregator }
        @inlinable set { uniqueStorage().fields.pointee.as4Aggregator = newValue }
    }
    /// PMSI_TUNNEL (attribute 22).
    public var pmsiTunnel: PMSITunnel? {
        @inlinable get { storage.fields.pointee.pmsiTunnel }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.pmsiTunnel }
        @inlinable set { uniqueStorage().fields.pointee.pmsiTunnel = newValue }
    }
    /// LARGE_COMMUNITY (attribute 32), in wire order.
    public var largeCommunities: [LargeCommunity]? {
        @inlinable get { storage.fields.pointee.largeCommunities }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.largeCommunities }
        @inlinable set { uniqueStorage().fields.pointee.largeCommunities = newValue }
    }
    /// Attributes without a typed field here (unknown codes, and known ones of families we do not
    /// interpret), in wire order, with their flags as received.
    public var other: [RawAttribute] {
        @inlinable get { storage.fields.pointee.other }
        @inlinable _modify { yield &uniqueStorage().fields.pointee.other }
        @inlinable set { uniqueStorage().fields.pointee.other = newValue }
    }

    public init(origin: Origin? = nil,
                asPath: ASPath? = nil,
                nextHop: IPv4Address? = nil,
                med: UInt32? = nil,
                localPref: UInt32? = nil,
                atomicAggregate: Bool = false,
                aggregator: Aggregator? = nil,
                communities: [Community]? = nil,
                originatorID: IPv4Address? = nil,
                clusterList: [IPv4Address]? = nil,
                extendedCommunities: [ExtendedCommunity]? = nil,
                as4Path: ASPath? = nil,
                as4Aggregator: Aggregator? = nil,
                pmsiTunnel: PMSITunnel? = nil,
                largeCommunities: [LargeCommunity]? = nil,
                other: [RawAttribute] = []) {
        storage = PathAttributesStorage.make(PathAttributesFields(
            origin: origin, asPath: asPath, nextHop: nextHop, med: med, localPref: localPref, atomicAggregate: atomicAggregate, aggregator: aggregator, communities: communities, originatorID: originatorID, clusterList: clusterList, extendedCommunities: extendedCommunities, as4Path: as4Path, as4Aggregator: as4Aggregator, pmsiTunnel: pmsiTunnel, largeCommunities: largeCommunities, other: other))
    }

    /// The storage, copied first if another value shares it.
    @inlinable mutating func uniqueStorage() -> PathAttributesStorage {
        if !isKnownUniquelyReferenced(&storage) { storage = PathAttributesStorage.make(storage.fields.pointee) }
        return storage
    }

    /// True when no attribute is present.
    public var isEmpty: Bool {
        origin == nil && asPath == nil && nextHop == nil && med == nil && localPref == nil
            && !atomicAggregate && aggregator == nil && communities == nil && originatorID == nil
            && clusterList == nil && extendedCommunities == nil && as4Path == nil
            && as4Aggregator == nil && pmsiTunnel == nil && largeCommunities == nil && other.isEmpty
    }

    public static func == (a: PathAttributes, b: PathAttributes) -> Bool {
        a.storage === b.storage || a.storage.fields.pointee == b.storage.fields.pointee
    }

    public func hash(into h: inout Hasher) { storage.fields.pointee.hash(into: &h) }
}

/// ORIGIN (attribute 1).
public enum Origin: UInt8, Hashable, Sendable, Comparable, CustomStringConvertible {
    case igp = 0
    case egp = 1
    case incomplete = 2

    public var description: String {
        switch self { case .igp: return "igp"; case .egp: return "egp"; case .incomplete: return "incomplete" }
    }
    public static func < (a: Origin, b: Origin) -> Bool { a.rawValue < b.rawValue }
}

/// AGGREGATOR (attribute 7) or AS4_AGGREGATOR (18): the AS and router ID that aggregated.
public struct Aggregator: Hashable, Sendable {
    public var asn: UInt32
    public var address: IPv4Address
    public init(asn: UInt32, address: IPv4Address) { self.asn = asn; self.address = address }
}

/// PMSI_TUNNEL (attribute 22, RFC 6514 section 5).
///
/// ```
/// +---------------------------------+
/// |  Flags (1 octet)                |
/// +---------------------------------+
/// |  Tunnel Type (1 octet)          |   6 = Ingress Replication
/// +---------------------------------+
/// |  MPLS Label (3 octets)          |   the VNI for VXLAN (RFC 8365)
/// +---------------------------------+
/// |  Tunnel Identifier (variable)   |   the tunnel endpoint for Ingress Replication
/// +---------------------------------+
/// ```
public struct PMSITunnel: Hashable, Sendable {
    public var flags: UInt8
    public var tunnelType: UInt8
    public var label: EVPNLabel
    public var tunnelIdentifier: [UInt8]
    public init(flags: UInt8 = 0, tunnelType: UInt8, label: EVPNLabel, tunnelIdentifier: [UInt8]) {
        self.flags = flags; self.tunnelType = tunnelType; self.label = label; self.tunnelIdentifier = tunnelIdentifier
    }
    public static let ingressReplication: UInt8 = 6
    /// The tunnel endpoint, when the identifier is an IPv4 or IPv6 address.
    public var endpoint: IPAddress? { IPAddress(bytes: tunnelIdentifier) }
}

/// A path attribute kept as raw bytes.
public struct RawAttribute: Hashable, Sendable {
    public var flags: UInt8
    public var code: UInt8
    public var value: [UInt8]
    public init(flags: UInt8, code: UInt8, value: [UInt8]) { self.flags = flags; self.code = code; self.value = value }
    public var isOptional: Bool { flags & AttributeFlags.optional != 0 }
    public var isTransitive: Bool { flags & AttributeFlags.transitive != 0 }
}
