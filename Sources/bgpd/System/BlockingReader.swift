import Foundation
import Glibc
import Synchronization

/// Runs a blocking read loop on a dedicated thread, for descriptors NIO does not handle (raw
/// ICMPv6 and netlink sockets need recvmsg with ancillary data or datagram boundaries).
///
/// The thread polls with a short timeout so that `stop()` ends it promptly; it never runs on
/// Swift's cooperative pool, which has as many threads as cores (2 here) and must not block.
final class BlockingReader: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    let fd: Int32

    /// Starts reading: `onReadable` is called on the reader thread each time `fd` has data, and
    /// must consume it (one recv per call is enough; poll reports the rest again).
    init(fd: Int32, name: String, onReadable: @escaping @Sendable (Int32) -> Void) {
        self.fd = fd
        let thread = Thread { [self] in
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while !self.stopped.load(ordering: .relaxed) {
                p.revents = 0
                let n = poll(&p, 1, 200)
                if n > 0, p.revents & Int16(POLLIN) != 0 { onReadable(fd) }
                else if n > 0, p.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { break }
                else if n < 0, errno != EINTR { break }
            }
            self.finished.store(true, ordering: .releasing)
        }
        thread.name = name
        thread.start()
    }

    /// Ends the loop (within 200 ms) and closes the descriptor once the thread is out of it.
    func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        Thread.detachNewThread { [self] in
            while !self.finished.load(ordering: .acquiring) { usleep(20_000) }
            close(self.fd)
        }
    }
}
