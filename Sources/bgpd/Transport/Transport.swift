import Glibc
import Logging
import NIOCore
import NIOPosix
import NetAddress
import Synchronization

/// Opens BGP connections: the listening socket (dual-stack by default) and outgoing
/// connections with per-peer source address, interface, TCP-MD5 and GTSM.
final class Transport: Sendable {
    let group: MultiThreadedEventLoopGroup
    private let nextID = Atomic<Int>(1)
    private let listener = Mutex<(fd: Int32, channel: (any Channel)?, v6: Bool)?>(nil)
    private let logger: Logger

    init(group: MultiThreadedEventLoopGroup, logger: Logger) {
        self.group = group
        self.logger = logger
    }

    func makeID() -> Int { nextID.add(1, ordering: .relaxed).oldValue }

    /// Listens on `address`:`port`; every accepted connection is handed to `onAccept`, which
    /// decides whether a configured neighbour owns it (and closes it otherwise).
    func listen(address: IPAddress, port: UInt16, md5Keys: [IPAddress: String],
                onAccept: @escaping @Sendable (BGPConnection) async -> Void) async throws {
        let fd = try SocketOptions.makeListeningSocket(address: address, port: port)
        let v6 = !address.isV4
        // Keys must be on the listening socket before a peer's SYN arrives (RFC 2385 signs the
        // handshake), so they are set before NIO starts accepting.
        for (peer, key) in md5Keys {
            do { try SocketOptions.setMD5(fd: fd, peer: peer, key: key, v6Socket: v6) } catch {
                logger.error("TCP-MD5 key for \(peer): \(error)")
            }
        }
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 128)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] ch in
                ch.eventLoop.makeCompletedFuture {
                    let asyncChannel = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch)
                    let conn = BGPConnection(id: makeID(), channel: asyncChannel, inbound: true)
                    Task { await onAccept(conn) }
                }
            }
            .withBoundSocket(fd).get()
        listener.withLock { $0 = (fd, channel, v6) }
        logger.info("listening on \(SocketEndpoint(address: address, port: port))")
    }

    /// Adds, changes or removes (nil) the MD5 key for a peer on the listening socket.
    func setListenerKey(peer: IPAddress, key: String?) {
        listener.withLock { l in
            guard let l else { return }
            do { try SocketOptions.setMD5(fd: l.fd, peer: peer, key: key, v6Socket: l.v6) } catch {
                logger.error("TCP-MD5 key for \(peer) on the listening socket: \(error)")
            }
        }
    }

    func stopListening() async {
        let ch = listener.withLock { l -> (any Channel)? in let c = l?.channel; l = nil; return c }
        try? await ch?.close()
    }

    /// Connects to `remote`. The options are set on the socket before the SYN goes out.
    func connect(to remote: SocketEndpoint, source: IPAddress?, interface: String?, md5Key: String?,
                 ttlSecurity: Bool, timeout: Duration) async throws -> BGPConnection {
        var bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let source {
            bootstrap = bootstrap.bind(to: SocketEndpoint(address: source, port: 0).socketAddress)
        }
        let ipv4 = remote.address.isV4
        let channel = try await bootstrap.connect(to: remote.socketAddress) { ch in
            var f = ch.eventLoop.makeSucceededVoidFuture()
            if let interface, remote.scopeID == 0 {
                f = f.flatMap { SocketOptions.bindToDevice(ch, interface: interface) }
            }
            if let md5Key {
                f = f.flatMap { SocketOptions.setMD5(on: ch, peer: remote.address, key: md5Key, v6Socket: !ipv4) }
            }
            if ttlSecurity { f = f.flatMap { SocketOptions.setGTSM(on: ch, ipv4: ipv4) } }
            return f.flatMapThrowing {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch)
            }
        }
        return BGPConnection(id: makeID(), channel: channel, inbound: false, remote: remote)
    }
}
