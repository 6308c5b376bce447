import NIOCore
import NIOPosix
import Prometheus

/// The Prometheus endpoint: `GET /metrics` (any path, in fact) answers with the text exposition
/// format. Metrics are built from a fresh snapshot of the daemon's counters at each scrape, so a
/// neighbour that is removed disappears from the output and nothing is kept in between.
final class MetricsServer: Sendable {
    private let channel: any Channel

    static func start(address: SocketEndpoint, group: any EventLoopGroup,
                      snapshot: @escaping @Sendable () async -> MetricsSnapshot) async throws -> MetricsServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(HTTPScrapeHandler(snapshot: snapshot))
                }
            }
            .bind(to: address.socketAddress).get()
        return MetricsServer(channel: channel)
    }

    private init(channel: any Channel) { self.channel = channel }

    func stop() async { try? await channel.close() }
}

/// What a scrape reports.
struct MetricsSnapshot: Sendable {
    struct Peer: Sendable {
        var neighbor: String
        var remoteAS: UInt32?
        /// 1 Idle ... 6 Established (RFC 4271 order), 0 admin shutdown.
        var state: Int
        var established: Bool
        var prefixesReceived: [String: Int]
        var prefixesAccepted: [String: Int]
        var prefixesSent: [String: Int]
        var messagesReceived: [String: UInt64]
        var messagesSent: [String: UInt64]
        var establishedTransitions: Int
    }
    var peers: [Peer]
    var locRIB: [String: Int]
    var fib: [String: Int]?
    var uptimeSeconds: Int

    /// The Prometheus text exposition of this snapshot.
    func render() -> [UInt8] {
        let r = PrometheusCollectorRegistry()
        func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
            let d = MetricNameDescriptor(namespace: "bgpd", metricName: name, unitName: unit, helpText: help)
            r.makeGauge(descriptor: d, labels: labels).set(to: value)
        }
        func counter(_ name: String, _ help: String, _ labels: [(String, String)], _ value: UInt64) {
            let d = MetricNameDescriptor(namespace: "bgpd", metricName: name, unitName: "total", helpText: help)
            r.makeCounter(descriptor: d, labels: labels).increment(by: Int64(clamping: value))
        }
        gauge("uptime", "seconds", "Seconds since bgpd started", [], Double(uptimeSeconds))
        for (family, n) in locRIB.sorted(by: { $0.key < $1.key }) {
            gauge("locrib", "routes", "Routes in the Loc-RIB", [("family", family)], Double(n))
        }
        for (family, n) in (fib ?? [:]).sorted(by: { $0.key < $1.key }) {
            gauge("fib", "routes", "Routes installed in the kernel", [("family", family)], Double(n))
        }
        for p in peers {
            let peer = ("neighbor", p.neighbor)
            gauge("peer_state", "", "Session state: 0 shutdown, 1 Idle, 2 Connect, 3 Active, 4 OpenSent, 5 OpenConfirm, 6 Established",
                  [peer], Double(p.state))
            gauge("peer_established", "", "1 when the session is Established", [peer], p.established ? 1 : 0)
            gauge("peer_remote_as", "", "The peer's AS", [peer], Double(p.remoteAS ?? 0))
            counter("peer_established_transitions", "Times the session reached Established", [peer], UInt64(p.establishedTransitions))
            for (f, n) in p.prefixesReceived.sorted(by: { $0.key < $1.key }) {
                gauge("peer_prefixes_received", "", "Prefixes received", [peer, ("family", f)], Double(n))
            }
            for (f, n) in p.prefixesAccepted.sorted(by: { $0.key < $1.key }) {
                gauge("peer_prefixes_accepted", "", "Prefixes accepted by import policy", [peer, ("family", f)], Double(n))
            }
            for (f, n) in p.prefixesSent.sorted(by: { $0.key < $1.key }) {
                gauge("peer_prefixes_sent", "", "Prefixes advertised", [peer, ("family", f)], Double(n))
            }
            for (t, n) in p.messagesReceived.sorted(by: { $0.key < $1.key }) {
                counter("peer_messages_received", "Messages received", [peer, ("type", t)], n)
            }
            for (t, n) in p.messagesSent.sorted(by: { $0.key < $1.key }) {
                counter("peer_messages_sent", "Messages sent", [peer, ("type", t)], n)
            }
        }
        return r.emitToBuffer()
    }
}

/// Reads an HTTP request head, answers with the metrics and closes. Enough HTTP for Prometheus
/// and curl; anything but GET gets 405.
final class HTTPScrapeHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: state is only touched on the channel's event loop.
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let snapshot: @Sendable () async -> MetricsSnapshot
    private var head = ByteBuffer()
    private var answered = false

    init(snapshot: @escaping @Sendable () async -> MetricsSnapshot) { self.snapshot = snapshot }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buf = unwrapInboundIn(data)
        head.writeBuffer(&buf)
        guard !answered else { return }
        let text = String(decoding: head.readableBytesView, as: UTF8.self)
        guard text.contains("\r\n\r\n") || text.contains("\n\n") || head.readableBytes > 8192 else { return }
        answered = true
        let ctx = NIOLoopBound(context, eventLoop: context.eventLoop)
        guard text.hasPrefix("GET ") else {
            respond(ctx.value, status: "405 Method Not Allowed", body: Array("only GET\n".utf8))
            return
        }
        let promise = context.eventLoop.makePromise(of: [UInt8].self)
        let snapshot = self.snapshot
        promise.completeWithTask { await snapshot().render() }
        promise.futureResult.whenSuccess { [self] body in respond(ctx, status: "200 OK", body: body) }
    }

    private func respond(_ context: NIOLoopBound<ChannelHandlerContext>, status: String, body: [UInt8]) {
        respond(context.value, status: status, body: body)
    }

    private func respond(_ context: ChannelHandlerContext, status: String, body: [UInt8]) {
        var out = ByteBuffer()
        out.writeString("HTTP/1.1 \(status)\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n")
        out.writeString("Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        out.writeBytes(body)
        let ctx = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(out)).whenComplete { _ in ctx.value.close(promise: nil) }
    }
}
