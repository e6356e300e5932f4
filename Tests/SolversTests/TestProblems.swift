import ProblemSuite
import Solvers
import ProblemSuiteTestSupport

/// Small problems declared in the tests (fast in debug builds).
enum TestProblems {
    /// A random least-squares instance of the A1 ensemble (Gaussian, entries N(0, 1/m)),
    /// declared through the catalogue so that it is built exactly as A1 is, only smaller.
    static func randomLeastSquares(ensemble: String = "gaussian", n: Int = 256, m: Int = 64, s: Int = 8,
                                   seed: Int = 11, nR: Int = 8, eps: Double = 1e-4, kmax: Int = 1000) throws -> any SmoothProblem {
        let toml: [String: ParameterValue] = [
            "family": .string("random-least-squares"),
            "settings": .table(["nR": .int(nR), "eps": .double(eps), "kmax": .int(kmax)]),
            "instance": .array([.table([
                "name": .string("T-\(ensemble)-\(n)"), "ensemble": .string(ensemble),
                "n": .int(n), "m": .int(m), "s": .int(s), "seed": .int(seed),
            ])]),
        ]
        let entries = try Catalogue.entries(fromTOML: toml, file: "(test)")
        return try entries[0].load(LoadContext())
    }
}

/// Keeps copies of every record (tests only).
final class RecordingObserver: SolverObserver {
    struct Entry {
        var iteration: Int, gradientNorm: Double, x: [Double], g: [Double]
        var previousStep: StepSummary?, stopReason: StopReason?
    }
    var entries: [Entry] = []
    var onRecord: ((IterationRecord) -> Void)?

    func observe(_ record: IterationRecord) {
        entries.append(Entry(iteration: record.iteration, gradientNorm: record.gradientNorm,
                             x: record.iterateArray, g: record.gradientArray,
                             previousStep: record.previousStep, stopReason: record.stopReason))
        onRecord?(record)
    }
}

/// Settings with the given nR, eps and kmax (other values: the suite's defaults).
func testSettings(nR: Int, eps: Double = 1e-4, kmax: Int = 100, radius: Double = 10) -> SolverSettings {
    var s = SolverSettings()
    s.relevantCount = nR
    s.gradientTolerance = eps
    s.maxIterations = kmax
    s.parameters["fw_radius"] = .double(radius)
    return s
}

/// The iterates of a run (x_0 … x_K) as bit patterns.
func iterateBits(_ solver: any Solver, _ problem: any SmoothProblem, _ x0: [Double]) throws -> [[UInt64]] {
    let rec = RecordingObserver()
    _ = try SolverRun.run(solver, on: problem, from: x0, observer: rec)
    return rec.entries.map { $0.x.map(\.bitPattern) }
}
