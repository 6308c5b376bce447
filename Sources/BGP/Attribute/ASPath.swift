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
/// re-encodes byte for byte.
public struct ASPath: Hashable, Sendable, CustomStringConvertible {
    public var segments: [ASPathSegment]
    public init(segments: [ASPathSegment] = []) { self.segments = segments }

    /// A single AS_SEQUENCE.
    public init(sequence: [UInt32]) { segments = sequence.isEmpty ? [] : [ASPathSegment(type: .sequence, asns: sequence)] }

    public static let empty = ASPath()

    /// The length used by the decision process (RFC 4271 9.1.2.2): an AS_SET counts 1, each AS of
    /// a sequence counts 1, confederation segments count 0.
    public var length: Int {
        var n = 0
        for s in segments {
            switch s.type {
            case .sequence: n += s.asns.count
            case .set: n += 1
            case .confedSequence, .confedSet: break
            }
        }
        return n
    }

    /// The neighbour AS: the first AS of the first AS_SEQUENCE, when the path starts with one.
    public var firstAS: UInt32? {
        for s in segments {
            switch s.type {
            case .sequence: return s.asns.first
            case .confedSequence, .confedSet: continue
            case .set: return nil
            }
        }
        return nil
    }

    /// The originating AS: the last AS of the last AS_SEQUENCE, when the path ends with one.
    public var originAS: UInt32? {
        guard let last = segments.last, last.type == .sequence else { return nil }
        return last.asns.last
    }

    /// Every AS in the path, in order (for loop detection and regular expressions).
    public var allASNs: [UInt32] { segments.flatMap(\.asns) }

    public func contains(_ asn: UInt32) -> Bool { segments.contains { $0.asns.contains(asn) } }

    /// `65001 65002 {65003,65004} (65005)`: sets in braces, confederation sequences in
    /// parentheses, confederation sets in square brackets, as FRR and BIRD print them.
    public var description: String {
        segments.map { s in
            let body = s.asns.map(String.init)
            switch s.type {
            case .sequence: return body.joined(separator: " ")
            case .set: return "{" + body.joined(separator: ",") + "}"
            case .confedSequence: return "(" + body.joined(separator: " ") + ")"
            case .confedSet: return "[" + body.joined(separator: ",") + "]"
            }
        }.joined(separator: " ")
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
