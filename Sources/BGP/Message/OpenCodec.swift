// OPEN (RFC 4271 4.2) with RFC 9072 extended optional parameters.
//
// The decoder enforces the checks of RFC 4271 6.2 that need nothing but the message itself:
// version, hold time of 1 or 2 seconds, a zero BGP Identifier, unknown optional parameter types,
// and parameter lengths that do not add up. Checks that need configuration (peer AS, our own
// identifier, acceptable hold time ranges) belong to negotiation.

import NetAddress

extension OpenMessage {
    static func decode(body: UnsafeRawBufferPointer) throws(BGPDecodeError) -> OpenMessage {
        var r = WireReader(body)
        let version: UInt8, myAS: UInt16, holdTime: UInt16, identifier: IPv4Address, optLength: UInt8
        do {
            version = try r.u8()
            myAS = try r.u16()
            holdTime = try r.u16()
            identifier = try r.ipv4()
            optLength = try r.u8()
        } catch {
            throw BGPFraming.badLength(body.count + BGPFraming.headerLength, "OPEN shorter than 29 octets")
        }
        // RFC 4271 6.2: "the Data field is a 2-octet unsigned integer, which indicates the largest
        // locally-supported version number less than the version the remote BGP peer bid".
        guard version == bgpVersion else {
            throw BGPDecodeError(.open, OpenErrorSubcode.unsupportedVersionNumber.rawValue, data: [0, bgpVersion],
                                 reason: "BGP version \(version), we speak \(bgpVersion)")
        }
        // "An implementation MUST reject Hold Time values of one or two seconds."
        guard holdTime != 1 && holdTime != 2 else {
            throw BGPDecodeError(.open, OpenErrorSubcode.unacceptableHoldTime.rawValue,
                                 reason: "hold time \(holdTime) s (must be 0 or at least 3)")
        }
        // RFC 6286 2.1: the BGP Identifier is a non-zero 4-octet number.
        guard identifier.value != 0 else {
            throw BGPDecodeError(.open, OpenErrorSubcode.badBGPIdentifier.rawValue, reason: "BGP identifier 0.0.0.0")
        }

        // RFC 9072 2: "If the value of the Non-Ext OP Type field is 255, then the Extended
        // Optional Parameters Length field follows" and every parameter length is two octets.
        let extended = optLength != 0 && r.remaining > 0 && body[r.position] == 255
        var params: WireReader
        do {
            if extended {
                _ = try r.u8()
                params = try r.subReader(Int(try r.u16()))
            } else {
                params = try r.subReader(Int(optLength))
            }
        } catch {
            throw malformed("optional parameters length \(optLength) overruns the OPEN")
        }
        guard r.isAtEnd else { throw malformed("\(r.remaining) octets after the optional parameters") }

        var parameters: [OptionalParameter] = []
        while !params.isAtEnd {
            let type: UInt8
            let value: UnsafeRawBufferPointer
            do {
                type = try params.u8()
                let length = extended ? Int(try params.u16()) : Int(try params.u8())
                value = try params.bytes(length)
            } catch {
                throw malformed("an optional parameter overruns the parameters field")
            }
            // RFC 5492: type 2 carries capabilities; every other type is unsupported.
            guard type == 2 else {
                throw BGPDecodeError(.open, OpenErrorSubcode.unsupportedOptionalParameter.rawValue,
                                     reason: "unsupported optional parameter type \(type)")
            }
            parameters.append(.capabilities(try decodeCapabilities(value)))
        }
        return OpenMessage(version: version, myAS: myAS, holdTime: holdTime, bgpIdentifier: identifier,
                           parameters: parameters, extendedParameters: extended)
    }

    private static func decodeCapabilities(_ value: UnsafeRawBufferPointer) throws(BGPDecodeError) -> [Capability] {
        var r = WireReader(value)
        var caps: [Capability] = []
        while !r.isAtEnd {
            do {
                let code = try r.u8()
                let body = try r.bytes(Int(try r.u8()))
                caps.append(Capability.decode(code: code, value: body))
            } catch {
                throw malformed("a capability overruns its optional parameter")
            }
        }
        return caps
    }

    /// OPEN Message Error with the unspecific subcode 0: the parameters do not add up.
    private static func malformed(_ reason: String) -> BGPDecodeError {
        BGPDecodeError(.open, 0, reason: reason)
    }

    func encodeBody(into out: inout [UInt8]) {
        out.append(version)
        out.appendU16(myAS)
        out.appendU16(holdTime)
        out.appendIPv4(bgpIdentifier)

        var values: [(type: UInt8, value: [UInt8])] = []
        values.reserveCapacity(parameters.count)
        for p in parameters {
            switch p {
            case .capabilities(let caps):
                var v: [UInt8] = []
                for c in caps { c.encode(into: &v) }
                values.append((2, v))
            case .unknown(let type, let value):
                values.append((type, value))
            }
        }
        let plainTotal = values.reduce(0) { $0 + 2 + $1.value.count }
        // Use the extended form when asked to or when the plain one cannot say the lengths.
        let extended = extendedParameters || plainTotal > 255 || values.contains { $0.value.count > 255 }
        if extended {
            out.append(255)
            out.append(255)
            let lengthAt = out.count
            out.appendU16(0)
            for (type, value) in values {
                out.append(type)
                out.appendU16(UInt16(truncatingIfNeeded: Swift.min(value.count, 65535)))
                out.append(contentsOf: value.prefix(65535))
            }
            out.patchU16(at: lengthAt, UInt16(truncatingIfNeeded: out.count - lengthAt - 2))
        } else {
            out.append(UInt8(truncatingIfNeeded: plainTotal))
            for (type, value) in values {
                out.append(type)
                out.append(UInt8(truncatingIfNeeded: value.count))
                out.append(contentsOf: value)
            }
        }
    }
}
