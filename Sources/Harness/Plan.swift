import ProblemSuite
import Solvers

/// One unit of work: one solver, one problem, one run.
public struct HarnessTask: Sendable {
    public var key: TaskKey
    public var entry: ProblemEntry
    public var settings: SolverSettings
    public var pruning: [Double]
    public var keepSolution: Bool
}

/// The cross product problems × solvers × runs, in a fixed order.
public struct Plan: Sendable {
    public var tasks: [HarnessTask]
    /// Problems left out because their data are missing, with the first missing file.
    public var unavailable: [(problem: String, file: String)]

    /// Builds the plan. `problems` are names, aliases or patterns (`*`, `?`); a pattern
    /// that matches nothing is an error with suggestions. Problems whose data files are
    /// missing are left out and listed in ``unavailable``.
    public static func make(catalogue: Catalogue, dataDirectory: String?, problems: [String], solvers: [String],
                            runs: Int, pruning: [Double], keepSolutions: Bool = false,
                            settings: (ProblemMetadata) throws -> SolverSettings = { $0.settings }) throws -> Plan {
        var entries: [ProblemEntry] = []
        for pattern in problems {
            let matched = pattern.contains("*") || pattern.contains("?")
                ? catalogue.filter(pattern: pattern) : [try catalogue.entry(named: pattern)]
            for e in matched where !entries.contains(where: { $0.name == e.name }) { entries.append(e) }
        }
        let solverNames = try solvers.map { try SolverRegistry.entry(named: $0).name }
        var tasks: [HarnessTask] = []
        var unavailable: [(String, String)] = []
        for e in entries {
            if let missing = Catalogue.missingFiles(of: e, dataDirectory: dataDirectory).first {
                unavailable.append((e.name, missing))
                continue
            }
            let s = try settings(e.metadata)
            for solver in solverNames {
                for run in 0..<runs {
                    tasks.append(HarnessTask(key: TaskKey(problem: e.name, solver: solver, run: run), entry: e,
                                             settings: s, pruning: pruning, keepSolution: keepSolutions))
                }
            }
        }
        return Plan(tasks: tasks, unavailable: unavailable)
    }

    /// The deterministic slice `index` (1-based) of `count`: every count-th task.
    public func shard(_ index: Int, of count: Int) -> Plan {
        Plan(tasks: tasks.enumerated().filter { $0.offset % count == index - 1 }.map(\.element), unavailable: unavailable)
    }

    /// Parses `i/N`.
    public static func parseShard(_ text: String) throws -> (Int, Int) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else {
            throw HarnessError.badShard(text)
        }
        return (i, n)
    }
}
