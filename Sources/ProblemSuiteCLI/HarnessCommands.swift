import ArgumentParser
import Foundation
import Harness
import ProblemSuite
import Solvers

/// Options shared by `run` and `reproduce`: output, parallelism, sharding.
struct ExecutionOptions: ParsableArguments {
    @Option(help: "Output directory (results/ and report/ go there).") var out: String = "results"
    @Option(help: "Parallel jobs (default: the number of cores).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Run only slice i of N (i/N, 1-based), for job arrays; combine with `merge`.") var shard: String?
    @Flag(help: "No progress display.") var quiet = false

    func validateExecution() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let shard { _ = try Plan.parseShard(shard) }
    }

    func execute(_ plan: Plan, context: LoadContext) throws -> Runner.Summary {
        var plan = plan
        if let shard { let (i, n) = try Plan.parseShard(shard); plan = plan.shard(i, of: n) }
        for u in plan.unavailable {
            FileHandle.standardError.write(Data("note: \(u.problem) left out: data file \(u.file) is missing\n".utf8))
        }
        let runner = Runner(store: ResultStore(root: out), context: context, jobs: jobs,
                            command: CommandLine.arguments.joined(separator: " "))
        let start = monotonicSeconds()
        let interactive = !quiet && isatty(2) != 0
        runner.progress = { done, total, key, error in
            if let error { FileHandle.standardError.write(Data("\nerror: \(key): \(error)\n".utf8)) }
            guard interactive else { return }
            let elapsed = monotonicSeconds() - start
            let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
            let line = String(format: "\r[%d/%d] %.0fs elapsed, ~%.0fs left  %@", done, total, elapsed, eta, key.description)
            FileHandle.standardError.write(Data((line.padding(toLength: 100, withPad: " ", startingAt: 0)).utf8))
        }
        let summary = runner.run(plan)
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        print("\(summary.completed) runs done, \(summary.skipped) already stored, \(summary.failures.count) failed (\(formatSeconds(monotonicSeconds() - start)))")
        return summary
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run solvers × problems × runs and store each result as it finishes.",
        discussion: "A killed run resumes where it stopped: stored results are never recomputed.")

    @OptionGroup var suite: SuiteOptions
    @OptionGroup var execution: ExecutionOptions
    @Option(name: .customLong("problems"), parsing: .upToNextOption, help: "Problem names or patterns (default: every problem whose data are present).")
    var problems: [String] = ["*"]
    @Option(parsing: .upToNextOption, help: "Solver names (default: all).") var solvers: [String] = SolverRegistry.names
    @Option(help: "Runs per (problem, solver).") var runs: Int = 20
    @Option(parsing: .upToNextOption, help: "Pruning percentages for eps_g and eps_f.") var pruning: [Double] = [10, 30, 50, 70, 90]
    @Option(help: "Override kmax for every problem.") var kmax: Int?
    @Flag(help: "Also write the report when done.") var report = false

    func validate() throws {
        try execution.validateExecution()
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
        if let kmax, kmax < 0 { throw ValidationError("--kmax must be non-negative") }
        for p in pruning where !(0...100).contains(p) { throw ValidationError("--pruning values must lie in [0, 100], got \(p)") }
    }

    func run() throws {
        let catalogue = try suite.catalogue()
        let plan = try Plan.make(catalogue: catalogue, dataDirectory: suite.dataDirectory, problems: problems, solvers: solvers,
                                 runs: runs, pruning: pruning) { meta in
            var s = meta.settings
            if let kmax { s.maxIterations = kmax }
            return s
        }
        let summary = try execution.execute(plan, context: suite.loadContext)
        if report { try ReportCommand.writeReport(from: execution.out) }
        if !summary.failures.isEmpty { throw ExitCode.failure }
    }
}

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce", abstract: "Run the experiments declared in Problems/experiments/ with the paper's protocol, then report.",
        discussion: "Each experiment's results go to OUT/<experiment>/; --quick runs their CI-sized [quick] forms.")

    @OptionGroup var suite: SuiteOptions
    @OptionGroup var execution: ExecutionOptions
    @Argument(help: "Experiment names (default: all).") var experiments: [String] = []
    @Flag(help: "The CI-sized form of each experiment ([quick] in its file).") var quick = false

    func validate() throws { try execution.validateExecution() }

    func run() throws {
        let catalogue = try suite.catalogue()
        var all = try Experiment.all(problemsDirectory: catalogue.directory, quick: quick)
        if !experiments.isEmpty {
            for name in experiments where !all.contains(where: { $0.name == name }) {
                let close = NameSuggestion.closest(to: name, among: all.map(\.name))
                throw ValidationError("unknown experiment '\(name)'" + (close.isEmpty ? "" : "; did you mean '\(close[0])'?"))
            }
            all = all.filter { experiments.contains($0.name) }
        }
        var failed = false
        var reports: [String] = []
        for e in all {
            print("== \(e.name): \(e.title)")
            let plan = try Plan.make(catalogue: catalogue, dataDirectory: suite.dataDirectory, problems: e.problems, solvers: e.solvers,
                                     runs: e.runs, pruning: e.pruning, keepSolutions: e.keepSolutions) { try e.settings(for: $0) }
            var opts = execution
            opts.out = execution.out + "/" + e.name
            let summary = try opts.execute(plan, context: suite.loadContext)
            failed = failed || !summary.failures.isEmpty
            try ReportCommand.writeReport(from: opts.out)
            reports.append(opts.out + "/report/index.html")
        }
        print("reports:\n" + reports.map { "  " + $0 }.joined(separator: "\n"))
        if failed { throw ExitCode.failure }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write tables (Markdown, CSV, LaTeX) and SVG figures from stored results.")

    @Argument(help: "A results directory (written by run, reproduce or merge).") var directory: String

    func run() throws { try ReportCommand.writeReport(from: directory) }

    static func writeReport(from directory: String) throws {
        let records = try ResultStore(root: directory).all()
        guard !records.isEmpty else { throw ValidationError("\(directory): no results found under \(directory)/results") }
        let out = try Report.write(records: records, to: directory + "/report")
        print("report: \(out.index) (\(records.count) results, \(out.files.count) files)")
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Compare results with a reference table; exit non-zero on a regression.")

    @Argument(help: "A results directory.") var directory: String
    @Option(help: "Reference table (CSV as written in report/cells.csv, e.g. Data/reference/*.csv).") var reference: String
    @Option(help: "Relative tolerance per cell.") var rtol: Double = 0.05
    @Option(help: "Absolute tolerance per cell.") var atol: Double = 1e-12
    @Flag(help: "Also compare wall times.") var includeTime = false

    func validate() throws {
        guard rtol >= 0, atol >= 0 else { throw ValidationError("--rtol and --atol must be non-negative") }
    }

    func run() throws {
        let records = try ResultStore(root: directory).all()
        guard !records.isEmpty else { throw ValidationError("\(directory): no results found") }
        guard let text = try? String(contentsOfFile: reference, encoding: .utf8) else {
            throw ValidationError("\(reference): cannot read the reference table")
        }
        let ref = try CellCSV.read(text, file: reference)
        let outcome = ReferenceCheck.compare(current: Aggregate.cells(records), reference: ref, rtol: rtol, atol: atol,
                                             ignore: includeTime ? [] : ["seconds"])
        let marks: [ReferenceCheck.Change.Kind: String] = [.worse: "WORSE  ", .better: "better ", .changed: "changed", .missing: "MISSING", .new: "new    "]
        for c in outcome.changes {
            let a = c.reference.map { String(format: "%.6g", $0) } ?? "-", b = c.current.map { String(format: "%.6g", $0) } ?? "-"
            print("\(marks[c.kind]!)  \(c.id)  reference \(a)  now \(b)")
        }
        let r = outcome.regressions.count
        print("\(outcome.compared) cells compared, \(outcome.changes.count) moved beyond rtol \(rtol), \(r) regressions")
        if r > 0 { throw ExitCode.failure }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Combine the results of shards (or of separate runs) into one directory.")

    @Argument(help: "Results directories to merge.") var inputs: [String]
    @Option(help: "Output directory.") var out: String

    func validate() throws { guard !inputs.isEmpty else { throw ValidationError("give at least one directory to merge") } }

    func run() throws {
        let target = ResultStore(root: out)
        var written = 0, same = 0
        for dir in inputs {
            for r in try ResultStore(root: dir).all() {
                if target.contains(r.key) { same += 1; continue }
                try target.write(r)
                written += 1
            }
        }
        print("merged \(written) results into \(out) (\(same) already there)")
    }
}
