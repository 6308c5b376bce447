import CNetlink
import Glibc

/// Runs code inside a named network namespace (`ip netns add NAME` creates /run/netns/NAME).
///
/// A socket belongs to the namespace it was created in, for its whole life. So entering the
/// namespace just long enough to create a socket is enough: the work happens on a fresh thread
/// that calls setns(2) (which affects only the calling thread) and then ends, so the rest of the
/// process never changes namespace. Tests and benchmarks use this to drive a writer inside an
/// `fb-` namespace without `ip netns exec`.
public enum NetworkNamespace {
    /// Runs `body` on a new thread that has entered `/run/netns/<name>` and returns its result.
    public static func withEntered<T>(_ name: String, _ body: @escaping () throws(NetlinkSocketError) -> T) throws(NetlinkSocketError) -> T {
        let path = name.hasPrefix("/") ? name : "/run/netns/" + name
        let nsfd = open(path, O_RDONLY | O_CLOEXEC)
        guard nsfd >= 0 else { throw NetlinkSocketError("open \(path)", errno: errno) }
        defer { close(nsfd) }
        let box = ResultBox<T>()
        try runOnNewThread {
            guard swiftbgp_setns(nsfd, 0x4000_0000 /* CLONE_NEWNET */) == 0 else {
                box.result = .failure(NetlinkSocketError("setns \(path)", errno: errno))
                return
            }
            do throws(NetlinkSocketError) { box.result = .success(try body()) } catch { box.result = .failure(error) }
        }
        switch box.result {
        case .success(let v)?: return v
        case .failure(let e)?: throw e
        case nil: throw NetlinkSocketError("namespace thread", errno: EINVAL)
        }
    }

    private final class ResultBox<T> {
        var result: Result<T, NetlinkSocketError>?
    }

    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts a thread for `body` and joins it.
    static func runOnNewThread(_ body: @escaping () -> Void) throws(NetlinkSocketError) {
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            let w = Unmanaged<Work>.fromOpaque(arg).takeRetainedValue()
            w.body()
            return nil
        }, work)
        guard rc == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            throw NetlinkSocketError("pthread_create", errno: rc)
        }
        pthread_join(thread, nil)
    }
}
