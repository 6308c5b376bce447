import Testing
@testable import BGP

/// Cease subcodes (RFC 4486), the shutdown communication (RFC 9003) and Hard Reset (RFC 8538).
@Suite struct SessionNotificationTests {
    /// The Cease/9 FRR 8.4.4 sent in frr-unnumbered-r1-r2.pcap, frame 77 (code 6 subcode 9,
    /// data 06:02:0c:"lab-teardown").
    static let frrHardReset = NotificationMessage(code: 6, subcode: 9,
                                                  data: [0x06, 0x02, 0x0c] + Array("lab-teardown".utf8))

    @Test func frrHardResetDecodes() throws {
        let n = Self.frrHardReset
        #expect(n.isHardReset)
        let inner = try #require(n.hardResetInner)
        #expect(inner == .adminShutdown(message: "lab-teardown"))
        #expect(n.shutdownMessage == "lab-teardown")
        #expect(n.summary == "Cease/Hard Reset (Cease/Administrative Shutdown \"lab-teardown\")")
        // Built the other way round, it is the same bytes.
        #expect(NotificationMessage.hardReset(inner: .adminShutdown(message: "lab-teardown")) == n)
    }

    @Test func shutdownCommunicationEncoding() {
        #expect(NotificationMessage.adminShutdown(message: "bye") == NotificationMessage(code: 6, subcode: 2, data: [3, 0x62, 0x79, 0x65]))
        #expect(NotificationMessage.adminShutdown().data.isEmpty)
        #expect(NotificationMessage.adminReset(message: "").data == [0])
        // 255 octets at most, cut on a character boundary: "é" is 2 octets in UTF-8.
        let long = String(repeating: "é", count: 200)
        let data = NotificationMessage.shutdownCommunication(long)
        #expect(data[0] == 254 && data.count == 255)
        #expect(NotificationMessage(code: 6, subcode: 2, data: data).shutdownMessage == String(repeating: "é", count: 127))
        let ascii = NotificationMessage.shutdownCommunication(String(repeating: "x", count: 300))
        #expect(ascii[0] == 255 && ascii.count == 256)
    }

    @Test func malformedShutdownCommunicationsAreNotText() {
        // Length beyond the data.
        #expect(NotificationMessage(code: 6, subcode: 2, data: [10, 0x61]).shutdownMessage == nil)
        // Not UTF-8.
        #expect(NotificationMessage(code: 6, subcode: 2, data: [2, 0xC3, 0x28]).shutdownMessage == nil)
        // Not a subcode that carries one.
        #expect(NotificationMessage(code: 6, subcode: 3, data: [1, 0x61]).shutdownMessage == nil)
        // A Hard Reset too short to hold a code and subcode.
        #expect(NotificationMessage(code: 6, subcode: 9, data: [6]).hardResetInner == nil)
        // Extra octets after the communication are tolerated (RFC 9003 leaves room for them).
        #expect(NotificationMessage(code: 6, subcode: 4, data: [1, 0x61, 0xFF]).shutdownMessage == "a")
    }

    @Test func fsmErrorSubcodes() {
        #expect(NotificationMessage.fsmError(unexpectedMessageIn: .openSent) == NotificationMessage(code: 5, subcode: 1))
        #expect(NotificationMessage.fsmError(unexpectedMessageIn: .openConfirm) == NotificationMessage(code: 5, subcode: 2))
        #expect(NotificationMessage.fsmError(unexpectedMessageIn: .established) == NotificationMessage(code: 5, subcode: 3))
        #expect(NotificationMessage.fsmError(unexpectedMessageIn: .connect) == NotificationMessage(code: 5, subcode: 0))
    }

    @Test func ceaseSubcodesOfRFC4486() {
        let expected: [(CeaseSubcode, UInt8, String)] = [
            (.maximumPrefixesReached, 1, "Cease/Maximum Number of Prefixes Reached"),
            (.administrativeShutdown, 2, "Cease/Administrative Shutdown"),
            (.peerDeconfigured, 3, "Cease/Peer De-configured"),
            (.administrativeReset, 4, "Cease/Administrative Reset"),
            (.connectionRejected, 5, "Cease/Connection Rejected"),
            (.otherConfigurationChange, 6, "Cease/Other Configuration Change"),
            (.connectionCollisionResolution, 7, "Cease/Connection Collision Resolution"),
            (.outOfResources, 8, "Cease/Out of Resources"),
        ]
        for (sub, raw, text) in expected {
            let n = NotificationMessage.cease(sub)
            #expect(n.code == 6 && n.subcode == raw)
            #expect(n.summary == text)
        }
        #expect(NotificationMessage(code: 9, subcode: 9).summary == "code 9/9")
        #expect(NotificationMessage.unsupportedVersion.isVersionError)
    }
}
