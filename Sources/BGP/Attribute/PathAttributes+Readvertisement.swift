extension PathAttributes {
    /// The attributes as they may be passed on to another peer, as far as the attributes this
    /// speaker does not interpret are concerned (RFC 4271 5 and 9.1.2):
    ///
    /// - an unrecognized optional transitive attribute is passed on with its Partial bit set
    ///   ("If an optional transitive attribute is unrecognized, the Partial bit ... MUST be set to
    ///   1 if the attribute is retained for propagation to other BGP speakers");
    /// - an unrecognized optional non-transitive attribute is dropped ("... MUST be quietly
    ///   ignored and not passed along to other BGP peers").
    ///
    /// The export path calls this before its own policy (next hop, AS_PATH prepend, MED ...).
    public func forReadvertisement() -> PathAttributes {
        var copy = self
        copy.other = other.compactMap { a -> RawAttribute? in
            guard a.isOptional, a.isTransitive else { return nil }
            var b = a
            b.flags |= AttributeFlags.partial
            return b
        }
        return copy
    }
}
