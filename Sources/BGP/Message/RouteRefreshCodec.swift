extension RouteRefreshMessage {
    /// The body after the header. `message` is the whole message, which RFC 7313 section 5 wants
    /// as the data of a length error.
    static func decode(body: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) throws(BGPDecodeError) -> RouteRefreshMessage {
        guard body.count >= 4 else {
            throw BGPFraming.badLength(message.count, "ROUTE-REFRESH shorter than 23 octets")
        }
        let afi = AFI(rawValue: UInt16(body[0]) << 8 | UInt16(body[1]))
        let subtype = Subtype(rawValue: body[2])
        let safi = SAFI(rawValue: body[3])
        // RFC 7313 5: "If the length, excluding the fixed-size message header, of the received
        // ROUTE-REFRESH message with Message Subtype 1 and 2 is not 4, then the BGP speaker MUST
        // send a NOTIFICATION message with the Error Code of 'ROUTE-REFRESH Message Error' and the
        // subcode of 'Invalid Message Length'. The Data field of the NOTIFICATION message MUST
        // contain the complete ROUTE-REFRESH message."
        if (subtype == .beginning || subtype == .end) && body.count != 4 {
            throw BGPDecodeError(.routeRefresh, RouteRefreshErrorSubcode.invalidMessageLength.rawValue,
                                 data: Array(message),
                                 reason: "ROUTE-REFRESH subtype \(subtype.rawValue) with \(body.count) body octets, expected 4")
        }
        return RouteRefreshMessage(family: Family(afi: afi, safi: safi), subtype: subtype,
                                   orf: Array(UnsafeRawBufferPointer(rebasing: body[4...])))
    }

    func encodeBody(into out: inout [UInt8]) {
        out.appendU16(afi.rawValue)
        out.append(subtype.rawValue)
        out.append(safi.rawValue)
        out.append(contentsOf: orf)
    }
}
