import CLibBSD
import Foundation
import Glibc

/// The daemon's pidfile, through libbsd's pidfile(3): created and locked with flock, so a
/// second bgpd on the same file is refused while the first runs, and a stale file left by a
/// crash (no lock held) is taken over.
final class PidFile: @unchecked Sendable {
    // @unchecked: the handle is written once at open and used again only at remove, both from
    // the main task.
    private var handle: OpaquePointer?
    let path: String

    struct AlreadyRunning: Error, CustomStringConvertible {
        var path: String
        var pid: pid_t
        var description: String { "bgpd is already running as pid \(pid) (pidfile \(path))" }
    }

    init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var other: pid_t = 0
        guard let h = pidfile_open(path, 0o644, &other) else {
            if errno == EEXIST { throw AlreadyRunning(path: path, pid: other) }
            throw SocketError("pidfile \(path)")
        }
        handle = h
        guard pidfile_write(h) == 0 else { throw SocketError("writing pidfile \(path)") }
    }

    /// Removes the file and releases the lock.
    func remove() {
        if let h = handle { pidfile_remove(h) }
        handle = nil
    }
}

/// SIGTERM, SIGINT and SIGHUP as an async stream. The default actions are disabled so the
/// daemon can close its sessions properly.
enum Signals {
    static func stream() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "bgpd.signals")
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler { continuation.yield(sig) }
            s.resume()
            sources.append(s)
        }
        let keep = SourceHolder(sources)
        continuation.onTermination = { _ in keep.cancel() }
        return stream
    }

    private final class SourceHolder: @unchecked Sendable {
        // @unchecked: the sources are only cancelled once, on termination.
        let sources: [any DispatchSourceSignal]
        init(_ s: [any DispatchSourceSignal]) { sources = s }
        func cancel() { for s in sources { s.cancel() } }
    }
}
