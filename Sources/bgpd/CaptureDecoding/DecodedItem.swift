import BGP
import Capture
import NetAddress

/// How the messages of one direction are decoded, and how we came to know it.
struct StreamContext: Sendable {
    enum Origin: String, Sendable {
        /// Both OPENs of the connection were seen: the context is what the two speakers negotiated.
        case negotiated
        /// Only one OPEN was seen: what it rules out is fixed, the rest was chosen by decoding.
        case partial
        /// No OPEN was seen: every choice was made by decoding the UPDATEs with each variant.
        case assumed
    }

    var context: CodecContext
    var origin: Origin
    /// For people: what was assumed and why (empty when negotiated).
    var note: String
}

/// One direction of one TCP connection, as decoded.
struct DecodedStream: Sendable {
    /// 0-based, in the order the directions first appear in the capture.
    var index: Int
    /// 0-based index of the TCP connection; both directions of a connection share it.
    var connection: Int
    var source: Endpoint
    var destination: Endpoint
    var firstFrame: Int
    var byteCount: Int
    /// Offsets at which the stream resumes after bytes missing from the capture.
    var gaps: [Int]
    var context: StreamContext
}

/// A problem splitting a stream into messages (RFC 4271 section 6.1 header errors, capture gaps,
/// a truncated end), and what the decoder did about it.
struct FramingProblem: Sendable, Equatable {
    var reason: String
    /// The NOTIFICATION a speaker would send for it (none for a capture artefact such as a gap).
    var notification: NotificationMessage?
    /// Octets that were not decoded because of it.
    var skipped: Int
    /// Where decoding resumed (at the next plausible message header); nil when the rest of the
    /// stream was given up.
    var resumedAt: Int?
}

/// One thing `bgpd decode` reports: a message, a message that does not decode, or a framing problem.
struct DecodedItem: Sendable {
    /// Index into `CaptureDecoding.streams`.
    var stream: Int
    /// When the last octet of the message arrived (a message spanning segments is reported when
    /// it is complete, as tshark does).
    var time: Timestamp
    var frame: Int
    /// Offset of the message in its direction's byte stream.
    var offset: Int
    var kind: Kind

    enum Kind: Sendable {
        case message(BGPMessage, bytes: [UInt8])
        case error(BGPDecodeError, bytes: [UInt8])
        case framing(FramingProblem)
    }

    /// The message octets (header included) for messages and undecodable messages.
    var bytes: [UInt8]? {
        switch kind {
        case .message(_, let b), .error(_, let b): return b
        case .framing: return nil
        }
    }

    var message: BGPMessage? {
        if case .message(let m, _) = kind { return m }
        return nil
    }
}

/// Everything decoded from one capture.
struct CaptureDecoding: Sendable {
    var streams: [DecodedStream]
    /// Every item of every stream, in capture order (time, then frame, then stream and offset).
    var items: [DecodedItem]
    /// The time of the capture's first packet: readable output shows times relative to it, as tshark does.
    var startTime: Timestamp
}
