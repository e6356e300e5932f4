import ArgumentParser
import Foundation
import Synchronization
import Harness
import ProblemSuite
import Solvers


/// Options shared by `run` and `reproduce`: output, parallelism, sharding.
struct ExecutionOptions: ParsableArguments {
    @Option(help: "Output directory (results/ and report/ go there).") var out: String = "results"
    @Option(parsing: .unconditional, help: "Parallel jobs, 1–256 (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Run only slice i of N (i/N, 1-based), for job arrays; combine with `merge`.") var shard: String?
    @Flag(help: "No progress display.") var quiet = false
    @Option(parsing: .unconditional, help: "Seconds between progress lines when the error stream is not a terminal (a batch log).")
    var progressEvery: Double = 10

    func validateExecution() throws {
        guard !out.isEmpty else { throw ValidationError("--out must not be empty") }
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must lie in 1...256, got \(jobs)") }
        guard progressEvery.isFinite, progressEvery >= 0.1, progressEvery <= 86400 else {
            throw ValidationError("--progress-every must lie in [0.1, 86400] seconds, got \(progressEvery)")
        }
        if let shard { _ = try Plan.parseShard(shard) }
    }

    /// Creates `directory` and proves it writable, before any work is done.
    static func prepare(_ directory: String) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: directory, isDirectory: &isDir), !isDir.boolValue {
            throw CLIError("\(directory): exists and is not a directory")
        }
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError("\(directory): cannot create the output directory: \(error.localizedDescription)")
        }
        let probe = directory + "/.problemsuite-write-test-\(ProcessInfo.processInfo.processIdentifier)"
        guard fm.createFile(atPath: probe, contents: Data("ok".utf8)) else {
            throw CLIError("\(directory): the output directory is not writable")
        }
        try? fm.removeItem(atPath: probe)
    }

    /// Prints the plan's left-out problems, runs it into `out`, prints the summary line.
    func execute(_ plan: Plan, context: LoadContext, into out: String) throws -> Runner.Summary {
        var plan = plan
        if let shard { let (i, n) = try Plan.parseShard(shard); plan = plan.shard(i, of: n) }
        let start = monotonicSeconds()
        let interactive = !quiet && isatty(2) != 0
        let every = progressEvery
        let lastLine = Mutex(start)  // when the last plain progress line was written
        let quiet = self.quiet
        let progress: Runner.Progress = { done, total, key, error in
            if let error { standardError("error: \(key): \(error)") }
            guard !quiet else { return }
            let now = monotonicSeconds()
            let elapsed = now - start
            let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
            if interactive {
                let line = String(format: "\r[%d/%d] %.0fs elapsed, ~%.0fs left  %@", done, total, elapsed, eta, key.description)
                FileHandle.standardError.write(Data((line.padding(toLength: 100, withPad: " ", startingAt: 0)).utf8))
            } else if lastLine.withLock({ last in
                guard now - last >= every else { return false }
                last = now
                return true
            }) || done == total {
                standardError(String(format: "[%d/%d] %.0fs elapsed, ~%.0fs left", done, total, elapsed, eta))
            }
        }
        let runner = Runner(store: ResultStore(root: out), context: context, jobs: jobs,
                            command: CommandLine.arguments.joined(separator: " "),
                            solvers: CommandLineConfiguration.solvers, progress: progress)
        let summary = runner.run(plan)
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        if summary.recomputed > 0 {
            standardError("note: \(summary.recomputed) stored results were computed again (made under another fingerprint, unreadable, or errored); first: "
                          + summary.recomputeReasons.prefix(3).map { "\($0.0): \($0.1)" }.joined(separator: "; "))
        }
        say("\(summary.completed) runs done, \(summary.skipped) already stored, \(summary.recomputed) recomputed, \(summary.allFailures.count) failed (\(formatSeconds(monotonicSeconds() - start)))")
        return summary
    }
}


/// One line on standard output, written at once (not buffered), so that a batch log
/// interleaves it with the progress lines of the error stream in the order they happened.
func say(_ line: String) {
    (Console.json ? FileHandle.standardError : FileHandle.standardOutput).write(Data((line + "\n").utf8))
}

