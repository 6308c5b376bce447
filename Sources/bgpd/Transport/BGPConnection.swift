import NIOCore
import NIOPosix

/// One TCP connection of a BGP session, as its `PeerActor` sees it: bytes in (with
/// backpressure: the reader waits for the actor to take each chunk), bytes out in order, and
/// close. It makes no decision about what the bytes mean.
final class BGPConnection: Sendable {
    /// Unique for the daemon's lifetime, so events of an old connection are recognised.
    let id: Int
    let local: SocketEndpoint?
    let remote: SocketEndpoint
    /// true when the peer connected to us.
    let inbound: Bool
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let writes: AsyncStream<Write>.Continuation
    private let writeStream: AsyncStream<Write>

    private enum Write: Sendable {
        case bytes([UInt8])
        case close
    }

    /// `remote`: the address connected to, for outgoing connections (the channel may already
    /// have lost its peer address when a reset came first).
    init(id: Int, channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, inbound: Bool, remote: SocketEndpoint? = nil) {
        self.id = id
        self.channel = channel
        self.inbound = inbound
        self.local = channel.channel.localAddress.flatMap(SocketEndpoint.init)
        self.remote = remote ?? channel.channel.remoteAddress.flatMap(SocketEndpoint.init) ?? SocketEndpoint(address: .v4(.zero), port: 0)
        (writeStream, writes) = AsyncStream.makeStream(of: Write.self)
    }

    /// GTSM on an accepted connection (the listening socket serves peers with and without it).
    func setGTSM() async throws {
        try await SocketOptions.setGTSM(on: channel.channel, ipv4: remote.address.isV4).get()
    }

    /// Queues bytes for sending; never blocks the caller. Writes go out in the order queued.
    func send(_ bytes: [UInt8]) { writes.yield(.bytes(bytes)) }

    /// Closes the connection after everything queued so far has been written (so a
    /// NOTIFICATION queued just before reaches the peer).
    func close() { writes.yield(.close); writes.finish() }

    /// Runs the connection until it closes: each received chunk goes to `onBytes` (awaited, so a
    /// slow consumer slows the peer down through TCP), then `onClose` is called once.
    func run(onBytes: @escaping @Sendable ([UInt8]) async -> Void, onClose: @escaping @Sendable () async -> Void) async {
        let writeStream = self.writeStream
        let raw = channel.channel
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await w in writeStream {
                            switch w {
                            case .bytes(let b): try await outbound.write(ByteBuffer(bytes: b))
                            case .close:
                                // Give the kernel the queued bytes, then close both directions.
                                try? await raw.close()
                                return
                            }
                        }
                    }
                    group.addTask {
                        for try await chunk in inbound {
                            await onBytes(Array(chunk.readableBytesView))
                        }
                        // The peer closed: stop the writer too.
                        try? await raw.close()
                    }
                    // The first task to finish (peer closed, or we closed) ends both.
                    _ = try await group.next()
                    group.cancelAll()
                    try? await raw.close()
                }
            }
        } catch {
            // A reset or a write to a closed socket: the session sees it as the connection closing.
        }
        writes.finish()
        await onClose()
    }
}
