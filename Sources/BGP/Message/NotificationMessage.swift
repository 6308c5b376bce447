/// A NOTIFICATION message (RFC 4271 section 4.5).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Error code    | Error subcode |   Data (variable)             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public struct NotificationMessage: Hashable, Sendable, Error {
    public var code: UInt8
    public var subcode: UInt8
    public var data: [UInt8]

    public init(code: UInt8, subcode: UInt8, data: [UInt8] = []) {
        self.code = code
        self.subcode = subcode
        self.data = data
    }

    public init(_ code: NotificationCode, subcode: UInt8 = 0, data: [UInt8] = []) {
        self.init(code: code.rawValue, subcode: subcode, data: data)
    }
}

/// NOTIFICATION error codes (RFC 4271 section 4.5, RFC 7313, RFC 6608).
public enum NotificationCode: UInt8, Hashable, Sendable, CustomStringConvertible {
    case messageHeader = 1
    case open = 2
    case update = 3
    case holdTimerExpired = 4
    case fsm = 5
    case cease = 6
    case routeRefresh = 7

    public var description: String {
        switch self {
        case .messageHeader: return "Message Header Error"
        case .open: return "OPEN Message Error"
        case .update: return "UPDATE Message Error"
        case .holdTimerExpired: return "Hold Timer Expired"
        case .fsm: return "Finite State Machine Error"
        case .cease: return "Cease"
        case .routeRefresh: return "ROUTE-REFRESH Message Error"
        }
    }
}

/// Message Header Error subcodes (RFC 4271 section 6.1).
public enum HeaderErrorSubcode: UInt8, Sendable {
    case connectionNotSynchronized = 1
    case badMessageLength = 2
    case badMessageType = 3
}

/// OPEN Message Error subcodes (RFC 4271 section 6.2, RFC 5492, RFC 9234).
public enum OpenErrorSubcode: UInt8, Sendable {
    case unsupportedVersionNumber = 1
    case badPeerAS = 2
    case badBGPIdentifier = 3
    case unsupportedOptionalParameter = 4
    case unacceptableHoldTime = 6
    case unsupportedCapability = 7
    case roleMismatch = 11
}

/// UPDATE Message Error subcodes (RFC 4271 section 6.3).
public enum UpdateErrorSubcode: UInt8, Sendable {
    case malformedAttributeList = 1
    case unrecognizedWellKnownAttribute = 2
    case missingWellKnownAttribute = 3
    case attributeFlagsError = 4
    case attributeLengthError = 5
    case invalidOriginAttribute = 6
    case invalidNextHopAttribute = 8
    case optionalAttributeError = 9
    case invalidNetworkField = 10
    case malformedASPath = 11
}

/// Finite State Machine Error subcodes (RFC 6608).
public enum FSMErrorSubcode: UInt8, Sendable {
    case unspecified = 0
    case unexpectedMessageInOpenSent = 1
    case unexpectedMessageInOpenConfirm = 2
    case unexpectedMessageInEstablished = 3
}

/// Cease subcodes (RFC 4486, RFC 8538).
public enum CeaseSubcode: UInt8, Sendable {
    case maximumPrefixesReached = 1
    case administrativeShutdown = 2
    case peerDeconfigured = 3
    case administrativeReset = 4
    case connectionRejected = 5
    case otherConfigurationChange = 6
    case connectionCollisionResolution = 7
    case outOfResources = 8
    case hardReset = 9
    case bfdDown = 10
}

/// ROUTE-REFRESH Message Error subcodes (RFC 7313).
public enum RouteRefreshErrorSubcode: UInt8, Sendable {
    case invalidMessageLength = 1
}
