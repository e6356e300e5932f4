import Foundation
import ProblemSuite
import Solvers
import Synchronization

/// Runs a plan: each task on its own, results written the moment they finish.
///
/// With `jobs` > 1 tasks run on that many threads (each thread loads its own problem
/// instances), and the kernels inside run single-threaded. Every number in a result but
/// the wall time is the same bits whatever `jobs` is: tasks share nothing and the
/// kernels do not depend on the thread count.
public final class Runner: @unchecked Sendable {
    public let store: ResultStore
    public let context: LoadContext
    public let jobs: Int
    public let command: String
    /// Called (from worker threads, serialised) after each finished or failed task.
    public var progress: (@Sendable (_ done: Int, _ total: Int, _ key: TaskKey, _ error: String?) -> Void)?

    public init(store: ResultStore, context: LoadContext, jobs: Int, command: String) {
        self.store = store
        self.context = context
        self.jobs = max(1, jobs)
        self.command = command
    }

    /// What a run did.
    public struct Summary: Sendable {
        public var completed: Int
        public var skipped: Int
        public var failures: [(TaskKey, String)]
    }

    /// Runs every task of `plan` whose result is not yet stored.
    public func run(_ plan: Plan) -> Summary {
        let pending = plan.tasks.filter { !store.contains($0.key) }
        let skipped = plan.tasks.count - pending.count
        let next = Atomic<Int>(0)
        let lock = Mutex<(done: Int, failures: [(TaskKey, String)])>((0, []))
        let savedThreads = Parallel.maxThreads
        if jobs > 1 { Parallel.maxThreads = 1 }
        defer { Parallel.maxThreads = savedThreads }
        let worker: @Sendable () -> Void = { [self] in
            var cache: [String: any SmoothProblem] = [:]
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= pending.count { break }
                let task = pending[i]
                var failure: String?
                do {
                    let problem: any SmoothProblem
                    if let p = cache[task.entry.name] { problem = p } else {
                        problem = try task.entry.load(context)
                        cache = [task.entry.name: problem]  // keep one problem per worker
                    }
                    try store.write(try Runner.execute(task, on: problem, command: command))
                } catch {
                    failure = "\(error)"
                }
                let done = lock.withLock { state -> Int in
                    state.done += 1
                    if let failure { state.failures.append((task.key, failure)) }
                    return state.done
                }
                progress?(done, pending.count, task.key, failure)
            }
        }
        if jobs == 1 || pending.count < 2 {
            worker()
        } else {
            let threads = min(jobs, pending.count)
            let group = DispatchGroup()
            for _ in 0..<threads {
                group.enter()
                let t = Thread { worker(); group.leave() }
                t.stackSize = 8 << 20
                t.start()
            }
            group.wait()
        }
        let state = lock.withLock { $0 }
        return Summary(completed: state.done - state.failures.count, skipped: skipped,
                       failures: state.failures.sorted { $0.0 < $1.0 })
    }

    /// Solves one task and measures it.
    public static func execute(_ task: HarnessTask, on problem: any SmoothProblem, command: String) throws -> RunRecord {
        let s = task.settings
        let x0 = StartingPoint.random(dimension: problem.dimension, nonzeros: s.relevantCount,
                                      seed: problem.metadata.seed, run: task.key.run)
        let solver = try SolverRegistry.make(task.key.solver, settings: s)
        let trace = TraceObserver(problem: problem, every: s.recordEvery, threshold: s.sparsityThreshold)
        let result = try SolverRun.run(solver, on: problem, from: x0, observer: trace)
        // Accuracy in percent of the held-out part, for problems that have one.
        let classifier = (problem as? any HeldOutEvaluation).flatMap { $0.testSampleCount > 0 ? $0 : nil }
        let accuracyOf: (([Double]) -> Double)? = classifier.map { c in { 100 * c.testAccuracy($0) } }
        let value = problem.value(at: result.x)
        let measures = PruningMeasure.measure(problem, solution: result.x, value: value, percentages: task.pruning,
                                              accuracy: accuracyOf)
        let accuracy = accuracyOf?(result.x)
        var prunable: Double?
        if let accuracy {
            prunable = measures.filter { ($0.accuracy ?? -1) >= accuracy - 1 }.map(\.percentage).max() ?? 0
        }
        return RunRecord(key: task.key, family: problem.metadata.family, dimension: problem.dimension, settings: s,
                         iterations: result.iterations, stopReason: result.stopReason.rawValue,
                         gradientNorm: result.gradientNorm, value: value, seconds: result.seconds,
                         gradientEvaluations: result.gradientEvaluations, sparsity: result.sparsity, pruning: measures,
                         accuracy: accuracy, maxPrunableWithinOnePoint: prunable, trace: trace.points,
                         solution: task.keepSolution ? result.x : nil, provenance: Provenance.current(command: command))
    }
}
