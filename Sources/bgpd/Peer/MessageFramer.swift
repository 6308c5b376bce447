import BGP

/// Cuts one connection's byte stream into BGP messages with `BGPFraming`: bytes go in as TCP
/// delivers them (drip-fed, coalesced or split), whole messages come out.
struct MessageFramer: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    mutating func push(_ bytes: [UInt8]) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer += bytes
    }

    /// The next complete message, nil when more bytes are needed; throws the header error the
    /// bytes show (RFC 4271 6.1), after which the connection is to be closed.
    mutating func next(maxLength: Int) throws(BGPDecodeError) -> [UInt8]? {
        let available = buffer.count - start
        guard available > 0 else { return nil }
        let from = start
        let result = buffer.withUnsafeBytes { raw -> Result<Int?, BGPDecodeError> in
            Result { () throws(BGPDecodeError) -> Int? in
                try BGPFraming.nextMessageLength(UnsafeRawBufferPointer(rebasing: raw[from...]), maxLength: maxLength)
            }
        }
        let length = try result.get()
        guard let length, length <= available else { return nil }
        let message = Array(buffer[start..<(start + length)])
        start += length
        if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        return message
    }

    /// Bytes received but not yet part of a whole message.
    var pending: Int { buffer.count - start }
}

extension MessageType {
    /// The type of each message in `bytes`, a run of whole encoded messages (for counters).
    static func types(in bytes: [UInt8]) -> [MessageType] {
        var out: [MessageType] = []
        var at = 0
        while at + 19 <= bytes.count {
            let length = Int(bytes[at + 16]) << 8 | Int(bytes[at + 17])
            guard length >= 19 else { break }
            if let t = MessageType(rawValue: bytes[at + 18]) { out.append(t) }
            at += length
        }
        return out
    }
}
