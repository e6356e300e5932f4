import ArgumentParser
import ProblemSuite

struct CheckGradientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-gradient", abstract: "Check a problem's gradient against central finite differences.")

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Problem name or alias.") var name: String
    @Option(help: "Run index whose starting point is used.") var seed: Int = 0
    @Option(help: "Number of random directions.") var directions: Int = 6
    @Option(help: "Relative error above which the check fails.") var tolerance: Double = 1e-5
    @Flag(help: "Machine-readable output.") var json = false

    func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed must be non-negative, got \(seed)") }
        guard directions >= 0 else { throw ValidationError("--directions must be non-negative") }
        guard tolerance > 0 else { throw ValidationError("--tolerance must be positive") }
    }

    func run() throws {
        let catalogue = try suite.catalogue()
        let problem = try catalogue.load(name, context: suite.loadContext)
        let report = GradientCheck.check(problem, at: problem.startingPoint(run: seed), randomDirections: directions)
        let ok = report.maxRelativeError <= tolerance && report.consistent
        if json { try printJSON(report) } else {
            print("\(report.problem): max relative error \(report.maxRelativeError) over \(report.directions) directions (h = \(report.step)); entry points \(report.consistent ? "consistent" : "INCONSISTENT") — \(ok ? "ok" : "FAILED")")
        }
        if !ok { throw ExitCode.failure }
    }
}
