/// A message that could not be decoded: the NOTIFICATION it maps to and a reason for people.
///
/// Errors compare by NOTIFICATION (code, subcode, data), never by their text.
public struct BGPDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The NOTIFICATION to send before closing the session.
    public var notification: NotificationMessage
    /// What was wrong, for logs and `bgpd decode`.
    public var reason: String
    /// For UPDATE errors, the RFC 7606 approach. `.sessionReset` for every header, OPEN and
    /// framing error; `.afiSafiDisable` when the session may continue without the family.
    public var action: ErrorAction
    /// For `.afiSafiDisable`, the family to disable.
    public var family: Family?

    public init(_ code: NotificationCode, _ subcode: UInt8, data: [UInt8] = [], reason: String,
                action: ErrorAction = .sessionReset, family: Family? = nil) {
        self.notification = NotificationMessage(code: code.rawValue, subcode: subcode, data: data)
        self.reason = reason
        self.action = action
        self.family = family
    }

    public var description: String {
        "\(reason) (NOTIFICATION \(notification.code)/\(notification.subcode), \(action))"
    }

    public static func == (a: BGPDecodeError, b: BGPDecodeError) -> Bool {
        a.notification == b.notification && a.action == b.action && a.family == b.family
    }
    public func hash(into h: inout Hasher) { h.combine(notification); h.combine(action); h.combine(family) }
}
