import Glibc
import NetAddress

/// A raw ICMPv6 socket bound to one interface, for sending and hearing Router Advertisements
/// and Solicitations. Sends with hop limit 255 and drops anything received with less: RFC 4861
/// section 6.1.2 requires both, so that only on-link nodes can take part.
final class ICMPv6Socket: Sendable {
    let fd: Int32
    let interfaceIndex: UInt32

    /// A packet heard on the interface.
    struct Received: Sendable {
        var source: IPv6Address
        var message: NDMessage
    }

    init(interface: String, index: UInt32) throws(SocketError) {
        let fd = socket(AF_INET6, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_ICMPV6))
        guard fd >= 0 else { throw SocketError("raw ICMPv6 socket") }
        self.fd = fd
        self.interfaceIndex = index
        var hops: Int32 = 255, one: Int32 = 1, zero: Int32 = 0, ifindex = Int32(index)
        let int = socklen_t(MemoryLayout<Int32>.size)
        // ICMP6_FILTER (RFC 3542 section 3.2): block every type but RS and RA. A set bit blocks.
        var filter = [UInt32](repeating: 0xFFFF_FFFF, count: 8)
        for t in [NDMessage.typeRouterSolicitation, NDMessage.typeRouterAdvertisement] {
            filter[Int(t >> 5)] &= ~(UInt32(1) << UInt32(t & 31))
        }
        let ok = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, &hops, int) == 0
            && setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_UNICAST_HOPS, &hops, int) == 0
            && setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_LOOP, &zero, int) == 0
            && setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, &ifindex, int) == 0
            && setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_RECVHOPLIMIT, &one, int) == 0
            && setsockopt(fd, Int32(IPPROTO_ICMPV6), 1 /* ICMP6_FILTER */, &filter, socklen_t(32)) == 0
            && interface.withCString { setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, $0, socklen_t(strlen($0))) } == 0
        guard ok else { let e = SocketError("ICMPv6 socket options on \(interface)"); Glibc.close(fd); throw e }
        // Join all-routers too: a peer's Router Solicitation goes to ff02::2.
        var mreq = ipv6_mreq()
        withUnsafeMutableBytes(of: &mreq.ipv6mr_multiaddr) { b in
            for (i, x) in IPv6Address.allRouters.bytes.enumerated() { b[i] = x }
        }
        mreq.ipv6mr_interface = index
        _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_ADD_MEMBERSHIP, &mreq, socklen_t(MemoryLayout<ipv6_mreq>.size))
    }

    /// Sends `message` to `destination` (ff02::1 for RAs, ff02::2 for RSs) on the interface.
    /// The kernel picks our link-local address as the source for a link-scope destination.
    func send(_ message: NDMessage, to destination: IPv6Address) throws(SocketError) {
        try sendRaw(message.bytes, to: destination, what: message.kindName)
    }

    private func sendRaw(_ bytes: [UInt8], to destination: IPv6Address, what: String) throws(SocketError) {
        let to = SocketEndpoint(address: .v6(destination), port: 0, scopeID: interfaceIndex).socketAddress
        guard case .v6(let a) = to else { return }
        var sin6 = a.address
        let n = bytes.withUnsafeBytes { buf in
            withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buf.baseAddress, buf.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        if n < 0 { throw SocketError("send \(what) on ifindex \(interfaceIndex)") }
    }

    /// An ICMPv6 Echo Request (type 128) with an empty body. Peers that answer must resolve our
    /// address first, which creates their entry in our neighbour table.
    func sendEchoRequest(to destination: IPv6Address) throws(SocketError) {
        try sendRaw([128, 0, 0, 0, 0x62, 0x67, 0, 1], to: destination, what: "echo request")
    }

    /// Reads one packet; nil when it is not a valid RS/RA from a link-local source with hop
    /// limit 255 (silently discarded, as RFC 4861 asks).
    func receive() -> Received? {
        var buf = [UInt8](repeating: 0, count: 1500)
        var control = [UInt8](repeating: 0, count: 128)
        var from = sockaddr_in6()
        let n: Int = buf.withUnsafeMutableBytes { b in
            control.withUnsafeMutableBytes { c in
                withUnsafeMutablePointer(to: &from) { f in
                    var iov = iovec(iov_base: b.baseAddress, iov_len: b.count)
                    return withUnsafeMutablePointer(to: &iov) { iovp in
                        var msg = msghdr(msg_name: UnsafeMutableRawPointer(f), msg_namelen: socklen_t(MemoryLayout<sockaddr_in6>.size),
                                         msg_iov: iovp, msg_iovlen: 1, msg_control: c.baseAddress,
                                         msg_controllen: c.count, msg_flags: 0)
                        return recvmsg(fd, &msg, Int32(MSG_DONTWAIT))
                    }
                }
            }
        }
        guard n > 0 else { return nil }
        guard Self.hopLimit(control) == 255 else { return nil }
        let source = withUnsafeBytes(of: &from.sin6_addr) { IPv6Address(bytes: Array($0)) }
        guard let source, source.isLinkLocal, let message = NDMessage(bytes: Array(buf[0..<n])) else { return nil }
        return Received(source: source, message: message)
    }

    /// The IPV6_HOPLIMIT ancillary value, walking cmsghdrs by hand (CMSG_* are C macros):
    /// cmsg_len (size_t), cmsg_level (int), cmsg_type (int), data aligned to 8.
    static func hopLimit(_ control: [UInt8]) -> Int32? {
        var at = 0
        while at + 16 <= control.count {
            let len = control.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: Int.self) }
            let level = control.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at + 8, as: Int32.self) }
            let type = control.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at + 12, as: Int32.self) }
            guard len >= 16, at + len <= control.count else { return nil }
            if level == Int32(IPPROTO_IPV6), type == IPV6_HOPLIMIT, len >= 20 {
                return control.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at + 16, as: Int32.self) }
            }
            at += (len + 7) & ~7
        }
        return nil
    }

    func close() { Glibc.close(fd) }
}

extension NDMessage {
    var kindName: String {
        if case .routerSolicitation = self { return "router solicitation" }
        return "router advertisement"
    }
}
