import Foundation
import ProblemSuite
import Solvers

/// Where a result came from: enough to reproduce it and to tell results apart.
public struct Provenance: Codable, Sendable, Equatable {
    /// The suite's version (``SuiteVersion/current``).
    public var suiteVersion: String
    /// The git commit of the suite's source tree when known.
    public var commit: String?
    /// ISO 8601 time the result was made.
    public var date: String
    /// The host and its cores.
    public var machine: String
    /// The command that made it.
    public var command: String

    public static func current(command: String) -> Provenance {
        let info = ProcessInfo.processInfo
        let formatter = ISO8601DateFormatter()
        return Provenance(suiteVersion: SuiteVersion.current, commit: SuiteVersion.commit, date: formatter.string(from: Date()),
                          machine: "\(info.hostName), \(info.activeProcessorCount) cores, \(info.physicalMemory >> 30) GiB",
                          command: command)
    }
}

/// The suite's version and commit, recorded with every result.
public enum SuiteVersion {
    public static let current = "0.1.0"

    /// The numerical version: changed whenever a change of the suite changes the numbers
    /// of some result (a generator, a kernel's summation order, a solver, a measure).
    /// It is part of every result's ``Fingerprint``, so results made before such a change
    /// are recomputed on resume and refused by `merge` and `report` beside newer ones.
    ///
    /// History: 1 — the first fingerprinted results (test accuracy counts a score of
    /// exactly 0 as an error). 2 — the logistic and sigmoid losses from `+ - * /` only,
    /// four rows at a time (``LogisticRegressionProblem/logistic(_:)-swift.type.method``),
    /// instead of the C library's exp and log1p: the classification results move in their
    /// last bits (and no longer depend on the platform's C library).
    public static let numerical = "2"

    /// The commit of the source tree the suite was built from, read from its `.git` (a
    /// directory, or a worktree's or submodule's `gitdir:` file) when that checkout still
    /// exists; nil otherwise (a moved binary without its checkout).
    public static let commit: String? = commit(ofCheckout: SuitePaths.buildTimeRoot)

    /// `problemsuite --version`: the suite version and the commit ("unknown" when not known).
    public static var versionLine: String {
        "\(current) (commit \(commit ?? "unknown"), numerical version \(numerical))"
    }

    /// The commit checked out in the git work tree at `root`, nil if none can be read.
    public static func commit(ofCheckout root: String) -> String? {
        let dotGit = URL(fileURLWithPath: root).appendingPathComponent(".git")
        func read(_ url: URL) -> String? {
            (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var git = dotGit
        // A linked worktree or a submodule: `.git` is a file "gitdir: <path>".
        if let text = read(dotGit), text.hasPrefix("gitdir:") {
            let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            git = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: root).appendingPathComponent(path)
        }
        guard let head = read(git.appendingPathComponent("HEAD")), !head.isEmpty else { return nil }
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst(5))
        // Refs live in the git directory or, for a linked worktree, in the common one.
        var directories = [git]
        if let common = read(git.appendingPathComponent("commondir")) {
            directories.append(common.hasPrefix("/") ? URL(fileURLWithPath: common)
                                                     : git.appendingPathComponent(common).standardizedFileURL)
        }
        for dir in directories {
            if let sha = read(dir.appendingPathComponent(ref)), !sha.isEmpty { return sha }
            if let packed = read(dir.appendingPathComponent("packed-refs")) {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                    return String(line.split(separator: " ")[0])
                }
            }
        }
        return nil
    }
}

/// One point of a run's trace.
public struct TracePoint: Codable, Sendable, Equatable {
    /// Iteration k.
    public var k: Int
    /// ‖∇f(x_k)‖₂.
    public var gradientNorm: Double
    /// f(x_k), evaluated by the harness.
    public var f: Double
    /// Percentage of components with |x_i| < tau_s.
    public var sparsity: Double
    /// |R|, |A|, |D| of the step into x_k (prunAdag only).
    public var relevant: Int?
    public var acceptable: Int?
    public var decreasable: Int?
}

/// The identity of one task: (problem, solver, run).
public struct TaskKey: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var problem: String
    public var solver: String
    public var run: Int

    public init(problem: String, solver: String, run: Int) {
        self.problem = problem
        self.solver = solver
        self.run = run
    }

    public static func < (a: TaskKey, b: TaskKey) -> Bool {
        (a.problem, a.solver, a.run) < (b.problem, b.solver, b.run)
    }

    public var description: String { "\(problem)/\(solver)/run \(run)" }
}

/// How a run ended, for the tables and the exit status.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// ‖g‖ ≤ eps: reached the gradient tolerance.
    case converged
    /// Stopped at kmax without reaching the tolerance.
    case iterationLimit = "iteration-limit"
    /// Stopped for a reason of the solver's own (Frank-Wolfe: no oracle direction).
    case stopped
    /// Failed: the gradient became infinite or NaN.
    case diverged
    /// Failed: the task threw (the problem could not be loaded, a solver refused its
    /// parameters, …); ``RunRecord/failure`` says why. Recomputed on resume.
    case error

    /// Diverged and errored runs are failures: counted in the summary and exit status,
    /// excluded from every statistic, and shown as failed in the tables.
    public var isFailure: Bool { self == .diverged || self == .error }

    /// The status of a solver's stop reason.
    public init(_ reason: StopReason) {
        switch reason {
        case .gradientTolerance: self = .converged
        case .iterationLimit: self = .iterationLimit
        case .zeroOracleDirection: self = .stopped
        case .nonFinite: self = .diverged
        }
    }
}

