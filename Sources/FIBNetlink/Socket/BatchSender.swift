import Glibc

/// Sends request batches from its own thread, so that encoding the next batch (on the writer's
/// thread) overlaps with the kernel processing this one: for rtnetlink the kernel does its work
/// inside sendmsg(2), on the sender's CPU. With two cores a large install then costs little more
/// than the kernel's own time.
///
/// Batches are sent strictly in submission order, so the kernel sees requests in the order the
/// writer planned them (objects before the routes that use them, routes before the objects they
/// stop using). At most `maxInFlight` batches wait; `submit` blocks beyond that, which bounds memory.
///
/// The socket is shared with the writer, which must not use it while batches are pending
/// (it calls `waitAll()` first). That protocol, and the mutex around the queues, is why this
/// class is `@unchecked Sendable`.
final class BatchSender: @unchecked Sendable {
    struct Batch {
        var bytes: [UInt8]
        /// Sequence number of the first request; request i has base + i.
        var base: UInt32
        var count: Int
        var tag: Int
    }

    struct Outcome {
        var tag: Int
        /// Errors by request index: (positive errno, extended ACK text).
        var errors: [Int: (Int32, String?)]
        /// A socket failure: the answers of this batch are unknown (overrun, timeout) or it was not sent.
        var failure: NetlinkSocketError?
    }

    private let socket: NetlinkSocket
    private let maxInFlight: Int
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var queue: [Batch] = []
    private var outcomes: [Outcome] = []
    private var inFlight = 0
    private var thread = pthread_t()
    private var started = false
    private var stopping = false

    init(socket: NetlinkSocket, maxInFlight: Int = 4) {
        self.socket = socket
        self.maxInFlight = maxInFlight
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
    }

    /// Queues a batch; blocks while `maxInFlight` batches are already waiting or being sent.
    func submit(_ batch: Batch) {
        startIfNeeded()
        pthread_mutex_lock(&mutex)
        if stopping {
            // After stop() nothing is sent; the batch fails as a whole.
            outcomes.append(Outcome(tag: batch.tag, errors: [:], failure: NetlinkSocketError("send after stop", errno: EBADF)))
            pthread_mutex_unlock(&mutex)
            return
        }
        while inFlight >= maxInFlight { pthread_cond_wait(&changed, &mutex) }
        queue.append(batch)
        inFlight += 1
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    /// Lets the thread finish what is queued and exit (it then drops its reference, and with it
    /// the socket, which matters: an open socket keeps its network namespace alive).
    func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    /// Waits until every submitted batch has been answered; returns their outcomes in order.
    func waitAll() -> [Outcome] {
        pthread_mutex_lock(&mutex)
        while inFlight > 0 { pthread_cond_wait(&changed, &mutex) }
        let done = outcomes
        outcomes = []
        pthread_mutex_unlock(&mutex)
        return done
    }

    private func startIfNeeded() {
        guard !started, !stopping else { return }
        started = true
        // The thread keeps a reference until `stop()`.
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            Unmanaged<BatchSender>.fromOpaque(arg).takeRetainedValue().run()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<BatchSender>.fromOpaque(context).release()
            started = false
        } else {
            pthread_detach(thread)
        }
    }

    private func run() {
        while true {
            pthread_mutex_lock(&mutex)
            while queue.isEmpty && !stopping { pthread_cond_wait(&changed, &mutex) }
            if queue.isEmpty {
                pthread_mutex_unlock(&mutex)
                return
            }
            let batch = queue.removeFirst()
            pthread_mutex_unlock(&mutex)
            let outcome = send(batch)
            pthread_mutex_lock(&mutex)
            outcomes.append(outcome)
            inFlight -= 1
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&mutex)
        }
    }

    /// Sends one batch and reads answers until the one for its last request.
    private func send(_ batch: Batch) -> Outcome {
        var errors: [Int: (Int32, String?)] = [:]
        do throws(NetlinkSocketError) {
            try socket.send(batch.bytes)
            let last = batch.count - 1
            while true {
                let data = try socket.receive(timeoutMilliseconds: 30_000)
                var frames = NetlinkFrameIterator(data)
                while let frame = try? frames.next() {
                    guard frame.header.type == .error,
                          let ack = try? NetlinkAck(decoding: data, range: frame.body, flags: frame.header.flags) else { continue }
                    let index = Int(ack.request.sequence &- batch.base)
                    guard index >= 0 && index < batch.count else { continue }
                    if ack.error != 0 { errors[index] = (-ack.error, ack.message) }
                    if index == last { return Outcome(tag: batch.tag, errors: errors, failure: nil) }
                }
            }
        } catch {
            return Outcome(tag: batch.tag, errors: errors, failure: error)
        }
    }
}
