/// One direction of one TCP connection, reassembled: the bytes in sequence order, with the time
/// and frame at which each byte became available to the receiver.
public struct TCPStream: Sendable {
    public var source: Endpoint
    public var destination: Endpoint
    /// Frame number of the first packet of this direction (streams are ordered by it).
    public var firstFrame: Int
    /// The payload bytes in order. Retransmitted and overlapping data appear once.
    public var data: [UInt8]
    /// Points where availability changes: from `offset` on, bytes became available at `time`
    /// in `frame` (a byte is available once it and every byte before it have arrived).
    public var marks: [Mark]
    /// Sequence ranges (as offsets into `data`) before which bytes were missing from the capture.
    /// At each offset here, the stream resumes after a hole.
    public var gaps: [Int]

    public struct Mark: Sendable, Hashable {
        public var offset: Int
        public var time: Timestamp
        public var frame: Int
    }

    /// The time and frame at which the byte at `offset` became available.
    public func availability(at offset: Int) -> (time: Timestamp, frame: Int) {
        var lo = 0, hi = marks.count - 1
        guard hi >= 0 else { return (.zero, firstFrame) }
        // The last mark whose offset <= offset.
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if marks[mid].offset <= offset { lo = mid } else { hi = mid - 1 }
        }
        return (marks[lo].time, marks[lo].frame)
    }
}

/// Rebuilds the byte streams of TCP connections from segments in capture order.
///
/// Per direction: the initial sequence number comes from the SYN when the capture has it,
/// otherwise from the lowest sequence number seen (so a capture started mid-session, or whose
/// first segments arrive out of order, still reassembles). Sequence numbers are unwrapped into
/// 64-bit offsets; segments are ordered by offset; retransmitted and overlapping bytes are taken
/// once; a hole that is never filled is recorded in `gaps` and skipped. A new SYN with a
/// different sequence number on the same address pair starts a new connection.
public enum TCPReassembler {
    /// The streams of every TCP connection in `capture`, one per direction, ordered by the frame
    /// in which each direction was first seen. With `port`, only connections with that port on
    /// either side.
    public static func streams(_ capture: CaptureFile, port: UInt16? = nil) -> [TCPStream] {
        streams(capture.packets.compactMap(PacketDecoder.tcpSegment), port: port)
    }

    struct Key: Hashable { var source: Endpoint; var destination: Endpoint }

    final class Direction {
        var source: Endpoint
        var destination: Endpoint
        var firstFrame: Int
        var synSequence: UInt32?
        var lastSeq: UInt32 = 0
        var lastOffset: Int64 = 0
        var started = false
        var segments: [(offset: Int64, order: Int, seg: TCPSegment)] = []
        init(_ s: TCPSegment) { source = s.source; destination = s.destination; firstFrame = s.frame }
    }

    public static func streams(_ segments: [TCPSegment], port: UInt16? = nil) -> [TCPStream] {
        var open: [Key: Direction] = [:]
        var all: [Direction] = []
        for (order, s) in segments.enumerated() {
            if let port, s.source.port != port && s.destination.port != port { continue }
            let key = Key(source: s.source, destination: s.destination)
            var dir: Direction
            if let d = open[key] {
                dir = d
                // A SYN with another ISN on the same 4-tuple: a new connection.
                if s.isSYN, let isn = d.synSequence ?? (d.segments.isEmpty ? nil : d.segments[0].seg.sequence),
                   isn != s.sequence, !d.segments.isEmpty {
                    dir = Direction(s)
                    open[key] = dir
                    all.append(dir)
                }
            } else {
                dir = Direction(s)
                open[key] = dir
                all.append(dir)
            }
            if s.isSYN && dir.synSequence == nil { dir.synSequence = s.sequence }
            // Unwrap the 32-bit sequence number relative to the previous segment of this direction.
            let offset: Int64
            if !dir.started {
                offset = 0
                dir.started = true
            } else {
                offset = dir.lastOffset + Int64(Int32(bitPattern: s.sequence &- dir.lastSeq))
            }
            dir.lastSeq = s.sequence
            dir.lastOffset = offset
            // Data of a SYN segment starts after the SYN's own sequence number.
            let dataOffset = s.isSYN ? offset + 1 : offset
            if !s.payload.isEmpty {
                dir.segments.append((dataOffset, order, s))
            } else if s.isSYN {
                dir.segments.append((dataOffset, order, s))   // marks the start, carries no bytes
            }
        }
        return all.compactMap(assemble)
    }

    /// Replays the segments in capture order as the receiver saw them: bytes become available
    /// when they extend the contiguous data; out-of-order segments wait until the hole before
    /// them is filled, and then become available at the filling segment's time and frame.
    static func assemble(_ d: Direction) -> TCPStream? {
        var withData = d.segments.filter { !$0.seg.payload.isEmpty }
        guard !withData.isEmpty else { return nil }
        // The stream starts after the SYN when we saw it, else at the lowest offset seen.
        var synStart = d.segments.first(where: { $0.seg.isSYN })?.offset
        // Data on a SYN starts one past the SYN's sequence number (RFC 793). Some replay tools
        // number it from the SYN's own sequence number instead; the segment after it then starts
        // exactly where the SYN's data ends counted that way, which tells the two apart.
        if let i = withData.firstIndex(where: { $0.seg.isSYN }) {
            let syn = withData[i]
            let shiftedEnd = syn.offset - 1 + Int64(syn.seg.payload.count)
            if withData.contains(where: { !$0.seg.isSYN && $0.offset == shiftedEnd }) {
                withData[i].offset -= 1
                synStart = withData[i].offset
            }
        }
        var cursor = synStart ?? withData.map(\.offset).min() ?? 0
        var data: [UInt8] = []
        var marks: [TCPStream.Mark] = []
        var gaps: [Int] = []
        var pending: [(offset: Int64, seg: TCPSegment)] = []   // sorted by offset

        func take(_ offset: Int64, _ seg: TCPSegment, availableIn frameSeg: TCPSegment) {
            let end = offset + Int64(seg.payload.count)
            guard end > cursor, offset <= cursor else { return }
            if marks.last?.frame != frameSeg.frame {
                marks.append(TCPStream.Mark(offset: data.count, time: frameSeg.time, frame: frameSeg.frame))
            }
            data.append(contentsOf: seg.payload[Int(cursor - offset)...])
            cursor = end
        }
        func drain(availableIn frameSeg: TCPSegment) {
            while let first = pending.first, first.offset <= cursor {
                pending.removeFirst()
                take(first.offset, first.seg, availableIn: frameSeg)
            }
        }

        for entry in withData {
            let end = entry.offset + Int64(entry.seg.payload.count)
            if end <= cursor { continue }                   // a retransmission of bytes we have
            if entry.offset > cursor {                      // ahead of a hole: wait
                let i = pending.firstIndex { $0.offset > entry.offset } ?? pending.count
                pending.insert((entry.offset, entry.seg), at: i)
                continue
            }
            take(entry.offset, entry.seg, availableIn: entry.seg)
            drain(availableIn: entry.seg)
        }
        // Holes never filled: skip them, recording where the stream resumes.
        while let first = pending.first {
            if first.offset > cursor {
                gaps.append(data.count)
                cursor = first.offset
            }
            drain(availableIn: first.seg)
        }
        return TCPStream(source: d.source, destination: d.destination, firstFrame: d.firstFrame,
                         data: data, marks: marks, gaps: gaps)
    }
}
