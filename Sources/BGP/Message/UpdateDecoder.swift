// UPDATE (RFC 4271 4.3) from the wire: the three length-delimited fields, then the attributes.

extension UpdateMessage {
    static func decode(body: UnsafeRawBufferPointer, context: CodecContext) throws(BGPDecodeError) -> UpdateMessage {
        guard case .update(let u) = try decodeMessage(body: body, context: context) else {
            throw BGPDecodeError(.update, 0, reason: "not an UPDATE")  // cannot happen
        }
        return u
    }

    /// The UPDATE wrapped as a message: built in one expression, so the large value is written
    /// where the caller wants it instead of being copied there.
    @inline(__always)
    static func decodeMessage(body: UnsafeRawBufferPointer, context: CodecContext) throws(BGPDecodeError) -> BGPMessage {
        let n = body.count
        guard n >= 4 else {
            throw BGPFraming.badLength(n + BGPFraming.headerLength, "UPDATE shorter than 23 octets")
        }
        // RFC 7606 3.b: "if the Withdrawn Routes Length or Total Attribute Length is too large
        // (i.e., if Withdrawn Routes Length + Total Attribute Length + 23 exceeds the message
        // Length), then the Error Subcode MUST be set to Malformed Attribute List."
        let withdrawnLength = Int(body[0]) << 8 | Int(body[1])
        guard withdrawnLength <= n - 4 else {
            throw BGPDecodeError(.update, UpdateErrorSubcode.malformedAttributeList.rawValue,
                                 reason: "withdrawn routes length \(withdrawnLength) overruns the UPDATE")
        }
        let attributesAt = 4 + withdrawnLength
        let attributesLength = Int(body[attributesAt - 2]) << 8 | Int(body[attributesAt - 1])
        guard attributesLength <= n - attributesAt else {
            throw BGPDecodeError(.update, UpdateErrorSubcode.malformedAttributeList.rawValue,
                                 reason: "total path attribute length \(attributesLength) overruns the UPDATE")
        }
        let nlriAt = attributesAt + attributesLength
        let addPath = context.receivesPathIDs(.ipv4Unicast)

        // RFC 7606 5.3 and 3.i: a Withdrawn Routes or NLRI field that cannot be parsed leaves no
        // way to treat anything as withdrawn: "session reset".
        let withdrawn: [IPv4NLRI], nlri: [IPv4NLRI]
        do {
            withdrawn = try PrefixCodec.decodeIPv4(UnsafeRawBufferPointer(rebasing: body[2..<(2 + withdrawnLength)]), addPath: addPath)
        } catch {
            throw BGPDecodeError(.update, UpdateErrorSubcode.invalidNetworkField.rawValue,
                                 reason: "withdrawn routes: \(error.reason)")
        }
        do {
            nlri = try PrefixCodec.decodeIPv4(UnsafeRawBufferPointer(rebasing: body[nlriAt...]), addPath: addPath)
        } catch {
            throw BGPDecodeError(.update, UpdateErrorSubcode.invalidNetworkField.rawValue, reason: "NLRI: \(error.reason)")
        }

        var decoded = DecodedAttributes()
        var decoder = AttributeBlockDecoder(hasNLRIField: !nlri.isEmpty, fourOctetAS: context.fourOctetAS)
        try decoder.decode(UnsafeRawBufferPointer(rebasing: body[attributesAt..<nlriAt]), into: &decoded, context: context)
        let attributes = try decoder.finish(&decoded)
        return .update(UpdateMessage(nlri: nlri, withdrawn: withdrawn, attributes: attributes, mpReach: decoded.mpReach,
                                     mpUnreach: decoded.mpUnreach, diagnostics: decoded.diagnostics,
                                     layout: decoded.layout))
    }
}
