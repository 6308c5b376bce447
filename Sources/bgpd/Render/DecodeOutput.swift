import BGP
import Capture
import NetAddress

/// The output of `bgpd decode`: stream descriptions first, then one entry per item in capture
/// order; readable text or JSON lines (one object per line, documented in docs/decode-json.md).
enum DecodeOutput {
    // MARK: JSON lines

    static func jsonLines(_ d: CaptureDecoding) -> [String] {
        d.streams.map { streamJSON($0).serialized } + d.items.map { itemJSON($0, d).serialized }
    }

    static func streamJSON(_ s: DecodedStream) -> JSONValue {
        var o = JSONObject()
        o.set("kind", "stream")
        o.set("stream", s.index)
        o.set("connection", s.connection)
        o.set("src", s.source.address.description)
        o.set("sport", s.source.port)
        o.set("dst", s.destination.address.description)
        o.set("dport", s.destination.port)
        o.set("first_frame", s.firstFrame)
        o.set("octets", s.byteCount)
        o.set("gaps", .array(s.gaps.map { .int($0) }))
        var c = JSONObject()
        c.set("origin", s.context.origin.rawValue)
        c.set("four_octet_as", s.context.context.fourOctetAS)
        c.set("extended_message", s.context.context.extendedMessage)
        c.set("add_path", .array(s.context.context.addPathReceive.sorted().map { .string($0.description) }))
        if !s.context.note.isEmpty { c.set("note", s.context.note) }
        o.set("context", c.value)
        return o.value
    }

    static func itemJSON(_ item: DecodedItem, _ d: CaptureDecoding) -> JSONValue {
        var o = JSONObject()
        let s = d.streams[item.stream]
        switch item.kind {
        case .message: o.set("kind", "message")
        case .error: o.set("kind", "error")
        case .framing: o.set("kind", "framing-error")
        }
        o.set("time", item.time.description)
        o.set("rel", .number(relative(item.time, d.startTime)))
        o.set("frame", item.frame)
        o.set("stream", item.stream)
        o.set("src", s.source.address.description)
        o.set("sport", s.source.port)
        o.set("dst", s.destination.address.description)
        o.set("dport", s.destination.port)
        o.set("offset", item.offset)
        switch item.kind {
        case .message(let m, let bytes):
            o.set("length", bytes.count)
            o.set("type", m.type.description)
            if let (key, body) = MessageRender.json(m) { o.set(key, body) }
        case .error(let e, let bytes):
            o.set("length", bytes.count)
            o.set("type", typeName(bytes))
            var x = JSONObject()
            x.set("reason", e.reason)
            x.set("action", e.action.description)
            x.set("family", e.family?.description)
            x.set("notification", NotificationText.json(e.notification))
            o.set("error", x.value)
            o.set("raw", hexString(bytes))
        case .framing(let p):
            var x = JSONObject()
            x.set("reason", p.reason)
            x.set("notification", p.notification.map { NotificationText.json($0) } ?? .null)
            x.set("skipped", p.skipped)
            x.set("resumed_at", p.resumedAt.map { JSONValue.int($0) } ?? .null)
            o.set("framing", x.value)
        }
        return o.value
    }

    /// The message type from the header octet, also for messages that did not decode.
    static func typeName(_ bytes: [UInt8]) -> String {
        guard bytes.count > 18 else { return "TRUNCATED" }
        return MessageType(rawValue: bytes[18])?.description ?? "TYPE-\(bytes[18])"
    }

    /// Seconds since `start` with nanosecond digits: `1.310387000`.
    static func relative(_ t: Timestamp, _ start: Timestamp) -> String {
        // Seconds and nanoseconds apart, without multiplying: a pcapng timestamp can be large
        // enough for seconds x 10^9 to overflow, and a capture file must never make us trap.
        let later = start < t || start == t
        let (a, b) = later ? (t, start) : (start, t)
        var seconds = a.seconds.subtractingReportingOverflow(b.seconds).partialValue.magnitude
        var nanos = Int64(a.nanoseconds % 1_000_000_000) - Int64(b.nanoseconds % 1_000_000_000)
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds = seconds.subtractingReportingOverflow(1).partialValue
        }
        var frac = String(nanos)
        frac = String(repeating: "0", count: max(0, 9 - frac.count)) + frac
        return "\(later ? "" : "-")\(seconds).\(frac)"
    }

    // MARK: Text

    static func textLines(_ d: CaptureDecoding) -> [String] {
        var out: [String] = []
        for s in d.streams {
            out.append("stream \(s.index) (connection \(s.connection)): \(s.source) > \(s.destination), "
                       + "\(s.byteCount) octets from frame \(s.firstFrame)"
                       + (s.gaps.isEmpty ? "" : ", \(s.gaps.count) gap(s) in the capture"))
            let c = s.context
            switch c.origin {
            case .negotiated: out.append("  context negotiated in the OPENs: \(ContextInference.describe(c.context))")
            case .partial, .assumed: out.append("  context \(c.origin.rawValue): \(c.note)")
            }
        }
        if !d.streams.isEmpty { out.append("") }
        for item in d.items {
            out.append(headerLine(item, d))
            out += detailLines(item).map { "    " + $0 }
        }
        out.append(summary(d))
        return out
    }

    static func headerLine(_ item: DecodedItem, _ d: CaptureDecoding) -> String {
        let s = d.streams[item.stream]
        var rel = relative(item.time, d.startTime)
        rel.removeLast(3)   // microseconds, as tshark shows them
        let pad = String(repeating: " ", count: max(0, 11 - rel.count))
        let head = "\(pad)\(rel) \(s.source) > \(s.destination) "
        switch item.kind {
        case .message(let m, let bytes):
            return head + "\(m.type) \(bytes.count) bytes (frame \(item.frame))"
        case .error(_, let bytes):
            return head + "\(typeName(bytes)) \(bytes.count) bytes (frame \(item.frame)) DECODE ERROR"
        case .framing:
            return head + "FRAMING ERROR at stream offset \(item.offset) (frame \(item.frame))"
        }
    }

    static func detailLines(_ item: DecodedItem) -> [String] {
        switch item.kind {
        case .message(let m, _):
            return MessageRender.lines(m)
        case .error(let e, let bytes):
            return ["\(e.reason)",
                    "maps to NOTIFICATION " + NotificationText.lines(e.notification).joined(separator: "; ")
                        + " (\(e.action)" + (e.family.map { " of \($0)" } ?? "") + ")",
                    "raw \(hexString(bytes))"]
        case .framing(let p):
            var out = [p.reason]
            if let n = p.notification { out.append("a speaker would send NOTIFICATION " + NotificationText.summary(n)) }
            out.append("\(p.skipped) octets skipped" + (p.resumedAt.map { ", decoding resumes at offset \($0)" } ?? ""))
            return out
        }
    }

    static func summary(_ d: CaptureDecoding) -> String {
        var counts: [MessageType: Int] = [:]
        var errors = 0, framing = 0
        for item in d.items {
            switch item.kind {
            case .message(let m, _): counts[m.type, default: 0] += 1
            case .error: errors += 1
            case .framing: framing += 1
            }
        }
        let total = counts.values.reduce(0, +)
        let byType = MessageType.allCases.compactMap { t in counts[t].map { "\(t) \($0)" } }.joined(separator: ", ")
        return "\(total) messages in \(d.streams.count) streams" + (byType.isEmpty ? "" : " (\(byType))")
            + ", \(errors) undecodable, \(framing) framing problems"
    }
}
