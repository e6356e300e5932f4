import Dispatch
import Synchronization

/// How many threads the suite's kernels may use.
///
/// Default: the `PROBLEMSUITE_THREADS` environment variable if set, else the number of
/// active processors. Kernels split work into pieces whose number depends only on the
/// problem size, never on the thread count, so results are bit-identical whatever this
/// is set to; it only changes speed. The harness sets it to 1 when it runs problems in
/// parallel itself.
public enum Parallel {
    private static let storage = Atomic<Int>(Parallel.defaultThreads())

    private static func defaultThreads() -> Int {
        if let text = getenvString("PROBLEMSUITE_THREADS"), let v = Int(text), v > 0 { return v }
        return max(1, ProcessInfoLite.activeProcessorCount)
    }

    /// The maximum number of threads kernels use (at least 1).
    public static var maxThreads: Int {
        get { storage.load(ordering: .relaxed) }
        set { storage.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Below this much work (in multiply-adds, say) a kernel runs on the calling thread:
    /// waking a second thread costs more than it saves. The split into pieces, and so the
    /// result, is the same either way.
    public static let minimumParallelWork = 1 << 20

    /// Runs `body(0) ... body(tasks-1)`, on up to ``maxThreads`` threads when `work` is at
    /// least ``minimumParallelWork``, else in order on the calling thread.
    /// The tasks must write disjoint memory.
    public static func forEach(_ tasks: Int, work: Int = .max, _ body: (Int) -> Void) {
        if tasks <= 0 { return }
        if tasks == 1 || maxThreads == 1 || work < minimumParallelWork {
            for t in 0..<tasks { body(t) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBox(escapable)
            DispatchQueue.concurrentPerform(iterations: tasks) { t in box.value(t) }
        }
    }
}

/// Wraps a value for crossing into `concurrentPerform`, whose tasks write disjoint memory.
@usableFromInline
struct UncheckedBox<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
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
