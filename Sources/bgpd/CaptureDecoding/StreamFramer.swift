import BGP

/// Splits one direction's reassembled bytes into BGP messages.
///
/// The header checks are the codec's (`BGPFraming`, RFC 4271 section 6.1). What this adds is
/// what a capture needs and a live session does not: when a header is bad, or a message runs
/// into bytes the capture lost, the framer reports it and looks for the next plausible header
/// (16 octets of 0xFF followed by a length and type `BGPFraming` accepts) instead of giving up.
/// Only when no such header follows is the rest of the stream abandoned.
enum StreamFramer {
    enum Piece: Equatable {
        case message(offset: Int, bytes: [UInt8])
        case problem(offset: Int, FramingProblem)
    }

    /// The largest length any message may have (RFC 8654); the negotiated limit is checked later,
    /// once the OPENs (which need framing first) are known.
    static let maxLength = 65535

    static func frame(_ data: [UInt8], gaps: [Int] = []) -> [Piece] {
        var pieces: [Piece] = []
        var at = 0
        let gaps = gaps.sorted()
        while at < data.count {
            // Bytes are contiguous from `at` up to the next gap.
            let limit = gaps.first { $0 > at } ?? data.count
            let outcome: Result<Int?, BGPDecodeError> = header(data, at, limit)
            switch outcome {
            case .success(let length?) where length <= limit - at:
                pieces.append(.message(offset: at, bytes: Array(data[at..<(at + length)])))
                at += length
            case .success:
                if limit < data.count {
                    // The message runs into a hole: its end is not in the capture.
                    let next = resync(data, from: limit, gaps: gaps)
                    pieces.append(.problem(offset: at, FramingProblem(
                        reason: "message at offset \(at) is incomplete: the capture lost bytes before offset \(limit)",
                        notification: nil, skipped: (next ?? data.count) - at, resumedAt: next)))
                    guard let next else { return pieces }
                    at = next
                } else if let next = resync(data, from: at + 1, gaps: gaps) {
                    // A header claiming more than the stream holds, with whole messages after it:
                    // the "header" was not one (a longer run of 0xFF, say).
                    pieces.append(.problem(offset: at, FramingProblem(
                        reason: "header at offset \(at) announces more octets than the stream holds; "
                            + "resynchronised at the next header, offset \(next)",
                        notification: NotificationMessage(code: 1, subcode: 1), skipped: next - at, resumedAt: next)))
                    at = next
                } else {
                    let have = data.count - at
                    pieces.append(.problem(offset: at, FramingProblem(
                        reason: "stream ends inside a message (\(have) octets of it captured)",
                        notification: nil, skipped: have, resumedAt: nil)))
                    return pieces
                }
            case .failure(let e):
                let next = resync(data, from: at + 1, gaps: gaps)
                let what = next.map { "resynchronised at the next header, offset \($0)" } ?? "no further header: rest of stream not decoded"
                pieces.append(.problem(offset: at, FramingProblem(
                    reason: "bad message header at offset \(at): \(e.reason); \(what)",
                    notification: e.notification, skipped: (next ?? data.count) - at, resumedAt: next)))
                guard let next else { return pieces }
                at = next
            }
        }
        return pieces
    }

    /// `BGPFraming`'s verdict on the header at `at`, reading no further than `limit`.
    static func header(_ data: [UInt8], _ at: Int, _ limit: Int) -> Result<Int?, BGPDecodeError> {
        guard at >= 0, at <= limit, limit <= data.count else { return .success(nil) }
        return data.withUnsafeBytes { raw -> Result<Int?, BGPDecodeError> in
            let slice = UnsafeRawBufferPointer(rebasing: raw[at..<limit])
            do throws(BGPDecodeError) {
                return .success(try BGPFraming.nextMessageLength(slice, maxLength: maxLength))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The first offset at or after `from` where 16 octets of 0xFF start a header the codec
    /// accepts and whose message ends within the captured bytes; nil when there is none.
    static func resync(_ data: [UInt8], from: Int, gaps: [Int]) -> Int? {
        var i = max(from, 0)
        while i + 19 <= data.count {
            if data[i] == 0xFF, isMarker(data, i) {
                let limit = gaps.first { $0 > i } ?? data.count
                if case .success(let length?) = header(data, i, limit), length <= limit - i {
                    return i
                }
            }
            i += 1
        }
        return nil
    }

    static func isMarker(_ data: [UInt8], _ at: Int) -> Bool {
        guard at >= 0, at + 16 <= data.count else { return false }
        for j in at..<(at + 16) where data[j] != 0xFF { return false }
        return true
    }
}
