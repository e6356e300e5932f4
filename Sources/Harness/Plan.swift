import ProblemSuite
import Solvers

/// One unit of work: one solver, one problem, one run.
public struct HarnessTask: Sendable {
    public var key: TaskKey
    public var entry: ProblemEntry
    public var settings: SolverSettings
    public var pruning: [Double]
    /// Everything that determines the task's numbers; stored with its result.
    public var fingerprint: Fingerprint

    public init(key: TaskKey, entry: ProblemEntry, settings: SolverSettings, pruning: [Double], fingerprint: Fingerprint) {
        self.key = key
        self.entry = entry
        self.settings = settings
        self.pruning = pruning
        self.fingerprint = fingerprint
    }

    /// A task with the fingerprint of its fields; `data` are the sha256 of the problem's
    /// data files (``DataIntegrity/digests(of:context:)``), empty for generated problems.
    public init(key: TaskKey, entry: ProblemEntry, settings: SolverSettings, pruning: [Double],
                protocolKind: ProtocolKind = .custom, data: [String: String] = [:]) {
        self.init(key: key, entry: entry, settings: settings, pruning: pruning,
                  fingerprint: Fingerprint(problem: ProblemIdentity(metadata: entry.metadata, data: data), solver: key.solver,
                                           settings: settings, run: key.run, protocolKind: protocolKind, pruning: pruning))
    }
}

/// The cross product problems × solvers × runs, in a fixed order.
public struct Plan: Sendable {
    /// A problem left out of the plan and why.
    public struct LeftOut: Sendable, Equatable {
        public enum Reason: Sendable, Equatable {
            /// A data file is missing (path relative to the data directory).
            case missingData(file: String)
            /// A data file does not have the manifest's checksum.
            case checksumMismatch(String)
        }
        public var problem: String
        public var reason: Reason

        /// One line for users, with how to fix it.
        public var message: String {
            switch reason {
            case .missingData(let file):
                return "\(problem): data file \(file) is missing. \(DataManifest.standardHint(forPath: file))"
            case .checksumMismatch(let text):
                return "\(problem): \(text)"
            }
        }
    }

    public var tasks: [HarnessTask]
    /// Problems left out because their data are missing or fail their checksum.
    public var leftOut: [LeftOut]

    /// The most runs per (problem, solver) a plan accepts: far beyond any protocol,
    /// and small enough that a typo (`--runs 1000000000000`) is an error, not a plan
    /// that exhausts memory.
    public static let maxRuns = 100_000
    /// The most tasks a plan accepts.
    public static let maxTasks = 10_000_000

    public init(tasks: [HarnessTask], leftOut: [LeftOut] = []) {
        self.tasks = tasks
        self.leftOut = leftOut
    }

