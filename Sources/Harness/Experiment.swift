import Foundation
import ProblemSuite
import Solvers

/// An experiment declared in `Problems/experiments/*.toml`: which problems and solvers,
/// how many runs, which pruning levels, and the settings to override.
///
/// ```toml
/// name = "random-least-squares"
/// title = "Random least squares (paper Table 2, Figures 1-4)"
/// problems = ["A1", "A2", "A3", "A4", "A5", "A6"]   # names or patterns
/// solvers = ["adagrad", "prunadag-v1", ...]        # default: every solver of the registry
/// runs = 20
/// pruning = [10, 30, 50, 70, 90]                    # percentages for eps_g, eps_f
/// [select]                                          # optional: keep problems by property
/// origin = "A"                                      #   (ProblemQuery's keys)
/// max_n = 2048
/// [settings]                                        # overrides of every problem's settings
/// [[perturbation]]                                  # optional: each problem also under
/// kind = "gradient-noise"                           #   these (Perturbation's keys)
/// level = 0.01
/// [converged.settings]                              # the default protocol's budget
/// kmax = 20000                                      # (`--protocol fixed-budget` leaves it out)
/// [quick]                                           # the CI-sized form
/// runs = 2
/// [quick.settings]
/// kmax = 100
/// ```
///
/// `[converged.settings]` holds the budget chosen from a convergence study
/// (`problemsuite study`) so that the full protocol compares converged solutions
/// **[reconstruction]**; the quick form and `--protocol fixed-budget` do not apply it.
public struct Experiment: Sendable, Equatable {
    public var name: String
    public var title: String
    public var problems: [String]
    public var solvers: [String]
    public var runs: Int
    public var pruning: [Double]
    /// Raw overrides applied on top of each problem's settings.
    public var settingsOverrides: [String: ParameterValue]
    /// The `[select]` table: of ``problems``, only those with these properties (default: all).
    public var select: ProblemQuery = ProblemQuery()
    /// The `[[perturbation]]` tables: each problem also runs under each of them.
    public var perturbations: [Perturbation] = []
    /// `unperturbed` (default true): also run each problem as declared.
    public var includeUnperturbed: Bool = true
    public var file: String

    /// Overrides of the default (converged) protocol, applied after `settingsOverrides`
    /// unless the protocol is fixed-budget or quick (already merged into
    /// `settingsOverrides` when read for the full protocol).
    public var convergedOverrides: [String: ParameterValue] = [:]

    /// `solver`: `[[solver]]` tables declaring external solvers, read at startup
    /// (``ExternalSolverDeclaration/readAll(problemsDirectory:)``), not here.
    static let keys = ["name", "title", "problems", "solvers", "runs", "pruning", "settings", "quick", "select", "perturbation", "unperturbed", "solver", "converged"]
    static let quickKeys = ["runs", "settings", "problems", "solvers"]

    /// Reads an experiment file; `quick` selects its `[quick]` (CI-sized) form. Solver
    /// names are checked against `registry` (default ``SolverRegistry/standard``), whose
    /// names are also the default list.
    /// - Throws: a malformed file, an unknown key or solver, a value out of range.
    /// `fixedBudget` leaves `[converged.settings]` out (the families' own budgets); it is
    /// ignored with `quick`.
    public static func read(file: String, quick: Bool = false, fixedBudget: Bool = false,
                            registry: SolverRegistry = .standard) throws -> Experiment {
        let t = ParameterTable(try TOMLReading.read(file: file), file: file, context: "")
        try t.rejectUnknownKeys(allowed: keys)
        let name = try t.string("name")
        guard isSafeName(name) else {
            throw t.invalid("name", "an experiment name is a directory name under --out: letters, digits, '-', '_' and '.' only, not starting with '.', and not 'quick' (the quick protocol's directory)")
        }
        var e = Experiment(name: name, title: try t.string("title", default: name), problems: try stringArray(t, "problems") ?? ["*"],
                           solvers: try stringArray(t, "solvers") ?? registry.names,
                           runs: try t.positiveInt("runs", default: 20),
                           pruning: try t.optionalDoubleArray("pruning") ?? [10, 30, 50, 70, 90],
                           settingsOverrides: try t.optionalTable("settings")?.values ?? [:], file: file)
        if let s = try t.optionalTable("select") { e.select = try ProblemQuery(s) }
        if let v = t["perturbation"] {
            guard case .array(let items) = v else { throw t.invalid("perturbation", "expected [[perturbation]] tables") }
            e.perturbations = try items.enumerated().map { i, item in
                guard case .table(let table) = item else { throw t.invalid("perturbation", "item \(i + 1) is not a table") }
                return try Perturbation(ParameterTable(table, file: file, context: "[[perturbation]] #\(i + 1)"))
            }
            let labels = e.perturbations.map(\.label)
            if let dup = labels.first(where: { l in labels.filter { $0 == l }.count > 1 }) {
                throw t.invalid("perturbation", "\(dup) is declared twice")
            }
        }
        e.includeUnperturbed = try t.optionalBool("unperturbed") ?? true
        if !e.includeUnperturbed && e.perturbations.isEmpty {
            throw t.invalid("unperturbed", "false without any [[perturbation]] leaves nothing to run")
        }
        for p in e.pruning where !(0...100).contains(p) { throw t.invalid("pruning", "percentages must lie in [0, 100]") }
        for s in e.solvers { _ = try registry.entry(named: s) }
        if let c = try t.optionalTable("converged") {
            try c.rejectUnknownKeys(allowed: ["settings"])
            e.convergedOverrides = try c.optionalTable("settings")?.values ?? [:]
            _ = try SolverSettings().applying(ParameterTable(e.convergedOverrides, file: file, context: "[converged.settings]"),
                                              declared: registry.parameterDeclarations)
            if !quick && !fixedBudget { for (k, v) in e.convergedOverrides { e.settingsOverrides[k] = v } }
        }
        if quick, let q = try t.optionalTable("quick") {
            try q.rejectUnknownKeys(allowed: quickKeys)
            if let r = try q.optionalInt("runs") { guard r > 0 else { throw q.invalid("runs", "must be positive") }; e.runs = r }
            if let p = try stringArray(q, "problems") { e.problems = p }
            if let s = try stringArray(q, "solvers") {
                for name in s { _ = try registry.entry(named: name) }
                e.solvers = s
            }
            if let s = try q.optionalTable("settings") { for (k, v) in s.values { e.settingsOverrides[k] = v } }
        }
        // Validate the overrides once, against default settings and the registry's solver parameters.
        _ = try SolverSettings().applying(ParameterTable(e.settingsOverrides, file: file, context: "[settings]"),
                                          declared: registry.parameterDeclarations)
        return e
    }

