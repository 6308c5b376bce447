import BGP

/// Counts the messages of one direction of a connection by type, for `show neighbors` and
/// metrics, by walking only the 19-octet headers of the byte stream (the session decodes the
/// messages themselves). Bytes arrive as TCP delivers them: split, drip-fed or coalesced.
///
/// It trusts nothing: a header with a length under 19 stops the walk (the session closes such a
/// connection anyway), and nothing here can trap.
struct MessageCounter: Sendable {
    private var header: [UInt8] = []
    /// Bytes of the current message's body still to pass over.
    private var skip = 0
    private var broken = false

    /// Feeds bytes; returns the type of each message whose header completed in them.
    mutating func feed(_ bytes: [UInt8]) -> [MessageType] {
        var types: [MessageType] = []
        var i = 0
        while i < bytes.count, !broken {
            if skip > 0 {
                let k = min(skip, bytes.count - i)
                i += k
                skip -= k
                continue
            }
            let take = min(BGPFraming.headerLength - header.count, bytes.count - i)
            header += bytes[i..<(i + take)]
            i += take
            guard header.count == BGPFraming.headerLength else { break }
            let length = Int(header[16]) << 8 | Int(header[17])
            if length < BGPFraming.headerLength { broken = true; break }
            if let t = MessageType(rawValue: header[18]) { types.append(t) }
            skip = length - BGPFraming.headerLength
            header.removeAll(keepingCapacity: true)
        }
        return types
    }
}

extension MessageType {
    /// The type of each message in `bytes`, a run of whole encoded messages (what we send).
    static func types(in bytes: [UInt8]) -> [MessageType] {
        var c = MessageCounter()
        return c.feed(bytes)
    }
}

extension NotificationMessage {
    /// The NOTIFICATION encoded at the start of `bytes` (a whole message we are sending), if
    /// that is what they hold.
    init?(encoded bytes: [UInt8]) {
        guard bytes.count >= 21, bytes[18] == MessageType.notification.rawValue else { return nil }
        let length = min(bytes.count, Int(bytes[16]) << 8 | Int(bytes[17]))
        guard length >= 21 else { return nil }
        self.init(code: bytes[19], subcode: bytes[20], data: Array(bytes[21..<length]))
    }
}
