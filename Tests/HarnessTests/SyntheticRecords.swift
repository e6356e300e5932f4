import Foundation
import ProblemSuite
@testable import Harness

/// A result made by hand, for tests of what is computed from stored results (the
/// convergence study, the claims): only the fields those read are meaningful.
func syntheticRecord(problem: String, solver: String, run: Int = 0, family: String = "random-least-squares",
                     status: RunStatus = .converged, iterations: Int = 100, gradientNorm: Double = 1e-5,
                     kmax: Int = 1000, pruning: [PruningMeasure] = []) -> RunRecord {
    var settings = SolverSettings()
    settings.maxIterations = kmax
    let entry = ProblemEntry(metadata: ProblemMetadata(name: problem, family: family, dimension: 1, classification: "", seed: 0),
                             sourceFile: "") { _ in fatalError("a synthetic record's problem is never loaded") }
    var r = RunRecord.failed(HarnessTask(key: TaskKey(problem: problem, solver: solver, run: run), entry: entry,
                                         settings: settings, pruning: pruning.map(\.percentage)),
                             reason: "synthetic", command: "test")
    r.status = status
    r.failure = status.isFailure ? "synthetic failure" : nil
    r.iterations = iterations
    r.gradientNorm = gradientNorm
    r.pruning = pruning
    return r
}
