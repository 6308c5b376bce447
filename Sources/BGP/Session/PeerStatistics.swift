/// Message counters of one peer across its sessions, for `show` and metrics (the BGP4-MIB
/// `bgpPeerInUpdates`, `bgpPeerOutTotalMessages` ... family).
public struct PeerStatistics: Hashable, Sendable {
    var sentByType = [Int](repeating: 0, count: 6)
    var receivedByType = [Int](repeating: 0, count: 6)
    /// The last NOTIFICATION we sent, as it went on the wire.
    public internal(set) var lastNotificationSent: NotificationMessage?
    /// The last NOTIFICATION the peer sent.
    public internal(set) var lastNotificationReceived: NotificationMessage?
    /// How many times a session reached Established.
    public internal(set) var establishedCount = 0

    public init() {}

    /// Messages of `type` sent.
    public func sent(_ type: MessageType) -> Int { sentByType[Int(type.rawValue)] }
    /// Messages of `type` received (and decoded).
    public func received(_ type: MessageType) -> Int { receivedByType[Int(type.rawValue)] }

    mutating func count(sent message: BGPMessage) {
        sentByType[Int(message.type.rawValue)] += 1
        if case .notification(let n) = message { lastNotificationSent = n }
    }

    mutating func count(received message: BGPMessage) {
        receivedByType[Int(message.type.rawValue)] += 1
        if case .notification(let n) = message { lastNotificationReceived = n }
    }
}