    static func stringArray(_ t: ParameterTable, _ key: String) throws -> [String]? {
        guard let v = t[key] else { return nil }
        guard case .array(let items) = v else { throw t.invalid(key, "expected an array of strings") }
        return try items.map {
            guard case .string(let s) = $0 else { throw t.invalid(key, "expected an array of strings") }
            return s
        }
    }

    /// Whether `name` can name a directory under the output directory: 1–100 letters,
    /// digits, `-`, `_`, `.`, not starting with `.` (no `..`, no hidden directory), and
    /// not `quick`, where the quick protocol's results go.
    public static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 100 && !name.hasPrefix(".") && name != "quick"
            && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0) }
    }

    /// Every experiment file under `directory/experiments`, sorted by file name.
    /// - Throws: a file's own errors, or ``ProblemSuiteError/invalidParameter(file:context:key:value:reason:)``
    ///   when two files declare the same experiment name (they would share one directory).
    public static func all(problemsDirectory directory: String, quick: Bool = false, fixedBudget: Bool = false,
                           registry: SolverRegistry = .standard) throws -> [Experiment] {
        let dir = directory + "/experiments"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let experiments = try names.filter { $0.hasSuffix(".toml") }.sorted().map { try read(file: dir + "/" + $0, quick: quick, fixedBudget: fixedBudget, registry: registry) }
        var seen: [String: String] = [:]
        for e in experiments {
            if let other = seen[e.name.lowercased()] {
                throw ProblemSuiteError.invalidParameter(file: e.file, context: "", key: "name", value: "\"\(e.name)\"",
                                                         reason: "already the name of the experiment in \(other): two experiments would share one output directory")
            }
            seen[e.name.lowercased()] = e.file
        }
        return experiments
    }

    /// The overrides as `key = value` lines, sorted, for reports.
    public var overrideLines: [String] {
        settingsOverrides.keys.sorted().map { "\($0) = \(settingsOverrides[$0]!)" }
    }

    /// The settings a problem runs with in this experiment.
    public func settings(for metadata: ProblemMetadata) throws -> SolverSettings {
        try metadata.settings.applying(ParameterTable(settingsOverrides, file: file, context: "[settings]"))
    }

    /// The plan of this experiment: its problems (narrowed by its `[select]`, each also
    /// under its `[[perturbation]]`s), solvers and pruning levels, `runs` runs (default its
    /// own), each problem with `settings` (default ``settings(for:)``). The one place an
    /// experiment becomes tasks, for `reproduce`, `study` and the reference tests alike.
    public func plan(catalogue: Catalogue, context: LoadContext, protocolKind: ProtocolKind,
                     registry: SolverRegistry = .standard, runs: Int? = nil,
                     settings: ((ProblemMetadata) throws -> SolverSettings)? = nil) throws -> Plan {
        try Plan.make(catalogue: catalogue, context: context, problems: problems, solvers: solvers,
                      runs: runs ?? self.runs, pruning: pruning, protocolKind: protocolKind, registry: registry,
                      select: select, perturbations: perturbations, includeUnperturbed: includeUnperturbed,
                      settings: settings ?? { try self.settings(for: $0) })
    }

    /// The experiments of `available` named in `names` (each once, in the order named),
    /// or all of them when `names` is empty.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` for an unknown name, with the
    ///   closest known one and the list of known names.
    public static func named(_ names: [String], in available: [Experiment]) throws -> [Experiment] {
        guard !names.isEmpty else { return available }
        var selected: [Experiment] = []
        for name in names {
            guard let e = available.first(where: { $0.name == name }) else {
                let close = NameSuggestion.closest(to: name, among: available.map(\.name))
                throw ProblemSuiteError.invalidRequest("unknown experiment '\(name)'" + (close.isEmpty ? "" : "; did you mean '\(close[0])'?")
                                                       + " (known: \(available.map(\.name).joined(separator: ", ")))")
            }
            if !selected.contains(where: { $0.name == e.name }) { selected.append(e) }
        }
        return selected
    }
}
