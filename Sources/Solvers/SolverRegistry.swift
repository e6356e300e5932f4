import ProblemSuite

/// A set of solvers by name: the suite's own (``standard``), or any other, built with
/// ``adding(_:)`` or ``init(entries:)``. Adding a solver to the suite: one file with the
/// class, one line in ``standard``; adding one from another package:
/// `SolverRegistry.standard.adding(SolverRegistry.Entry(name: "gd", summary: "...") { GradientDescent(settings: $0) })`,
/// then pass the registry to the harness (`Plan.make(…, registry:)`, `Runner(…, solvers:)`).
///
/// Names are lower case and matched ignoring case; the order of the entries is the
/// report order.
public struct SolverRegistry: Sendable {
    /// One registered solver.
    public struct Entry: Sendable {
        /// The name used on the command line (lower case).
        public var name: String
        /// One line for listings.
        public var summary: String
        /// The parameters the solver owns (keys of `[settings]` besides the protocol's:
        /// prunAdag's `sigma` and `c`, for instance), with defaults and rules.
        public var parameters: [SolverParameter]
        /// Builds a configured solver from a problem's settings (the harness passes
        /// settings already ``SolverSettings/restricted(to:)`` these parameters).
        public var make: @Sendable (SolverSettings) throws -> any Solver

        /// An entry; `name` is stored lower-cased (names are matched ignoring case).
        /// - Parameters:
        ///   - parameters: the keys the solver reads from the settings' ``SolverSettings/parameters``
        ///     (default none); each key appears once.
        ///   - make: builds the solver; it may throw for settings it cannot run with.
        public init(name: String, summary: String, parameters: [SolverParameter] = [],
                    make: @escaping @Sendable (SolverSettings) throws -> any Solver) {
            self.name = name.lowercased()
            self.summary = summary
            self.parameters = parameters
            self.make = make
        }

        /// `settings` with this solver's parameters resolved (defaults filled in, other
        /// solvers' keys dropped): what its runs record and fingerprint.
        /// - Throws: when a value is outside its parameter's domain.
        public func settings(from settings: SolverSettings) throws -> SolverSettings {
            try settings.restricted(to: parameters)
        }
    }

    /// Every solver, in report order.
    public let entries: [Entry]

    /// A registry of `entries`, in that (report) order.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` when a name is empty, holds
    ///   characters other than letters, digits, `-`, `_` and `.` (names are directory
    ///   names of the result store), or is used twice (ignoring case).
    public init(entries: [Entry]) throws {
        var seen = Set<String>()
        for e in entries {
            guard !e.name.isEmpty, e.name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !e.name.hasPrefix(".") else {
                throw ProblemSuiteError.invalidRequest("solver name '\(e.name)': a name uses letters, digits, '-', '_' and '.' only, and does not start with '.'")
            }
            guard seen.insert(e.name).inserted else {
                throw ProblemSuiteError.invalidRequest("solver name '\(e.name)' is registered twice")
            }
            var keys = Set<String>()
            for p in e.parameters where !keys.insert(p.key).inserted {
                throw ProblemSuiteError.invalidRequest("solver '\(e.name)' declares parameter '\(p.key)' twice")
            }
        }
        self.entries = entries
    }

    private init(unchecked entries: [Entry]) { self.entries = entries }

    /// This registry with `entries` after its own.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` when a name is already taken
    ///   (see ``init(entries:)``).
    public func adding(_ entries: Entry...) throws -> SolverRegistry {
        try adding(contentsOf: entries)
    }

    /// This registry with `entries` after its own.
    /// - Throws: as ``adding(_:)``.
    public func adding(contentsOf entries: [Entry]) throws -> SolverRegistry {
        try SolverRegistry(entries: self.entries + entries)
    }

    /// The suite's solvers, in report order.
    public static let standard = SolverRegistry(unchecked: [
        Entry(name: "adagrad", summary: "Adagrad, OFFO form (sigma)", parameters: Adagrad.Parameters.declarations) {
            try Adagrad(settings: $0)
        },
        prunAdag("prunadag-v1", .v1, "prunAdag V1: a = c·θ·ρ·|x|, b = ∞"),
        prunAdag("prunadag-v2", .v2, "prunAdag V2: a = c·θ·|x|, b = ∞"),
        prunAdag("prunadag-v3", .v3, "prunAdag V3: a = c·θ·ρ·|x|, b = |x|"),
        prunAdag("prunadag-v4", .v4, "prunAdag V4: a = c·θ·|x|, b = |x|"),
        prunAdag("relevant-only", .relevantOnly, "prunAdag without acceptable set (O = R), a = c·θ·ρ·|x|"),
        prunAdag("relevant-only-plain", .relevantOnlyPlain, "prunAdag without acceptable set (O = R), a = c·θ·|x|"),
        frankWolfe("fw1", .linear, "Frank-Wolfe, k-support ball, alpha = min(1, eta1/(k+1))"),
        frankWolfe("fw2", .gradientRescaled, "Frank-Wolfe, k-support ball, alpha = min(1, eta2·‖g‖/‖v−x‖)"),
    ])

