import ArgumentParser
import Foundation
import ProblemSuite
import Solvers

struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Run one solver on one problem from a run's starting point.",
        discussion: """
        Solvers: \(CommandLineConfiguration.solvers.names.joined(separator: ", ")). Settings (nR, eps, kmax, \
        and the solver's own parameters: sigma, c, FW constants) come from the problem's family file \
        (`list --solvers` lists every solver's parameters). Prints the final ‖g‖, \
        iterations, solver time and the percentage of components below tau_s.

        --trace FILE writes one CSV row per iterate k: k, gnorm = ‖g_k‖, f = f(x_k) \
        (every --record-every iterations and at the last iterate, computed here and not by \
        the solver; empty otherwise), sparsity_pct (|x_i| < tau_s), then what iteration k \
        did to reach x_{k+1}: step_norm, alpha (Frank-Wolfe), R, A, D (set sizes; prunAdag). \
        The last row's step columns are empty.
        """)

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Problem name or alias.") var name: String
    @Option(help: "Solver name (\(CommandLineConfiguration.solvers.names.joined(separator: ", "))).",
            completion: .list(CommandLineConfiguration.solvers.names)) var solver: String
    @Option(parsing: .unconditional, help: "Run index: selects the starting point.") var seed: Int = 0
    @Option(help: "Write a per-iteration CSV trace to this file.") var trace: String?
    @Option(parsing: .unconditional, help: "In the trace, compute f every this many iterations (default: the problem's record_every).")
    var recordEvery: Int?
    @Option(parsing: .unconditional, help: "Override the problem's iteration limit kmax.") var kmax: Int?
    @Option(parsing: .unconditional, help: "Override the problem's gradient tolerance eps.") var eps: Double?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a setting of the problem file, e.g. --set fw_eta2=0.1 (repeatable; keys: \(SolverSettings.keys.joined(separator: ", ")), or a parameter of the chosen solver: list --solvers).", valueName: "key=value"))
    var overrides: [String] = []
    @Flag(help: "Machine-readable output.") var json = false

    func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed must be non-negative, got \(seed)") }
        if let recordEvery, recordEvery <= 0 { throw ValidationError("--record-every must be positive, got \(recordEvery)") }
        if let kmax, kmax < 0 { throw ValidationError("--kmax must be non-negative, got \(kmax)") }
        if let eps, !(eps >= 0) { throw ValidationError("--eps must be non-negative, got \(eps)") }
    }

    /// `settings` with `key=value` overrides applied (integers, floating-point values,
    /// `true`/`false`, else strings), checked against the solvers' parameter declarations.
    /// - Throws: ``ProblemSuiteError`` naming the offending item or key.
    static func applying(_ overrides: [String], to settings: SolverSettings,
                         declared: [SolverParameter] = CommandLineConfiguration.solvers.parameterDeclarations) throws -> SolverSettings {
        guard !overrides.isEmpty else { return settings }
        var values: [String: ParameterValue] = [:]
        for item in overrides {
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ProblemSuiteError.invalidRequest("--set \(item): expected key=value")
            }
            if let i = Int(parts[1]) { values[parts[0]] = .int(i) }
            else if let d = Double(parts[1]) { values[parts[0]] = .double(d) }
            else if parts[1] == "true" || parts[1] == "false" { values[parts[0]] = .bool(parts[1] == "true") }
            else { values[parts[0]] = .string(parts[1]) }
        }
        return try settings.applying(ParameterTable(values, file: "command line", context: "--set"), declared: declared)
    }

    struct Output: Encodable {
        var problem: String, solver: String, run: Int, n: Int
        var stopReason: String, iterations: Int, gradientNorm: Double, f: Double
        var seconds: Double, sparsityPercent: Double, sparsityThreshold: Double
        var gradientEvaluations: Int, valueEvaluations: Int
        var trace: String?
    }

    func run() throws {
        let catalogue = try suite.catalogue()
        let entry = try CommandLineConfiguration.solvers.entry(named: solver)
        let problem = try suite.loadProblem(name, from: catalogue)
        // --set names the protocol's keys or the chosen solver's own parameters only: a
        // key of another solver would be silently ignored, so it is an error here.
        var settings = try SolveCommand.applying(overrides, to: problem.metadata.settings, declared: entry.parameters)
        if let kmax { settings.maxIterations = kmax }
        if let eps { settings.gradientTolerance = eps }
        settings = try entry.settings(from: settings)
        let solverInstance = try entry.make(settings)
        let x0 = problem.startingPoint(run: seed)

        var writer: TraceWriter?
        if let trace {
            writer = try TraceWriter(path: trace, problem: problem,
                                     recordEvery: recordEvery ?? settings.recordEvery,
                                     threshold: settings.sparsityThreshold)
        }
        let result = try SolverRun.run(solverInstance, on: problem, from: x0, observer: writer)
        try writer?.finish()
        let f = problem.value(at: result.x)

        let out = Output(problem: problem.name, solver: entry.name, run: seed, n: problem.dimension,
                         stopReason: result.stopReason.rawValue, iterations: result.iterations,
                         gradientNorm: result.gradientNorm, f: f, seconds: result.seconds,
                         sparsityPercent: result.sparsity, sparsityThreshold: result.sparsityThreshold,
                         gradientEvaluations: result.gradientEvaluations, valueEvaluations: result.valueEvaluations,
                         trace: trace)
        if json { try printJSON(out); return }
        print("\(out.problem)  solver \(out.solver)  run \(seed)  n = \(out.n)")
        print("  stop          \(out.stopReason) (eps = \(settings.gradientTolerance), kmax = \(settings.maxIterations))")
        print("  iterations    \(out.iterations)")
        print("  ‖g‖           \(out.gradientNorm)")
        print("  f             \(f)")
        print("  time          \(formatSeconds(out.seconds)) (solver only)")
        print("  sparsity      " + String(format: "%.2f", out.sparsityPercent) + " % of components below tau_s = \(out.sparsityThreshold)")
        print("  evaluations   \(out.gradientEvaluations) gradients, \(out.valueEvaluations) values")
        if let trace { print("  trace         \(trace)") }
    }
}

