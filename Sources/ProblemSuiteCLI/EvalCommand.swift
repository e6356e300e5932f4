import ArgumentParser
import ProblemSuite

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate f and ‖∇f‖ at a run's starting point, and time one evaluation.")

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Problem name or alias.") var name: String
    @Option(help: "Run index whose starting point is used.") var seed: Int = 0
    @Option(help: "Minimum total timing time in seconds.") var minTime: Double = 0.2
    @Flag(help: "Machine-readable output.") var json = false

    func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed must be non-negative, got \(seed)") }
        guard minTime >= 0 else { throw ValidationError("--min-time must be non-negative") }
    }

    struct Output: Encodable {
        var problem: String, n: Int, run: Int, f: Double, gradientNorm: Double
        var loadSeconds: Double, valueAndGradientSeconds: Double, valueSeconds: Double, repetitions: Int
    }

    func run() throws {
        let catalogue = try suite.catalogue()
        let t0 = monotonicSeconds()
        let problem = try catalogue.load(name, context: suite.loadContext)
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
