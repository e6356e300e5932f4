import Foundation
import ProblemSuite
import Solvers
import Synchronization

/// Runs a plan: each task on its own, results written the moment they finish.
///
/// With `jobs` > 1 tasks run on that many threads (each thread loads its own problem
/// instances), and the kernels inside each task run single-threaded; with `jobs` = 1 the
/// kernels use `context.threads` (``LoadContext/threads``; nil: all cores). The count is
/// bound per task (``Parallel/withThreads(_:_:)``), never set process-wide, so runners
/// with different counts can run side by side. Every number in a result but the wall
/// time is the same bits whatever `jobs` and the thread count are: tasks share nothing
/// and the kernels do not depend on the thread count.
///
/// Immutable once made (every property is a `let` of a `Sendable` type), hence `Sendable`.
public final class Runner: Sendable {
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ key: TaskKey, _ error: String?) -> Void

    public let store: ResultStore
    public let context: LoadContext
    public let jobs: Int
    public let command: String
    /// The solvers the tasks name (default ``SolverRegistry/standard``).
    public let solvers: SolverRegistry
    /// Called (from worker threads, serialised) after each finished or failed task.
    public let progress: Progress?

    /// - Parameters:
    ///   - jobs: tasks run at once (at least 1).
    ///   - command: recorded in each result's provenance.
    ///   - solvers: where the tasks' solver names are looked up (default ``SolverRegistry/standard``;
    ///     a registry of your own for solvers of your own).
    ///   - progress: called after each finished or failed task (default none).
    public init(store: ResultStore, context: LoadContext, jobs: Int, command: String,
                solvers: SolverRegistry = .standard, progress: Progress? = nil) {
        self.store = store
        self.context = context
        self.jobs = max(1, jobs)
        self.command = command
        self.solvers = solvers
        self.progress = progress
    }

    /// What a run did.
    public struct Summary: Sendable {
        /// Tasks computed now that did not fail.
        public var completed: Int
        /// Tasks whose stored result has the task's fingerprint (not recomputed).
        public var skipped: Int
        /// Tasks whose stored result was made under another fingerprint, was unreadable
        /// or had errored, and was therefore computed again, with the first reasons.
        public var recomputed: Int
        public var recomputeReasons: [(TaskKey, String)]
        /// Tasks that failed now (diverged or threw), with why.
        public var failures: [(TaskKey, String)]
        /// Tasks skipped because their stored result is a failure (a divergence is
        /// deterministic: recomputing it gives the same failure).
        public var storedFailures: [(TaskKey, String)]

        /// Every failed task of the plan, computed now or stored.
        public var allFailures: [(TaskKey, String)] { (failures + storedFailures).sorted { $0.0 < $1.0 } }
    }

    /// Runs every task of `plan` whose result is not stored under the task's
    /// fingerprint. A result stored under another fingerprint (other settings, another
    /// protocol, other data, an older numerical version), an unreadable one and a stored
    /// error are computed again and counted in ``Summary/recomputed``.
    public func run(_ plan: Plan) -> Summary {
        var queue: [HarnessTask] = []
        var skipped = 0
        var recomputeReasons: [(TaskKey, String)] = []
        var storedFailures: [(TaskKey, String)] = []
        for task in plan.tasks {
            switch store.stored(task.key, fingerprint: task.fingerprint) {
            case .matching(let failure):
                skipped += 1
                if let failure { storedFailures.append((task.key, failure)) }
            case .missing:
                queue.append(task)
            case .mismatched(let fields):
                queue.append(task)
                recomputeReasons.append((task.key, "made under another fingerprint (" + fields.joined(separator: ", ") + ")"))
            case .unreadable(let reason):
                queue.append(task)
                recomputeReasons.append((task.key, "unreadable: \(reason)"))
            case .errored:
                queue.append(task)
                recomputeReasons.append((task.key, "had failed with an error"))
            }
        }
        let pending = queue
        let next = Atomic<Int>(0)
        let lock = Mutex<(done: Int, failures: [(TaskKey, String)])>((0, []))
        // One thread per task when tasks run side by side; the context's count otherwise.
        let threads = jobs > 1 && pending.count > 1 ? 1 : context.threads
        let solvers = self.solvers
        let worker: @Sendable () -> Void = { [self] in
            var cache: [String: any SmoothProblem] = [:]
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= pending.count { break }
                let task = pending[i]
                var failure: String?
                do {
                    try Parallel.withThreads(threads) {
                        let problem: any SmoothProblem
                        if let p = cache[task.entry.name] { problem = p } else {
                            problem = try task.entry.load(context)
                            cache = [task.entry.name: problem]  // keep one problem per worker
                        }
                        let (record, solution) = try Runner.execute(task, on: problem, command: command, solvers: solvers)
                        try store.write(record, solution: solution)
                        if record.status.isFailure { failure = record.failure ?? record.status.rawValue }
                    }
                } catch {
                    failure = "\(error)"
                    // The failure is stored too, so that tables show it; resume recomputes it.
                    try? store.write(RunRecord.failed(task, reason: "\(error)", command: command), solution: nil)
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
        return Summary(completed: state.done - state.failures.count, skipped: skipped, recomputed: recomputeReasons.count,
                       recomputeReasons: recomputeReasons, failures: state.failures.sorted { $0.0 < $1.0 },
                       storedFailures: storedFailures)
    }

    /// Solves one task and measures it: the record and the final iterate. The task's
    /// solver is looked up in `solvers` (default ``SolverRegistry/standard``). Kernels use
    /// the thread count in effect (``Parallel/withThreads(_:_:)``).
    public static func execute(_ task: HarnessTask, on problem: any SmoothProblem, command: String,
                               solvers: SolverRegistry = .standard) throws -> (RunRecord, [Double]) {
        let s = task.settings
        // A perturbed problem: the solver works on run r's perturbation; everything is
        // measured in the original variables on the unperturbed problem (see Perturbation).
        let perturbed = (problem as? PerturbedProblem)?.prepared(run: task.key.run)
        let measured: any SmoothProblem = perturbed?.original ?? problem
        let protocolStart = StartingPoint.random(dimension: problem.dimension, nonzeros: s.relevantCount,
                                                 seed: problem.metadata.seed, run: task.key.run)
        let x0 = perturbed?.startingPoint(fromOriginal: protocolStart) ?? protocolStart
        let problem: any SmoothProblem = perturbed ?? problem
        let solver = try solvers.make(task.key.solver, settings: s)
        let trace = TraceObserver(problem: problem, every: s.recordEvery, threshold: s.sparsityThreshold)
        let result = try SolverRun.run(solver, on: problem, from: x0, observer: trace)
        let status = RunStatus(result.stopReason)
        let initialValue = trace.points.first?.k == 0 ? trace.points[0].f : problem.value(at: x0)
        let x = perturbed?.originalPoint(result.x) ?? result.x
        // f(x*): unperturbed, the trace's last point holds it (from the last gradient pass)
        // when it is x*; perturbed, it is measured on the original problem at x = T·y.
        let value = perturbed == nil
            ? (trace.points.last.flatMap { $0.k == result.iterations ? $0.f : nil } ?? measured.value(at: x))
            : measured.value(at: x)
        var gradientNorm = result.gradientNorm, sparsity = result.sparsity
        if perturbed != nil {
            gradientNorm = measured.gradient(at: x).reduce(0) { $0 + $1 * $1 }.squareRoot()
            sparsity = Pruning.sparsity(x, threshold: s.sparsityThreshold)
        }
        var record = RunRecord(
            key: task.key, fingerprint: task.fingerprint, status: status, failure: nil,
            family: problem.metadata.family, dimension: problem.dimension, settings: s,
            iterations: result.iterations, stopReason: result.stopReason.rawValue,
            gradientNorm: gradientNorm, initialValue: initialValue, value: value, seconds: result.seconds,
            gradientEvaluations: result.gradientEvaluations, sparsity: sparsity, pruning: [],
            accuracy: nil, undecided: nil, maxPrunableWithinOnePoint: nil, trace: trace.points,
            provenance: Provenance.current(command: command))
        if status.isFailure {
            record.failure = "the gradient became non-finite (‖g‖ = \(result.gradientNorm)) at iteration \(result.iterations)"
            return (record, x)
        }
        // Accuracy in percent of the held-out part, for problems that have one.
        let classifier = (measured as? any HeldOutEvaluation).flatMap { $0.testSampleCount > 0 ? $0 : nil }
        let score: (([Double]) -> ClassificationScore)? = classifier.map { c in { c.testScore($0) } }
        record.pruning = PruningMeasure.measure(measured, solution: x, value: value, percentages: task.pruning,
                                                score: score)
        if let c = classifier {
            let unpruned = c.testScore(x)
            let accuracy = 100 * unpruned.accuracy
            record.accuracy = accuracy
            record.undecided = unpruned.undecided
            record.maxPrunableWithinOnePoint = record.pruning.filter { ($0.accuracy ?? -1) >= accuracy - 1 }.map(\.percentage).max() ?? 0
        }
        return (record, x)
    }
}
