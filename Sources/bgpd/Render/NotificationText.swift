import BGP

/// Names for NOTIFICATION codes and subcodes (IANA "BGP Error (Notification) Codes" and
/// "BGP Error Subcodes"), and the structured parts some NOTIFICATIONs carry in their data.
enum NotificationText {
    static func codeName(_ code: UInt8) -> String {
        NotificationCode(rawValue: code)?.description ?? "Unknown error code \(code)"
    }

    static func subcodeName(code: UInt8, subcode: UInt8) -> String {
        let names: [String]
        switch code {
        case 1: names = ["Unspecific", "Connection Not Synchronized", "Bad Message Length", "Bad Message Type"]
        case 2:
            names = ["Unspecific", "Unsupported Version Number", "Bad Peer AS", "Bad BGP Identifier",
                     "Unsupported Optional Parameter", "Authentication Failure (deprecated)", "Unacceptable Hold Time",
                     "Unsupported Capability", "Deprecated", "Deprecated", "Deprecated", "Role Mismatch"]
        case 3:
            names = ["Unspecific", "Malformed Attribute List", "Unrecognized Well-known Attribute",
                     "Missing Well-known Attribute", "Attribute Flags Error", "Attribute Length Error",
                     "Invalid ORIGIN Attribute", "AS Routing Loop (deprecated)", "Invalid NEXT_HOP Attribute",
                     "Optional Attribute Error", "Invalid Network Field", "Malformed AS_PATH"]
        case 4: names = ["Unspecific"]
        case 5:
            names = ["Unspecified Error", "Receive Unexpected Message in OpenSent State",
                     "Receive Unexpected Message in OpenConfirm State", "Receive Unexpected Message in Established State"]
        case 6:
            names = ["Unspecific", "Maximum Number of Prefixes Reached", "Administrative Shutdown", "Peer De-configured",
                     "Administrative Reset", "Connection Rejected", "Other Configuration Change",
                     "Connection Collision Resolution", "Out of Resources", "Hard Reset", "BFD Down"]
        case 7: names = ["Reserved", "Invalid Message Length"]
        default: names = []
        }
        return Int(subcode) < names.count ? names[Int(subcode)] : "Unknown subcode \(subcode)"
    }

    /// The RFC 8203 / RFC 9003 Shutdown Communication of a Cease / Administrative Shutdown or
    /// Administrative Reset: a length octet and that many octets of UTF-8. `nil` when the
    /// NOTIFICATION is not one of those or carries no data; `.failure` when the data is malformed.
    static func shutdownMessage(_ n: NotificationMessage) -> Result<String, ShutdownMessageError>? {
        guard n.code == 6, n.subcode == 2 || n.subcode == 4, let length = n.data.first else { return nil }
        let text = n.data.dropFirst()
        guard Int(length) <= text.count else {
            return .failure(ShutdownMessageError(reason: "length \(length) but \(text.count) octets follow"))
        }
        let message = text.prefix(Int(length))
        // RFC 9003 section 2: the message is UTF-8; invalid sequences are shown, not dropped.
        let s = String(decoding: message, as: UTF8.self)
        guard s.utf8.elementsEqual(message) else {
            return .failure(ShutdownMessageError(reason: "not valid UTF-8"))
        }
        return .success(s)
    }

    struct ShutdownMessageError: Error, Equatable {
        var reason: String
    }

    /// The NOTIFICATION wrapped in a Cease / Hard Reset (RFC 8538 section 3): its data is the
    /// original error code, subcode and data.
    static func hardResetInner(_ n: NotificationMessage) -> NotificationMessage? {
        guard n.code == 6, n.subcode == 9, n.data.count >= 2 else { return nil }
        return NotificationMessage(code: n.data[0], subcode: n.data[1], data: Array(n.data.dropFirst(2)))
    }

    /// Why a Hard Reset carries no wrapped NOTIFICATION.
    static func hardResetProblem(_ n: NotificationMessage) -> String {
        n.data.count < 2 ? "\(n.data.count) octets of data, too short for the error code and subcode it must wrap (RFC 8538 section 3)"
            : "nested too deeply"
    }

    /// `Cease/Hard Reset (6/9)`.
    static func summary(_ n: NotificationMessage) -> String {
        "\(codeName(n.code))/\(subcodeName(code: n.code, subcode: n.subcode)) (\(n.code)/\(n.subcode))"
    }

    /// JSON: code, subcode, names, data, and the decoded shutdown message / hard-reset inner
    /// NOTIFICATION when present (nested to any depth the data allows).
    static func json(_ n: NotificationMessage, depth: Int = 0) -> JSONValue {
        var o = JSONObject()
        o.set("code", n.code)
        o.set("subcode", n.subcode)
        o.set("code_name", codeName(n.code))
        o.set("subcode_name", subcodeName(code: n.code, subcode: n.subcode))
        o.set("data", hexString(n.data))
        switch shutdownMessage(n) {
        case .success(let s)?: o.set("shutdown_message", s)
        case .failure(let e)?: o.set("shutdown_message_error", e.reason)
        case nil: break
        }
        // A Hard Reset inside a Hard Reset is malformed, but printing it costs nothing; the depth
        // bound only keeps a hostile capture from recursing without end.
        if let inner = hardResetInner(n), depth < 4 {
            o.set("hard_reset", json(inner, depth: depth + 1))
        } else if n.code == 6, n.subcode == 9 {
            o.set("hard_reset_error", hardResetProblem(n))
        }
        return o.value
    }

    /// Indented text lines for a NOTIFICATION's details.
    static func lines(_ n: NotificationMessage, depth: Int = 0) -> [String] {
        var out = ["\(summary(n))" + (n.data.isEmpty ? "" : " data \(hexString(n.data))")]
        switch shutdownMessage(n) {
        case .success(let s)?: out.append("shutdown message: \"\(s)\"")
        case .failure(let e)?: out.append("shutdown message malformed: \(e.reason)")
        case nil: break
        }
        if let inner = hardResetInner(n), depth < 4 {
            out.append("hard reset of:")
            out += lines(inner, depth: depth + 1).map { "  " + $0 }
        } else if n.code == 6, n.subcode == 9 {
            out.append("hard reset malformed: " + hardResetProblem(n))
        }
        return out
    }
}
