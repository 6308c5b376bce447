import Glibc

/// The serial executor of every `FIBWriter`, and the task executor of the writer's own tasks
/// (the monitor consumer, timers): one dedicated thread.
///
/// The writer's work is blocking system calls (sendmsg of large batches, which the kernel
/// processes before returning, and waiting for ACKs). Running it on Swift's cooperative pool
/// (two threads on a two-core host) would stall BGP sessions while a million routes go in; on its
/// own thread it cannot. Its tasks run here too, so a busy cooperative pool cannot delay the
/// reaction to a link going down. The job queue below is the executor's only shared state.
final class WriterExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    static let shared = WriterExecutor()

    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var jobs: [UnownedJob] = []

    private init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            guard let arg else { return nil }
            Unmanaged<WriterExecutor>.fromOpaque(arg).takeRetainedValue().run()
            return nil
        }, context)
        precondition(rc == 0, "cannot start the FIB writer thread (errno \(rc))")
        pthread_detach(thread)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(&mutex)
        jobs.append(unowned)
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    private func run() {
        var batch: [UnownedJob] = []
        while true {
            pthread_mutex_lock(&mutex)
            while jobs.isEmpty { pthread_cond_wait(&condition, &mutex) }
            swap(&batch, &jobs)
            pthread_mutex_unlock(&mutex)
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
