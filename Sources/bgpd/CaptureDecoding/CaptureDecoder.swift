// CaptureDecoding: from a capture's TCP streams to BGP messages, for `bgpd decode`, replay and
// the fixture tests.
//
// Data flows: `TCPReassembler` (Capture) gives one byte stream per direction -> `StreamFramer`
// cuts it into messages with `BGPFraming`, resynchronising after bad headers and capture gaps ->
// the two directions of each connection are paired and their OPENs read -> `ContextInference`
// gives each direction its `CodecContext` (negotiated from the OPENs, or chosen by decoding when
// the capture starts mid-session) -> `BGPMessage.decode` -> `DecodedItem`s in capture order.
// Nothing here prints; Render/ turns the items into text or JSON.

import BGP
import Capture
import NetAddress

enum CaptureDecoder {
    /// Every BGP message of every TCP stream of `capture` with `port` on one side (all TCP streams
    /// when nil).
    static func decode(_ capture: CaptureFile, port: UInt16?) -> CaptureDecoding {
        var d = decode(streams: TCPReassembler.streams(capture, port: port))
        if let first = capture.packets.first { d.startTime = first.time }
        return d
    }

    static func decode(streams: [TCPStream]) -> CaptureDecoding {
        let framed = streams.map { StreamFramer.frame($0.data, gaps: $0.gaps) }
        let connection = pairDirections(streams)

        // The OPEN of each direction: the first message, when it is one and decodes.
        let opens: [OpenMessage?] = framed.map { pieces in
            for case .message(_, let bytes) in pieces.prefix(1) where bytes.count > 18 && bytes[18] == MessageType.open.rawValue {
                if case .open(let o)? = try? BGPMessage.decode(bytes, context: .initial) { return o }
            }
            return nil
        }

        var decodedStreams: [DecodedStream] = []
        var items: [DecodedItem] = []
        for (i, s) in streams.enumerated() {
            let reverse = connection.reverse[i]
            let updates = framed[i].compactMap { piece -> [UInt8]? in
                if case .message(_, let b) = piece, b.count > 18, b[18] == MessageType.update.rawValue { return b }
                return nil
            }
            let ctx = ContextInference.context(sender: opens[i], receiver: reverse.flatMap { opens[$0] }, updates: updates)
            decodedStreams.append(DecodedStream(
                index: i, connection: connection.id[i], source: s.source, destination: s.destination,
                firstFrame: s.firstFrame, byteCount: s.data.count, gaps: s.gaps, context: ctx))
            for piece in framed[i] {
                switch piece {
                case .message(let offset, let bytes):
                    let (time, frame) = s.availability(at: offset + bytes.count - 1)
                    items.append(DecodedItem(stream: i, time: time, frame: frame, offset: offset,
                                             kind: decodeOne(bytes, ctx)))
                case .problem(let offset, let p):
                    let (time, frame) = s.availability(at: offset)
                    items.append(DecodedItem(stream: i, time: time, frame: frame, offset: offset, kind: .framing(p)))
                }
            }
        }
        items.sort { a, b in
            if a.time != b.time { return a.time < b.time }
            if a.frame != b.frame { return a.frame < b.frame }
            if a.stream != b.stream { return a.stream < b.stream }
            return a.offset < b.offset
        }
        let start = streams.compactMap { $0.marks.first?.time }.min() ?? .zero
        return CaptureDecoding(streams: decodedStreams, items: items, startTime: start)
    }

    static func decodeOne(_ bytes: [UInt8], _ ctx: StreamContext) -> DecodedItem.Kind {
        // RFC 8654 section 3: without the capability, a message over 4096 octets is a Bad
        // Message Length. Only checked where the OPENs say so; assumed contexts allow it.
        if ctx.origin != .assumed, !ctx.context.extendedMessage, bytes.count > 4096 {
            let e = BGPDecodeError(.messageHeader, HeaderErrorSubcode.badMessageLength.rawValue,
                                   data: [UInt8(truncatingIfNeeded: bytes.count >> 8), UInt8(truncatingIfNeeded: bytes.count)],
                                   reason: "message of \(bytes.count) octets, but extended messages were not negotiated")
            return .error(e, bytes: bytes)
        }
        do throws(BGPDecodeError) {
            return .message(try BGPMessage.decode(bytes, context: ctx.context), bytes: bytes)
        } catch {
            return .error(error, bytes: bytes)
        }
    }

    /// Pairs each direction with the opposite direction of the same TCP connection and numbers
    /// the connections. The k-th A->B stream of an address/port pair goes with its k-th B->A stream
    /// (a 4-tuple reused after a new SYN is a new connection in both directions).
    static func pairDirections(_ streams: [TCPStream]) -> (reverse: [Int?], id: [Int]) {
        struct Pair: Hashable { var a: Endpoint; var b: Endpoint }
        var reverse = [Int?](repeating: nil, count: streams.count)
        var byDirection: [Pair: [Int]] = [:]
        for (i, s) in streams.enumerated() { byDirection[Pair(a: s.source, b: s.destination), default: []].append(i) }
        for (pair, list) in byDirection {
            guard let other = byDirection[Pair(a: pair.b, b: pair.a)] else { continue }
            for (k, i) in list.enumerated() where k < other.count { reverse[i] = other[k] }
        }
        var id = [Int](repeating: 0, count: streams.count)
        var next = 0
        for i in streams.indices {
            if let r = reverse[i], r < i {
                id[i] = id[r]
            } else {
                id[i] = next
                next += 1
            }
        }
        return (reverse, id)
    }
}
