import NetAddress

/// The message type code of the common header (RFC 4271 section 4.1).
public enum MessageType: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case open = 1
    case update = 2
    case notification = 3
    case keepalive = 4
    case routeRefresh = 5

    public var description: String {
        switch self {
        case .open: return "OPEN"
        case .update: return "UPDATE"
        case .notification: return "NOTIFICATION"
        case .keepalive: return "KEEPALIVE"
        case .routeRefresh: return "ROUTE-REFRESH"
        }
    }
}

/// One BGP message.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                                               |
/// +                           Marker (16 x 0xff)                  +
/// |                                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |          Length               |      Type     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
public enum BGPMessage: Hashable, Sendable {
    case open(OpenMessage)
    case update(UpdateMessage)
    case notification(NotificationMessage)
    case keepalive
    case routeRefresh(RouteRefreshMessage)

    public var type: MessageType {
        switch self {
        case .open: return .open
        case .update: return .update
        case .notification: return .notification
        case .keepalive: return .keepalive
        case .routeRefresh: return .routeRefresh
        }
    }
}

/// The BGP version we speak.
public let bgpVersion: UInt8 = 4

/// AS_TRANS (RFC 6793): the 2-octet stand-in for a 4-octet AS number.
public let asTrans: UInt16 = 23456
