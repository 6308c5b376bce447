import Foundation
import NIOCore
import NIOPosix

/// The daemon's end of the control socket: a Unix stream socket speaking JSON lines.
///
/// Each request is decoded on the event loop and answered by `handler` (which asks the daemon's
/// tasks for their state); replies go back in request order on each connection.
final class ControlServer: Sendable {
    private let channel: any Channel
    let path: String

    /// Binds the socket at `path`, replacing a stale socket file left by a crashed daemon
    /// (a live one would still answer; `RunCommand` checks that with the pidfile first).
    static func start(path: String, group: any EventLoopGroup,
                      handler: @escaping @Sendable (ControlRequest) async -> ControlReply) async throws -> ControlServer {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        let channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(ControlConnectionHandler(handler: handler))
                }
            }
            .bind(unixDomainSocketPath: path).get()
        // Only root (and the group, for a monitoring user) may talk to the daemon.
        chmod(path, 0o660)
        return ControlServer(channel: channel, path: path)
    }

    private init(channel: any Channel, path: String) {
        self.channel = channel
        self.path = path
    }

    func stop() async {
        try? await channel.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Splits lines, decodes requests, and writes replies in order. A request line longer than
/// 64 KiB or that is not a valid request gets an error reply; the connection stays usable.
final class ControlConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: all state is touched only on the channel's event loop.
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let handler: @Sendable (ControlRequest) async -> ControlReply
    private var pending = ByteBuffer()
    /// Replies are chained so a slow one cannot be overtaken by a fast later one.
    private var last: EventLoopFuture<Void>?
    static let maxLine = 64 * 1024

    init(handler: @escaping @Sendable (ControlRequest) async -> ControlReply) { self.handler = handler }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buf = unwrapInboundIn(data)
        pending.writeBuffer(&buf)
        while let nl = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = nl - pending.readerIndex
            let line = pending.readBytes(length: length) ?? []
            pending.moveReaderIndex(forwardBy: 1)
            respond(to: line, context: context)
        }
        if pending.readableBytes > Self.maxLine {
            pending.clear()
            write(ControlReply(error: "request longer than \(Self.maxLine) bytes"), context: context)
        }
        pending.discardReadBytes()
    }

    private func respond(to line: [UInt8], context: ChannelHandlerContext) {
        guard let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(line)) else {
            write(ControlReply(error: "not a valid request; expected {\"command\": \"summary|neighbors|routes|version\"}"),
                  context: context)
            return
        }
        let handler = self.handler
        let promise = context.eventLoop.makePromise(of: ControlReply.self)
        promise.completeWithTask { await handler(request) }
        write(promise.futureResult, context: context)
    }

    private func write(_ reply: ControlReply, context: ChannelHandlerContext) {
        write(context.eventLoop.makeSucceededFuture(reply), context: context)
    }

    private func write(_ reply: EventLoopFuture<ControlReply>, context: ChannelHandlerContext) {
        let ctx = NIOLoopBound(context, eventLoop: context.eventLoop)
        let previous = last ?? context.eventLoop.makeSucceededVoidFuture()
        let done = previous.flatMap { reply }.flatMap { r -> EventLoopFuture<Void> in
            let context = ctx.value
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var bytes = (try? encoder.encode(r)) ?? Data(#"{"error":"reply could not be encoded"}"#.utf8)
            bytes.append(UInt8(ascii: "\n"))
            return context.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)))
        }
        last = done
    }
}
