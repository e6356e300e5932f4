import CSparseKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

#if canImport(Glibc) || canImport(Musl)

/// The threads behind ``Parallel/forEach(_:work:_:)``: workers that stay awake, spinning,
/// for a short while after each job, so that the next job of a solver (one f+∇f per
/// iteration, a few to a few hundred microseconds apart) starts on them at once.
///
/// Why not `DispatchQueue.concurrentPerform`: measured on the 2-core VM of BENCHMARKS.md,
/// two tasks of 100 µs each, called again and again with 0–60 µs of serial work between
/// calls, took 154–176 µs per call with it (its second thread starts late) against
/// 102–108 µs with these workers; SPARCO7's two-thread f+∇f is such a call.
///
/// - Jobs: one at a time (``tryRun(_:tasks:_:)`` fails when another thread's job is
///   running, or when called from inside a job; the caller then uses another route). The
///   caller publishes the job, runs tasks itself, and returns when every task is done.
/// - Tasks are taken one by one from a shared counter, so a worker that wakes late takes
///   fewer (or none): the job never waits for a sleeping worker. Which thread runs a task
///   never changes what it computes (``Parallel``'s tasks write disjoint memory), so
///   results are the same as on one thread.
/// - State: one atomic word holds the job's generation, its task count and the next task,
///   so that a worker can never take a task of a job other than the one it saw.
/// - Idle: a worker spins (with `pause`) for about ``spinNanoseconds`` after its last
///   job, then sleeps on a condition variable until the next one.
final class WorkerPool: @unchecked Sendable {
    /// The process's pool, with at most (active processors − 1) workers, started lazily.
    static let shared = WorkerPool(maxWorkers: max(0, ProcessInfoLite.activeProcessorCount - 1))

    /// How long an idle worker spins before it sleeps: 300 µs, longer than the serial work
    /// of a solver iteration between two f+∇f, short enough not to burn a core for long.
    static let spinNanoseconds: UInt64 = 300_000

    /// Bits of ``state``: generation (23 bits above the sign bit), task count (middle 20),
    /// next task (low 20).
    static let taskBits = 20
    static let taskMask = (1 << taskBits) - 1
    /// The largest task count a job may have here.
    static let maxTasks = taskMask

    let maxWorkers: Int
    /// generation << 40 | tasks << 20 | next task (never negative).
    let state = Atomic<Int>(0)
    /// Tasks of the current job finished.
    let finished = Atomic<Int>(0)
    /// 1 while a job runs (taken by compare-exchange: one job at a time).
    let busy = Atomic<Int>(0)
    /// How many workers (those with index below it) may take tasks of the current job: the
    /// caller's thread count − 1, so that a job never runs on more threads than it was given.
    let allowed = Atomic<Int>(0)
    /// Workers asleep on the condition variable.
    let sleepers = Atomic<Int>(0)
    /// Workers started (only grows; guarded by `mutex`).
    var started = 0
    /// The current job's body; written before the generation is published, read by a
    /// worker only after it has taken one of the job's tasks (so while the job is running).
    var body: ((Int) -> Void)?
    let mutex: UnsafeMutablePointer<pthread_mutex_t>
    let wake: UnsafeMutablePointer<pthread_cond_t>

    init(maxWorkers: Int) {
        self.maxWorkers = maxWorkers
        mutex = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
    }

    /// Whether the calling thread is one of the pool's workers.
    static func onWorker() -> Bool { workerKey.map { pthread_getspecific($0) != nil } ?? false }

    static let workerKey: pthread_key_t? = {
        var key = pthread_key_t()
        return pthread_key_create(&key, nil) == 0 ? key : nil
    }()

