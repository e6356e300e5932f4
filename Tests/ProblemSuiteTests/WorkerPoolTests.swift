import XCTest
import Dispatch
import Synchronization
import ProblemSuite

/// ``Parallel/forEach(_:work:_:)`` on the suite's workers (WorkerPool.swift): every task
/// runs exactly once, the thread-count binding reaches the tasks, jobs nested in a job
/// and jobs from several threads at once fall back to another route and still complete,
/// and a job after the workers have gone to sleep wakes them.
final class WorkerPoolTests: XCTestCase {
    /// Runs `tasks` tasks with `threads` threads and returns how often each ran.
    static func counts(_ tasks: Int, threads: Int, _ extra: ((Int) -> Void)? = nil) -> [Int] {
        var hits = [Int](repeating: 0, count: tasks)
        hits.withUnsafeMutableBufferPointer { h in
            let p = h.baseAddress!
            Parallel.withThreads(threads) {
                Parallel.forEach(tasks) { t in
                    p[t] += 1   // disjoint memory per task, as forEach requires
                    extra?(t)
                }
            }
        }
        return hits
    }

    func testEveryTaskRunsOnceOverManyJobs() {
        for round in 0..<2000 {
            let tasks = 1 + round % 17
            XCTAssertEqual(Self.counts(tasks, threads: 2), [Int](repeating: 1, count: tasks), "round \(round)")
        }
        #if os(Linux)
        if ProcessInfo.processInfo.activeProcessorCount > 1 { XCTAssertGreaterThan(Parallel.poolWorkersStarted, 0, "the jobs ran on the pool") }
        #endif
    }

    func testThreadBindingReachesTasksOnWorkers() {
        var seen = [Int](repeating: 0, count: 8)
        seen.withUnsafeMutableBufferPointer { s in
            let p = s.baseAddress!
            Parallel.withThreads(2) { Parallel.forEach(8) { t in p[t] = Parallel.maxThreads } }
        }
        XCTAssertEqual(seen, [Int](repeating: 2, count: 8))
    }

    func testNestedJobsComplete() {
        var inner = [Int](repeating: 0, count: 4 * 6)
        inner.withUnsafeMutableBufferPointer { b in
            let p = b.baseAddress!
            Parallel.withThreads(2) {
                Parallel.forEach(4) { outer in
                    Parallel.forEach(6) { t in p[outer * 6 + t] += 1 }
                }
            }
        }
        XCTAssertEqual(inner, [Int](repeating: 1, count: 24))
    }

    func testJobsFromSeveralThreadsAtOnce() {
        final class Failures: @unchecked Sendable { let count = Atomic<Int>(0) }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for round in 0..<300 {
                let tasks = 2 + round % 5
                if WorkerPoolTests.counts(tasks, threads: 2) != [Int](repeating: 1, count: tasks) { failures.count.add(1, ordering: .relaxed) }
            }
        }
        XCTAssertEqual(failures.count.load(ordering: .relaxed), 0)
    }

    func testJobsAfterTheWorkersSleep() {
        for _ in 0..<5 {
            usleep(2000)   // longer than the spin: the workers are asleep
            XCTAssertEqual(Self.counts(3, threads: 2), [1, 1, 1])
        }
    }

    /// The kernels' results do not depend on the route (pool, concurrentPerform, one thread).
    func testDenseKernelSameBitsOnEveryRoute() {
        var rng = SuiteRandom(seed: 3)
        let (m, n) = (700, 1600)   // above Parallel.minimumParallelWork
        let a = DenseMatrix(rows: m, columns: n, storage: rng.normals(m * n))
        let p = LeastSquaresProblem(operator: DenseOperator(a), rhs: rng.normals(m),
                                    metadata: ProblemMetadata(name: "pool", family: "test", dimension: n, rows: m, classification: "", seed: 0))
        let x = rng.normals(n)
        func run(_ threads: Int) -> [UInt64] {
            Parallel.withThreads(threads) {
                var g: [Double] = []
                let f = p.valueAndGradient(at: x, into: &g)
                return ([f] + g).map(\.bitPattern)
            }
        }
        let one = run(1)
        XCTAssertEqual(run(2), one, "pool")
        var nested: [UInt64] = []
        Parallel.withThreads(2) { Parallel.forEach(2, work: .max) { t in if t == 0 { nested = run(2) } } }
        XCTAssertEqual(nested, one, "nested in a job (concurrentPerform)")
    }
}