    private static func prunAdag(_ name: String, _ variant: PrunAdag.Variant, _ summary: String) -> Entry {
        Entry(name: name, summary: summary, parameters: PrunAdag.Parameters.declarations) {
            try PrunAdag(name: name, variant: variant, settings: $0)
        }
    }

    private static func frankWolfe(_ name: String, _ rule: FrankWolfe.StepRule, _ summary: String) -> Entry {
        Entry(name: name, summary: summary, parameters: FrankWolfe.Parameters.declarations) {
            try FrankWolfe(name: name, rule: rule, settings: $0)
        }
    }

    /// Every parameter any registered solver declares, in registry order, each (key,
    /// domain) once: what a `[settings]` table read for these solvers may hold besides
    /// the protocol's keys (``SolverSettings/applying(_:declared:)``).
    public var parameterDeclarations: [SolverParameter] {
        var seen = Set<SolverParameter>()
        var out: [SolverParameter] = []
        for e in entries { for p in e.parameters where seen.insert(p).inserted { out.append(p) } }
        return out
    }

    /// Checks settings read without knowing the solvers (a catalogue built with no
    /// declarations) against this registry: every parameter key is declared by some
    /// solver, and its value lies in every declaration of its key.
    /// - Throws: ``ProblemSuiteError/invalidParameter(file:context:key:value:reason:)``
    ///   naming where the key was written.
    public func validate(_ settings: SolverSettings) throws {
        let declared = parameterDeclarations
        for key in settings.parameters.keys.sorted() {
            let value = settings.parameters[key]!
            let origin = settings.parameterOrigins[key] ?? "settings"
            let matching = declared.filter { $0.key == key }
            if matching.isEmpty {
                let keys = Set(declared.map(\.key)).sorted()
                let close = NameSuggestion.closest(to: key, among: SolverSettings.keys + keys, limit: 1)
                let hint = close.isEmpty ? "" : "; did you mean '\(close[0])'?"
                throw ProblemSuiteError.invalidParameter(
                    file: origin, context: "[settings]", key: key, value: value.description,
                    reason: "no registered solver has this parameter (solvers' parameters: \(keys.joined(separator: ", ")))\(hint)")
            }
            for d in matching where d.domain.accept(value) == nil {
                throw ProblemSuiteError.invalidParameter(file: origin, context: "[settings]", key: key, value: value.description,
                                                         reason: "must be \(d.domain.rule)")
            }
        }
    }

    /// The registered names, in report order.
    public var names: [String] { entries.map(\.name) }

    /// Whether a solver is called `name` (ignoring case).
    public func contains(_ name: String) -> Bool {
        let key = name.lowercased()
        return entries.contains { $0.name == key }
    }

    /// The entry called `name`, ignoring case.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` naming the unknown solver, the
    ///   closest names and the full list.
    public func entry(named name: String) throws -> Entry {
        let key = name.lowercased()
        if let e = entries.first(where: { $0.name == key }) { return e }
        let close = NameSuggestion.closest(to: name, among: names)
        let hint = close.isEmpty ? "" : "; did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?"
        throw ProblemSuiteError.invalidRequest("unknown solver '\(name)'\(hint) (known: \(names.joined(separator: ", ")))")
    }

    /// A configured solver called `name` for the given settings.
    /// - Throws: as ``entry(named:)``.
    /// The solver is built from `settings` ``SolverSettings/restricted(to:)`` its own
    /// parameters, so its ``Solver/settings`` hold exactly what it runs with.
    public func make(_ name: String, settings: SolverSettings) throws -> any Solver {
        let e = try entry(named: name)
        return try e.make(try e.settings(from: settings))
    }

    // The suite's solvers, for callers that need no other (source compatibility).

    /// The entries of ``standard``.
    public static var entries: [Entry] { standard.entries }
    /// The names of ``standard``, in report order.
    public static var names: [String] { standard.names }
    /// The entry of ``standard`` called `name` (see ``entry(named:)``).
    public static func entry(named name: String) throws -> Entry { try standard.entry(named: name) }
    /// A configured solver of ``standard`` (see ``make(_:settings:)``).
    public static func make(_ name: String, settings: SolverSettings) throws -> any Solver {
        try standard.make(name, settings: settings)
    }
}
