import NetAddress

/// An UPDATE message (RFC 4271 section 4.3).
///
/// ```
/// +-----------------------------------------------------+
/// |   Withdrawn Routes Length (2 octets)                |
/// +-----------------------------------------------------+
/// |   Withdrawn Routes (variable)                       |
/// +-----------------------------------------------------+
/// |   Total Path Attribute Length (2 octets)            |
/// +-----------------------------------------------------+
/// |   Path Attributes (variable)                        |
/// +-----------------------------------------------------+
/// |   Network Layer Reachability Information (variable) |
/// +-----------------------------------------------------+
/// ```
///
/// MP_REACH_NLRI and MP_UNREACH_NLRI are lifted out of the attribute list into `mpReach` and
/// `mpUnreach`; everything else that describes the path is in `attributes`, which is what the RIB
/// interns and compares.
public struct UpdateMessage: Hashable, Sendable {
    // The stored properties are declared in an order different from the public initialiser's
    // parameters, so that Swift still synthesises the (internal) memberwise initialiser: the
    // decoder builds messages with it, because it builds the value in place, where an explicit
    // initialiser costs a copy of the whole value and a retain and release of each array in it.

    /// IPv4 unicast prefixes announced in the NLRI field.
    public var nlri: [IPv4NLRI]
    /// IPv4 unicast prefixes withdrawn in the Withdrawn Routes field.
    public var withdrawn: [IPv4NLRI]
    /// The path attributes other than MP_REACH_NLRI and MP_UNREACH_NLRI.
    public var attributes: PathAttributes
    /// MP_REACH_NLRI (RFC 4760, attribute 14).
    public var mpReach: MPReach?
    /// MP_UNREACH_NLRI (RFC 4760, attribute 15).
    public var mpUnreach: MPUnreach?
    /// What RFC 7606 error handling did while decoding. Empty for a clean message. When any entry
    /// is `.treatAsWithdraw`, every prefix this UPDATE announces must be handled as withdrawn.
    public var diagnostics: [AttributeDiagnostic]
    /// The order and flags of the attributes as they came off the wire, so that a decoded UPDATE
    /// re-encodes byte for byte. Not part of equality: two UPDATEs with the same content are equal
    /// whatever their wire layout. Empty for UPDATEs built locally (canonical order and flags).
    public var layout: AttributeLayout

    /// True when some attribute error means the announced routes are withdrawn (RFC 7606 2).
    public var treatAsWithdraw: Bool { diagnostics.contains { $0.action == .treatAsWithdraw } }

    /// The End-of-RIB marker for IPv4 unicast is an UPDATE with nothing in it; for any other
    /// family, an UPDATE with only an empty MP_UNREACH_NLRI (RFC 4724 section 2).
    public var endOfRIB: Family? {
        guard withdrawn.isEmpty, nlri.isEmpty, mpReach == nil else { return nil }
        if let u = mpUnreach {
            return u.nlri.isEmpty && attributes.isEmpty ? u.family : nil
        }
        return attributes.isEmpty ? .ipv4Unicast : nil
    }

    /// An End-of-RIB marker for `family`.
    public static func endOfRIB(_ family: Family) -> UpdateMessage {
        if family == .ipv4Unicast { return UpdateMessage() }
        return UpdateMessage(mpUnreach: MPUnreach(family: family, nlri: .empty(family)))
    }

    public static func == (a: UpdateMessage, b: UpdateMessage) -> Bool {
        a.withdrawn == b.withdrawn && a.attributes == b.attributes && a.mpReach == b.mpReach
            && a.mpUnreach == b.mpUnreach && a.nlri == b.nlri && a.diagnostics == b.diagnostics
    }

    public func hash(into h: inout Hasher) {
        h.combine(withdrawn); h.combine(attributes); h.combine(mpReach); h.combine(mpUnreach); h.combine(nlri)
    }
}

extension UpdateMessage {
    /// An UPDATE built locally: every part defaults to empty.
    public init(withdrawn: [IPv4NLRI] = [], attributes: PathAttributes = PathAttributes(),
                mpReach: MPReach? = nil, mpUnreach: MPUnreach? = nil, nlri: [IPv4NLRI] = [],
                diagnostics: [AttributeDiagnostic] = [], layout: AttributeLayout = AttributeLayout()) {
        self.init(nlri: nlri, withdrawn: withdrawn, attributes: attributes, mpReach: mpReach, mpUnreach: mpUnreach,
                  diagnostics: diagnostics, layout: layout)
    }
}