/// Where the harness commands' human-readable lines go: standard output, or, with
/// `--json` (set once, before any work), standard error, so that standard output holds
/// the one JSON object alone.
enum Console {
    private static let jsonMode = Atomic<Bool>(false)
    static var json: Bool {
        get { jsonMode.load(ordering: .relaxed) }
        set { jsonMode.store(newValue, ordering: .relaxed) }
    }
}

/// What `run` and `reproduce --json` print: one object per run of the harness.
struct RunSummaryJSON: Encodable {
    struct Failure: Encodable { var task: String; var reason: String }
    var directory: String
    var completed: Int
    var alreadyStored: Int
    var recomputed: Int
    var failed: [Failure]
    var leftOut: [String]
    var report: String?

    init(directory: String, summary: Runner.Summary, plan: Plan, report: String?) {
        self.directory = directory
        completed = summary.completed
        alreadyStored = summary.skipped
        recomputed = summary.recomputed
        failed = summary.allFailures.map { Failure(task: $0.0.description, reason: $0.1) }
        leftOut = plan.leftOut.map(\.message)
        self.report = report
    }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The experiments named on the command line (all when none is named), for `reproduce`
/// and `study`; an unknown name is a usage error (exit 64) naming the closest one.
func selectExperiments(_ names: [String], from available: [Experiment]) throws -> [Experiment] {
    do { return try Experiment.named(names, in: available) } catch let error as ProblemSuiteError {
        throw ValidationError(error.rawDescription)
    }
}

/// Parses pruning levels given as `5 15 25` or `5,15,25`.
func parsePruning(_ values: [String]) throws -> [Double] {
    let parts = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
    guard !parts.isEmpty, parts.count <= 1000 else { throw ValidationError("--pruning takes 1 to 1000 percentages") }
    return try parts.map { text in
        guard let v = Double(text), v >= 0, v <= 100 else {
            throw ValidationError("--pruning values must be percentages in [0, 100], got '\(text)'")
        }
        return v
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run solvers × problems × runs and store each result as it finishes.",
        discussion: """
        A killed run resumes where it stopped: a stored result is reused when its fingerprint \
        (problem declaration and data, solver settings, run, protocol, numerical version) is the \
        task's, and computed again otherwise (the summary counts those).
        """)

    @OptionGroup var suite: SuiteOptions
    @OptionGroup var execution: ExecutionOptions
    @Option(name: .customLong("problems"), parsing: .upToNextOption, help: "Problem names or patterns (default: every problem whose data are present).")
    var problems: [String] = ["*"]
    @Option(parsing: .upToNextOption, help: "Solver names (default: all: \(CommandLineConfiguration.solvers.names.joined(separator: ", "))).",
            completion: .list(CommandLineConfiguration.solvers.names))
    var solvers: [String] = CommandLineConfiguration.solvers.names
    @Option(parsing: .unconditional, help: "Runs per (problem, solver), 1–\(Plan.maxRuns).") var runs: Int = 20
    @Option(parsing: .upToNextOption, help: "Pruning percentages for eps_g and eps_f (`10 30 50` or `10,30,50`).")
    var pruning: [String] = ["10", "30", "50", "70", "90"]
    @Option(parsing: .unconditional, help: "Override kmax for every problem (0–\(maxIterationLimit)).") var kmax: Int?
    @Option(name: .customLong("select"), help: ArgumentHelp("Of the problems named, only those with this property (repeatable; the keys of `list --select`), e.g. --select source=generated.", valueName: "key=value"))
    var select: [String] = []
    @Option(name: .customLong("param"), help: ArgumentHelp("Load every problem with this instance parameter instead of its declared one (repeatable), e.g. --param n=8192 --param m=2048; the same as naming A1[n=8192,m=2048].", valueName: "key=value"))
    var param: [String] = []
    @Flag(help: "Also write the report when done.") var report = false
    @Flag(help: "Print one JSON object (counts, failures, left-out problems, report) on standard output; other lines go to standard error.")
    var json = false

    func validate() throws {
        try execution.validateExecution()
        guard (1...Plan.maxRuns).contains(runs) else { throw ValidationError("--runs must lie in 1...\(Plan.maxRuns), got \(runs)") }
        if let kmax, !(0...maxIterationLimit).contains(kmax) {
            throw ValidationError("--kmax must lie in 0...\(maxIterationLimit), got \(kmax)")
        }
        _ = try parsePruning(pruning)
        do { _ = try ProblemQuery(pairs: select) } catch { throw ValidationError("\(error)") }
        do { _ = try LoadTimeParameters.pairs(param, what: "--param") } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        Console.json = json
        try ExecutionOptions.prepare(execution.out)
        let catalogue = try suite.catalogue()
        let levels = try parsePruning(pruning)
        let plan = try Plan.make(catalogue: catalogue, context: suite.loadContext, problems: problems, solvers: solvers,
                                 runs: runs, pruning: levels, protocolKind: .custom,
                                 registry: CommandLineConfiguration.solvers, select: try ProblemQuery(pairs: select),
                                 parameters: try LoadTimeParameters.pairs(param, what: "--param")) { meta in
            var s = meta.settings
            if let kmax { s.maxIterations = kmax }
            return s
        }
        for l in plan.leftOut { standardError("note: left out \(l.message)") }
        guard !plan.tasks.isEmpty else { throw CLIError("nothing to run: every problem selected was left out") }
        try ExperimentInfo(name: "run", title: "problemsuite run", file: nil, protocolKind: .custom, runs: runs, pruning: levels,
                           problems: problems, solvers: solvers, overrides: kmax.map { ["kmax = \($0)"] } ?? [],
                           leftOut: plan.leftOut.map(\.message), select: select.isEmpty ? nil : try ProblemQuery(pairs: select).pairs)
            .write(to: execution.out)
        let summary = try execution.execute(plan, context: suite.loadContext, into: execution.out)
        let written = report ? try ReportCommand.writeReport(from: execution.out) : nil
        if json { try printJSON(RunSummaryJSON(directory: execution.out, summary: summary, plan: plan, report: written?.index)) }
        if !summary.allFailures.isEmpty { throw ExitCode.failure }
        if plan.leftOut.contains(where: { if case .checksumMismatch = $0.reason { return true }; return false }) { throw ExitCode.failure }
    }
}

/// The largest kmax accepted on the command line (the settings' own limit).
let maxIterationLimit = SizeLimits.maxIterations

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce", abstract: "Run the experiments declared in Problems/experiments/ with the paper's protocol, then report.",
        discussion: """
        Each experiment's results go to OUT/<experiment>/ (with --quick: OUT/quick/<experiment>/, so \
        the two protocols never share a directory), and OUT/index.html links every report. \
        Experiments run in the order given; one whose problems all lack their data is skipped with a \
        line saying what is missing and how to get it.
        """)

    @OptionGroup var suite: SuiteOptions
    @OptionGroup var execution: ExecutionOptions
    @Argument(help: "Experiment names, run in this order (default: all, in file order).") var experiments: [String] = []
    @Flag(help: "The CI-sized form of each experiment ([quick] in its file), into OUT/quick/.") var quick = false
    @Option(name: .customLong("protocol"), help: "The full protocol: converged (default: each experiment's [converged] budget, chosen by a convergence study) or fixed-budget (the families' own kmax, into OUT/fixed-budget/).")
    var protocolChoice: FullProtocol?
    @Flag(help: "Print one JSON object (per experiment: counts, failures, left out, report; the index) on standard output; other lines go to standard error.")
    var json = false

    func validate() throws {
        try execution.validateExecution()
        if quick && protocolChoice != nil { throw ValidationError("--protocol chooses a full protocol; --quick is its own (drop one of them)") }
    }

    /// The protocol this invocation runs.
    var kind: ProtocolKind { quick ? .quick : (protocolChoice == .fixedBudget ? .fixedBudget : .full) }

    struct ExperimentJSON: Encodable {
        var name: String
        var skipped: Bool
        var leftOut: [String]
        var run: RunSummaryJSON?
    }

    struct ReproduceJSON: Encodable {
        var protocolKind: String
        var experiments: [ExperimentJSON]
        var index: String
        var seconds: Double
    }

    func run() throws {
        Console.json = json
        var jsonExperiments: [ExperimentJSON] = []
        let start = monotonicSeconds()
        let catalogue = try suite.catalogue()
        let available = try Experiment.all(problemsDirectory: catalogue.directory, quick: quick,
                                           fixedBudget: kind == .fixedBudget, registry: CommandLineConfiguration.solvers)
        let selected = try selectExperiments(experiments, from: available)
        guard !selected.isEmpty else { throw CLIError("\(catalogue.directory)/experiments: no experiment files") }
        let root = quick ? execution.out + "/quick" : (kind == .fixedBudget ? execution.out + "/fixed-budget" : execution.out)
        try ExecutionOptions.prepare(root)
        let context = suite.loadContext
        var total = (done: 0, stored: 0, recomputed: 0, failed: 0)
        var failures: [String] = []
        var leftOut: [String] = []
        var mismatch = false
        var index: [Report.IndexEntry] = []
        for e in selected {
            say("== \(e.name): \(e.title)")
            let plan = try e.plan(catalogue: catalogue, context: context, protocolKind: kind,
                                  registry: CommandLineConfiguration.solvers)
            for l in plan.leftOut {
                leftOut.append(l.problem)
                if case .checksumMismatch = l.reason { mismatch = true }
            }
            guard !plan.tasks.isEmpty else {
                let why = plan.leftOut.map(\.message).joined(separator: "\n  ")
                say("skipped \(e.name): none of its problems can run\n  \(why)")
                index.append(Report.IndexEntry(name: e.name, title: e.title, report: nil,
                                               summary: "skipped: " + plan.leftOut.map(\.problem).joined(separator: ", ") + " left out (data missing or failing its checksum)"))
                jsonExperiments.append(ExperimentJSON(name: e.name, skipped: true, leftOut: plan.leftOut.map(\.message), run: nil))
                continue
            }
            for l in plan.leftOut { say("left out \(l.message)") }
            let directory = root + "/" + e.name
            let info = ExperimentInfo(name: e.name, title: e.title, file: e.file, protocolKind: kind, runs: e.runs,
                                      pruning: e.pruning, problems: e.problems, solvers: e.solvers, overrides: e.overrideLines,
                                      leftOut: plan.leftOut.map(\.message), select: e.select.isEmpty ? nil : e.select.pairs,
                                      perturbations: e.perturbations.isEmpty ? nil
                                          : e.perturbations.map { "\($0.label): \($0.description)" } + (e.includeUnperturbed ? [] : ["(the problems as declared are not run)"]))
            try info.write(to: directory)
            preload(plan, context: context)
            let summary = try execution.execute(plan, context: context, into: directory)
            total.done += summary.completed
            total.stored += summary.skipped
            total.recomputed += summary.recomputed
            total.failed += summary.allFailures.count
            failures += summary.allFailures.map { "\($0.0): \($0.1)" }
            let report = try ReportCommand.writeReport(from: directory, experiment: info)
            jsonExperiments.append(ExperimentJSON(name: e.name, skipped: false, leftOut: plan.leftOut.map(\.message),
                                                  run: RunSummaryJSON(directory: directory, summary: summary, plan: plan, report: report.index)))
            let runs = plan.tasks.count
            index.append(Report.IndexEntry(
                name: e.name, title: e.title, report: e.name + "/report/index.html",
                summary: "\(runs) runs, \(summary.allFailures.count) failed"
                    + (plan.leftOut.isEmpty ? "" : "; left out: " + plan.leftOut.map(\.problem).joined(separator: ", "))))
        }
        // The paper's claims on every experiment stored under the root (this run's and earlier ones).
        let (claimCells, claimLeftOut) = try Claims.cells(under: root, registry: CommandLineConfiguration.solvers)
        let claims = Claims.evaluate(cells: claimCells, leftOut: claimLeftOut)
        let claimsPath = try Claims.writeJSON(claims, to: root)
        let indexPath = try Report.writeIndex(index, to: root, heading: quick ? "ProblemSuite: the quick protocol"
                                                : (kind == .fixedBudget ? "ProblemSuite: the paper's experiments, fixed budget" : "ProblemSuite: the paper's experiments"),
                                              extra: Claims.html(claims))
        say("claims (\(claimsPath)):\n" + Claims.text(claims))
        if json {
            try printJSON(ReproduceJSON(protocolKind: kind.rawValue, experiments: jsonExperiments, index: indexPath,
                                        seconds: monotonicSeconds() - start))
        }
        say("""
        == summary: \(total.done) runs done, \(total.stored) already stored, \(total.recomputed) recomputed, \(total.failed) failed \
        in \(formatSeconds(monotonicSeconds() - start)); \(index.filter { $0.report == nil }.count) experiments skipped; \
        problems left out: \(leftOut.isEmpty ? "none" : leftOut.joined(separator: ", "))
        report: \(indexPath)
        """)
        if !failures.isEmpty {
            say("failed runs:\n" + failures.prefix(20).map { "  " + $0 }.joined(separator: "\n") + (failures.count > 20 ? "\n  … and \(failures.count - 20) more" : ""))
            throw ExitCode.failure
        }
        if mismatch { throw ExitCode.failure }
    }

    /// Loads the first sparse-coding problem of the plan once, with a message: that load
    /// trains the K-SVD dictionary the family's instances share unless it is cached, so
    /// the step is not a long silence. A failure is only noted here: the tasks report it.
    func preload(_ plan: Plan, context: LoadContext) {
        guard !execution.quiet,
              let task = plan.tasks.first(where: { $0.entry.metadata.family == "mnist-sparse-coding" }) else { return }
        standardError("loading \(task.entry.name): reads the cached K-SVD dictionary, or trains it (about a minute on 2 cores) …")
        let t0 = monotonicSeconds()
        do {
            _ = try task.entry.load(context)
            standardError("loaded \(task.entry.name) in \(formatSeconds(monotonicSeconds() - t0))")
        } catch {
            standardError("note: loading \(task.entry.name) failed: \(error)")
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write tables (Markdown, CSV, LaTeX) and SVG figures from stored results.",
        discussion: """
        Refuses results that cannot share a table (quick beside full, or one cell's runs made \
        under different fingerprints). With --pruning, the pruning measures are recomputed at \
        the given levels from the stored solutions, without re-running the solvers.
        """)

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "A results directory (written by run, reproduce or merge).") var directory: String
    @Option(parsing: .upToNextOption, help: "Recompute eps_g, eps_f (and accuracy) at these percentages (`5 15 25` or `5,15,25`).")
    var pruning: [String] = []
    @Option(help: "Where the report goes (default: DIRECTORY/report, or DIRECTORY/report-pruning with --pruning).") var to: String?
    @Flag(help: "Print one JSON object (the index, the files written, every table with caption, header and rows) on standard output.")
    var json = false
    @Flag(help: "DIRECTORY is a reproduce output root (or its quick/): evaluate the paper's claims on every experiment stored there, print them, and write DIRECTORY/claims.json and claims.html.")
    var claims = false

    struct ReportJSON: Encodable {
        struct TableJSON: Encodable { var caption: String; var header: [String]; var rows: [[String]] }
        var index: String
        var results: Int
        var files: [String]
        var tables: [TableJSON]
    }

    static func printJSON(_ out: Report.Output) throws {
        let tables = out.tables.map { ReportJSON.TableJSON(caption: $0.caption, header: $0.header, rows: $0.rows) }
        try ProblemSuiteCommandLine.printJSON(ReportJSON(index: out.index, results: out.results, files: out.files, tables: tables))
    }

    func validate() throws {
        if !pruning.isEmpty { _ = try parsePruning(pruning) }
        if let to, to.isEmpty { throw ValidationError("--to must not be empty") }
    }

    func run() throws {
        Console.json = json
        if claims {
            let (cells, leftOut) = try Claims.cells(under: directory, registry: CommandLineConfiguration.solvers)
            guard !cells.isEmpty else { throw CLIError("\(directory): no experiment directories with results (expected DIRECTORY/<experiment>/results)") }
            let evaluated = Claims.evaluate(cells: cells, leftOut: leftOut)
            let path = try Claims.writeJSON(evaluated, to: directory)
            let page = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Claims</title></head><body>\n" + Claims.html(evaluated) + "</body></html>\n"
            do { try page.write(toFile: directory + "/claims.html", atomically: true, encoding: .utf8) } catch {
                throw CLIError("\(directory)/claims.html: cannot write: \(error.localizedDescription)")
            }
            if json { try ProblemSuiteCommandLine.printJSON(evaluated) } else { say(Claims.text(evaluated) + "claims: \(path), \(directory)/claims.html") }
            return
        }
        if pruning.isEmpty {
            let out = try ReportCommand.writeReport(from: directory, to: to)
            if json { try ReportCommand.printJSON(out) }
            return
        }
        let levels = try parsePruning(pruning)
        let store = ResultStore(root: directory)
        let records = try ReportCommand.records(in: directory)
        let catalogue = try suite.catalogue()
        let context = suite.loadContext
        var problems: [String: any SmoothProblem] = [:]
        var out: [RunRecord] = []
        for r in records {
            var r = r
            if !r.status.isFailure {
                let problem: any SmoothProblem
                if let p = problems[r.key.problem] { problem = p } else {
                    let entry = try catalogue.entry(named: r.key.problem)
                    let identity = ProblemIdentity(metadata: entry.metadata, data: try DataIntegrity.digests(of: entry, context: context))
                    guard identity == r.fingerprint.problem else {
                        throw CLIError("\(store.path(for: r.key)): the problem \(r.key.problem) is no longer declared as when the result was made (declaration or data changed); run it again")
                    }
                    // A perturbed result's solution is stored in the original variables:
                    // measure it on the unperturbed problem.
                    let loaded = try entry.load(context)
                    problem = (loaded as? PerturbedProblem)?.original ?? loaded
                    problems = [r.key.problem: problem]
                }
                let x = try store.solution(for: r.key, dimension: problem.dimension)
                let classifier = (problem as? any HeldOutEvaluation).flatMap { $0.testSampleCount > 0 ? $0 : nil }
                r.pruning = PruningMeasure.measure(problem, solution: x, value: r.value, percentages: levels,
                                                   score: classifier.map { c in { c.testScore($0) } })
                if let a = r.accuracy {
                    r.maxPrunableWithinOnePoint = r.pruning.filter { ($0.accuracy ?? -1) >= a - 1 }.map(\.percentage).max() ?? 0
                }
            }
            r.fingerprint = Fingerprint(problem: r.fingerprint.problem, solver: r.fingerprint.solver, settings: r.fingerprint.settings,
                                        run: r.fingerprint.run, protocolKind: r.fingerprint.protocolKind, pruning: levels,
                                        numericalVersion: r.fingerprint.numericalVersion)
            out.append(r)
        }
        var info = try ExperimentInfo.read(from: directory)
        info?.pruning = levels
        let target = to ?? directory + "/report-pruning"
        let written = try Report.write(records: out, to: target, experiment: info, store: store,
                                         registry: CommandLineConfiguration.solvers)
        say("report: \(written.index) (\(out.count) results, pruning measures recomputed at \(levels.map { Cell.format($0) }.joined(separator: ", ")) %)")
        if json { try ReportCommand.printJSON(written) }
    }

    /// The validated results of `directory`.
    static func records(in directory: String) throws -> [RunRecord] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError("\(directory): no such directory")
        }
        let records = try ResultStore(root: directory).all(registry: CommandLineConfiguration.solvers)
        guard !records.isEmpty else { throw CLIError("\(directory): no results found under \(directory)/results") }
        return records
    }

    @discardableResult
    static func writeReport(from directory: String, to target: String? = nil, experiment: ExperimentInfo? = nil) throws -> Report.Output {
        let records = try records(in: directory)
        let info = try experiment ?? ExperimentInfo.read(from: directory)
        let out = try Report.write(records: records, to: target ?? directory + "/report", experiment: info,
                                   store: ResultStore(root: directory), registry: CommandLineConfiguration.solvers)
        say("report: \(out.index) (\(out.results) results, \(out.files.count) files)")
        return out
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Compare results with a reference table; exit non-zero on a regression.",
        discussion: """
        Fails on a worse cell, a reference cell the results lack, a run count that differs, a \
        non-finite reference value, and a cell the reference lacks (unless --allow-new).
        """)

    @Argument(help: "A results directory.") var directory: String
    @Option(help: "Reference table (CSV as written in report/cells.csv, e.g. Data/reference/*.csv).") var reference: String
    @Option(parsing: .unconditional, help: "Relative tolerance per cell.") var rtol: Double = 0.05
    @Option(parsing: .unconditional, help: "Absolute tolerance per cell.") var atol: Double = 1e-12
    @Flag(help: "Also compare wall times.") var includeTime = false
    @Flag(help: "Accept cells that the reference does not have (new problems, solvers or measures).") var allowNew = false
    @Flag(help: "Print one JSON object (cells compared, every change with its kind, the regressions, passed) on standard output.")
    var json = false

    struct CheckJSON: Encodable {
        struct Change: Encodable { var id: String; var kind: String; var reference: Double?; var current: Double?; var regression: Bool }
        var compared: Int
        var changes: [Change]
        var regressions: Int
        var passed: Bool
    }

    func validate() throws {
        guard rtol >= 0, atol >= 0, rtol.isFinite, atol.isFinite else { throw ValidationError("--rtol and --atol must be finite and non-negative") }
    }

    func run() throws {
        Console.json = json
        let records = try ReportCommand.records(in: directory)
        try Aggregate.validate(records, store: ResultStore(root: directory))
        let attributes = try? FileManager.default.attributesOfItem(atPath: reference)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else { throw CLIError("\(reference): cannot read the reference table") }
        guard size <= 256 << 20 else { throw CLIError("\(reference): larger than 256 MiB, not a reference table") }
        guard let text = try? String(contentsOfFile: reference, encoding: .utf8) else {
            throw CLIError("\(reference): cannot read the reference table (not UTF-8 text?)")
        }
        let ref = try CellCSV.read(text, file: reference)
        guard !ref.isEmpty else { throw CLIError("\(reference): the reference table has no rows: it can vouch for nothing") }
        let outcome = ReferenceCheck.compare(current: Aggregate.cells(records), reference: ref, rtol: rtol, atol: atol,
                                             ignore: includeTime ? [] : ["seconds"], allowNew: allowNew)
        let marks: [ReferenceCheck.Change.Kind: String] = [.worse: "WORSE  ", .better: "better ", .changed: "changed", .missing: "MISSING",
                                                           .new: allowNew ? "new    " : "NEW    ", .runs: "RUNS   ", .nonFinite: "NONFINITE"]
        for c in outcome.changes {
            let a = c.reference.map { String(format: "%.6g", $0) } ?? "-", b = c.current.map { String(format: "%.6g", $0) } ?? "-"
            switch c.kind {
            case .runs: say("\(marks[c.kind]!)  \(c.id)  reference \(a) runs  now \(b) runs")
            case .new: say("\(marks[c.kind]!)  \(c.id)  not in the reference  now \(b)")
            default: say("\(marks[c.kind]!)  \(c.id)  reference \(a)  now \(b)")
            }
        }
        let r = outcome.regressions.count
        if json {
            let failing = Set(outcome.regressions.map { $0.id + "|" + $0.kind.rawValue })
            try printJSON(CheckJSON(compared: outcome.compared,
                                    changes: outcome.changes.map { .init(id: $0.id, kind: $0.kind.rawValue, reference: $0.reference, current: $0.current,
                                                                         regression: failing.contains($0.id + "|" + $0.kind.rawValue)) },
                                    regressions: r, passed: r == 0))
            if r > 0 { throw ExitCode.failure }
            return
        }
        let new = outcome.changes.filter { $0.kind == .new }.count
        say("\(outcome.compared) cells compared, \(outcome.changes.count) moved or unmatched (rtol \(rtol)), \(new) not in the reference\(allowNew ? " (allowed)" : ""), \(r) regressions")
        if r > 0 { throw ExitCode.failure }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Combine the results of shards (or of separate runs) into one directory.",
        discussion: """
        Results present in several inputs (or already in --out) must be the same result: same \
        fingerprint and the same numbers (wall time and provenance aside). Any other overlap is \
        an error naming both files, and nothing is written. The outcome does not depend on the \
        order of the inputs.
        """)

    @Argument(help: "Results directories to merge.") var inputs: [String]
    @Option(help: "Output directory.") var out: String

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one directory to merge") }
        guard !out.isEmpty else { throw ValidationError("--out must not be empty") }
    }

    func run() throws {
        let merge = try ResultMerge(inputs: inputs, target: out)
        try ExecutionOptions.prepare(out)
        let written = try merge.write()
        say("merged \(written) results into \(out) (\(merge.alreadyThere) already there, \(merge.duplicates) identical duplicates)")
    }
}

/// The full protocols of `reproduce --protocol`.
enum FullProtocol: String, ExpressibleByArgument, CaseIterable {
    /// Each experiment with its `[converged.settings]` budget (the default).
    case converged
    /// Each experiment with the families' own kmax.
    case fixedBudget = "fixed-budget"
}