/// Everything the harness keeps of one (problem, solver, run). The final iterate is
/// stored beside it as a `.npy` file (``ResultStore/solution(for:)``).
public struct RunRecord: Codable, Sendable, Equatable {
    public var key: TaskKey
    /// Everything that determines the numbers below (see ``Fingerprint``).
    public var fingerprint: Fingerprint
    public var status: RunStatus
    /// Why the run failed, for ``RunStatus/error`` (and the solver's words for a divergence).
    public var failure: String?
    public var family: String
    public var dimension: Int
    /// The settings the solver ran with (the family's, with the experiment's overrides).
    public var settings: SolverSettings
    public var iterations: Int
    public var stopReason: String
    public var gradientNorm: Double
    /// f at the starting point x₀.
    public var initialValue: Double
    /// f at the solution.
    public var value: Double
    /// Wall time of the solver's own work (harness evaluations excluded).
    public var seconds: Double
    public var gradientEvaluations: Int
    /// Percentage of components below tau_s at the solution.
    public var sparsity: Double
    /// Robustness at each pruning level.
    public var pruning: [PruningMeasure]
    /// Test accuracy (%) of the unpruned solution, for classification; samples whose
    /// score is exactly 0 count as errors (see ``ClassificationScore``).
    public var accuracy: Double?
    /// Test samples the unpruned solution leaves undecided (score exactly 0).
    public var undecided: Int?
    /// The largest pruning percentage (among those measured) whose accuracy stays
    /// within one point of the unpruned accuracy.
    public var maxPrunableWithinOnePoint: Double?
    /// The trace (every `record_every`-th iteration and the last).
    public var trace: [TracePoint]
    public var provenance: Provenance

    /// Whether the run ended with f(x_final) > f(x₀): the solver made things worse.
    public var valueIncreased: Bool { !status.isFailure && value > initialValue }

    /// A record of a task that threw before producing a result.
    public static func failed(_ task: HarnessTask, reason: String, command: String) -> RunRecord {
        RunRecord(key: task.key, fingerprint: task.fingerprint, status: .error, failure: reason,
                  family: task.entry.metadata.family, dimension: task.entry.metadata.dimension, settings: task.settings,
                  iterations: 0, stopReason: "error", gradientNorm: .nan, initialValue: .nan, value: .nan, seconds: 0,
                  gradientEvaluations: 0, sparsity: .nan, pruning: [], accuracy: nil, undecided: nil,
                  maxPrunableWithinOnePoint: nil, trace: [], provenance: Provenance.current(command: command))
    }

    /// The values no real run can have, one sentence each (empty for a sound record).
    public var impossibilities: [String] {
        var out: [String] = []
        if key.run < 0 { out.append("negative run index \(key.run)") }
        if iterations < 0 { out.append("negative iteration count \(iterations)") }
        if gradientEvaluations < 0 { out.append("negative gradient evaluation count \(gradientEvaluations)") }
        if seconds < 0 || seconds.isNaN { out.append("solver time \(seconds)") }
        if dimension <= 0 { out.append("dimension \(dimension)") }
        if fingerprint.run != key.run || fingerprint.solver != key.solver || fingerprint.problem.name != key.problem {
            out.append("fingerprint of \(fingerprint.problem.name)/\(fingerprint.solver)/run \(fingerprint.run) on the result of \(key)")
        }
        if !fingerprint.isConsistent { out.append("fingerprint digest does not match its fields") }
        guard !status.isFailure else { return out }
        if !(gradientNorm >= 0) || !gradientNorm.isFinite { out.append("gradient norm \(gradientNorm) in a run that did not fail") }
        if !value.isFinite { out.append("final value \(value) in a run that did not fail") }
        if !(0...100).contains(sparsity) { out.append("sparsity \(sparsity)% outside [0, 100]") }
        if settings.maxIterations < iterations { out.append("\(iterations) iterations beyond kmax \(settings.maxIterations)") }
        if pruning.map(\.percentage) != fingerprint.pruning { out.append("pruning levels differ from the fingerprint's") }
        for m in pruning where !(m.epsG >= 0) || !(m.epsF >= 0) || m.pruned < 0 || m.pruned > dimension {
            out.append("impossible pruning measure at p = \(m.percentage) (eps_g \(m.epsG), eps_f \(m.epsF), pruned \(m.pruned))")
        }
        if let a = accuracy, !(0...100).contains(a) { out.append("accuracy \(a)% outside [0, 100]") }
        for t in trace where t.k < 0 || !(t.gradientNorm >= 0) { out.append("impossible trace point at k = \(t.k)"); break }
        return out
    }
}

extension RunRecord {
    /// Report order: problems by name (digits compared as numbers, so SPARCO9 comes
    /// before SPARCO11), solvers in the order of ``SolverRegistry/standard``, then runs.
    public static func reportOrder(_ a: RunRecord, _ b: RunRecord) -> Bool {
        reportOrder(registry: .standard)(a, b)
    }

    /// Report order with solvers in the order of `registry` (solvers it does not know
    /// come after its own, by name); problems and runs as in ``reportOrder(_:_:)``.
    public static func reportOrder(registry: SolverRegistry) -> @Sendable (RunRecord, RunRecord) -> Bool {
        let rank = Dictionary(registry.names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return { a, b in
            if a.key.problem != b.key.problem {
                return a.key.problem.compare(b.key.problem, options: .numeric) == .orderedAscending
            }
            if a.key.solver != b.key.solver {
                let ia = rank[a.key.solver] ?? rank.count, ib = rank[b.key.solver] ?? rank.count
                return ia != ib ? ia < ib : a.key.solver < b.key.solver
            }
            return a.key.run < b.key.run
        }
    }
}
