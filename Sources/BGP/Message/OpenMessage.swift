import NetAddress

/// An OPEN message (RFC 4271 section 4.2), with RFC 9072 extended optional parameters.
///
/// ```
/// +-+-+-+-+-+-+-+-+
/// |    Version    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     My Autonomous System      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           Hold Time           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         BGP Identifier                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Opt Parm Len  |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |             Optional Parameters (variable)                    |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// RFC 9072: when Opt Parm Len is 255 and the next octet (Non-Ext OP Type) is 255, a 2-octet
/// Extended Opt. Parm. Length follows and each parameter's length is 2 octets.
public struct OpenMessage: Hashable, Sendable {
    public var version: UInt8
    /// The 2-octet My Autonomous System field (AS_TRANS when the real AS needs 4 octets).
    public var myAS: UInt16
    public var holdTime: UInt16
    public var bgpIdentifier: IPv4Address
    /// Optional parameters in wire order. Capabilities are usually one parameter each (as FRR
    /// and BIRD send them) or several in one parameter (as some routers do); both are kept as
    /// received so the message re-encodes byte for byte.
    public var parameters: [OptionalParameter]
    /// The RFC 9072 extended encoding was used (or is to be used) for the parameters.
    public var extendedParameters: Bool

    public init(version: UInt8 = bgpVersion, myAS: UInt16, holdTime: UInt16, bgpIdentifier: IPv4Address,
                parameters: [OptionalParameter], extendedParameters: Bool = false) {
        self.version = version
        self.myAS = myAS
        self.holdTime = holdTime
        self.bgpIdentifier = bgpIdentifier
        self.parameters = parameters
        self.extendedParameters = extendedParameters
    }

    /// Builds an OPEN with one capability per optional parameter, as FRR and BIRD send them.
    /// `asn` goes in My AS when it fits in 2 octets, AS_TRANS otherwise; a 4-octet AS capability
    /// must be among `capabilities` for a 4-octet `asn`.
    public init(asn: UInt32, holdTime: UInt16, bgpIdentifier: IPv4Address, capabilities: [Capability]) {
        self.init(myAS: asn <= UInt32(UInt16.max) ? UInt16(asn) : asTrans, holdTime: holdTime,
                  bgpIdentifier: bgpIdentifier, parameters: capabilities.map { .capabilities([$0]) })
    }

    /// All capabilities, in wire order, from every capabilities parameter.
    public var capabilities: [Capability] {
        parameters.flatMap { p -> [Capability] in
            if case .capabilities(let c) = p { return c } else { return [] }
        }
    }

    /// The AS number this speaker claims: the 4-octet AS capability when present, My AS otherwise.
    public var asn: UInt32 {
        for c in capabilities { if case .fourOctetAS(let a) = c { return a } }
        return UInt32(myAS)
    }
}

/// One optional parameter of an OPEN.
public enum OptionalParameter: Hashable, Sendable {
    /// Parameter type 2 (RFC 5492): one or more capabilities.
    case capabilities([Capability])
    /// Any other parameter type (1, authentication, is deprecated), kept raw.
    case unknown(type: UInt8, value: [UInt8])
}
