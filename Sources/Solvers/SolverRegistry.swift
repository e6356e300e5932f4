import ProblemSuite

/// The suite's solvers by name. Adding a solver: one file with the class, one line in
/// ``entries``. Names are matched ignoring case.
public enum SolverRegistry {
    /// One registered solver.
    public struct Entry: Sendable {
        /// The name used on the command line (lower case).
        public var name: String
        /// One line for listings.
        public var summary: String
        /// Builds a configured solver from a problem's settings.
        public var make: @Sendable (SolverSettings) -> any Solver
    }

    /// Every solver, in report order.
    public static let entries: [Entry] = [
        Entry(name: "adagrad", summary: "Adagrad, OFFO form (sigma)") { Adagrad(settings: $0) },
        Entry(name: "prunadag-v1", summary: "prunAdag V1: a = c·θ·ρ·|x|, b = ∞") { PrunAdag(name: "prunadag-v1", variant: .v1, settings: $0) },
        Entry(name: "prunadag-v2", summary: "prunAdag V2: a = c·θ·|x|, b = ∞") { PrunAdag(name: "prunadag-v2", variant: .v2, settings: $0) },
        Entry(name: "prunadag-v3", summary: "prunAdag V3: a = c·θ·ρ·|x|, b = |x|") { PrunAdag(name: "prunadag-v3", variant: .v3, settings: $0) },
        Entry(name: "prunadag-v4", summary: "prunAdag V4: a = c·θ·|x|, b = |x|") { PrunAdag(name: "prunadag-v4", variant: .v4, settings: $0) },
        Entry(name: "relevant-only", summary: "prunAdag without acceptable set (O = R)") { PrunAdag(name: "relevant-only", variant: .relevantOnly, settings: $0) },
        Entry(name: "fw1", summary: "Frank-Wolfe, k-support ball, alpha = min(1, eta1/(k+1))") { FrankWolfe(name: "fw1", rule: .linear, settings: $0) },
        Entry(name: "fw2", summary: "Frank-Wolfe, k-support ball, alpha = min(1, eta2·‖g‖/‖v−x‖)") { FrankWolfe(name: "fw2", rule: .gradientRescaled, settings: $0) },
    ]

    /// The registered names, in report order.
    public static var names: [String] { entries.map(\.name) }

    /// The entry called `name`, ignoring case.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` naming the unknown solver, the
    ///   closest names and the full list.
    public static func entry(named name: String) throws -> Entry {
        let key = name.lowercased()
        if let e = entries.first(where: { $0.name == key }) { return e }
        let close = NameSuggestion.closest(to: name, among: names)
        let hint = close.isEmpty ? "" : "; did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?"
        throw ProblemSuiteError.invalidRequest("unknown solver '\(name)'\(hint) (known: \(names.joined(separator: ", ")))")
    }

    /// A configured solver called `name` for the given settings.
    public static func make(_ name: String, settings: SolverSettings) throws -> any Solver {
        try entry(named: name).make(settings)
    }
}
