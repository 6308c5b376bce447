/// Builders and readers for the NOTIFICATIONs the session layer sends and interprets: the Cease
/// subcodes of RFC 4486, the shutdown communication of RFC 9003, the Hard Reset wrapper of
/// RFC 8538 and the FSM error subcodes of RFC 6608.
extension NotificationMessage {
    /// Cease with `subcode` (RFC 4486).
    public static func cease(_ subcode: CeaseSubcode, data: [UInt8] = []) -> NotificationMessage {
        NotificationMessage(.cease, subcode: subcode.rawValue, data: data)
    }

    /// Cease/Administrative Shutdown, with an RFC 9003 shutdown communication when `message` is
    /// given (truncated to 255 octets of UTF-8 on a character boundary).
    public static func adminShutdown(message: String? = nil) -> NotificationMessage {
        .cease(.administrativeShutdown, data: message.map(shutdownCommunication) ?? [])
    }

    /// Cease/Administrative Reset, with an optional RFC 9003 shutdown communication.
    public static func adminReset(message: String? = nil) -> NotificationMessage {
        .cease(.administrativeReset, data: message.map(shutdownCommunication) ?? [])
    }

    /// Cease/Hard Reset (RFC 8538 section 3): the data field is the inner NOTIFICATION's code,
    /// subcode and data. FRR sends `06 09 | 06 02 <len> <text>` for an administrative shutdown.
    public static func hardReset(inner: NotificationMessage) -> NotificationMessage {
        .cease(.hardReset, data: [inner.code, inner.subcode] + inner.data)
    }

    /// Hold Timer Expired (RFC 4271 section 6.5).
    public static let holdTimerExpired = NotificationMessage(.holdTimerExpired)

    /// Finite State Machine Error for an unexpected message in `state` (RFC 6608 section 3);
    /// subcode 0 (unspecified) for states that have no dedicated subcode.
    public static func fsmError(unexpectedMessageIn state: SessionState) -> NotificationMessage {
        let sub: FSMErrorSubcode
        switch state {
        case .openSent: sub = .unexpectedMessageInOpenSent
        case .openConfirm: sub = .unexpectedMessageInOpenConfirm
        case .established: sub = .unexpectedMessageInEstablished
        default: sub = .unspecified
        }
        return NotificationMessage(.fsm, subcode: sub.rawValue)
    }

    /// OPEN Message Error/Unsupported Version Number. RFC 4271 section 6.2: the data is the
    /// largest locally supported version number less than the one the peer bid, on 2 octets.
    public static let unsupportedVersion = NotificationMessage(
        .open, subcode: OpenErrorSubcode.unsupportedVersionNumber.rawValue, data: [0, bgpVersion])

    /// True for Cease/Hard Reset (RFC 8538).
    public var isHardReset: Bool {
        code == NotificationCode.cease.rawValue && subcode == CeaseSubcode.hardReset.rawValue
    }

    /// For a Cease/Hard Reset, the NOTIFICATION it wraps; nil for any other message or when the
    /// data is shorter than a code and subcode.
    public var hardResetInner: NotificationMessage? {
        guard isHardReset, data.count >= 2 else { return nil }
        return NotificationMessage(code: data[0], subcode: data[1], data: Array(data.dropFirst(2)))
    }

    /// True for an OPEN Message Error/Unsupported Version Number: RFC 4271 event 24
    /// (NotifMsgVerErr) rather than 25.
    public var isVersionError: Bool {
        code == NotificationCode.open.rawValue && subcode == OpenErrorSubcode.unsupportedVersionNumber.rawValue
    }

    /// The RFC 9003 shutdown communication of a Cease/Administrative Shutdown or Reset, also when
    /// wrapped in a Hard Reset. nil when there is none, or when it is malformed (length beyond
    /// the data, or not UTF-8): RFC 9003 section 2 says a malformed one is not to be displayed
    /// as text, so callers log `data` in hex instead.
    public var shutdownMessage: String? {
        if let inner = hardResetInner { return inner.shutdownMessage }
        guard code == NotificationCode.cease.rawValue,
              subcode == CeaseSubcode.administrativeShutdown.rawValue
                || subcode == CeaseSubcode.administrativeReset.rawValue,
              let length = data.first, length > 0, data.count >= 1 + Int(length)
        else { return nil }
        let text = data[1...Int(length)]
        let decoded = String(decoding: text, as: UTF8.self)
        // String(decoding:) repairs bad UTF-8 with U+FFFD; a round trip that changes the bytes
        // means the input was not valid UTF-8.
        guard decoded.utf8.elementsEqual(text) else { return nil }
        return decoded
    }

    /// The RFC 9003 encoding of a shutdown communication: one length octet, then at most 255
    /// octets of UTF-8, cut before the first character that would not fit.
    public static func shutdownCommunication(_ message: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for character in message {
            let utf8 = Array(character.utf8)
            if bytes.count + utf8.count > 255 { break }
            bytes += utf8
        }
        return [UInt8(bytes.count)] + bytes
    }

    /// "Cease/Administrative Shutdown \"text\"", "Hold Timer Expired", "Cease/Hard Reset
    /// (Cease/Administrative Shutdown \"maintenance\")": for logs and `show`.
    public var summary: String {
        if let inner = hardResetInner { return "Cease/Hard Reset (\(inner.summary))" }
        var s = NotificationCode(rawValue: code)?.description ?? "code \(code)"
        if let name = subcodeName { s += "/" + name } else if subcode != 0 { s += "/\(subcode)" }
        if let text = shutdownMessage { s += " \"\(text)\"" }
        return s
    }

    private var subcodeName: String? {
        switch NotificationCode(rawValue: code) {
        case .cease:
            switch CeaseSubcode(rawValue: subcode) {
            case .maximumPrefixesReached: return "Maximum Number of Prefixes Reached"
            case .administrativeShutdown: return "Administrative Shutdown"
            case .peerDeconfigured: return "Peer De-configured"
            case .administrativeReset: return "Administrative Reset"
            case .connectionRejected: return "Connection Rejected"
            case .otherConfigurationChange: return "Other Configuration Change"
            case .connectionCollisionResolution: return "Connection Collision Resolution"
            case .outOfResources: return "Out of Resources"
            case .hardReset: return "Hard Reset"
            case .bfdDown: return "BFD Down"
            case nil: return nil
            }
        case .fsm:
            switch FSMErrorSubcode(rawValue: subcode) {
            case .unexpectedMessageInOpenSent: return "Unexpected Message in OpenSent"
            case .unexpectedMessageInOpenConfirm: return "Unexpected Message in OpenConfirm"
            case .unexpectedMessageInEstablished: return "Unexpected Message in Established"
            default: return nil
            }
        case .open:
            switch OpenErrorSubcode(rawValue: subcode) {
            case .unsupportedVersionNumber: return "Unsupported Version Number"
            case .badPeerAS: return "Bad Peer AS"
            case .badBGPIdentifier: return "Bad BGP Identifier"
            case .unsupportedOptionalParameter: return "Unsupported Optional Parameter"
            case .unacceptableHoldTime: return "Unacceptable Hold Time"
            case .unsupportedCapability: return "Unsupported Capability"
            case .roleMismatch: return "Role Mismatch"
            case nil: return nil
            }
        case .messageHeader:
            switch HeaderErrorSubcode(rawValue: subcode) {
            case .connectionNotSynchronized: return "Connection Not Synchronized"
            case .badMessageLength: return "Bad Message Length"
            case .badMessageType: return "Bad Message Type"
            case nil: return nil
            }
        default:
            return nil
        }
    }
}
