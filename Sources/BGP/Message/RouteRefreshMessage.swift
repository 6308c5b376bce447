/// A ROUTE-REFRESH message (RFC 2918), with the enhanced subtypes of RFC 7313.
///
/// ```
///  0       7      15      23      31
/// +-------+-------+-------+-------+
/// |      AFI      | Subt. | SAFI  |
/// +-------+-------+-------+-------+
/// ```
/// RFC 2918 calls the subtype octet Reserved; RFC 7313 defines 0 (normal), 1 (BoRR), 2 (EoRR).
/// Anything after the four octets (ORF entries, RFC 5291) is kept raw.
public struct RouteRefreshMessage: Hashable, Sendable {
    public var afi: AFI
    public var subtype: Subtype
    public var safi: SAFI
    /// Outbound Route Filtering entries (RFC 5291), kept raw.
    public var orf: [UInt8]

    public init(family: Family, subtype: Subtype = .normal, orf: [UInt8] = []) {
        self.afi = family.afi
        self.safi = family.safi
        self.subtype = subtype
        self.orf = orf
    }

    public var family: Family { Family(afi: afi, safi: safi) }

    public struct Subtype: RawRepresentable, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let normal = Subtype(rawValue: 0)
        /// Beginning of Route Refresh (RFC 7313).
        public static let beginning = Subtype(rawValue: 1)
        /// End of Route Refresh (RFC 7313).
        public static let end = Subtype(rawValue: 2)
    }
}