    /// Runs `body(0..<tasks)` on the calling thread and up to `threads − 1` workers, and
    /// returns `true` when done; returns `false` at once, without running anything, when
    /// another job is running, the caller is itself inside a job, or there is no worker.
    func tryRun(_ threads: Int, tasks: Int, _ body: @escaping (Int) -> Void) -> Bool {
        guard maxWorkers > 0, tasks <= Self.maxTasks, !Self.onWorker(),
              busy.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(0, ordering: .releasing) }
        startWorkers(min(threads - 1, maxWorkers))
        self.body = body
        finished.store(0, ordering: .relaxed)
        let generation = (state.load(ordering: .relaxed) >> (2 * Self.taskBits)) + 1
        allowed.store(min(threads - 1, maxWorkers), ordering: .relaxed)
        state.store(((generation & 0x7FFFFF) << (2 * Self.taskBits)) | (tasks << Self.taskBits), ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
        }
        let mine = state.load(ordering: .relaxed) >> (2 * Self.taskBits)
        while let t = take(generation: mine) {
            runTask(t)
            finished.add(1, ordering: .releasing)
        }
        while finished.load(ordering: .acquiring) < tasks { psk_cpu_relax() }
        self.body = nil
        return true
    }

    /// The next task of job `generation`, or nil when it has none left (or another job runs).
    @inline(__always)
    func take(generation: Int) -> Int? {
        var s = state.load(ordering: .acquiring)
        while true {
            let next = s & Self.taskMask, tasks = (s >> Self.taskBits) & Self.taskMask
            guard s >> (2 * Self.taskBits) == generation, next < tasks else { return nil }
            let (done, original) = state.compareExchange(expected: s, desired: s + 1, ordering: .acquiringAndReleasing)
            if done { return next }
            s = original
        }
    }

    func startWorkers(_ wanted: Int) {
        guard wanted > started else { return }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while started < wanted {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(WorkerStart(pool: self, index: started)).toOpaque()
            let rc = pthread_create(&thread, nil, { raw in
                let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
                if let key = WorkerPool.workerKey { pthread_setspecific(key, raw) }
                start.pool.work(index: start.index)
                return nil
            }, context)
            if rc != 0 { Unmanaged<WorkerStart>.fromOpaque(context).release(); return }
            pthread_detach(thread)
            started += 1
        }
    }

    /// A worker's loop: wait for a new generation (spin, then sleep), take its tasks.
    func work(index: Int) {
        var seen = state.load(ordering: .acquiring) >> (2 * Self.taskBits)
        while true {
            var generation = state.load(ordering: .acquiring) >> (2 * Self.taskBits)
            if generation == seen {
                let start = Self.now()
                var spins = 0
                while generation == seen {
                    psk_cpu_relax()
                    spins &+= 1
                    if spins & 255 == 0 && Self.now() &- start > Self.spinNanoseconds {
                        pthread_mutex_lock(mutex)
                        sleepers.add(1, ordering: .sequentiallyConsistent)
                        generation = state.load(ordering: .sequentiallyConsistent) >> (2 * Self.taskBits)
                        while generation == seen {
                            pthread_cond_wait(wake, mutex)
                            generation = state.load(ordering: .acquiring) >> (2 * Self.taskBits)
                        }
                        sleepers.subtract(1, ordering: .relaxed)
                        pthread_mutex_unlock(mutex)
                        break
                    }
                    generation = state.load(ordering: .acquiring) >> (2 * Self.taskBits)
                }
            }
            seen = generation
            guard index < allowed.load(ordering: .relaxed) else { continue }
            while let t = take(generation: generation) {
                runTask(t)
                finished.add(1, ordering: .releasing)
            }
        }
    }

    /// Runs task t of the current job. Not inlined, so that the worker's reference to the
    /// job's body is released before the task is counted as finished (the caller's
    /// `withoutActuallyEscaping` checks that no reference is left when the job returns).
    @inline(never)
    func runTask(_ t: Int) { body.unsafelyUnwrapped(t) }

    /// What a new worker thread is started with.
    final class WorkerStart {
        let pool: WorkerPool
        let index: Int
        init(pool: WorkerPool, index: Int) { self.pool = pool; self.index = index }
    }

    /// Worker threads started so far (for tests: 0 until a job ran with two threads or more).
    var workersStarted: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return started
    }

    /// A monotonic clock in nanoseconds.
    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}
#else
/// Elsewhere (no Glibc or Musl): no pool; ``Parallel`` uses `concurrentPerform`.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()
    func tryRun(_ threads: Int, tasks: Int, _ body: @escaping (Int) -> Void) -> Bool { false }
    var workersStarted: Int { 0 }
}
#endif
