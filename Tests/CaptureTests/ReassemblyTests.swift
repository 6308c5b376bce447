import Testing
import NetAddress
@testable import Capture

@Suite struct ReassemblyTests {
    let a = Endpoint(address: IPAddress("10.0.0.1")!, port: 40000)
    let b = Endpoint(address: IPAddress("10.0.0.2")!, port: 179)
    let a6 = Endpoint(address: IPAddress("fe80::1")!, port: 40000)
    let b6 = Endpoint(address: IPAddress("fe80::2")!, port: 179)

    func bytes(_ range: ClosedRange<UInt8>) -> [UInt8] { Array(range) }

    @Test func inOrderRetransmittedAndOutOfOrder() throws {
        let isn: UInt32 = 1000
        let segs: [SyntheticCapture.Seg] = [
            .init(src: a, dst: b, seq: isn, flags: 0x02, payload: [], time: 0),            // SYN
            .init(src: a, dst: b, seq: isn + 1, payload: bytes(1...10), time: 1),
            .init(src: a, dst: b, seq: isn + 21, payload: bytes(21...30), time: 2),        // out of order
            .init(src: a, dst: b, seq: isn + 1, payload: bytes(1...10), time: 3),          // retransmission
            .init(src: a, dst: b, seq: isn + 11, payload: bytes(11...20), time: 4),        // fills the hole
            .init(src: a, dst: b, seq: isn + 16, payload: bytes(16...25), time: 5),        // overlapping retransmission
            .init(src: b, dst: a, seq: 77, payload: [0xAA, 0xBB], time: 6),
        ]
        let file = SyntheticCapture.pcap(linkType: 1, frames: segs.map { ($0.time, SyntheticCapture.ethernet($0)) })
        let cap = try CaptureFile(bytes: file)
        #expect(cap.format == .pcap)
        #expect(cap.packets.count == 7)
        let streams = TCPReassembler.streams(cap, port: 179)
        #expect(streams.count == 2)
        let s = try #require(streams.first { $0.source == a })
        #expect(s.data == bytes(1...30))
        #expect(s.gaps.isEmpty)
        // Bytes 21-30 arrived in frame 3 but became available only when 11-20 arrived in frame 5.
        #expect(s.availability(at: 0).frame == 2)
        #expect(s.availability(at: 10).frame == 5)
        #expect(s.availability(at: 25).frame == 5)
        let r = try #require(streams.first { $0.source == b })
        #expect(r.data == [0xAA, 0xBB])
    }

    @Test func noSYNStartsAtLowestSequenceAndWraps() throws {
        // Sequence numbers wrap around 2^32 inside the stream; the first segment seen is not the first in order.
        let top: UInt32 = 0xFFFF_FFF8
        let segs: [SyntheticCapture.Seg] = [
            .init(src: a6, dst: b6, seq: top &+ 8, payload: bytes(9...12), time: 0),
            .init(src: a6, dst: b6, seq: top, payload: bytes(1...8), time: 1),
        ]
        let cap = try CaptureFile(bytes: SyntheticCapture.pcapng(linkType: 1, frames: segs.map { ($0.time, SyntheticCapture.ethernet($0, vlan: 10)) }))
        #expect(cap.format == .pcapng)
        let streams = TCPReassembler.streams(cap)
        #expect(streams.count == 1)
        #expect(streams[0].data == bytes(1...12))
        #expect(streams[0].source == a6)
        #expect(cap.packets[0].time.seconds == 1_700_000_000)
        #expect(cap.packets[0].time.nanoseconds == 250_000)
    }

    @Test func holeIsRecordedAndSkipped() throws {
        let segs: [SyntheticCapture.Seg] = [
            .init(src: a, dst: b, seq: 1, flags: 0x02, payload: [], time: 0),
            .init(src: a, dst: b, seq: 2, payload: bytes(1...4), time: 1),
            .init(src: a, dst: b, seq: 10, payload: bytes(9...12), time: 2),
        ]
        let cap = try CaptureFile(bytes: SyntheticCapture.pcap(linkType: 113, frames: segs.map { ($0.time, SyntheticCapture.sll($0)) }))
        let s = TCPReassembler.streams(cap)
        #expect(s.count == 1)
        #expect(s[0].data == bytes(1...4) + bytes(9...12))
        #expect(s[0].gaps == [4])
    }