/// The wire order and flags of an UPDATE's attributes (codes with their flag octets), including
/// MP_REACH_NLRI and MP_UNREACH_NLRI at their positions.
///
/// Every decoded UPDATE carries one, so up to 16 entries are stored inline (no allocation); a
/// longer layout falls back to an array.
public struct AttributeLayout: Hashable, Sendable {
    /// Entries 0-15, 16 bits each (code << 8 | flags), when `count <= 16`.
    private var packed: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// The number of entries.
    public private(set) var count: Int = 0
    /// All entries, when there are more than 16.
    private var overflow: [Entry] = []

    private static let inlineCapacity = 16

    /// An empty layout (an UPDATE built locally).
    @inline(__always)
    public init() {}

    /// At most eight entries, already packed four to a word as `packed` holds them (the fast
    /// decoder builds its layout in registers with this).
    @inline(__always)
    init(packed0: UInt64, packed1: UInt64, count: Int) {
        packed = (packed0, packed1, 0, 0)
        self.count = count
    }

    /// A layout of these entries, in order.
    public init(entries: [Entry]) {
        for e in entries { append(e) }
    }

    /// True for an UPDATE built locally (canonical order and flags).
    public var isEmpty: Bool { count == 0 }

    /// The entries in wire order.
    public var entries: [Entry] {
        get {
            if count > Self.inlineCapacity { return overflow }
            return (0..<count).map { self[$0] }
        }
        set { self = AttributeLayout(entries: newValue) }
    }

    /// The entry at `index` (0 ..< count).
    @inline(__always)
    public subscript(index: Int) -> Entry {
        if count > Self.inlineCapacity { return overflow[index] }
        let word: UInt64
        switch index >> 2 {
        case 0: word = packed.0
        case 1: word = packed.1
        case 2: word = packed.2
        default: word = packed.3
        }
        let bits = UInt16(truncatingIfNeeded: word >> (UInt64(index & 3) * 16))
        return Entry(code: UInt8(truncatingIfNeeded: bits >> 8), flags: UInt8(truncatingIfNeeded: bits))
    }

    /// Adds an entry at the end.
    @inline(__always)
    public mutating func append(_ e: Entry) {
        if count < Self.inlineCapacity {
            let bits = UInt64(UInt16(e.code) << 8 | UInt16(e.flags)) << (UInt64(count & 3) * 16)
            switch count >> 2 {
            case 0: packed.0 |= bits
            case 1: packed.1 |= bits
            case 2: packed.2 |= bits
            default: packed.3 |= bits
            }
        } else {
            if count == Self.inlineCapacity {
                overflow = (0..<count).map { self[$0] }
                packed = (0, 0, 0, 0)
            }
            overflow.append(e)
        }
        count += 1
    }

    public static func == (a: AttributeLayout, b: AttributeLayout) -> Bool {
        a.count == b.count && a.packed == b.packed && a.overflow == b.overflow
    }

    public func hash(into h: inout Hasher) {
        h.combine(count); h.combine(packed.0); h.combine(packed.1); h.combine(packed.2); h.combine(packed.3)
        h.combine(overflow)
    }

    /// One attribute: its type code and the flag octet it came with.
    public struct Entry: Hashable, Sendable {
        public var code: UInt8
        public var flags: UInt8
        public init(code: UInt8, flags: UInt8) { self.code = code; self.flags = flags }
    }
}

/// What RFC 7606 error handling decided for one malformed attribute of an UPDATE that was still
/// accepted (the session-reset outcome is a thrown `BGPDecodeError` instead).
public struct AttributeDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// The attribute type code (0 for an error not tied to one attribute, such as a bad NLRI).
    public var code: UInt8
    public var action: ErrorAction
    /// What was wrong, for logs: "MED length 3, expected 4".
    public var reason: String

    public init(code: UInt8, action: ErrorAction, reason: String) {
        self.code = code
        self.action = action
        self.reason = reason
    }

    public var description: String { "attribute \(code): \(action): \(reason)" }
}

/// RFC 7606 section 2: the approaches to a malformed UPDATE, from least to most drastic.
public enum ErrorAction: Int, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The attribute is dropped; the rest of the UPDATE stands.
    case attributeDiscard = 1
    /// The UPDATE's announced routes are handled as withdrawn.
    case treatAsWithdraw = 2
    /// The whole family is disabled on the session (routes of it withdrawn, further UPDATEs of it ignored).
    case afiSafiDisable = 3
    /// The session is reset with a NOTIFICATION.
    case sessionReset = 4

    public var description: String {
        switch self {
        case .attributeDiscard: return "attribute-discard"
        case .treatAsWithdraw: return "treat-as-withdraw"
        case .afiSafiDisable: return "afi-safi-disable"
        case .sessionReset: return "session-reset"
        }
    }
    public static func < (a: ErrorAction, b: ErrorAction) -> Bool { a.rawValue < b.rawValue }
}
