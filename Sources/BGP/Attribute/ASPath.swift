/// AS_PATH (attribute 2) or AS4_PATH (17): a sequence of segments.
///
/// ```
/// +------------------------------+
/// | Segment Type (1 octet)       |   1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET
/// +------------------------------+
/// | Segment Length (1 octet)     |   number of ASes
/// +------------------------------+
/// | ASes (2 or 4 octets each)    |
/// +------------------------------+
/// ```
/// Segments are kept as received (a 300-AS sequence arrives as two segments), so the attribute
/// re-encodes byte for byte. A segment holds at most 255 ASes, as on the wire.
public struct ASPath: Hashable, Sendable, CustomStringConvertible {
    /// The segments flattened into one array, so that a path costs one allocation: each segment is
    /// a header word (type << 8 | count) followed by its `count` AS numbers.
    @usableFromInline var words: [UInt32]

    public init(segments: [ASPathSegment] = []) {
        var w: [UInt32] = []
        w.reserveCapacity(segments.reduce(0) { $0 + 1 + $1.asns.count })
        for s in segments {
            // A segment holds at most 255 ASes; a longer one becomes several, as on the wire.
            var rest = s.asns[...]
            repeat {
                let chunk = rest.prefix(255)
                rest = rest.dropFirst(chunk.count)
                w.append(UInt32(s.type.rawValue) << 8 | UInt32(chunk.count))
                w.append(contentsOf: chunk)
            } while !rest.isEmpty
        }
        words = w
    }

    /// A single AS_SEQUENCE.
    public init(sequence: [UInt32]) { self.init(segments: sequence.isEmpty ? [] : [ASPathSegment(type: .sequence, asns: sequence)]) }

    /// Built by the decoder from words it has already laid out.
    @inlinable init(words: [UInt32]) { self.words = words }

    public static let empty = ASPath()

    /// The segments, in order.
    public var segments: [ASPathSegment] {
        get {
            var out: [ASPathSegment] = []
            forEachSegment { type, asns in out.append(ASPathSegment(type: type, asns: Array(asns))) }
            return out
        }
        set { self = ASPath(segments: newValue) }
    }

    /// Calls `body` with each segment's type and AS numbers, without building segment values.
    @inlinable
    public func forEachSegment(_ body: (ASPathSegment.SegmentType, ArraySlice<UInt32>) throws -> Void) rethrows {
        var i = 0
        while i < words.count {
            let header = words[i]
            let count = Int(header & 0xFF)
            let end = Swift.min(words.count, i + 1 + count)
            try body(ASPathSegment.SegmentType(rawValue: UInt8(truncatingIfNeeded: header >> 8)) ?? .sequence, words[(i + 1)..<end])
            i = end
        }
    }

    /// The number of segments.
    public var segmentCount: Int {
        var n = 0
        forEachSegment { _, _ in n += 1 }
        return n
    }

    /// The length used by the decision process (RFC 4271 9.1.2.2): an AS_SET counts 1, each AS of
    /// a sequence counts 1, confederation segments count 0.
    public var length: Int {
        var n = 0
        forEachSegment { type, asns in
            switch type {
            case .sequence: n += asns.count
            case .set: n += 1
            case .confedSequence, .confedSet: break
            }
        }
        return n
    }

    /// The neighbour AS: the first AS of the first AS_SEQUENCE, when the path starts with one
    /// (confederation segments before it are skipped).
    public var firstAS: UInt32? {
        var result: UInt32? = nil
        var done = false
        forEachSegment { type, asns in
            guard !done else { return }
            switch type {
            case .sequence: result = asns.first; done = true
            case .confedSequence, .confedSet: break
            case .set: done = true
            }
        }
        return result
    }

    /// The originating AS: the last AS of the last AS_SEQUENCE, when the path ends with one.
    public var originAS: UInt32? {
        var last: (ASPathSegment.SegmentType, UInt32?)? = nil
        forEachSegment { type, asns in last = (type, asns.last) }
        guard let (type, asn) = last, type == .sequence else { return nil }
        return asn
    }

    /// Every AS in the path, in order (for loop detection and regular expressions).
    public var allASNs: [UInt32] {
        var out: [UInt32] = []
        forEachSegment { _, asns in out.append(contentsOf: asns) }
        return out
    }

    public func contains(_ asn: UInt32) -> Bool {
        var found = false
        forEachSegment { _, asns in if !found && asns.contains(asn) { found = true } }
        return found
    }

    /// `65001 65002 {65003,65004} (65005)`: sets in braces, confederation sequences in
    /// parentheses, confederation sets in square brackets, as FRR and BIRD print them.
    public var description: String {
        var parts: [String] = []
        forEachSegment { type, asns in
            let body = asns.map(String.init)
            switch type {
            case .sequence: parts.append(body.joined(separator: " "))
            case .set: parts.append("{" + body.joined(separator: ",") + "}")
            case .confedSequence: parts.append("(" + body.joined(separator: " ") + ")")
            case .confedSet: parts.append("[" + body.joined(separator: ",") + "]")
            }
        }
        return parts.joined(separator: " ")
    }
}

/// One AS_PATH segment.
public struct ASPathSegment: Hashable, Sendable {
    public var type: SegmentType
    public var asns: [UInt32]
    public init(type: SegmentType, asns: [UInt32]) { self.type = type; self.asns = asns }

    public enum SegmentType: UInt8, Hashable, Sendable {
        case set = 1
        case sequence = 2
        /// RFC 5065.
        case confedSequence = 3
        /// RFC 5065.
        case confedSet = 4
    }
}
