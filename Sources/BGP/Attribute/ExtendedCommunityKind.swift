import NetAddress

/// The typed view of an extended community (see `ExtendedCommunity.kind`).
public enum ExtendedCommunityKind: Hashable, Sendable {
    /// Route Target, type 0x00/0x02 (2-octet AS : 4-octet number), RFC 4360.
    case routeTargetAS2(asn: UInt16, number: UInt32)
    /// Route Target, type 0x01/0x02 (IPv4 address : 2-octet number), RFC 4360.
    case routeTargetIPv4(address: IPv4Address, number: UInt16)
    /// Route Target, type 0x02/0x02 (4-octet AS : 2-octet number), RFC 5668.
    case routeTargetAS4(asn: UInt32, number: UInt16)
    /// Route Origin (Site of Origin), types 0x00/0x03, 0x01/0x03, 0x02/0x03, printed like route targets.
    case routeOrigin(ExtendedCommunity)
    /// Encapsulation, type 0x03/0x0c, RFC 9012: tunnel type 8 is VXLAN.
    case encapsulation(tunnelType: UInt16)
    /// Default Gateway, type 0x03/0x0d, RFC 7432 section 7.8.
    case defaultGateway
    /// MAC Mobility, type 0x06/0x00, RFC 7432 section 7.7.
    case macMobility(sticky: Bool, sequence: UInt32)
    /// ESI Label, type 0x06/0x01, RFC 7432 section 7.5.
    case esiLabel(singleActive: Bool, label: EVPNLabel)
    /// ES-Import Route Target, type 0x06/0x02, RFC 7432 section 7.6.
    case esImportRouteTarget(MACAddress)
    /// Router's MAC, type 0x06/0x03, RFC 9135 section 8.1.
    case routerMAC(MACAddress)
    /// Link bandwidth, type 0x40/0x04 (non-transitive) or 0x00/0x04 (transitive),
    /// draft-ietf-idr-link-bandwidth: an AS and an IEEE-754 float in bytes per second.
    case linkBandwidth(asn: UInt16, bytesPerSecond: Float, transitive: Bool)
    /// Anything else.
    case other

    /// The VXLAN tunnel type of the encapsulation community.
    public static let vxlanTunnelType: UInt16 = 8
}
