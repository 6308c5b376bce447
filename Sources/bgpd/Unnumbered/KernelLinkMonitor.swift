import Glibc
import Synchronization

/// Watches the kernel's interfaces, IPv6 addresses and IPv6 neighbours over rtnetlink and
/// streams them as `LinkEvent`s: first a full dump (links, then addresses, then neighbours),
/// then every change. When the kernel reports a lost notification (ENOBUFS) it dumps again, so
/// the consumer's view converges.
///
/// A minimal reader kept inside bgpd for unnumbered peering; FIBNetlink's monitor can replace it
/// behind the same `LinkEvent` stream.
final class KernelLinkMonitor: Sendable {
    /// One batch per netlink read.
    let events: AsyncStream<[LinkEvent]>
    private let continuation: AsyncStream<[LinkEvent]>.Continuation
    private let fd: Int32
    private let pending = Mutex<[UInt16]>([])
    private let reader = Mutex<BlockingReader?>(nil)

    // RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR
    private static let groups: UInt32 = 0x1 | 0x4 | 0x10 | 0x100

    init() throws(SocketError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0 /* NETLINK_ROUTE */)
        guard fd >= 0 else { throw SocketError("netlink socket") }
        var rcvbuf: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, socklen_t(MemoryLayout<Int32>.size))
        // struct sockaddr_nl: family (2), pad (2), pid (4), groups (4).
        let sa = LinkMessageParser.le16(UInt16(AF_NETLINK)) + [0, 0] + LinkMessageParser.le32(0)
            + LinkMessageParser.le32(Self.groups)
        let rc = sa.withUnsafeBytes { b in
            bind(fd, b.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(b.count))
        }
        guard rc == 0 else { let e = SocketError("netlink bind"); close(fd); throw e }
        self.fd = fd
        (events, continuation) = AsyncStream.makeStream(of: [LinkEvent].self)
    }

    /// Starts the dump and the change stream.
    func start() {
        pending.withLock { $0 = [LinkMessageParser.getLink, LinkMessageParser.getAddr, LinkMessageParser.getNeigh] }
        sendNextDump()
        let r = BlockingReader(fd: fd, name: "bgpd-netlink") { [self] fd in readOnce(fd) }
        reader.withLock { $0 = r }
    }

    func stop() {
        reader.withLock { $0?.stop() }
        continuation.finish()
    }

    private func readOnce(_ fd: Int32) {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if n < 0 {
            if errno == ENOBUFS {
                // Notifications were dropped: start over from a full dump.
                let idle = pending.withLock { p in
                    let wasIdle = p.isEmpty
                    p = [LinkMessageParser.getLink, LinkMessageParser.getAddr, LinkMessageParser.getNeigh]
                    return wasIdle
                }
                if idle { sendNextDump() }
            }
            return
        }
        let (events, dumpDone) = LinkMessageParser.parse(Array(buf[0..<n]))
        if !events.isEmpty { continuation.yield(events) }
        if dumpDone {
            pending.withLock { if !$0.isEmpty { $0.removeFirst() } }
            sendNextDump()
        }
    }

    private func sendNextDump() {
        guard let type = pending.withLock({ $0.first }) else { return }
        let req = LinkMessageParser.dumpRequest(type, seq: UInt32(type))
        _ = req.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    }
}
