/// The classic libpcap format: a 24-byte global header, then 16-byte record headers.
///
/// ```
/// magic (4) | version major (2) | minor (2) | thiszone (4) | sigfigs (4) | snaplen (4) | linktype (4)
/// ts_sec (4) | ts_usec or ts_nsec (4) | incl_len (4) | orig_len (4) | data (incl_len)
/// ```
/// Magic 0xa1b2c3d4 means microsecond timestamps, 0xa1b23c4d nanoseconds; byte-swapped magic
/// means the file was written on a machine of the other endianness.
enum PcapReader {
    static func read(_ bytes: [UInt8]) throws(CaptureError) -> [CapturedPacket] {
        guard bytes.count >= 24 else { throw CaptureError("pcap global header truncated") }
        let be = ByteView(bytes: bytes, bigEndian: true)
        guard let magic = be.u32(0) else { throw CaptureError("pcap header truncated") }
        let bigEndian = magic == 0xA1B2_C3D4 || magic == 0xA1B2_3C4D
        let nanos = magic == 0xA1B2_3C4D || magic == 0x4D3C_B2A1
        let v = ByteView(bytes: bytes, bigEndian: bigEndian)
        guard let rawLinkType = v.u32(20) else { throw CaptureError("pcap header truncated") }
        // The upper bits may carry FCS information (pcap-linktype(7)); the link type is the low 16.
        let linkType = rawLinkType & 0xFFFF
        var packets: [CapturedPacket] = []
        var at = 24
        var frame = 1
        while at + 16 <= bytes.count {
            guard let sec = v.u32(at), let sub = v.u32(at + 4), let incl = v.u32(at + 8), let orig = v.u32(at + 12)
            else { break }
            let start = at + 16
            guard let data = v.slice(start, Int(incl)) else { break }   // truncated final record
            let ns = nanos ? sub : sub &* 1000
            packets.append(CapturedPacket(frame: frame, time: Timestamp(seconds: Int64(sec), nanoseconds: ns % 1_000_000_000),
                                          linkType: linkType, data: data, originalLength: Int(orig)))
            frame += 1
            at = start + Int(incl)
        }
        return packets
    }
}

/// The pcapng format: a sequence of blocks, each `type (4) | total length (4) | body | total length (4)`.
/// Section Header Blocks set the byte order; Interface Description Blocks give each interface's
/// link type and timestamp resolution; packets come in Enhanced, Simple or (obsolete) Packet blocks.
enum PcapNGReader {
    struct Interface { var linkType: UInt32; var unitsPerSecond: UInt64 }

    static func read(_ bytes: [UInt8]) throws(CaptureError) -> [CapturedPacket] {
        var packets: [CapturedPacket] = []
        var v = ByteView(bytes: bytes, bigEndian: false)
        var interfaces: [Interface] = []
        var at = 0
        var frame = 1
        while at + 12 <= bytes.count {
            guard let rawType = ByteView(bytes: bytes, bigEndian: false).u32(at) else { break }
            if rawType == 0x0A0D_0D0A {
                // Section Header Block: the byte-order magic decides the endianness of this section.
                guard let bom = ByteView(bytes: bytes, bigEndian: false).u32(at + 8) else { break }
                if bom == 0x1A2B_3C4D { v.bigEndian = false }
                else if bom == 0x4D3C_2B1A { v.bigEndian = true }
                else { throw CaptureError("pcapng section header with bad byte-order magic at offset \(at)") }
                interfaces = []
            }
            guard let type = v.u32(at), let total = v.u32(at + 4) else { break }
            let length = Int(total)
            guard length >= 12, length % 4 == 0 || type == 0x0A0D_0D0A else {
                throw CaptureError("pcapng block at offset \(at) has bad length \(length)")
            }
            guard length <= bytes.count - at else { break }    // truncated final block
            let body = at + 8
            let bodyEnd = at + length - 4
            switch type {
            case 1: // Interface Description Block
                guard let lt = v.u16(body) else { break }
                var units: UInt64 = 1_000_000
                var opt = body + 8
                while opt + 4 <= bodyEnd {
                    guard let code = v.u16(opt), let olen = v.u16(opt + 2) else { break }
                    if code == 0 { break }
                    if code == 9, olen >= 1, let r = v.u8(opt + 4) {
                        // if_tsresol: high bit set means a power of two, else a power of ten.
                        let exp = UInt64(r & 0x7F)
                        if r & 0x80 != 0 {
                            if exp < 64 { units = 1 << exp }
                        } else if exp <= 19 {
                            units = 1
                            for _ in 0..<exp { units *= 10 }
                        }
                    }
                    opt += 4 + (Int(olen) + 3) / 4 * 4
                }
                interfaces.append(Interface(linkType: UInt32(lt), unitsPerSecond: units))
            case 6, 2: // Enhanced Packet Block; obsolete Packet Block
                let isEPB = type == 6
                guard let ifIndex = isEPB ? v.u32(body) : v.u16(body).map(UInt32.init),
                      let hi = v.u32(body + 4), let lo = v.u32(body + 8),
                      let cap = v.u32(body + 12), let orig = v.u32(body + 16),
                      let data = v.slice(body + 20, Int(cap)), body + 20 + Int(cap) <= bodyEnd
                else { throw CaptureError("pcapng packet block at offset \(at) is malformed") }
                guard Int(ifIndex) < interfaces.count else {
                    throw CaptureError("pcapng packet block at offset \(at) names interface \(ifIndex), which is not described")
                }
                let intf = interfaces[Int(ifIndex)]
                let ticks = UInt64(hi) << 32 | UInt64(lo)
                let secs = ticks / intf.unitsPerSecond
                let rem = ticks % intf.unitsPerSecond
                let ns = intf.unitsPerSecond >= 1_000_000_000 ? rem / (intf.unitsPerSecond / 1_000_000_000)
                    : rem * (1_000_000_000 / intf.unitsPerSecond)
                packets.append(CapturedPacket(frame: frame, time: Timestamp(seconds: Int64(secs), nanoseconds: UInt32(ns)),
                                              linkType: intf.linkType, data: data, originalLength: Int(orig)))
                frame += 1
            case 3: // Simple Packet Block: interface 0, no timestamp.
                guard let orig = v.u32(body), let first = interfaces.first else { break }
                let cap = min(Int(orig), bodyEnd - (body + 4))
                guard let data = v.slice(body + 4, cap) else { break }
                packets.append(CapturedPacket(frame: frame, time: .zero, linkType: first.linkType, data: data,
                                              originalLength: Int(orig)))
                frame += 1
            default:
                // Name resolution, statistics, custom and other blocks are counted by tshark as
                // nothing; they carry no packets.
                break
            }
            at += length
        }
        return packets
    }
}
