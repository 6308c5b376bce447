import NetAddress

/// The fields of `PathAttributes`. The decoder fills one of these and wraps it once.
@usableFromInline
struct PathAttributesFields: Hashable, Sendable {
    @usableFromInline var origin: Origin? = nil
    @usableFromInline var asPath: ASPath? = nil
    @usableFromInline var nextHop: IPv4Address? = nil
    @usableFromInline var med: UInt32? = nil
    @usableFromInline var localPref: UInt32? = nil
    @usableFromInline var atomicAggregate: Bool = false
    @usableFromInline var aggregator: Aggregator? = nil
    @usableFromInline var communities: [Community]? = nil
    @usableFromInline var originatorID: IPv4Address? = nil
    @usableFromInline var clusterList: [IPv4Address]? = nil
    @usableFromInline var extendedCommunities: [ExtendedCommunity]? = nil
    @usableFromInline var as4Path: ASPath? = nil
    @usableFromInline var as4Aggregator: Aggregator? = nil
    @usableFromInline var pmsiTunnel: PMSITunnel? = nil
    @usableFromInline var largeCommunities: [LargeCommunity]? = nil
    @usableFromInline var other: [RawAttribute] = []

    @usableFromInline init() {}

    @usableFromInline init(origin: Origin?, asPath: ASPath?, nextHop: IPv4Address?, med: UInt32?, localPref: UInt32?, atomicAggregate: Bool, aggregator: Aggregator?, communities: [Community]?, originatorID: IPv4Address?, clusterList: [IPv4Address]?, extendedCommunities: [ExtendedCommunity]?, as4Path: ASPath?, as4Aggregator: Aggregator?, pmsiTunnel: PMSITunnel?, largeCommunities: [LargeCommunity]?, other: [RawAttribute]) {
        self.origin = origin
        self.asPath = asPath
        self.nextHop = nextHop
        self.med = med
        self.localPref = localPref
        self.atomicAggregate = atomicAggregate
        self.aggregator = aggregator
        self.communities = communities
        self.originatorID = originatorID
        self.clusterList = clusterList
        self.extendedCommunities = extendedCommunities
        self.as4Path = as4Path
        self.as4Aggregator = as4Aggregator
        self.pmsiTunnel = pmsiTunnel
        self.largeCommunities = largeCommunities
        self.other = other
    }
}

/// The shared storage of `PathAttributes`: a ManagedBuffer whose header holds the fields. Header
/// access goes through a pointer, so reading an attribute costs no dynamic exclusivity check (a
/// plain class property would), which matters on the decoder's hot path. Only `PathAttributes`
/// mutates it, and only while it holds the sole reference.
@usableFromInline
final class PathAttributesStorage: ManagedBuffer<PathAttributesFields, UInt8> {
    @inlinable static func make(_ fields: PathAttributesFields) -> PathAttributesStorage {
        unsafeDowncast(create(minimumCapacity: 0) { _ in fields }, to: PathAttributesStorage.self)
    }

    /// The fields, through a pointer: stable for the object's lifetime, and free of the dynamic
    /// exclusivity checks that accessing `header` as a property would cost.
    @inlinable var fields: UnsafeMutablePointer<PathAttributesFields> {
        withUnsafeMutablePointerToHeader { $0 }
    }
}