    /// Builds the plan. `problems` are names, aliases or patterns (`*`, `?`); a pattern
    /// that matches nothing is an error with suggestions. Problems whose data files are
    /// missing, or fail the manifest's checksum (unless the context allows it), are left
    /// out and listed in ``leftOut``. Each task carries its ``Fingerprint``: the
    /// declaration and data checksums of its problem, its solver and settings, its run,
    /// `protocolKind` and the pruning levels.
    ///
    /// `select` keeps, of the problems named, those with the properties it asks for
    /// (``ProblemQuery``; default: all), judged before data are checked, so that a
    /// problem it excludes is not listed as left out.
    ///
    /// `parameters` (sizes on demand, ``LoadTimeParameters``) replace the declared ones of
    /// every problem taken, after `select` (which judges the declared instances) (``ProblemEntry/withParameters(_:)``); the tasks, results and
    /// fingerprints then carry the canonical name (`A1[n=8192]`) and the parameters.
    ///
    /// `perturbations` add, for every problem taken, one problem per perturbation
    /// (``ProblemEntry/perturbed(by:)``, named `NAME+<label>`), after the problem itself
    /// unless `includeUnperturbed` is false.
    ///
    /// `solvers` are names in `registry` (default ``SolverRegistry/standard``; pass your
    /// own to plan solvers of your own beside the suite's), matched ignoring case.
    /// Each task's settings are the problem's (after `settings`) restricted to its
    /// solver's resolved parameters (``SolverRegistry/Entry/settings(from:)``): a result of
    /// adagrad records and fingerprints sigma, not the Frank-Wolfe radius.
    /// - Throws: an unknown solver name (with the closest names of `registry`), an unknown
    ///   problem, runs or pruning levels out of range, too many tasks, a solver parameter
    ///   no solver of `registry` declares or a value outside its domain.
    public static func make(catalogue: Catalogue, context: LoadContext, problems: [String], solvers: [String],
                            runs: Int, pruning: [Double], protocolKind: ProtocolKind = .custom,
                            registry: SolverRegistry = .standard, select: ProblemQuery = ProblemQuery(),
                            parameters: [String: ParameterValue] = [:],
                            perturbations: [Perturbation] = [], includeUnperturbed: Bool = true,
                            settings: (ProblemMetadata) throws -> SolverSettings = { $0.settings }) throws -> Plan {
        guard (1...maxRuns).contains(runs) else {
            throw ProblemSuiteError.invalidRequest("runs = \(runs): must lie in 1...\(maxRuns)")
        }
        for p in pruning where !(p >= 0 && p <= 100) {
            throw ProblemSuiteError.invalidRequest("pruning level \(p): percentages must lie in [0, 100]")
        }
        var entries: [ProblemEntry] = []
        for pattern in problems {
            let matched = pattern.contains("*") || pattern.contains("?")
                ? catalogue.filter(pattern: pattern) : [try catalogue.entry(named: pattern)]
            for e in matched where !entries.contains(where: { $0.name == e.name }) { entries.append(e) }
        }
        if !select.isEmpty {
            entries = entries.filter { select.matches($0, dataDirectory: context.dataDirectory) }
            guard !entries.isEmpty else {
                throw ProblemSuiteError.invalidRequest("no problem of \(problems.joined(separator: " ")) has the selected properties \(select.pairs.joined(separator: ", "))")
            }
        }
        if !parameters.isEmpty {
            entries = try entries.map { try $0.withParameters(parameters) }
        }
        if !perturbations.isEmpty {
            entries = try entries.flatMap { e in (includeUnperturbed ? [e] : []) + (try perturbations.map { try e.perturbed(by: $0) }) }
        }
        let solverNames = try solvers.map { try registry.entry(named: $0).name }
        // runs ≤ maxRuns and the counts of a catalogue and a registry are small: no overflow.
        guard entries.count * solverNames.count * runs <= maxTasks else {
            throw ProblemSuiteError.invalidRequest("\(entries.count) problems × \(solverNames.count) solvers × \(runs) runs: more than \(maxTasks) tasks")
        }
        var tasks: [HarnessTask] = []
        var leftOut: [LeftOut] = []
        for e in entries {
            if let missing = Catalogue.missingFiles(of: e, dataDirectory: context.dataDirectory).first {
                leftOut.append(LeftOut(problem: e.name, reason: .missingData(file: missing)))
                continue
            }
            let digests: [String: String]
            do {
                digests = try DataIntegrity.digests(of: e, context: context)
            } catch let error as ProblemSuiteError {
                if case .missingData(_, let file, _) = error {
                    leftOut.append(LeftOut(problem: e.name, reason: .missingData(file: file)))
                } else {
                    leftOut.append(LeftOut(problem: e.name, reason: .checksumMismatch("\(error)")))
                }
                continue
            }
            let identity = ProblemIdentity(metadata: e.metadata, data: digests)
            let problemSettings = try settings(e.metadata)
            // Parameters no registered solver declares are an error here even when the
            // catalogue was read without the registry's declarations.
            try registry.validate(problemSettings)
            for solver in solverNames {
                // Each solver's task records and fingerprints its own resolved parameters.
                let s = try registry.entry(named: solver).settings(from: problemSettings)
                for run in 0..<runs {
                    let fingerprint = Fingerprint(problem: identity, solver: solver, settings: s, run: run,
                                                  protocolKind: protocolKind, pruning: pruning)
                    tasks.append(HarnessTask(key: TaskKey(problem: e.name, solver: solver, run: run), entry: e,
                                             settings: s, pruning: pruning, fingerprint: fingerprint))
                }
            }
        }
        return Plan(tasks: tasks, leftOut: leftOut)
    }

    /// The deterministic slice `index` (1-based) of `count`: every count-th task.
    public func shard(_ index: Int, of count: Int) -> Plan {
        Plan(tasks: tasks.enumerated().filter { $0.offset % count == index - 1 }.map(\.element), leftOut: leftOut)
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
