import ArgumentParser
import ProblemSuite

struct CheckGradientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-gradient", abstract: "Check a problem's gradient against central finite differences.")

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Problem name or alias.") var name: String
    @Option(parsing: .unconditional, help: "Run index whose starting point is used.") var seed: Int = 0
    @Option(parsing: .unconditional, help: "Number of random unit directions (at least 1; the 4 coordinates of largest |∂f/∂xᵢ| are checked too).") var directions: Int = 6
    @Option(parsing: .unconditional, help: "Relative error above which the check fails.") var tolerance: Double = 1e-5
    @Flag(help: "Machine-readable output.") var json = false

    func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed must be non-negative, got \(seed)") }
        guard directions >= 1 else { throw ValidationError("--directions must be at least 1, got \(directions)") }
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be positive and finite, got \(tolerance)") }
    }

    func run() throws {
        let catalogue = try suite.catalogue()
        let problem = try suite.loadProblem(name, from: catalogue)
        let report = GradientCheck.check(problem, at: problem.startingPoint(run: seed), randomDirections: directions)
        let ok = report.maxRelativeError <= tolerance && report.consistent
        if json { try printJSON(report) } else {
            print("\(report.problem): max relative error \(report.maxRelativeError) over \(report.directions) directions (\(directions) random, \(report.directions - directions) coordinates; h = \(report.step)); entry points \(report.consistent ? "consistent" : "INCONSISTENT") — \(ok ? "ok" : "FAILED")")
        }
        if !ok { throw ExitCode.failure }
    }
}
