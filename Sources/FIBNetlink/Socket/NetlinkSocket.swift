import CNetlink
import Glibc

// The thin socket layer: open an rtnetlink socket (optionally inside a named network namespace),
// set the options large writers need, send bytes, receive datagrams. No message logic lives here
// beyond sequence numbers and the dump/request helpers that wait for their answer.

/// A socket-level failure, with the errno and the call that failed.
public struct NetlinkSocketError: Error, Hashable, Sendable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// The kernel dropped messages for this socket because its receive buffer was full
    /// (ENOBUFS). Whoever reads the socket has lost events and must resynchronise.
    public var isOverrun: Bool { errno == ENOBUFS }
    public var isTimeout: Bool { errno == EAGAIN || errno == ETIMEDOUT }

    public var description: String { "netlink \(operation): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// An rtnetlink socket. Not thread-safe: one owner uses it (the FIB writer or the monitor thread).
public final class NetlinkSocket {
    /// Socket options, defaulting to what a writer of a million routes needs.
    public struct Options: Sendable {
        /// SO_RCVBUFFORCE (falls back to SO_RCVBUF when not privileged). Big dumps and bursts of
        /// errors or notifications must fit, or the kernel reports ENOBUFS.
        public var receiveBufferSize: Int = 64 << 20
        /// SO_SNDBUFFORCE: one sendmsg may carry a whole batch of requests.
        public var sendBufferSize: Int = 8 << 20
        /// NETLINK_EXT_ACK: errors carry the kernel's text.
        public var extendedAck = true
        /// NETLINK_CAP_ACK: errors do not echo the whole request back.
        public var capAck = true
        /// NETLINK_GET_STRICT_CHK: dump requests are validated and their filters honoured.
        public var strictCheck = true
        /// Multicast groups (RTNLGRP_*) to join.
        public var groups: [UInt32] = []

        public init() {}
    }

    public let fd: Int32
    /// The port id the kernel assigned (nl_pid); notifications caused by our requests carry it.
    public let portID: UInt32
    private var sequence: UInt32
    private var buffer: [UInt8]

    /// Opens a NETLINK_ROUTE socket. With `namespace`, the socket lives in `/run/netns/<namespace>`
    /// (opened on a short-lived thread that enters the namespace; this process stays where it is).
    public init(namespace: String? = nil, options: Options = Options()) throws(NetlinkSocketError) {
        let fd: Int32
        if let namespace {
            fd = try NetworkNamespace.withEntered(namespace) { () throws(NetlinkSocketError) -> Int32 in
                try Self.openRaw()
            }
        } else {
            fd = try Self.openRaw()
        }
        self.fd = fd
        var addr = sockaddr_nl()
        addr.nl_family = sa_family_t(AF_NETLINK)
        var len = socklen_t(MemoryLayout<sockaddr_nl>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        guard bound == 0 else { let e = errno; close(fd); throw NetlinkSocketError("bind", errno: e) }
        let named = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard named == 0 else { let e = errno; close(fd); throw NetlinkSocketError("getsockname", errno: e) }
        portID = addr.nl_pid
        sequence = UInt32(truncatingIfNeeded: time(nil))
        buffer = [UInt8](repeating: 0, count: 1 << 20)

        setInt(SOL_SOCKET, SO_SNDBUFFORCE, options.sendBufferSize, fallback: SO_SNDBUF)
        setInt(SOL_SOCKET, SO_RCVBUFFORCE, options.receiveBufferSize, fallback: SO_RCVBUF)
        if options.extendedAck { setInt(SOL_NETLINK, NETLINK_EXT_ACK, 1) }
        if options.capAck { setInt(SOL_NETLINK, NETLINK_CAP_ACK, 1) }
        if options.strictCheck { setInt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1) }
        for g in options.groups {
            guard setInt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, Int(g)) else {
                let e = errno; close(fd); throw NetlinkSocketError("join group \(g)", errno: e)
            }
        }
    }

    deinit { close(fd) }

    private static func openRaw() throws(NetlinkSocketError) -> Int32 {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_ROUTE)
        guard fd >= 0 else { throw NetlinkSocketError("socket", errno: errno) }
        return fd
    }

    @discardableResult
    private func setInt(_ level: Int32, _ name: Int32, _ value: Int, fallback: Int32? = nil) -> Bool {
        var v = Int32(clamping: value)
        if setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 { return true }
        guard let fallback else { return false }
        return setsockopt(fd, level, fallback, &v, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// The effective receive buffer size (the kernel doubles what was asked).
    public var receiveBufferSize: Int {
        var v: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len)
        return Int(v)
    }

    /// A fresh sequence number (never 0, which notifications use).
    public func nextSequence() -> UInt32 {
        sequence &+= 1
        if sequence == 0 { sequence = 1 }
        return sequence
    }

    /// Installs a classic BPF program that the kernel runs on every datagram before queueing it;
    /// a return value of 0 drops the datagram without using receive-buffer space.
    public func attachFilter(_ program: [NetlinkFilterInstruction]) throws(NetlinkSocketError) {
        var prog = program.map { sock_filter(code: $0.code, jt: $0.jumpIfTrue, jf: $0.jumpIfFalse, k: $0.k) }
        let rc = prog.withUnsafeMutableBufferPointer { p -> Int32 in
            var fprog = sock_fprog(len: UInt16(p.count), filter: p.baseAddress)
            return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, socklen_t(MemoryLayout<sock_fprog>.size))
        }
        guard rc == 0 else { throw NetlinkSocketError("SO_ATTACH_FILTER", errno: errno) }
    }

    /// Sends bytes holding one or more messages to the kernel, in one sendmsg(2). For rtnetlink the
    /// kernel processes every request before this returns, so their answers are already queued.
    public func send(_ bytes: [UInt8]) throws(NetlinkSocketError) {
        var addr = sockaddr_nl()
        addr.nl_family = sa_family_t(AF_NETLINK)
        while true {
            let n = bytes.withUnsafeBytes { b in
                withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                    }
                }
            }
            if n >= 0 { return }
            if errno == EINTR { continue }
            throw NetlinkSocketError("sendto", errno: errno)
        }
    }

    /// Receives one datagram, waiting at most `timeoutMilliseconds` (-1: forever, 0: do not wait).
    /// Returns the bytes, or throws: `isTimeout` when nothing came, `isOverrun` on ENOBUFS.
    public func receive(timeoutMilliseconds: Int32) throws(NetlinkSocketError) -> [UInt8] {
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, timeoutMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw NetlinkSocketError("poll", errno: errno)
            }
            if ready == 0 { throw NetlinkSocketError("receive", errno: EAGAIN) }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw NetlinkSocketError("recv", errno: errno)
            }
            return Array(buffer[0..<n])
        }
    }

    /// Sends a dump request and collects every answer until NLMSG_DONE.
    /// A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) is retried, up to 5 times.
    public func dump(_ request: NetlinkMessage, timeoutMilliseconds: Int32 = 5000) throws(NetlinkSocketError) -> [NetlinkMessage] {
        var attempt = 0
        while true {
            attempt += 1
            var req = request
            req.header.sequence = nextSequence()
            try send(req.bytes)
            var out: [NetlinkMessage] = []
            var interrupted = false
            collect: while true {
                let data = try receive(timeoutMilliseconds: timeoutMilliseconds)
                let messages: [NetlinkMessage]
                do { messages = try NetlinkMessage.decodeAll(data) } catch { throw NetlinkSocketError("decode dump", errno: EBADMSG) }
                for m in messages where m.header.sequence == req.header.sequence {
                    if m.header.flags.contains(.dumpInterrupted) { interrupted = true }
                    switch m.body {
                    case .done(let code):
                        if code < 0 { throw NetlinkSocketError("dump \(request.header.type)", errno: -code) }
                        break collect
                    case .ack(let a) where a.error != 0:
                        throw NetlinkSocketError("dump \(request.header.type)", errno: -a.error)
                    default:
                        out.append(m)
                    }
                }
            }
            if !interrupted || attempt >= 5 { return out }
        }
    }

    /// Every link, from a dump (names, indices, state). For lookups by name in tools and tests.
    public func links() throws(NetlinkSocketError) -> [LinkMessage] {
        try dump(.dumpLinks()).compactMap { m -> LinkMessage? in if case .link(let l) = m.body { l } else { nil } }
    }

    /// Like `dump`, but hands each answer's frame to `body` undecoded (for large dumps that only
    /// need a few fields). The buffer passed along holds the frame.
    public func dumpFrames(_ request: NetlinkMessage, timeoutMilliseconds: Int32 = 30_000,
                           _ body: ([UInt8], NetlinkFrame) -> Void) throws(NetlinkSocketError) {
        var req = request
        req.header.sequence = nextSequence()
        try send(req.bytes)
        while true {
            let data = try receive(timeoutMilliseconds: timeoutMilliseconds)
            var frames = NetlinkFrameIterator(data)
            while true {
                let frame: NetlinkFrame?
                do { frame = try frames.next() } catch { throw NetlinkSocketError("decode dump", errno: EBADMSG) }
                guard let frame else { break }
                guard frame.header.sequence == req.header.sequence else { continue }
                switch frame.header.type {
                case .done: return
                case .error:
                    if let ack = try? NetlinkAck(decoding: data, range: frame.body, flags: frame.header.flags), ack.error != 0 {
                        throw NetlinkSocketError("dump \(request.header.type)", errno: -ack.error)
                    }
                default: body(data, frame)
                }
            }
        }
    }

    /// Sends one request with NLM_F_ACK and waits for its answer.
    public func request(_ message: NetlinkMessage, timeoutMilliseconds: Int32 = 5000) throws(NetlinkSocketError) -> NetlinkAck {
        var req = message
        req.header.sequence = nextSequence()
        req.header.flags.insert(.ack)
        try send(req.bytes)
        while true {
            let data = try receive(timeoutMilliseconds: timeoutMilliseconds)
            guard let messages = try? NetlinkMessage.decodeAll(data) else { continue }
            for m in messages where m.header.sequence == req.header.sequence {
                if case .ack(let a) = m.body { return a }
            }
        }
    }
}

