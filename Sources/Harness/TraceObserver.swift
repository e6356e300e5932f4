import ProblemSuite
import Solvers

/// Records a run's trace: every `every`-th iteration and the last, with f(x_k)
/// evaluated here (the solver never evaluates f), the sparsity below tau_s, and prunAdag's
/// |R|, |A|, |D|.
final class TraceObserver: SolverObserver {
    let problem: any SmoothProblem
    let every: Int
    let threshold: Double
    private(set) var points: [TracePoint] = []

    init(problem: any SmoothProblem, every: Int, threshold: Double) {
        self.problem = problem
        self.every = max(1, every)
        self.threshold = threshold
    }

    func observe(_ record: IterationRecord) {
        guard record.iteration % every == 0 || record.stopReason != nil else { return }
        if let last = points.last, last.k == record.iteration { return }
        let f = problem.value(at: record.iterateBuffer)
        let step = record.previousStep
        points.append(TracePoint(k: record.iteration, gradientNorm: record.gradientNorm, f: f,
                                 sparsity: Pruning.sparsity(record.iterateBuffer, threshold: threshold),
                                 relevant: step?.relevant, acceptable: step?.acceptable, decreasable: step?.decreasable))
    }
}
