import CNetlink
import Glibc

/// What the monitor thread hands to the writer.
enum MonitorInput: Sendable {
    case messages([NetlinkMessage])
    /// The kernel dropped notifications (ENOBUFS): the writer must resynchronise.
    case overrun
    case failed(NetlinkSocketError)
}

/// Reads rtnetlink notifications on its own thread and passes them on as Sendable values.
///
/// The socket joins the link, address, neighbour, route and nexthop groups. A classic BPF filter
/// drops, inside the kernel, the route and nexthop notifications caused by the writer's own
/// requests (their nlmsg_pid is the writer's port id): installing a million routes would
/// otherwise echo a million notifications back at us. Changes made by anyone else, and those
/// the kernel makes itself (offload flags, pid 0), still come through.
final class MonitorThread: @unchecked Sendable {
    /// RTNLGRP_LINK, NEIGH, IPV4_IFADDR, IPV4_ROUTE, IPV6_IFADDR, IPV6_ROUTE, NEXTHOP.
    static let groups: [UInt32] = [1, 3, 5, 7, 9, 11, 32]

    let stream: AsyncStream<MonitorInput>
    private let continuation: AsyncStream<MonitorInput>.Continuation
    // Used only by the monitor thread once `start` has run.
    private let socket: NetlinkSocket
    private var wake: (read: Int32, write: Int32) = (-1, -1)
    private var thread = pthread_t()
    private var running = false

    init(namespace: String?, ignoringPortID writerPort: UInt32, receiveBufferSize: Int) throws(NetlinkSocketError) {
        var options = NetlinkSocket.Options()
        options.groups = Self.groups
        options.receiveBufferSize = receiveBufferSize
        socket = try NetlinkSocket(namespace: namespace, options: options)
        try socket.attachFilter(Self.filter(droppingEchoesOf: writerPort))
        (stream, continuation) = AsyncStream.makeStream(of: MonitorInput.self, bufferingPolicy: .unbounded)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw NetlinkSocketError("pipe", errno: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        wake = (fds[0], fds[1])
    }

    deinit {
        stop()
        close(wake.read)
        close(wake.write)
    }

    /// The BPF program: accept everything except RTM_{NEW,DEL}ROUTE and RTM_{NEW,DEL}NEXTHOP
    /// whose nlmsg_pid is the writer's. Classic BPF loads are big-endian, so the little-endian
    /// 16-bit type is read as its low byte (offset 4; the high byte at 5 is 0 for these types)
    /// and the pid is compared byte-swapped.
    static func filter(droppingEchoesOf pid: UInt32) -> [NetlinkFilterInstruction] {
        [
            .loadByte(5),                      // 0: high byte of nlmsg_type
            .jumpIfEqual(0, 0, 6),             // 1: not 0 -> accept (8)
            .loadByte(4),                      // 2: low byte
            .jumpIfEqual(24, 6, 0),            // 3: RTM_NEWROUTE -> check pid (10)
            .jumpIfEqual(25, 5, 0),            // 4: RTM_DELROUTE
            .jumpIfEqual(104, 4, 0),           // 5: RTM_NEWNEXTHOP
            .jumpIfEqual(105, 3, 0),           // 6: RTM_DELNEXTHOP
            .accept,                           // 7
            .accept,                           // 8
            .accept,                           // 9
            .loadWord(12),                     // 10: nlmsg_pid, byte-swapped by the load
            .jumpIfEqual(pid.byteSwapped, 0, 1), // 11: ours -> drop (12), else accept (13)
            .drop,                             // 12
            .accept,                           // 13
        ]
    }

    func start() throws(NetlinkSocketError) {
        guard !running else { return }
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            let me = Unmanaged<MonitorThread>.fromOpaque(arg).takeRetainedValue()
            me.loop()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<MonitorThread>.fromOpaque(context).release()
            throw NetlinkSocketError("pthread_create", errno: rc)
        }
        running = true
    }

    /// Makes the thread stop reading for half a second, so a test can overrun its buffer.
    func suspendForTesting() {
        var two: UInt8 = 2
        _ = write(wake.write, &two, 1)
    }

    /// Stops the thread and ends the stream.
    func stop() {
        guard running else { return }
        running = false
        var one: UInt8 = 1
        _ = write(wake.write, &one, 1)
        pthread_join(thread, nil)
        continuation.finish()
    }

    private func loop() {
        var fds = [pollfd(fd: socket.fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let n = poll(&fds, 2, -1)
            if n < 0 {
                if errno == EINTR { continue }
                continuation.yield(.failed(NetlinkSocketError("poll", errno: errno)))
                return
            }
            if fds[1].revents != 0 {
                var command: UInt8 = 0
                _ = read(wake.read, &command, 1)
                if command == 2 { usleep(500_000); continue }   // suspendForTesting
                return
            }
            var batch: [NetlinkMessage] = []
            // Drain what is queued so that a burst reaches the writer as one batch.
            while true {
                do throws(NetlinkSocketError) {
                    let data = try socket.receive(timeoutMilliseconds: 0)
                    if let messages = try? NetlinkMessage.decodeAll(data) { batch += messages }
                    if batch.count >= 4096 { break }
                } catch {
                    if error.isOverrun {
                        if !batch.isEmpty { continuation.yield(.messages(batch)); batch = [] }
                        continuation.yield(.overrun)
                        continue
                    }
                    if !error.isTimeout { continuation.yield(.failed(error)) }
                    break
                }
            }
            if !batch.isEmpty { continuation.yield(.messages(batch)) }
        }
    }
}
