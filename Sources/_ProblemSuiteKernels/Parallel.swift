import Dispatch
import Synchronization

/// How many threads the suite's kernels may use.
///
/// The count is a value given to the code that evaluates, not a global a run changes:
/// ``withThreads(_:_:)`` binds it for the duration of a call (on the calling thread and
/// inside the kernels it starts), and ``maxThreads`` reads it once per kernel call. Outside
/// any binding, kernels use ``defaultThreads``: the `PROBLEMSUITE_THREADS` environment
/// variable if set, else the number of active processors (a tool may set it once at
/// startup, from a `--threads` option, before any work starts). ``LoadContext/threads``
/// carries a count with the context a problem is loaded and solved under; the harness
/// binds 1 per task when it runs tasks in parallel itself.
///
/// Kernels split work into pieces whose number depends only on the problem size, never
/// on the thread count, so results are bit-identical whatever the count; it only
/// changes speed.
public enum Parallel {
    private static let storage = Atomic<Int>(Parallel.environmentThreads())

    /// The count bound by ``withThreads(_:_:)``, if any (task-local: a binding on one
    /// thread or task is invisible to the others).
    @TaskLocal private static var scoped: Int? = nil

    private static func environmentThreads() -> Int {
        if let text = getenvString("PROBLEMSUITE_THREADS"), let v = Int(text), v > 0 { return v }
        return max(1, ProcessInfoLite.activeProcessorCount)
    }

    /// The count used outside any ``withThreads(_:_:)`` (at least 1). Meant to be set once
    /// at startup (a command's `--threads`), not changed while work runs: to run something
    /// with another count, use ``withThreads(_:_:)``.
    public static var defaultThreads: Int {
        get { storage.load(ordering: .relaxed) }
        set { storage.store(max(1, newValue), ordering: .relaxed) }
    }

    /// The maximum number of threads kernels called from here use (at least 1): the
    /// innermost ``withThreads(_:_:)`` count, else ``defaultThreads``.
    public static var maxThreads: Int { scoped ?? defaultThreads }

    /// Runs `body` with kernels limited to `threads` threads (at least 1); `nil` leaves
    /// the count in effect. The binding covers `body` and the kernels it starts, and no
    /// other thread: two runs with different counts can proceed side by side.
    public static func withThreads<R>(_ threads: Int?, _ body: () throws -> R) rethrows -> R {
        guard let threads else { return try body() }
        return try $scoped.withValue(max(1, threads)) { try body() }
    }

    /// Below this much work (in multiply-adds, say) a kernel runs on the calling thread:
    /// handing half to a second thread costs more than it saves. 2¹⁷ since the suite's own
    /// workers (``WorkerPool``) start a job in a few microseconds (2²⁰ with
    /// concurrentPerform): A1's f+∇f (2¹⁸) takes 33 µs on two threads against 52 µs on one;
    /// no problem of the suite was slower on two (BENCHMARKS.md). The split into pieces,
    /// and so the result, is the same either way.
    public static let minimumParallelWork = 1 << 17

    /// Threads of the suite's worker pool started so far (0 before any parallel job, and
    /// where there is no pool): for tests and diagnostics.
    package static var poolWorkersStarted: Int { WorkerPool.shared.workersStarted }

    /// Runs `body(0) ... body(tasks-1)`, on up to ``maxThreads`` threads when `work` is at
    /// least ``minimumParallelWork``, else in order on the calling thread.
    /// The tasks must write disjoint memory.
    public static func forEach(_ tasks: Int, work: Int = .max, _ body: (Int) -> Void) {
        if tasks <= 0 { return }
        let limit = scoped
        if tasks == 1 || (limit ?? defaultThreads) == 1 || work < minimumParallelWork {
            for t in 0..<tasks { body(t) }
            return
        }
        // The pieces run on other threads: carry the binding over, for kernels nested in `body`.
        // The suite's workers first (``WorkerPool``: awake between a solver's iterations);
        // when they are taken (another thread's job, or a job nested in a job),
        // concurrentPerform.
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBox(escapable)
            let run: (Int) -> Void = { t in
                if let limit { $scoped.withValue(limit) { box.value(t) } } else { box.value(t) }
            }
            if WorkerPool.shared.tryRun(limit ?? defaultThreads, tasks: tasks, run) { return }
            let boxedRun = UncheckedBox(run)
            DispatchQueue.concurrentPerform(iterations: tasks) { t in boxedRun.value(t) }
        }
    }
}

/// Wraps a value for crossing into `concurrentPerform`, whose tasks write disjoint memory.
@usableFromInline
package struct UncheckedBox<T>: @unchecked Sendable {
    @usableFromInline package let value: T
    @usableFromInline package init(_ value: T) { self.value = value }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline
func getenvString(_ name: String) -> String? {
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
}

enum ProcessInfoLite {
    static var activeProcessorCount: Int {
        #if canImport(Darwin) || canImport(Glibc) || canImport(Musl)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}
