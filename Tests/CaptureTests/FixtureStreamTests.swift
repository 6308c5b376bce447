import Testing
import NetAddress
@testable import Capture

/// The project root, found from this file's path.
let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)   // Tests/CaptureTests/File.swift
    return parts.joined(separator: "/")
}()

@Suite struct FixtureStreamTests {
    /// The reassembled streams of a real FRR capture: every BGP marker that starts a message in
    /// tshark's view must be found at a message boundary of ours.
    @Test func frrCaptureStreams() throws {
        let cap = try CaptureFile(path: packageRoot + "/../shared/captures/frr-unnumbered-r1-r2.pcap")
        let streams = TCPReassembler.streams(cap, port: 179)
        // `tshark -z conv,tcp` shows two connections (a collision); on the first, only one side
        // sent data before it was closed, so three directions carry bytes.
        #expect(streams.count == 3)
        for s in streams {
            #expect(s.gaps.isEmpty)
            // Walk BGP headers: each starts with 16 x 0xff and its length field leads to the next.
            var at = 0
            var messages = 0
            while at + 19 <= s.data.count {
                #expect(s.data[at..<(at + 16)].allSatisfy { $0 == 0xFF })
                let len = Int(s.data[at + 16]) << 8 | Int(s.data[at + 17])
                #expect(len >= 19)
                at += len
                messages += 1
            }
            #expect(at == s.data.count)
            #expect(messages > 0)
        }
    }
}