/// One classic BPF instruction (`struct sock_filter`) for `NetlinkSocket.attachFilter`.
public struct NetlinkFilterInstruction: Hashable, Sendable {
    public var code: UInt16
    public var jumpIfTrue: UInt8
    public var jumpIfFalse: UInt8
    public var k: UInt32

    public init(code: UInt16, jumpIfTrue: UInt8 = 0, jumpIfFalse: UInt8 = 0, k: UInt32) {
        self.code = code
        self.jumpIfTrue = jumpIfTrue
        self.jumpIfFalse = jumpIfFalse
        self.k = k
    }

    /// Load the byte at an absolute offset of the datagram.
    public static func loadByte(_ offset: UInt32) -> Self { Self(code: UInt16(BPF_LD | BPF_B | BPF_ABS), k: offset) }
    /// Load the 32-bit word at an offset (big-endian, as classic BPF does).
    public static func loadWord(_ offset: UInt32) -> Self { Self(code: UInt16(BPF_LD | BPF_W | BPF_ABS), k: offset) }
    /// If the accumulator equals `value`, skip `ifTrue` instructions, else skip `ifFalse`.
    public static func jumpIfEqual(_ value: UInt32, _ ifTrue: UInt8, _ ifFalse: UInt8) -> Self {
        Self(code: UInt16(BPF_JMP | BPF_JEQ | BPF_K), jumpIfTrue: ifTrue, jumpIfFalse: ifFalse, k: value)
    }
    /// Keep the datagram.
    public static let accept = Self(code: UInt16(BPF_RET | BPF_K), k: 0xFFFF_FFFF)
    /// Drop the datagram.
    public static let drop = Self(code: UInt16(BPF_RET | BPF_K), k: 0)
}
