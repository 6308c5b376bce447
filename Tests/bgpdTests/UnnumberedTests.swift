import NetAddress
import Testing
@testable import bgpd

/// Router Advertisement codec, rtnetlink parsing and the link table's rules for unnumbered
/// peering.
@Suite struct UnnumberedTests {
    let mac = MACAddress(bytes: [0x02, 0, 0, 0, 0xd1, 0x02])!

    /// The first RA of ../shared/captures/frr-unnumbered-icmp6.pcap, byte for byte (`tshark -x`,
    /// frame 1, ICMPv6 part): zebra on an unnumbered link, hop limit 64, lifetime 30, SLLA.
    @Test func decodesFRRAdvertisement() throws {
        let bytes: [UInt8] = [
            0x86, 0x00, 0x16, 0x07,                          // type 134 RA, code 0, checksum
            0x40, 0x00, 0x00, 0x1e,                          // cur hop limit 64, flags 0, lifetime 30
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // reachable time 0, retrans timer 0
            0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x12, 0x01,  // SLLA option, 8 octets, 02:00:00:00:12:01
        ]
        let m = try #require(NDMessage(bytes: bytes))
        guard case .routerAdvertisement(let ra) = m else { Issue.record("not an RA"); return }
        #expect(ra.curHopLimit == 64)
        #expect(ra.routerLifetime == 30)
        #expect(ra.sourceMAC == MACAddress(bytes: [0x02, 0, 0, 0, 0x12, 0x01]))
        // A prefix information option (type 3, 32 octets) after it is skipped by length.
        let withPrefix = bytes + [3, 4] + [UInt8](repeating: 0, count: 30)
        #expect(NDMessage(bytes: withPrefix)?.sourceMAC == ra.sourceMAC)
    }

    @Test func encodesOurAdvertisement() {
        let ra = NDMessage.routerAdvertisement(RouterAdvertisement(routerLifetime: 0, sourceMAC: mac))
        #expect(ra.bytes == [134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0xd1, 2])
        #expect(NDMessage(bytes: ra.bytes) == ra)
        let rs = NDMessage.routerSolicitation(sourceMAC: mac)
        #expect(rs.bytes == [133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0xd1, 2])
        #expect(NDMessage(bytes: rs.bytes) == rs)
    }

    /// RFC 4861 6.1: a zero-length option, a non-zero code or a truncated message is dropped.
    @Test func rejectsMalformed() {
        #expect(NDMessage(bytes: [134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0]) == nil)
        #expect(NDMessage(bytes: [134, 1, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == nil)
        #expect(NDMessage(bytes: [134, 0, 0, 0, 64, 0, 0]) == nil)
        #expect(NDMessage(bytes: [134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0]) == nil)
        #expect(NDMessage(bytes: [128, 0, 0, 0, 0, 0, 0, 0]) == nil)
    }

    @Test func hopLimitFromControlMessages() {
        // cmsghdr: len 20 (size_t), level IPPROTO_IPV6 (41), type IPV6_HOPLIMIT (52), value 255.
        var c = [UInt8](repeating: 0, count: 24)
        c[0] = 20; c[8] = 41; c[12] = 52; c[16] = 255
        #expect(ICMPv6Socket.hopLimit(c) == 255)
        c[16] = 254
        #expect(ICMPv6Socket.hopLimit(c) == 254)
        #expect(ICMPv6Socket.hopLimit([UInt8](repeating: 0, count: 24)) == nil)
    }

