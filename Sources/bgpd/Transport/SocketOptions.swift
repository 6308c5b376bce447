import Glibc
import NIOCore
import NetAddress

/// TCP-MD5 (RFC 2385) and GTSM (RFC 5082) on raw descriptors and on NIO channels.
///
/// The kernel does the work: TCP_MD5SIG installs a key per peer address, on the listening
/// socket (so the handshake of an incoming connection is signed and checked) and on each
/// connecting socket; IP_MINTTL / IPV6_MINHOPCOUNT drop segments that crossed a router.
enum SocketOptions {
    /// The TTL (hop limit) GTSM sends with, and the least it accepts (RFC 5082 section 3).
    static let gtsmTTL: Int32 = 255
    static let gtsmMinimum: Int32 = 254

    /// `struct tcp_md5sig` of linux/tcp.h as raw bytes: sockaddr_storage (128), flags (1),
    /// prefixlen (1), keylen (2), ifindex (4), key (80). glibc's copy of the struct has a pad
    /// where the kernel has the ifindex, so it is built by hand.
    struct MD5Sig: Sendable {
        var raw: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                  UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                  UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
            = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

        /// A key for `peer` (empty: delete the key). `v6Socket`: the socket is AF_INET6, so an
        /// IPv4 peer is written as its IPv4-mapped address, as the kernel expects there.
        init(peer: IPAddress, key: [UInt8], v6Socket: Bool) {
            precondition(MemoryLayout<MD5Sig>.size == 216)
            withUnsafeMutableBytes(of: &raw) { b in
                switch (peer, v6Socket) {
                case (.v4(let a), false):
                    b.storeBytes(of: UInt16(AF_INET), toByteOffset: 0, as: UInt16.self)
                    for (i, x) in a.bytes.enumerated() { b[4 + i] = x }
                case (.v4(let a), true):
                    b.storeBytes(of: UInt16(AF_INET6), toByteOffset: 0, as: UInt16.self)
                    for (i, x) in IPv6Address(v4Mapped: a).bytes.enumerated() { b[8 + i] = x }
                case (.v6(let a), _):
                    b.storeBytes(of: UInt16(AF_INET6), toByteOffset: 0, as: UInt16.self)
                    for (i, x) in a.bytes.enumerated() { b[8 + i] = x }
                }
                let k = key.prefix(80)
                b.storeBytes(of: UInt16(k.count), toByteOffset: 130, as: UInt16.self)
                for (i, x) in k.enumerated() { b[136 + i] = x }
            }
        }
    }

    /// Installs (or, with a nil key, removes) the MD5 key for `peer` on a descriptor.
    static func setMD5(fd: Int32, peer: IPAddress, key: String?, v6Socket: Bool) throws(SocketError) {
        var sig = MD5Sig(peer: peer, key: Array((key ?? "").utf8), v6Socket: v6Socket)
        let rc = withUnsafeBytes(of: &sig) {
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_MD5SIG, $0.baseAddress, socklen_t($0.count))
        }
        // Deleting a key that was never set is not an error worth reporting.
        if rc != 0, !(key == nil && errno == ENOENT) { throw SocketError("TCP_MD5SIG for \(peer)") }
    }

    /// Installs the MD5 key for `peer` on a channel before it connects.
    static func setMD5(on channel: any Channel, peer: IPAddress, key: String, v6Socket: Bool) -> EventLoopFuture<Void> {
        let sig = MD5Sig(peer: peer, key: Array(key.utf8), v6Socket: v6Socket)
        return set(channel, level: Int32(IPPROTO_TCP), name: TCP_MD5SIG, value: sig)
    }

    /// GTSM on a connected or connecting socket: send with TTL 255 and drop anything that
    /// arrives with less than 254. `ipv4` is the family of the traffic (an IPv4 peer on a
    /// dual-stack socket uses the IPv4 options).
    static func setGTSM(on channel: any Channel, ipv4: Bool) -> EventLoopFuture<Void> {
        let (level, ttl, minimum) = ipv4
            ? (Int32(IPPROTO_IP), IP_TTL, IP_MINTTL)
            : (Int32(IPPROTO_IPV6), IPV6_UNICAST_HOPS, IPV6_MINHOPCOUNT)
        return set(channel, level: level, name: ttl, value: gtsmTTL).flatMap {
            set(channel, level: level, name: minimum, value: gtsmMinimum)
        }
    }

    /// Binds a connecting socket to an interface (SO_BINDTODEVICE), for a numbered neighbour
    /// given with `interface:`.
    static func bindToDevice(_ channel: any Channel, interface: String) -> EventLoopFuture<Void> {
        var name: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &name) { b in
            for (i, x) in interface.utf8.prefix(15).enumerated() { b[i] = x }
        }
        return set(channel, level: SOL_SOCKET, name: SO_BINDTODEVICE, value: name)
    }

    private static func set<V: Sendable>(_ channel: any Channel, level: Int32, name: Int32, value: V) -> EventLoopFuture<Void> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(SocketError("no socket options", errno: 0))
        }
        return provider.unsafeSetSocketOption(level: NIOBSDSocket.OptionLevel(rawValue: level),
                                              name: NIOBSDSocket.Option(rawValue: name), value: value)
    }

    /// A dual-stack (or IPv4) TCP listening socket bound to `address`:`port`, created here rather
    /// than by NIO so that bgpd keeps its descriptor and can add and remove MD5 keys per peer
    /// while it listens.
    static func makeListeningSocket(address: IPAddress, port: UInt16) throws(SocketError) -> Int32 {
        let v6 = !address.isV4
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var one: Int32 = 1, zero: Int32 = 0
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if v6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size)) }
        let rc: Int32
        switch SocketEndpoint(address: address, port: port).socketAddress {
        case .v4(let a):
            var sin = a.address
            rc = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let a):
            var sin6 = a.address
            rc = withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        default:
            rc = -1
        }
        guard rc == 0 else { let e = SocketError("bind \(address) port \(port)"); close(fd); throw e }
        guard listen(fd, 128) == 0 else { let e = SocketError("listen"); close(fd); throw e }
        return fd
    }
}

/// A failed system call, with errno's text.
struct SocketError: Error, CustomStringConvertible {
    var what: String
    var errno: Int32
    init(_ what: String, errno e: Int32 = Glibc.errno) { self.what = what; self.errno = e }
    var description: String { errno == 0 ? what : "\(what): \(String(cString: strerror(errno)))" }
}