/// Writes the `solve --trace` CSV. Row k is written when record k+1 arrives (its step
/// columns describe iteration k) or at the last record.
final class TraceWriter: SolverObserver {
    let path: String
    let handle: FileHandle
    let problem: any SmoothProblem
    let recordEvery: Int
    let threshold: Double
    var buffer = ""
    var pending: String?
    var pendingIteration = -1
    var failure: Error?

    init(path: String, problem: any SmoothProblem, recordEvery: Int, threshold: Double) throws {
        self.path = path
        self.problem = problem
        self.recordEvery = recordEvery
        self.threshold = threshold
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw ProblemSuiteError.invalidRequest("\(path): cannot create the trace file")
        }
        handle = h
        buffer = "k,gnorm,f,sparsity_pct,step_norm,alpha,R,A,D\n"
    }

    /// f(x_k) from the solver's gradient pass where the problem computes it there.
    var wantsValues: Bool { true }

    func observe(_ record: IterationRecord) {
        if let row = pending, record.iteration == pendingIteration {
            // Stopped without a step (Frank-Wolfe, ĝ = 0): the pending row is the last.
            buffer += row + ",,,,,\n"
            pending = nil
            return
        }
        if let row = pending {
            let s = record.previousStep
            func cell(_ v: Int?) -> String { v.map(String.init) ?? "" }
            let alpha = s?.stepLength.map { "\($0)" } ?? ""
            buffer += row + ",\(s.map { "\($0.stepNorm)" } ?? ""),\(alpha),\(cell(s?.relevant)),\(cell(s?.acceptable)),\(cell(s?.decreasable))\n"
        }
        let k = record.iteration
        let wantsValue = k % recordEvery == 0 || record.stopReason != nil
        let f = wantsValue ? "\(record.value ?? problem.value(at: record.iterateBuffer))" : ""
        let sparsity = SolverRun.sparsityPercentage(record.iterateBuffer, threshold: threshold)
        let row = "\(k),\(record.gradientNorm),\(f),\(sparsity)"
        if record.stopReason != nil {
            buffer += row + ",,,,,\n"
            pending = nil
        } else {
            pending = row
            pendingIteration = k
        }
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard failure == nil, !buffer.isEmpty else { buffer = ""; return }
        do { try handle.write(contentsOf: Data(buffer.utf8)) } catch { failure = error }
        buffer = ""
    }

    /// Flushes and closes the file.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` naming the file if a write failed.
    func finish() throws {
        flush()
        try? handle.close()
        if let failure { throw ProblemSuiteError.invalidRequest("\(path): writing the trace failed: \(failure)") }
    }
}
