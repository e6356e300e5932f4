import ArgumentParser
import Foundation
import Harness
import ProblemSuite

/// `problemsuite study`: an experiment's problems × solvers under a large budget, and per
/// (problem, solver) the iterations to reach eps or the final ‖g‖ (``ConvergenceStudy``).
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study", abstract: "Convergence study: run experiments with a large kmax and report the iterations to reach eps.",
        discussion: """
        Runs each experiment's problems × solvers (its full form: problem files' settings and the \
        experiment's [settings]) for --runs runs with kmax = --kmax, stores the results under \
        OUT/study/<experiment>/ (a killed study resumes), and prints per (problem, solver) how many \
        runs reached ‖g‖ ≤ eps, the median and largest iteration count of those, and the median and \
        largest final ‖g‖; then per family the budget that lets every converging run converge \
        (1.25 × the largest count, rounded up to 1, 2 or 5 × 10^j, at least 1000). Writes \
        study.csv and study.json beside the results.
        """)

    @OptionGroup var suite: SuiteOptions
    @OptionGroup var execution: ExecutionOptions
    @Argument(help: "Experiment names (default: all, in file order).") var experiments: [String] = []
    @Option(parsing: .unconditional, help: "The budget kmax of every run (1–\(maxIterationLimit)).") var kmax: Int = 20000
    @Option(parsing: .unconditional, help: "Runs per (problem, solver), 1–\(Plan.maxRuns) (runs 0 … runs−1).") var runs: Int = 3
    @Flag(help: "Print one JSON object (per experiment: directory, rows, budgets) on standard output.") var json = false

    func validate() throws {
        try execution.validateExecution()
        guard (1...maxIterationLimit).contains(kmax) else { throw ValidationError("--kmax must lie in 1...\(maxIterationLimit), got \(kmax)") }
        guard (1...Plan.maxRuns).contains(runs) else { throw ValidationError("--runs must lie in 1...\(Plan.maxRuns), got \(runs)") }
    }

    struct ExperimentJSON: Encodable {
        var name: String
        var directory: String
        var leftOut: [String]
        var study: ConvergenceStudy?
    }

    /// The trace keeps at most about this many points per run, so that a large budget
    /// does not mean a result file of 20000 points.
    static let tracePoints = 1000

    func run() throws {
        Console.json = json
        let catalogue = try suite.catalogue()
        // The experiments as their fixed-budget form declares them: kmax is the study's.
        let available = try Experiment.all(problemsDirectory: catalogue.directory, fixedBudget: true,
                                           registry: CommandLineConfiguration.solvers)
        let selected = try selectExperiments(experiments, from: available)
        guard !selected.isEmpty else { throw CLIError("\(catalogue.directory)/experiments: no experiment files") }
        let root = execution.out + "/study"
        try ExecutionOptions.prepare(root)
        let context = suite.loadContext
        let budget = kmax
        let every = max(1, budget / StudyCommand.tracePoints)
        var out: [ExperimentJSON] = []
        var failed = false
        for e in selected {
            say("== study \(e.name): kmax \(budget), \(runs) runs")
            let plan = try e.plan(catalogue: catalogue, context: context, protocolKind: .custom,
                                  registry: CommandLineConfiguration.solvers, runs: runs) { meta in
                var s = try e.settings(for: meta)
                s.maxIterations = budget
                s.recordEvery = max(s.recordEvery, every)
                return s
            }
            let directory = root + "/" + e.name
            guard !plan.tasks.isEmpty else {
                say("skipped \(e.name): none of its problems can run\n  " + plan.leftOut.map(\.message).joined(separator: "\n  "))
                out.append(ExperimentJSON(name: e.name, directory: directory, leftOut: plan.leftOut.map(\.message), study: nil))
                continue
            }
            for l in plan.leftOut { say("left out \(l.message)") }
            try ExperimentInfo(name: e.name, title: "Convergence study: " + e.title, file: e.file, protocolKind: .custom, runs: runs,
                               pruning: e.pruning, problems: e.problems, solvers: e.solvers,
                               overrides: e.overrideLines + ["kmax = \(budget)", "record_every ≥ \(every)"],
                               leftOut: plan.leftOut.map(\.message)).write(to: directory)
            let summary = try execution.execute(plan, context: context, into: directory)
            if !summary.allFailures.isEmpty { failed = true }
            // Only this study's tasks (the directory may hold an earlier study's other runs).
            let keys = Set(plan.tasks.map(\.key))
            let records = try ReportCommand.records(in: directory).filter { keys.contains($0.key) }
            let study = ConvergenceStudy(records: records, order: RunRecord.reportOrder(registry: CommandLineConfiguration.solvers))
            try write(study.csv, to: directory + "/study.csv")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try write(String(decoding: try encoder.encode(study), as: UTF8.self), to: directory + "/study.json")
            say(table(ConvergenceStudy.header, study.tableRows))
            for b in study.budgets {
                let chosen = b.kmax.map { "kmax \($0) (largest converged run: \(b.largestConverged!) iterations)" } ?? "no run converged"
                say("\(b.family): \(chosen); not converging within \(budget): "
                    + (b.notConverging.isEmpty ? "none" : b.notConverging.joined(separator: ", ")))
            }
            say("study: \(directory)/study.csv, study.json")
            out.append(ExperimentJSON(name: e.name, directory: directory, leftOut: plan.leftOut.map(\.message), study: study))
        }
        if json { try printJSON(out) }
        if failed { throw ExitCode.failure }
    }

    func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError("\(path): cannot write: \(error.localizedDescription)")
        }
    }
}
