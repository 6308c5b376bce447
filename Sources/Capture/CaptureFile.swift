// Capture: reading packet captures, for `bgpd decode`, `bgpd replay` and the fixture tests.
//
// It owns the pcap and pcapng file formats, the link layers seen in BGP captures (Ethernet with
// VLAN tags, Linux cooked SLL and SLL2, raw IP, BSD loopback), IPv4/IPv6/TCP headers, and TCP
// reassembly per direction. Data flows: file bytes -> `CaptureFile` (packets with time and link
// type) -> `PacketDecoder` (TCP segments) -> `TCPReassembler` (one ordered byte stream per
// direction, with the time and frame at which each byte became available). It knows nothing of
// BGP: splitting a stream into messages is the codec's job.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A capture timestamp: seconds and nanoseconds since the Unix epoch.
public struct Timestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    public var nanoseconds: UInt32
    public init(seconds: Int64, nanoseconds: UInt32) { self.seconds = seconds; self.nanoseconds = nanoseconds }
    public static let zero = Timestamp(seconds: 0, nanoseconds: 0)

    /// `1700000000.123456789`
    public var description: String {
        var frac = String(nanoseconds)
        while frac.count < 9 { frac = "0" + frac }
        return "\(seconds).\(frac)"
    }
    public var asDouble: Double { Double(seconds) + Double(nanoseconds) / 1e9 }
    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        a.seconds != b.seconds ? a.seconds < b.seconds : a.nanoseconds < b.nanoseconds
    }
}

/// One captured packet.
public struct CapturedPacket: Sendable {
    /// 1-based frame number, as tshark counts.
    public var frame: Int
    public var time: Timestamp
    /// The LINKTYPE_ value of the interface it was captured on.
    public var linkType: UInt32
    /// The captured bytes (possibly truncated to the snap length).
    public var data: [UInt8]
    /// The length of the packet on the wire.
    public var originalLength: Int
}

/// Why a capture could not be read.
public struct CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A pcap or pcapng file, fully read.
public struct CaptureFile: Sendable {
    public enum Format: String, Sendable { case pcap, pcapng }
    public var format: Format
    public var packets: [CapturedPacket]

    /// Reads a file from disk.
    public init(path: String) throws(CaptureError) {
        try self.init(bytes: try CaptureFile.readFile(path))
    }

    /// Parses a whole capture held in memory. A truncated final record ends the capture (as
    /// tcpdump writes them when killed); a damaged header is an error.
    public init(bytes: [UInt8]) throws(CaptureError) {
        guard bytes.count >= 4 else { throw CaptureError("file too short for a capture header") }
        let magicBE = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        switch magicBE {
        case 0x0A0D_0D0A:
            format = .pcapng
            packets = try PcapNGReader.read(bytes)
        case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1:
            format = .pcap
            packets = try PcapReader.read(bytes)
        default:
            throw CaptureError("not a pcap or pcapng file (magic \(String(magicBE, radix: 16)))")
        }
    }

    static func readFile(_ path: String) throws(CaptureError) -> [UInt8] {
        guard let f = fopen(path, "rb") else {
            throw CaptureError("\(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                if ferror(f) != 0 { throw CaptureError("\(path): read error") }
                break
            }
        }
        return out
    }
}

/// Bounds-checked little/big-endian reads over a byte array.
struct ByteView {
    let bytes: [UInt8]
    var bigEndian: Bool

    func u8(_ at: Int) -> UInt8? { at >= 0 && at < bytes.count ? bytes[at] : nil }

    func u16(_ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        let a = UInt16(bytes[at]), b = UInt16(bytes[at + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u32(_ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        let a = UInt32(bytes[at]), b = UInt32(bytes[at + 1]), c = UInt32(bytes[at + 2]), d = UInt32(bytes[at + 3])
        return bigEndian ? a << 24 | b << 16 | c << 8 | d : d << 24 | c << 16 | b << 8 | a
    }

    func slice(_ at: Int, _ count: Int) -> [UInt8]? {
        guard at >= 0, count >= 0, at <= bytes.count, count <= bytes.count - at else { return nil }
        return Array(bytes[at..<(at + count)])
    }
}