    /// An RTM_NEWADDR for a tentative link-local address, then the same address after DAD,
    /// and an RTM_NEWNEIGH, as `ip monitor` shows them (built field by field).
    @Test func parsesNetlinkAddressAndNeighbour() {
        let ll = IPv6Address("fe80::ff:fe00:d101")!
        func attr(_ type: UInt16, _ v: [UInt8]) -> [UInt8] {
            let len = 4 + v.count
            return LinkMessageParser.le16(UInt16(len)) + LinkMessageParser.le16(type) + v
                + [UInt8](repeating: 0, count: (4 - len % 4) % 4)
        }
        func message(_ type: UInt16, _ body: [UInt8]) -> [UInt8] {
            LinkMessageParser.le32(UInt32(16 + body.count)) + LinkMessageParser.le16(type) + [0, 0] + [UInt8](repeating: 0, count: 8) + body
        }
        // ifaddrmsg: AF_INET6, /64, flags 0x40 (tentative), scope link (253), ifindex 7.
        let tentative = message(20, [10, 64, 0x40, 253] + LinkMessageParser.le32(7) + attr(1, ll.bytes)
                                + attr(8, LinkMessageParser.le32(0x40)))
        let settled = message(20, [10, 64, 0x00, 253] + LinkMessageParser.le32(7) + attr(1, ll.bytes)
                              + attr(8, LinkMessageParser.le32(0x80)))
        // ndmsg: AF_INET6, ifindex 7, state REACHABLE (0x02), flags NTF_ROUTER (0x80).
        let neigh = message(28, [10, 0, 0, 0] + LinkMessageParser.le32(7) + [0x02, 0x00, 0x80, 1]
                            + attr(1, IPv6Address("fe80::ff:fe00:d102")!.bytes) + attr(2, mac.bytes))
        let v4 = message(20, [2, 24, 0, 0] + LinkMessageParser.le32(7) + attr(2, [10, 0, 0, 1]) + attr(1, [10, 0, 0, 1]))
        let done = message(3, [0, 0, 0, 0])
        let (events, dumpDone) = LinkMessageParser.parse(tentative + settled + neigh + v4 + done)
        #expect(dumpDone)
        #expect(events == [
            .address(index: 7, address: ll, tentative: true),
            .address(index: 7, address: ll, tentative: false),
            .neighbor(index: 7, address: IPv6Address("fe80::ff:fe00:d102")!, mac: mac, router: true),
            .connected(index: 7, prefix: IPPrefix("10.0.0.0/24")!, present: true),
        ])
        // Truncated input yields no event and never traps.
        for cut in 0..<(tentative.count) {
            _ = LinkMessageParser.parse(Array(tentative[0..<cut]))
        }
    }

    @Test func linkTableWaitsForDADAndPicksRouters() {
        var t = LinkTable()
        let ll = IPv6Address("fe80::1")!
        t.apply(.link(index: 3, name: "eth0", mac: mac, up: true))
        t.apply(.address(index: 3, address: ll, tentative: true))
        #expect(t.usableLinkLocal(3) == nil)
        t.apply(.address(index: 3, address: ll, tentative: false))
        #expect(t.usableLinkLocal(3) == ll)
        t.apply(.link(index: 3, name: "eth0", mac: mac, up: false))
        #expect(t.usableLinkLocal(3) == nil)
        t.apply(.link(index: 3, name: "eth0", mac: mac, up: true))
        #expect(t.usableLinkLocal(3) == ll)

        t.apply(.neighbor(index: 3, address: IPv6Address("fe80::9")!, mac: mac, router: false))
        t.apply(.neighbor(index: 3, address: IPv6Address("fe80::a")!, mac: mac, router: true))
        t.apply(.neighbor(index: 3, address: ll, mac: mac, router: true))   // our own: never the peer
        #expect(t.linkLocalNeighbors(3).map(\.address) == [IPv6Address("fe80::a")!, IPv6Address("fe80::9")!])
        t.apply(.neighborRemoved(index: 3, address: IPv6Address("fe80::a")!))
        #expect(t.linkLocalNeighbors(3).map(\.address) == [IPv6Address("fe80::9")!])
        t.apply(.linkRemoved(index: 3))
        #expect(t.interface(named: "eth0") == nil)
        #expect(t.linkLocalNeighbors(3).isEmpty)
    }
}

/// The raw `struct tcp_md5sig` handed to the kernel, field by field (linux/tcp.h).
@Suite struct SocketOptionTests {
    func bytes(_ s: SocketOptions.MD5Sig) -> [UInt8] { withUnsafeBytes(of: s.raw) { Array($0) } }

    @Test func md5KeyForIPv4PeerOnDualStackSocket() {
        let b = bytes(SocketOptions.MD5Sig(peer: IPAddress("192.0.2.2")!, key: Array("s3cret".utf8), v6Socket: true))
        #expect(b.count == 216)
        #expect(b[0] == 10 && b[1] == 0)                                   // sa_family AF_INET6 (host order)
        #expect(Array(b[8..<24]) == IPv6Address("::ffff:192.0.2.2")!.bytes)  // sin6_addr: IPv4-mapped
        #expect(b[130] == 6 && b[131] == 0)                                // tcpm_keylen
        #expect(Array(b[136..<142]) == Array("s3cret".utf8))               // tcpm_key
        #expect(b[142...].allSatisfy { $0 == 0 })
    }

    @Test func md5KeyForIPv4PeerOnIPv4Socket() {
        let b = bytes(SocketOptions.MD5Sig(peer: IPAddress("192.0.2.2")!, key: [1, 2], v6Socket: false))
        #expect(b[0] == 2)                                                 // AF_INET
        #expect(Array(b[4..<8]) == [192, 0, 2, 2])                         // sin_addr
        #expect(b[130] == 2)
    }

    @Test func endpointsMapV4MappedAndKeepScope() {
        let ll = SocketEndpoint(address: IPAddress("fe80::1")!, port: 179, scopeID: 7)
        #expect(SocketEndpoint(ll.socketAddress) == ll)
        #expect(ll.description == "[fe80::1%7]:179")
        let mapped = SocketEndpoint(address: IPAddress("::ffff:10.0.0.1")!, port: 179)
        #expect(SocketEndpoint(mapped.socketAddress)?.address == IPAddress("10.0.0.1")!)
        let global = SocketEndpoint(address: IPAddress("2001:db8::1")!, port: 179, scopeID: 0)
        #expect(SocketEndpoint(global.socketAddress) == global)
    }
}
