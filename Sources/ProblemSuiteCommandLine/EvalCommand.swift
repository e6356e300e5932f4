import ArgumentParser
import ProblemSuite

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate f and ‖∇f‖ at a run's starting point, and time one evaluation.")

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Problem name or alias.") var name: String
    @Option(parsing: .unconditional, help: "Run index whose starting point is used.") var seed: Int = 0
    @Option(parsing: .unconditional, help: "Minimum total timing time in seconds (0 to 3600; f alone is timed for half of it).") var minTime: Double = 0.2
    @Flag(help: "Machine-readable output.") var json = false

    /// Upper bound of --min-time: an hour, so that a typo (or `inf`) cannot make the timing loop run forever.
    static let maxMinTime = 3600.0

    func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed must be non-negative, got \(seed)") }
        guard minTime >= 0, minTime <= EvalCommand.maxMinTime else {
            throw ValidationError("--min-time must be between 0 and \(Int(EvalCommand.maxMinTime)) seconds, got \(minTime)")
        }
    }

    struct Output: Encodable {
        var problem: String, n: Int, run: Int, f: Double, gradientNorm: Double
        var loadSeconds: Double, valueAndGradientSeconds: Double, valueSeconds: Double, repetitions: Int
    }

    func run() throws {
        let catalogue = try suite.catalogue()
        let t0 = monotonicSeconds()
        let problem = try suite.loadProblem(name, from: catalogue)
        let loadTime = monotonicSeconds() - t0
        let x = problem.startingPoint(run: seed)
        var g = [Double](repeating: 0, count: problem.dimension)
        let f = problem.valueAndGradient(at: x, into: &g)
        let gnorm = DenseKernels.norm(g)
        let (fg, _, reps) = timeBench(minTime) { _ = problem.valueAndGradient(at: x, into: &g) }
        let (fv, _, _) = timeBench(minTime / 2) { _ = problem.value(at: x) }
        let out = Output(problem: problem.name, n: problem.dimension, run: seed, f: f, gradientNorm: gnorm,
                         loadSeconds: loadTime, valueAndGradientSeconds: fg, valueSeconds: fv, repetitions: reps)
        if json { try printJSON(out); return }
        print("\(out.problem)  n = \(out.n)  run \(seed)")
        print("  f(x0)        \(f)")
        print("  ‖∇f(x0)‖     \(gnorm)")
        print("  load         \(formatSeconds(loadTime))")
        print("  f + ∇f       \(formatSeconds(fg)) per call (median of \(reps))")
        print("  f            \(formatSeconds(fv)) per call")
    }
}
