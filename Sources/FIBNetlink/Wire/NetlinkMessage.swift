// One netlink message: the header and a typed body. `decodeAll` splits a received buffer (one
// recvmsg can hold many messages) and decodes each body by its type; bodies this module does not
// interpret are kept as raw bytes, so decoding never loses or rejects a well-framed message.

/// A netlink message with a typed body.
public struct NetlinkMessage: Hashable, Sendable {
    public var header: NetlinkHeader
    public var body: NetlinkBody

    public init(header: NetlinkHeader, body: NetlinkBody) {
        self.header = header
        self.body = body
    }

    public init(type: NetlinkMessageType, flags: NetlinkFlags, sequence: UInt32 = 0, portID: UInt32 = 0, body: NetlinkBody) {
        self.header = NetlinkHeader(type: type, flags: flags, sequence: sequence, portID: portID)
        self.body = body
    }

    /// Appends the message; `header.length` is computed, not taken from the value.
    public func encode(into e: inout NetlinkEncoder) {
        e.beginMessage(type: header.type.rawValue, flags: header.flags.rawValue, sequence: header.sequence, portID: header.portID)
        switch body {
        case .route(let m): m.encode(into: &e)
        case .nexthop(let m): m.encode(into: &e)
        case .neighbor(let m): m.encode(into: &e)
        case .link(let m): m.encode(into: &e)
        case .address(let m): m.encode(into: &e)
        case .ack(let a): a.encode(into: &e)
        case .done(let code): e.append(code)
        case .other(let bytes): e.append(contentsOf: bytes)
        }
        e.endMessage()
    }

    /// The encoded bytes of this message alone.
    public var bytes: [UInt8] {
        var e = NetlinkEncoder(capacity: 128)
        encode(into: &e)
        return e.bytes
    }

    /// Decodes every message in `bytes`. A length that is below 16 or runs past the end is an
    /// error (it leaves no way to find the next message); a body too short for its fixed header
    /// is an error as well.
    public static func decodeAll(_ bytes: [UInt8]) throws(NetlinkDecodeError) -> [NetlinkMessage] {
        var out: [NetlinkMessage] = []
        var iterator = NetlinkFrameIterator(bytes)
        while let frame = try iterator.next() {
            out.append(try decode(bytes, frame: frame))
        }
        return out
    }

    /// Decodes the body of one framed message.
    public static func decode(_ bytes: [UInt8], frame: NetlinkFrame) throws(NetlinkDecodeError) -> NetlinkMessage {
        let h = frame.header
        let r = frame.body
        let body: NetlinkBody
        switch h.type.rawValue {
        case 16...18: body = .link(try LinkMessage(decoding: bytes, range: r))
        case 20...22: body = .address(try AddressMessage(decoding: bytes, range: r))
        case 24...26: body = .route(try RouteMessage(decoding: bytes, range: r))
        case 28...30: body = .neighbor(try NeighborMessage(decoding: bytes, range: r))
        case 104...106: body = .nexthop(try NexthopMessage(decoding: bytes, range: r))
        case NetlinkMessageType.error.rawValue: body = .ack(try NetlinkAck(decoding: bytes, range: r, flags: h.flags))
        case NetlinkMessageType.done.rawValue:
            var rd = NetlinkReader(bytes, range: r)
            body = .done(rd.i32() ?? 0)
        default: body = .other(Array(bytes[r]))
        }
        return NetlinkMessage(header: h, body: body)
    }
}

/// The body of a message, by message type.
public enum NetlinkBody: Hashable, Sendable {
    case route(RouteMessage)
    case nexthop(NexthopMessage)
    case neighbor(NeighborMessage)
    case link(LinkMessage)
    case address(AddressMessage)
    /// NLMSG_ERROR: an ACK (error 0) or an error.
    case ack(NetlinkAck)
    /// NLMSG_DONE: the end of a dump, with its status (0 or -errno).
    case done(Int32)
    /// Any other type, raw.
    case other([UInt8])
}

/// A message's header and where its body lies in the receive buffer, before body decoding.
public struct NetlinkFrame: Sendable {
    public var header: NetlinkHeader
    /// Byte range of the body (after the 16-byte header) in the buffer.
    public var body: Range<Int>
    /// Byte offset of the message in the buffer.
    public var offset: Int
}

/// Walks the messages of a receive buffer by their `nlmsg_len`, without decoding bodies.
public struct NetlinkFrameIterator: Sendable {
    private let bytes: [UInt8]
    private let end: Int
    private var offset: Int

    public init(_ bytes: [UInt8], count: Int? = nil) {
        self.bytes = bytes
        self.end = min(count ?? bytes.count, bytes.count)
        self.offset = 0
    }

    /// The next frame, nil at the end, or an error if the framing is broken.
    public mutating func next() throws(NetlinkDecodeError) -> NetlinkFrame? {
        guard offset < end else { return nil }
        var r = NetlinkReader(bytes, range: offset..<end)
        guard let h = NetlinkHeader(reading: &r) else { throw .truncatedHeader(offset: offset) }
        let len = Int(h.length)
        guard len >= NetlinkHeader.size, len <= end - offset else { throw .badMessageLength(offset: offset, length: len) }
        let frame = NetlinkFrame(header: h, body: (offset + NetlinkHeader.size)..<(offset + len), offset: offset)
        offset = min(end, (offset + len + 3) & ~3)
        return frame
    }
}
