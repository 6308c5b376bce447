import BGP
import NetAddress
import Testing
@testable import bgpd
@testable import Capture

/// Splitting a direction's bytes into messages when the bytes are not clean: garbage between
/// messages, a bad header, a hole in the capture, a stream cut short.
@Suite struct DecodeFramingTests {
    /// A KEEPALIVE: marker, length 19, type 4.
    static let keepalive: [UInt8] = [UInt8](repeating: 0xFF, count: 16) + [0x00, 0x13, 0x04]
    /// A ROUTE-REFRESH for IPv4 unicast: length 23, type 5, AFI 1, subtype 0, SAFI 1.
    static let routeRefresh: [UInt8] = [UInt8](repeating: 0xFF, count: 16) + [0x00, 0x17, 0x05, 0x00, 0x01, 0x00, 0x01]

    static func kinds(_ pieces: [StreamFramer.Piece]) -> [String] {
        pieces.map {
            switch $0 {
            case .message(let o, let b): return "msg@\(o)/\(b.count)"
            case .problem(let o, let p): return "problem@\(o)->\(p.resumedAt.map(String.init) ?? "end")/\(p.skipped)"
            }
        }
    }

    @Test func cleanStreamFramesEveryMessage() {
        let data = Self.keepalive + Self.routeRefresh + Self.keepalive
        #expect(Self.kinds(StreamFramer.frame(data)) == ["msg@0/19", "msg@19/23", "msg@42/19"])
    }

    @Test func garbageBetweenMessagesIsSkippedToTheNextMarker() {
        let data = Self.keepalive + [0x01, 0x02, 0x03, 0xFF, 0xFF] + Self.routeRefresh
        let pieces = StreamFramer.frame(data)
        #expect(Self.kinds(pieces) == ["msg@0/19", "problem@19->24/5", "msg@24/23"])
        // The problem says what a speaker would have sent: Connection Not Synchronized (1/1).
        if case .problem(_, let p) = pieces[1] {
            #expect(p.notification?.code == 1)
            #expect(p.notification?.subcode == 1)
        }
    }

    @Test func badLengthResynchronises() {
        var bad = Self.keepalive
        bad[17] = 0x05   // length 5: below the 19-octet minimum
        let data = bad + Self.keepalive
        let pieces = StreamFramer.frame(data)
        #expect(Self.kinds(pieces) == ["problem@0->19/19", "msg@19/19"])
        if case .problem(_, let p) = pieces[0] {
            #expect(p.notification == NotificationMessage(code: 1, subcode: 2, data: [0x00, 0x05]))
        }
    }

    @Test func noFurtherMarkerStopsTheStream() {
        let data = Self.keepalive + [UInt8](repeating: 0x42, count: 40)
        #expect(Self.kinds(StreamFramer.frame(data)) == ["msg@0/19", "problem@19->end/40"])
    }

    @Test func truncatedEndIsReported() {
        let data = Self.keepalive + Array(Self.routeRefresh.prefix(10))
        let pieces = StreamFramer.frame(data)
        #expect(Self.kinds(pieces) == ["msg@0/19", "problem@19->end/10"])
        if case .problem(_, let p) = pieces[1] { #expect(p.reason.contains("ends inside a message")) }
    }

    /// A message whose end fell into a hole of the capture is reported, and decoding resumes at
    /// the first header after the hole.
    @Test func messageRunningIntoAGap() {
        // A ROUTE-REFRESH cut after 12 octets, the hole, then the tail of something and a KEEPALIVE.
        let data = Array(Self.routeRefresh.prefix(12)) + [0x00, 0x01] + Self.keepalive
        let pieces = StreamFramer.frame(data, gaps: [12])
        #expect(Self.kinds(pieces) == ["problem@0->14/14", "msg@14/19"])
        if case .problem(_, let p) = pieces[0] {
            #expect(p.notification == nil)   // a capture artefact, not the peer's fault
            #expect(p.reason.contains("lost bytes"))
        }
    }

    /// A run of more than 16 octets of 0xFF: the header starts where the length that follows makes sense.
    @Test func longRunOfOnes() {
        let data = [0xFF, 0xFF, 0xFF] + Self.keepalive
        #expect(Self.kinds(StreamFramer.frame(data)) == ["problem@0->3/3", "msg@3/19"])
    }

    /// End to end through `CaptureDecoder`: items carry the time and frame at which the message
    /// became complete, and undecodable bytes do not stop the stream.
    @Test func decoderReportsAndContinues() throws {
        let a = Endpoint(address: .v4(IPv4Address(10, 0, 0, 1)), port: 40000)
        let b = Endpoint(address: .v4(IPv4Address(10, 0, 0, 2)), port: 179)
        let data = Self.keepalive + [0x00] + Self.keepalive
        let marks = [TCPStream.Mark(offset: 0, time: Timestamp(seconds: 100, nanoseconds: 0), frame: 3),
                     TCPStream.Mark(offset: 19, time: Timestamp(seconds: 101, nanoseconds: 5), frame: 7)]
        let stream = TCPStream(source: a, destination: b, firstFrame: 1, data: data, marks: marks, gaps: [])
        let d = CaptureDecoder.decode(streams: [stream])
        #expect(d.items.count == 3)
        #expect(d.items.map(\.frame) == [3, 7, 7])
        #expect(d.items.first?.message == .keepalive)
        #expect(d.items.last?.message == .keepalive)
        if case .framing(let p) = d.items[1].kind {
            #expect(p.skipped == 1)
            #expect(p.resumedAt == 20)
        } else {
            Issue.record("expected a framing problem, got \(d.items[1].kind)")
        }
        #expect(d.streams.first?.context.origin == .assumed)
    }
}
