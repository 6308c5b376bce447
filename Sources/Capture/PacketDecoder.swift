import NetAddress

/// A transport endpoint: address and port.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public init(address: IPAddress, port: UInt16) { self.address = address; self.port = port }
    /// `10.0.0.1:179`, `[fe80::1]:179`
    public var description: String {
        address.isV4 ? "\(address):\(port)" : "[\(address)]:\(port)"
    }
    public static func < (a: Endpoint, b: Endpoint) -> Bool {
        a.address != b.address ? a.address < b.address : a.port < b.port
    }
}

/// A TCP segment taken out of a captured packet.
public struct TCPSegment: Sendable {
    public var frame: Int
    public var time: Timestamp
    public var source: Endpoint
    public var destination: Endpoint
    public var sequence: UInt32
    public var flags: UInt8
    public var payload: [UInt8]

    public var isSYN: Bool { flags & 0x02 != 0 }
    public var isFIN: Bool { flags & 0x01 != 0 }
    public var isRST: Bool { flags & 0x04 != 0 }
}

/// Link layers, IPv4/IPv6 and TCP headers.
public enum PacketDecoder {
    /// LINKTYPE_ values (https://www.tcpdump.org/linktypes.html).
    public enum LinkType {
        public static let null: UInt32 = 0
        public static let ethernet: UInt32 = 1
        public static let rawAlt: UInt32 = 12
        public static let raw: UInt32 = 101
        public static let loop: UInt32 = 108
        public static let ciscoHDLC: UInt32 = 104
        public static let linuxSLL: UInt32 = 113
        public static let ipv4: UInt32 = 228
        public static let ipv6: UInt32 = 229
        public static let linuxSLL2: UInt32 = 276
    }

    /// The TCP segment a packet carries, or nil for anything else (ARP, ICMPv6, UDP, fragments,
    /// truncated headers).
    public static func tcpSegment(_ packet: CapturedPacket) -> TCPSegment? {
        let d = packet.data
        guard let (ethertype, offset) = network(d, linkType: packet.linkType) else { return nil }
        switch ethertype {
        case 0x0800: return ipv4(d, offset, packet)
        case 0x86DD: return ipv6(d, offset, packet)
        default: return nil
        }
    }

    /// The EtherType of the network layer and where it starts. An MPLS label stack is skipped and
    /// the IP version under it read from the first nibble.
    static func network(_ d: [UInt8], linkType: UInt32) -> (UInt16, Int)? {
        guard let (type, at) = linkLayer(d, linkType: linkType) else { return nil }
        guard type == 0x8847 || type == 0x8848 else { return (type, at) }
        let v = ByteView(bytes: d, bigEndian: true)
        var off = at
        while true {
            guard let s = v.u8(off + 2) else { return nil }
            off += 4
            if s & 0x01 != 0 { break }      // bottom of stack
        }
        guard let first = v.u8(off) else { return nil }
        switch first >> 4 {
        case 4: return (0x0800, off)
        case 6: return (0x86DD, off)
        default: return nil
        }
    }

    static func linkLayer(_ d: [UInt8], linkType: UInt32) -> (UInt16, Int)? {
        let v = ByteView(bytes: d, bigEndian: true)
        switch linkType {
        case LinkType.ciscoHDLC:
            // Address (1), control (1), protocol (2, an EtherType).
            guard let type = v.u16(2) else { return nil }
            return (type, 4)
        case LinkType.ethernet:
            var at = 12
            guard var type = v.u16(at) else { return nil }
            // 802.1Q, 802.1ad and the old QinQ types: skip the tags.
            while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
                at += 4
                guard let t = v.u16(at) else { return nil }
                type = t
            }
            return (type, at + 2)
        case LinkType.linuxSLL:
            guard let type = v.u16(14) else { return nil }
            return (type, 16)
        case LinkType.linuxSLL2:
            guard let type = v.u16(0) else { return nil }
            return (type, 20)
        case LinkType.raw, LinkType.rawAlt:
            guard let first = v.u8(0) else { return nil }
            switch first >> 4 {
            case 4: return (0x0800, 0)
            case 6: return (0x86DD, 0)
            default: return nil
            }
        case LinkType.ipv4: return (0x0800, 0)
        case LinkType.ipv6: return (0x86DD, 0)
        case LinkType.null, LinkType.loop:
            // A 4-byte address family in the writer's byte order (null) or network order (loop).
            guard let b0 = v.u8(0), let b3 = v.u8(3) else { return nil }
            let family = b0 != 0 ? b0 : b3
            switch family {
            case 2: return (0x0800, 4)
            case 24, 28, 30: return (0x86DD, 4)
            default: return nil
            }
        default:
            return nil
        }
    }

    static func ipv4(_ d: [UInt8], _ at: Int, _ p: CapturedPacket) -> TCPSegment? {
        let v = ByteView(bytes: d, bigEndian: true)
        guard let vihl = v.u8(at), vihl >> 4 == 4, let total = v.u16(at + 2), let frag = v.u16(at + 6),
              let proto = v.u8(at + 9), let src = v.u32(at + 12), let dst = v.u32(at + 16) else { return nil }
        let ihl = Int(vihl & 0x0F) * 4
        guard ihl >= 20, proto == 6 else { return nil }
        // Fragments (more-fragments flag or a non-zero offset) are not reassembled.
        guard frag & 0x3FFF == 0 else { return nil }
        // Ethernet padding follows short packets: trust the IP total length, not the frame.
        let end = min(at + Int(total), d.count)
        guard Int(total) >= ihl else { return nil }
        return tcp(d, at + ihl, end, .v4(IPv4Address(src)), .v4(IPv4Address(dst)), p)
    }

    static func ipv6(_ d: [UInt8], _ at: Int, _ p: CapturedPacket) -> TCPSegment? {
        let v = ByteView(bytes: d, bigEndian: true)
        guard let first = v.u8(at), first >> 4 == 6, let payloadLength = v.u16(at + 4), var next = v.u8(at + 6),
              let srcBytes = v.slice(at + 8, 16), let dstBytes = v.slice(at + 24, 16),
              let src = IPv6Address(bytes: srcBytes), let dst = IPv6Address(bytes: dstBytes) else { return nil }
        var off = at + 40
        let end = min(off + Int(payloadLength), d.count)
        // Walk extension headers: hop-by-hop, routing, destination options. A fragment header ends it.
        while next == 0 || next == 43 || next == 60 {
            guard let n = v.u8(off), let len = v.u8(off + 1) else { return nil }
            next = n
            off += (Int(len) + 1) * 8
        }
        guard next == 6 else { return nil }
        return tcp(d, off, end, .v6(src), .v6(dst), p)
    }

    static func tcp(_ d: [UInt8], _ at: Int, _ end: Int, _ src: IPAddress, _ dst: IPAddress,
                    _ p: CapturedPacket) -> TCPSegment? {
        let v = ByteView(bytes: d, bigEndian: true)
        guard let sport = v.u16(at), let dport = v.u16(at + 2), let seq = v.u32(at + 4),
              let offByte = v.u8(at + 12), let flags = v.u8(at + 13) else { return nil }
        let headerLength = Int(offByte >> 4) * 4
        guard headerLength >= 20, at + headerLength <= end else { return nil }
        let payload = Array(d[(at + headerLength)..<end])
        return TCPSegment(frame: p.frame, time: p.time, source: Endpoint(address: src, port: sport),
                          destination: Endpoint(address: dst, port: dport), sequence: seq, flags: flags,
                          payload: payload)
    }
}
