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

    /// The commit of the source tree the suite was built from, read from its `.git`.
    public static let commit: String? = {
        let git = URL(fileURLWithPath: SuitePaths.buildTimeRoot).appendingPathComponent(".git")
        guard let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard head.hasPrefix("ref: ") else { return head }
        let ref = String(head.dropFirst(5))
        if let sha = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) {
            return sha.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let packed = try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8) {
            for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                return String(line.split(separator: " ")[0])
            }
        }
        return nil
    }()
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

/// Everything the harness keeps of one finished (problem, solver, run).
public struct RunRecord: Codable, Sendable, Equatable {
    public var key: TaskKey
    public var family: String
    public var dimension: Int
    /// The settings the solver ran with (the family's, with the experiment's overrides).
    public var settings: SolverSettings
    public var iterations: Int
    public var stopReason: String
    public var gradientNorm: Double
    /// f at the solution.
    public var value: Double
    /// Wall time of the solver's own work (harness evaluations excluded).
    public var seconds: Double
    public var gradientEvaluations: Int
    /// Percentage of components below tau_s at the solution.
    public var sparsity: Double
    /// Robustness at each pruning level.
    public var pruning: [PruningMeasure]
    /// Test accuracy (%) of the unpruned solution, for classification.
    public var accuracy: Double?
    /// The largest pruning percentage (among those measured) whose accuracy stays
    /// within one point of the unpruned accuracy.
    public var maxPrunableWithinOnePoint: Double?
    /// The trace (every `record_every`-th iteration and the last).
    public var trace: [TracePoint]
    /// The solution itself, when the experiment asks to keep it.
    public var solution: [Double]?
    public var provenance: Provenance
}

extension RunRecord {
    /// Report order: problems by name (digits compared as numbers, so SPARCO9 comes
    /// before SPARCO11), solvers in registry order, then runs.
    public static func reportOrder(_ a: RunRecord, _ b: RunRecord) -> Bool {
        if a.key.problem != b.key.problem {
            return a.key.problem.compare(b.key.problem, options: .numeric) == .orderedAscending
        }
        if a.key.solver != b.key.solver {
            let names = SolverRegistry.names
            let ia = names.firstIndex(of: a.key.solver) ?? names.count, ib = names.firstIndex(of: b.key.solver) ?? names.count
            return ia != ib ? ia < ib : a.key.solver < b.key.solver
        }
        return a.key.run < b.key.run
    }
}
