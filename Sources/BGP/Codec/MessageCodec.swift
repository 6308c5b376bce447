// Whole messages: the common header and the dispatch to each message type's body codec.

extension BGPMessage {
    /// Decodes one whole message, header included. `bytes` must hold exactly the message (as
    /// `BGPFraming.nextMessageLength` measured it). Never traps: every malformation becomes a
    /// `BGPDecodeError` carrying its NOTIFICATION, and RFC 7606 repairs of an UPDATE are recorded
    /// in `UpdateMessage.diagnostics`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, context: CodecContext) throws(BGPDecodeError) -> BGPMessage {
        guard bytes.count >= BGPFraming.headerLength else {
            throw BGPFraming.badLength(bytes.count, "\(bytes.count) bytes cannot hold a BGP header")
        }
        // RFC 4271 4.1: the marker "MUST be set to all ones".
        if bytes.loadUnaligned(as: UInt64.self) & bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self) != ~0 {
            var i = 0
            while i < 15 && bytes[i] == 0xFF { i += 1 }
            throw BGPDecodeError(.messageHeader, HeaderErrorSubcode.connectionNotSynchronized.rawValue,
                                 reason: "marker octet \(i) is \(bytes[i]), not 0xff")
        }
        let length = Int(bytes[16]) << 8 | Int(bytes[17])
        let type = bytes[18]
        try BGPFraming.checkHeader(length: length, type: type, maxLength: context.maxMessageLength)
        guard length == bytes.count else {
            throw BGPFraming.badLength(length, "length field says \(length), the message has \(bytes.count) bytes")
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[BGPFraming.headerLength...])
        switch MessageType(rawValue: type) {
        case .open: return .open(try OpenMessage.decode(body: body))
        case .update:
            // Most UPDATEs are common ones; anything else is left to the general decoder.
            if let m = UpdateMessage.decodeCommon(body: body, fourOctetAS: context.fourOctetAS,
                                                  addPath: context.receivesPathIDs(.ipv4Unicast)) {
                return m
            }
            return try UpdateMessage.decodeMessage(body: body, context: context)
        case .notification: return .notification(NotificationMessage.decode(body: body))
        case .keepalive: return .keepalive
        case .routeRefresh: return .routeRefresh(try RouteRefreshMessage.decode(body: body, message: bytes))
        case nil:
            // checkHeader has refused unknown types already.
            throw BGPDecodeError(.messageHeader, HeaderErrorSubcode.badMessageType.rawValue, data: [type],
                                 reason: "unknown message type \(type)")
        }
    }

    /// Decodes one whole message, header included, from an array.
    public static func decode(_ bytes: [UInt8], context: CodecContext) throws(BGPDecodeError) -> BGPMessage {
        // withUnsafeBytes is rethrows, not typed: carry the error out in a Result.
        try bytes.withUnsafeBytes { raw in
            Result { () throws(BGPDecodeError) -> BGPMessage in try decode(raw, context: context) }
        }.get()
    }

    /// The whole message, header included.
    public func encode(context: CodecContext) -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out, context: context)
        return out
    }

    /// Appends the whole message, header included, to `out`.
    ///
    /// A decoded message re-encodes to the bytes it came from (with the context the peer used:
    /// `context.reversed` of the one it was decoded with, as far as ADD-PATH is concerned).
    /// Messages built locally are encoded canonically. The encoder does not split: an UPDATE larger
    /// than the session allows must be built with `UpdateMessage.announcements` or `withdrawals`.
    public func encode(into out: inout [UInt8], context: CodecContext) {
        let start = out.count
        out.append(contentsOf: repeatElement(0xFF as UInt8, count: 16))
        out.appendU16(0)
        out.append(type.rawValue)
        switch self {
        case .open(let m): m.encodeBody(into: &out)
        case .update(let m): m.encodeBody(into: &out, context: context)
        case .notification(let m): m.encodeBody(into: &out)
        case .keepalive: break
        case .routeRefresh(let m): m.encodeBody(into: &out)
        }
        out.patchU16(at: start + 16, UInt16(truncatingIfNeeded: out.count - start))
    }
}
