// Transport: TCP sockets for BGP sessions (SwiftNIO), the options that protect them (TCP-MD5,
// GTSM) and the conversion between our address types and the kernel's. Handlers here only move
// bytes; every decision about a session is made by its `PeerActor`.

import Glibc
import NIOCore
import NetAddress

/// An endpoint of a BGP connection: an address, a port and, for a link-local IPv6 address, the
/// interface it lives on (the sockaddr_in6 scope id).
struct SocketEndpoint: Hashable, Sendable, CustomStringConvertible {
    var address: IPAddress
    var port: UInt16
    /// The interface index for link-local addresses, 0 otherwise.
    var scopeID: UInt32 = 0

    var description: String {
        switch address {
        case .v4(let a): return "\(a):\(port)"
        case .v6(let a): return scopeID == 0 ? "[\(a)]:\(port)" : "[\(a)%\(scopeID)]:\(port)"
        }
    }

    /// The NIO address. IPv4 stays IPv4, so a client socket is created in the peer's family.
    var socketAddress: SocketAddress {
        switch address {
        case .v4(let a):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr.s_addr = a.value.bigEndian
            return SocketAddress(sin, host: a.description)
        case .v6(let a):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            sin6.sin6_scope_id = scopeID
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { raw in
                for (i, b) in a.bytes.enumerated() { raw[i] = b }
            }
            return SocketAddress(sin6, host: a.description)
        }
    }

    /// Reads a NIO address. An IPv4-mapped IPv6 address (an IPv4 peer on our dual-stack
    /// listening socket) becomes the IPv4 address, so it matches the configured neighbour.
    init?(_ sa: SocketAddress) {
        switch sa {
        case .v4(let v4):
            let a = IPv4Address(UInt32(bigEndian: v4.address.sin_addr.s_addr))
            self.init(address: .v4(a), port: UInt16(bigEndian: v4.address.sin_port))
        case .v6(let v6):
            var sin6 = v6.address
            let bytes = withUnsafeBytes(of: &sin6.sin6_addr) { Array($0) }
            guard let a = IPv6Address(bytes: bytes) else { return nil }
            let port = UInt16(bigEndian: sin6.sin6_port)
            if let v4 = a.v4Mapped { self.init(address: .v4(v4), port: port) }
            else { self.init(address: .v6(a), port: port, scopeID: a.isLinkLocal ? sin6.sin6_scope_id : 0) }
        default:
            return nil
        }
    }

    init(address: IPAddress, port: UInt16, scopeID: UInt32 = 0) {
        self.address = address
        self.port = port
        self.scopeID = scopeID
    }
}

/// Interface names and indexes, from the kernel.
enum InterfaceNames {
    static func index(of name: String) -> UInt32? {
        let i = if_nametoindex(name)
        return i == 0 ? nil : i
    }

    static func name(of index: UInt32) -> String? {
        var buf = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        guard if_indextoname(index, &buf) != nil else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
