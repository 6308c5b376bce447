import NetAddress

/// An ordered prefix list (FRR `ip prefix-list`): the first entry that matches decides, permit or
/// deny; a prefix no entry matches is denied.
public struct PrefixList: Hashable, Sendable {
    public var name: String
    public var entries: [PrefixListEntry]

    public init(name: String = "", entries: [PrefixListEntry]) {
        self.name = name
        self.entries = entries
    }

    /// Whether the list permits `p`.
    public func permits(_ p: IPPrefix) -> Bool {
        for e in entries where e.matches(p) { return e.permit }
        return false
    }
}

/// One entry: a prefix and a length range. Without `ge` and `le` only the exact prefix matches;
/// with them, every prefix inside it whose length lies in `ge...le` (`ge` defaulting to the
/// entry's length, `le` to the family's maximum).
public struct PrefixListEntry: Hashable, Sendable {
    public let prefix: IPPrefix
    public let ge: UInt8?
    public let le: UInt8?
    public let permit: Bool

    /// Refuses ranges that cannot match: it must hold that length <= ge <= le <= 32 (or 128).
    public init(prefix: IPPrefix, ge: UInt8? = nil, le: UInt8? = nil, permit: Bool = true) throws(PolicyError) {
        let maxLength: UInt8 = prefix.isV4 ? 32 : 128
        if let g = ge, g < prefix.length || g > maxLength {
            throw PolicyError("prefix-list entry \(prefix): ge \(g) must be between \(prefix.length) and \(maxLength)")
        }
        if let l = le, l < (ge ?? prefix.length) || l > maxLength {
            throw PolicyError("prefix-list entry \(prefix): le \(l) must be between \(ge ?? prefix.length) and \(maxLength)")
        }
        self.prefix = prefix
        self.ge = ge
        self.le = le
        self.permit = permit
    }

    public func matches(_ p: IPPrefix) -> Bool {
        guard p.isV4 == prefix.isV4, p.length >= prefix.length, prefix.contains(p.address) else { return false }
        if ge == nil && le == nil { return p.length == prefix.length }
        let lo = ge ?? prefix.length
        let hi = le ?? (prefix.isV4 ? 32 : 128)
        return p.length >= lo && p.length <= hi
    }
}
