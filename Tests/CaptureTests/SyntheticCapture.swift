import NetAddress
@testable import Capture

/// Builds small captures in memory: the headers are written field by field so each test says
/// exactly what is on the wire.
struct SyntheticCapture {
    struct Seg {
        var src: Endpoint
        var dst: Endpoint
        var seq: UInt32
        var flags: UInt8 = 0x18      // PSH|ACK
        var payload: [UInt8]
        var time: UInt32
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
    static func le16(_ v: UInt16) -> [UInt8] { be16(v).reversed() }
    static func le32(_ v: UInt32) -> [UInt8] { be32(v).reversed() }

    static func tcp(_ s: Seg) -> [UInt8] {
        be16(s.src.port) + be16(s.dst.port) + be32(s.seq) + be32(0)
            + [0x50, s.flags] + be16(65535) + be16(0) + be16(0) + s.payload
    }

    /// IPv4 or IPv6 header + TCP.
    static func ip(_ s: Seg) -> [UInt8] {
        let t = tcp(s)
        switch (s.src.address, s.dst.address) {
        case (.v4(let a), .v4(let b)):
            return [0x45, 0] + be16(UInt16(20 + t.count)) + be16(1) + be16(0x4000) + [64, 6] + be16(0)
                + be32(a.value) + be32(b.value) + t
        case (.v6(let a), .v6(let b)):
            return [0x60, 0, 0, 0] + be16(UInt16(t.count)) + [6, 64] + a.bytes + b.bytes + t
        default:
            fatalError("mixed families")
        }
    }

    static func ethernet(_ s: Seg, vlan: UInt16? = nil) -> [UInt8] {
        let type: UInt16 = s.src.address.isV4 ? 0x0800 : 0x86DD
        var h: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]
        if let vlan { h += be16(0x8100) + be16(vlan) }
        return h + be16(type) + ip(s)
    }

    static func sll(_ s: Seg) -> [UInt8] {
        let type: UInt16 = s.src.address.isV4 ? 0x0800 : 0x86DD
        return be16(0) + be16(1) + be16(6) + [2, 0, 0, 0, 0, 1, 0, 0] + be16(type) + ip(s)
    }

    static func sll2(_ s: Seg) -> [UInt8] {
        let type: UInt16 = s.src.address.isV4 ? 0x0800 : 0x86DD
        return be16(type) + be16(0) + be32(2) + be16(1) + [0, 6] + [2, 0, 0, 0, 0, 1, 0, 0] + ip(s)
    }

    /// A little-endian microsecond pcap.
    static func pcap(linkType: UInt32, frames: [(time: UInt32, data: [UInt8])]) -> [UInt8] {
        var out = le32(0xA1B2_C3D4) + le16(2) + le16(4) + le32(0) + le32(0) + le32(262144) + le32(linkType)
        for f in frames {
            out += le32(1_700_000_000 + f.time) + le32(250) + le32(UInt32(f.data.count)) + le32(UInt32(f.data.count)) + f.data
        }
        return out
    }

    /// A big-endian nanosecond pcap.
    static func pcapNanoBE(linkType: UInt32, frames: [(time: UInt32, data: [UInt8])]) -> [UInt8] {
        var out = be32(0xA1B2_3C4D) + be16(2) + be16(4) + be32(0) + be32(0) + be32(262144) + be32(linkType)
        for f in frames {
            out += be32(1_700_000_000 + f.time) + be32(7) + be32(UInt32(f.data.count)) + be32(UInt32(f.data.count)) + f.data
        }
        return out
    }

    /// A little-endian pcapng with one interface (microsecond resolution) and Enhanced Packet Blocks.
    static func pcapng(linkType: UInt16, frames: [(time: UInt32, data: [UInt8])]) -> [UInt8] {
        func block(_ type: UInt32, _ body: [UInt8]) -> [UInt8] {
            var b = body
            while b.count % 4 != 0 { b.append(0) }
            let total = UInt32(12 + b.count)
            return le32(type) + le32(total) + b + le32(total)
        }
        var out = block(0x0A0D_0D0A, le32(0x1A2B_3C4D) + le16(1) + le16(0) + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF))
        out += block(1, le16(linkType) + le16(0) + le32(262144))
        for f in frames {
            let ticks = UInt64(1_700_000_000 + f.time) * 1_000_000 + 250
            out += block(6, le32(0) + le32(UInt32(ticks >> 32)) + le32(UInt32(ticks & 0xFFFF_FFFF))
                + le32(UInt32(f.data.count)) + le32(UInt32(f.data.count)) + f.data)
        }
        return out
    }
}
