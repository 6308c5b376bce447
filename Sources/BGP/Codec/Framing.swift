/// Splits a TCP byte stream into BGP messages, with the header checks of RFC 4271 section 6.1.
///
/// The session reads into a buffer, asks `nextMessageLength` how long the next message is, and
/// hands exactly that many bytes to `BGPMessage.decode`. A header error is reported as soon as the
/// bytes that show it have arrived (a bad marker octet is caught before the 19-octet header is
/// complete), so a peer that sends garbage is answered at once rather than after 4096 bytes.
public enum BGPFraming {
    /// The fixed header: 16-octet marker, 2-octet length, 1-octet type.
    public static let headerLength = 19
    /// The message size limit without the Extended Message capability, and always for OPEN and
    /// KEEPALIVE (RFC 8654 section 4).
    public static let standardMaxLength = 4096
    /// The message size limit with the Extended Message capability (RFC 8654).
    public static let extendedMaxLength = 65535

    /// RFC 4271 6.1 header checks on the first bytes; returns the total length of the next message
    /// if `bytes` holds all of it, nil when more bytes are needed.
    ///
    /// `maxLength` is `CodecContext.maxMessageLength` of the session (4096, or 65535 once extended
    /// messages are negotiated). Throws the NOTIFICATION the header calls for: 1/1 (marker not all
    /// ones), 1/2 with the bad length as data, 1/3 with the bad type as data.
    public static func nextMessageLength(_ bytes: UnsafeRawBufferPointer, maxLength: Int) throws(BGPDecodeError) -> Int? {
        let markerBytes = Swift.min(bytes.count, 16)
        var i = 0
        if markerBytes == 16 && bytes.loadUnaligned(as: UInt64.self) & bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == ~0 {
            i = 16
        }
        while i < markerBytes {
            // RFC 4271 4.1: "This 16-octet field is included for compatibility; it MUST be set to all ones."
            guard bytes[i] == 0xFF else {
                throw BGPDecodeError(.messageHeader, HeaderErrorSubcode.connectionNotSynchronized.rawValue,
                                     reason: "marker octet \(i) is \(bytes[i]), not 0xff")
            }
            i += 1
        }
        guard bytes.count >= headerLength else { return nil }
        let length = Int(bytes[16]) << 8 | Int(bytes[17])
        try checkHeader(length: length, type: bytes[18], maxLength: maxLength)
        return bytes.count >= length ? length : nil
    }

    /// The same, over an array.
    public static func nextMessageLength(_ bytes: [UInt8], maxLength: Int) throws(BGPDecodeError) -> Int? {
        // withUnsafeBytes is rethrows, not typed: carry the error out in a Result.
        try bytes.withUnsafeBytes { raw in
            Result { () throws(BGPDecodeError) -> Int? in try nextMessageLength(raw, maxLength: maxLength) }
        }.get()
    }

    /// Length and type checks of RFC 4271 6.1 and RFC 8654 section 4.
    static func checkHeader(length: Int, type: UInt8, maxLength: Int) throws(BGPDecodeError) {
        let limit = Swift.max(standardMaxLength, Swift.min(maxLength, extendedMaxLength))
        guard length >= headerLength, length <= limit else {
            throw badLength(length, "message length \(length) outside \(headerLength)...\(limit)")
        }
        guard let t = MessageType(rawValue: type) else {
            throw BGPDecodeError(.messageHeader, HeaderErrorSubcode.badMessageType.rawValue, data: [type],
                                 reason: "unknown message type \(type)")
        }
        // "if the Length field of an OPEN message is less than the minimum length of the OPEN
        // message, or ... of a KEEPALIVE message is not equal to 19, ... Bad Message Length."
        let ok: Bool
        switch t {
        case .open: ok = length >= 29 && length <= standardMaxLength
        case .update: ok = length >= 23
        case .notification: ok = length >= 21
        case .keepalive: ok = length == headerLength
        case .routeRefresh: ok = length >= 23
        }
        guard ok else { throw badLength(length, "\(t) message length \(length) is not allowed") }
    }

    static func badLength(_ length: Int, _ reason: String) -> BGPDecodeError {
        BGPDecodeError(.messageHeader, HeaderErrorSubcode.badMessageLength.rawValue,
                       data: [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)],
                       reason: reason)
    }
}
