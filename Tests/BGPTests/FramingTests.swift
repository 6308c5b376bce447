import Testing
@testable import BGP

/// RFC 4271 6.1 header checks and stream splitting: drip-fed, coalesced and split input.
@Suite struct FramingTests {
    let keepalive = header(type: 4, bodyLength: 0)

    /// A stream of three messages of different types, as FRR sends them back to back.
    var stream: [UInt8] {
        let open = hex("""
            ffffffffffffffffffffffffffffffff 001d 01   # marker, length 29, OPEN
            04 fde9 00b4 0a000001 00                     # version 4, AS 65001, hold 180, id 10.0.0.1, no parameters
            """)
        return open + keepalive + updateMessage(attributes: basicAttributes, nlri: [24, 10, 1, 2])
    }

    /// Splits `bytes` the way a session does: ask for the next length, cut, repeat.
    func split(_ bytes: [UInt8], maxLength: Int = 4096) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        var buffer = bytes[...]
        while let n = try BGPFraming.nextMessageLength(Array(buffer), maxLength: maxLength) {
            out.append(Array(buffer.prefix(n)))
            buffer = buffer.dropFirst(n)
        }
        #expect(buffer.isEmpty)
        return out
    }

    @Test func coalescedMessagesSplitAtTheirLengths() throws {
        let parts = try split(stream)
        #expect(parts.map(\.count) == [29, 19, 19 + 4 + basicAttributes.count + 4])
        #expect(parts.map { $0[18] } == [1, 4, 2])
        #expect(parts.joined().elementsEqual(stream))
    }

    @Test func dripFedBytesYieldEachMessageWhenComplete() throws {
        // One byte at a time: nil until the message is whole, then exactly its length.
        var buffer: [UInt8] = []
        var lengths: [Int] = []
        for b in stream {
            buffer.append(b)
            if let n = try BGPFraming.nextMessageLength(buffer, maxLength: 4096) {
                #expect(n == buffer.count, "the length is reported as soon as the last byte arrives")
                lengths.append(n)
                buffer.removeFirst(n)
            }
        }
        #expect(lengths == [29, 19, 19 + 4 + basicAttributes.count + 4])
        #expect(buffer.isEmpty)
    }

    @Test func splitAtEveryPointOfTheHeader() throws {
        // The stream cut in two anywhere: the first piece never yields more than it holds.
        for cut in 0...stream.count {
            let first = Array(stream.prefix(cut))
            if let n = try BGPFraming.nextMessageLength(first, maxLength: 4096) {
                #expect(n <= cut)
                #expect(n == 29)
            } else {
                #expect(cut < 29)
            }
        }
    }

    @Test func badMarkerIsConnectionNotSynchronizedAsSoonAsSeen() {
        // RFC 4271 6.1: marker not all ones -> 1/1. The third octet already shows it.
        var bytes = keepalive
        bytes[2] = 0xFE
        for n in 3...19 {
            #expect(throws: BGPDecodeError(.messageHeader, 1, reason: "")) {
                try BGPFraming.nextMessageLength(Array(bytes.prefix(n)), maxLength: 4096)
            }
        }
        #expect(decodeError(bytes)?.notification == NotificationMessage(code: 1, subcode: 1))
    }

    @Test func lengthBelow19IsBadMessageLengthWithTheLengthAsData() {
        var bytes = keepalive
        bytes[16] = 0; bytes[17] = 18
        #expect(throws: BGPDecodeError(.messageHeader, 2, data: [0, 18], reason: "")) {
            try BGPFraming.nextMessageLength(bytes, maxLength: 4096)
        }
    }

    @Test func lengthAbove4096WithoutExtendedMessages() throws {
        // An UPDATE of 4097 octets: bad length without RFC 8654, fine with it.
        let valueLength = 4097 - 23 - basicAttributes.count - 4
        let big = updateMessage(attributes: basicAttributes + attribute(0xD0, 99, [UInt8](repeating: 7, count: valueLength)),
                                nlri: [])
        #expect(big.count == 4097)
        #expect(throws: BGPDecodeError(.messageHeader, 2, data: [0x10, 0x01], reason: "")) {
            try BGPFraming.nextMessageLength(big, maxLength: 4096)
        }
        #expect(try BGPFraming.nextMessageLength(big, maxLength: 65535) == 4097)
        let extended = CodecContext(extendedMessage: true)
        #expect(decodeError(big, CodecContext())?.notification == NotificationMessage(code: 1, subcode: 2, data: [0x10, 0x01]))
        let u = try decodeUpdate(big, extended)
        #expect(u.attributes.other.first?.value.count == valueLength)
        #expect(BGPMessage.update(u).encode(context: extended) == big)
    }

    @Test func openAndKeepaliveNeverExceed4096EvenWithExtendedMessages() throws {
        // RFC 8654 4: "the OPEN and KEEPALIVE messages MUST NOT exceed 4096 octets".
        var open = header(type: 1, bodyLength: 4097 - 19)
        open += [UInt8](repeating: 0, count: 4097 - 19)
        #expect(throws: BGPDecodeError(.messageHeader, 2, data: [0x10, 0x01], reason: "")) {
            try BGPFraming.nextMessageLength(open, maxLength: 65535)
        }
        var ka = header(type: 4, bodyLength: 1) + [0]
        #expect(throws: BGPDecodeError(.messageHeader, 2, data: [0, 20], reason: "")) {
            try BGPFraming.nextMessageLength(ka, maxLength: 65535)
        }
        ka = header(type: 4, bodyLength: 0)
        #expect(try BGPFraming.nextMessageLength(ka, maxLength: 65535) == 19)
    }

    @Test func unknownTypeIsBadMessageTypeWithTheTypeAsData() {
        let bytes = header(type: 6, bodyLength: 0)
        #expect(throws: BGPDecodeError(.messageHeader, 3, data: [6], reason: "")) {
            try BGPFraming.nextMessageLength(bytes, maxLength: 4096)
        }
        #expect(decodeError(header(type: 0, bodyLength: 4) + [0, 0, 0, 0])?.notification == NotificationMessage(code: 1, subcode: 3, data: [0]))
    }

    @Test(arguments: [
        // (type, total length): each below its type's minimum, or a KEEPALIVE that is not 19.
        (UInt8(1), 28), (UInt8(2), 22), (UInt8(3), 20), (UInt8(4), 20), (UInt8(5), 22),
    ])
    func perTypeMinimumLengths(type: UInt8, length: Int) {
        let bytes = header(type: type, bodyLength: length - 19) + [UInt8](repeating: 0, count: length - 19)
        #expect(throws: BGPDecodeError(.messageHeader, 2, data: [0, UInt8(length)], reason: "")) {
            try BGPFraming.nextMessageLength(bytes, maxLength: 4096)
        }
        #expect(decodeError(bytes)?.notification == NotificationMessage(code: 1, subcode: 2, data: [0, UInt8(length)]))
    }

    @Test func decodeRefusesBytesThatDisagreeWithTheLengthField() {
        // One byte missing, one byte extra: the length field decides, the bytes must match it.
        let ka = keepalive
        #expect(decodeError(Array(ka.prefix(18)))?.notification.subcode == 2)
        var long = header(type: 2, bodyLength: 4) + [0, 0, 0, 0]
        long.append(0)
        #expect(decodeError(long)?.notification == NotificationMessage(code: 1, subcode: 2, data: [0, 23]))
    }

    @Test func keepaliveRoundTrips() throws {
        #expect(try BGPMessage.decode(keepalive, context: CodecContext()) == .keepalive)
        #expect(BGPMessage.keepalive.encode(context: CodecContext()) == keepalive)
    }
}