    @Test func linkTypes() throws {
        let seg = SyntheticCapture.Seg(src: a6, dst: b6, seq: 5, payload: [1, 2, 3], time: 0)
        let variants: [(UInt32, [UInt8])] = [
            (1, SyntheticCapture.ethernet(seg)),
            (1, SyntheticCapture.ethernet(seg, vlan: 7)),
            (113, SyntheticCapture.sll(seg)),
            (276, SyntheticCapture.sll2(seg)),
            (101, SyntheticCapture.ip(seg)),
            (229, SyntheticCapture.ip(seg)),
        ]
        for (lt, frame) in variants {
            let cap = try CaptureFile(bytes: SyntheticCapture.pcapNanoBE(linkType: lt, frames: [(0, frame)]))
            #expect(cap.packets.first?.time.nanoseconds == 7)
            let s = TCPReassembler.streams(cap)
            #expect(s.count == 1, "link type \(lt)")
            #expect(s.first?.data == [1, 2, 3], "link type \(lt)")
            #expect(s.first?.destination == b6, "link type \(lt)")
        }
    }

    /// Data on a SYN: RFC 793 numbers it from SYN + 1; some replay tools from the SYN itself.
    @Test(arguments: [true, false]) func dataOnSYN(rfcNumbering: Bool) throws {
        let isn: UInt32 = 500
        let first: UInt32 = rfcNumbering ? isn + 1 : isn
        let segs: [SyntheticCapture.Seg] = [
            .init(src: a, dst: b, seq: isn, flags: 0x02, payload: bytes(1...5), time: 0),
            .init(src: a, dst: b, seq: first + 5, payload: bytes(6...9), time: 1),
        ]
        let cap = try CaptureFile(bytes: SyntheticCapture.pcap(linkType: 1, frames: segs.map { ($0.time, SyntheticCapture.ethernet($0)) }))
        let s = TCPReassembler.streams(cap)
        #expect(s.count == 1)
        #expect(s.first?.data == bytes(1...9))
        #expect(s.first?.gaps == [])
    }

    /// Cisco HDLC (LINKTYPE_C_HDLC), with and without an MPLS label stack before IP.
    @Test func ciscoHDLCAndMPLS() throws {
        let seg = SyntheticCapture.Seg(src: a, dst: b, seq: 9, payload: [7, 8], time: 0)
        let plain: [UInt8] = [0x0F, 0x00, 0x08, 0x00] + SyntheticCapture.ip(seg)
        // Two labels: 16 (S=0) then 17 (S=1).
        let mpls: [UInt8] = [0x0F, 0x00, 0x88, 0x47, 0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x11, 0x40] + SyntheticCapture.ip(seg)
        for frame in [plain, mpls] {
            let cap = try CaptureFile(bytes: SyntheticCapture.pcap(linkType: 104, frames: [(0, frame)]))
            let s = TCPReassembler.streams(cap)
            #expect(s.first?.data == [7, 8])
        }
    }

    @Test func newSYNStartsNewConnection() throws {
        let segs: [SyntheticCapture.Seg] = [
            .init(src: a, dst: b, seq: 100, flags: 0x02, payload: [], time: 0),
            .init(src: a, dst: b, seq: 101, payload: [1, 2], time: 1),
            .init(src: a, dst: b, seq: 5000, flags: 0x02, payload: [], time: 2),
            .init(src: a, dst: b, seq: 5001, payload: [3, 4], time: 3),
        ]
        let cap = try CaptureFile(bytes: SyntheticCapture.pcap(linkType: 1, frames: segs.map { ($0.time, SyntheticCapture.ethernet($0)) }))
        let s = TCPReassembler.streams(cap)
        #expect(s.map(\.data) == [[1, 2], [3, 4]])
    }

    @Test func damagedFilesAreErrorsNotTraps() {
        #expect(throws: CaptureError.self) { try CaptureFile(bytes: [1, 2, 3]) }
        #expect(throws: CaptureError.self) { try CaptureFile(bytes: [0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 0]) }
        // A truncated final record ends the capture.
        var f = SyntheticCapture.pcap(linkType: 1, frames: [(0, [1, 2, 3, 4])])
        f.removeLast(2)
        #expect((try? CaptureFile(bytes: f))?.packets.count == 0)
        // Every prefix of a valid pcapng reads or fails cleanly.
        let seg = SyntheticCapture.Seg(src: a, dst: b, seq: 5, payload: [1, 2, 3], time: 0)
        let ng = SyntheticCapture.pcapng(linkType: 1, frames: [(0, SyntheticCapture.ethernet(seg)), (1, SyntheticCapture.ethernet(seg))])
        for n in 0...ng.count {
            _ = try? CaptureFile(bytes: Array(ng[0..<n]))
        }
    }
}
