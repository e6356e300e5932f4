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
        /// Builds a configured solver from a problem's settings.
        public var make: @Sendable (SolverSettings) -> any Solver

        /// An entry; `name` is stored lower-cased (names are matched ignoring case).
        public init(name: String, summary: String, make: @escaping @Sendable (SolverSettings) -> any Solver) {
            self.name = name.lowercased()
            self.summary = summary
            self.make = make
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
        Entry(name: "adagrad", summary: "Adagrad, OFFO form (sigma)") { Adagrad(settings: $0) },
        Entry(name: "prunadag-v1", summary: "prunAdag V1: a = c·θ·ρ·|x|, b = ∞") { PrunAdag(name: "prunadag-v1", variant: .v1, settings: $0) },
        Entry(name: "prunadag-v2", summary: "prunAdag V2: a = c·θ·|x|, b = ∞") { PrunAdag(name: "prunadag-v2", variant: .v2, settings: $0) },
        Entry(name: "prunadag-v3", summary: "prunAdag V3: a = c·θ·ρ·|x|, b = |x|") { PrunAdag(name: "prunadag-v3", variant: .v3, settings: $0) },
        Entry(name: "prunadag-v4", summary: "prunAdag V4: a = c·θ·|x|, b = |x|") { PrunAdag(name: "prunadag-v4", variant: .v4, settings: $0) },
        Entry(name: "relevant-only", summary: "prunAdag without acceptable set (O = R)") { PrunAdag(name: "relevant-only", variant: .relevantOnly, settings: $0) },
        Entry(name: "fw1", summary: "Frank-Wolfe, k-support ball, alpha = min(1, eta1/(k+1))") { FrankWolfe(name: "fw1", rule: .linear, settings: $0) },
        Entry(name: "fw2", summary: "Frank-Wolfe, k-support ball, alpha = min(1, eta2·‖g‖/‖v−x‖)") { FrankWolfe(name: "fw2", rule: .gradientRescaled, settings: $0) },
    ])

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
    public func make(_ name: String, settings: SolverSettings) throws -> any Solver {
        try entry(named: name).make(settings)
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
