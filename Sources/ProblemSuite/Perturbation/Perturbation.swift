/// A change made to a problem to test how a solver copes with it, as OptiProfiler's
/// features do: noise on the gradient, another basis of the variables, another start.
///
/// Each is seeded per run from the suite's generator (``SuiteRandom`` under the
/// instance's seed, stream `perturbation/<kind>/run<r>`), so a run is bit-reproducible and
/// independent of the thread count, and every run of a perturbed problem draws its own
/// permutation, rotation, scales or noise. A perturbed problem is named
/// `NAME+<label>` (`A1+noise:r0.01`, `SPARCO3+orthogonal:signs`) in results, tables and
/// fingerprints (its metadata records `perturbation = "<label>"`).
///
/// The variables change as x = T·y, the solver working on y: f̃(y) = f(T·y),
/// ∇f̃(y) = Tᵀ·∇f(T·y). The harness measures every result **in the original variables**
/// on the unperturbed problem: the final iterate is mapped back, x = T·y, and f, ‖∇f‖,
/// sparsity, eps_f, eps_g and test accuracy are those of x. Pruning under a rotation is
/// therefore pruning x = Q·y — the solver's sparsity in y means nothing in x, and the
/// measures say how much of the original sparsity survives. Permutations and sign
/// changes keep every magnitude, so pruning y and pruning x coincide.
public enum Perturbation: Sendable, Hashable, CustomStringConvertible {
    /// g̃ = ∇f + σ·ξ with ξ ~ N(0, I) drawn anew at every gradient evaluation; relative:
    /// σ = level·‖∇f‖/√n (noise of expected norm about level·‖∇f‖), else σ = level.
    /// f itself is exact. The stochastic regime in its simplest form.
    case gradientNoise(level: Double, relative: Bool)
    /// x = P·y for a uniformly random permutation P.
    case permutation
    /// An orthogonal change of variables x = Q·y (see ``OrthogonalMethod``).
    case orthogonal(OrthogonalMethod)
    /// x = D·y, D diagonal with log-uniform entries in [10^−c, 10^c], c = `log10Range`.
    case scaling(log10Range: Double)
    /// The start x₀ + level·‖x₀‖·ξ/‖ξ‖, ξ ~ N(0, I): moved by exactly `level` relative.
    case startingPoint(level: Double)

    /// How an orthogonal change of variables is drawn.
    public enum OrthogonalMethod: String, Sendable, Hashable, CaseIterable {
        /// Q = D·P, random signs and a random permutation: O(n) to apply, any n.
        case signs
        /// Q Haar-random (Householder QR of a Gaussian matrix, signs fixed): dense, O(n²)
        /// to apply and O(n³) to draw, so at most ``Perturbation/maxHaarDimension``.
        case haar
        /// Haar for n ≤ ``Perturbation/maxHaarDimension``, signs beyond.
        case automatic = "auto"
    }

    /// The largest n a Haar rotation is drawn for: 1024 (8 MiB, and one O(n³) draw per run).
    public static let maxHaarDimension = 1024

    /// The `kind` values of a `[[perturbation]]` table.
    public static let kinds = ["gradient-noise", "permutation", "orthogonal", "scaling", "starting-point"]

    /// Short, path-safe label (the part after `+` in the problem's name).
    public var label: String {
        switch self {
        case let .gradientNoise(level, relative): return "noise:\(relative ? "r" : "a")\(Perturbation.number(level))"
        case .permutation: return "permutation"
        case let .orthogonal(m): return "orthogonal:\(m.rawValue)"
        case let .scaling(c): return "scaling:\(Perturbation.number(c))"
        case let .startingPoint(level): return "start:\(Perturbation.number(level))"
        }
    }

    public var description: String {
        switch self {
        case let .gradientNoise(level, relative): return "Gaussian gradient noise, \(relative ? "relative" : "absolute") level \(level)"
        case .permutation: return "permuted variables"
        case let .orthogonal(m): return "orthogonal change of variables (\(m == .signs ? "random signs and permutation" : m == .haar ? "Haar rotation" : "Haar rotation up to n = \(Perturbation.maxHaarDimension), signs and permutation beyond"))"
        case let .scaling(c): return "scaled variables, log-uniform in [1e-\(c), 1e\(c)]"
        case let .startingPoint(level): return "starting point moved by \(level) relative"
        }
    }

    /// The perturbation whose ``label`` is `label`, nil if none.
    public init?(label: String) {
        let parts = label.split(separator: ":", maxSplits: 1).map(String.init)
        let arg = parts.count == 2 ? parts[1] : nil
        switch (parts[0], arg) {
        case ("permutation", nil): self = .permutation
        case ("orthogonal", let m?):
            guard let method = OrthogonalMethod(rawValue: m) else { return nil }
            self = .orthogonal(method)
        case ("noise", let a?):
            guard let kind = a.first, kind == "r" || kind == "a", let v = Double(a.dropFirst()), v.isFinite, v >= 0, v <= 10 else { return nil }
            self = .gradientNoise(level: v, relative: kind == "r")
        case ("scaling", let a?):
            guard let v = Double(a), v.isFinite, v >= 0, v <= 8 else { return nil }
            self = .scaling(log10Range: v)
        case ("start", let a?):
            guard let v = Double(a), v.isFinite, v >= 0, v <= 10 else { return nil }
            self = .startingPoint(level: v)
        default: return nil
        }
        guard self.label == label else { return nil }   // only the canonical spelling
    }

    static func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }

    /// Reads one `[[perturbation]]` table: `kind` and its keys (`level`, `relative`
    /// for gradient noise; `method` for orthogonal; `log10_range` for scaling; `level`
    /// for the starting point).
    /// - Throws: `ProblemSuiteError/invalidParameter(file:context:key:value:reason:)`
    ///   naming the key: an unknown kind or key, a level that is negative, not finite or
    ///   above 10, a log10 range outside [0, 8].
    public init(_ t: ParameterTable) throws {
        let kind = try t.string("kind")
        func level(default value: Double? = nil) throws -> Double {
            let v = try t.double("level", default: value)
            guard v.isFinite, v >= 0, v <= 10 else { throw t.invalid("level", "must lie in [0, 10]") }
            return v
        }
        switch kind {
        case "gradient-noise":
            try t.rejectUnknownKeys(allowed: ["kind", "level", "relative"])
            self = .gradientNoise(level: try level(), relative: try t.optionalBool("relative") ?? true)
        case "permutation":
            try t.rejectUnknownKeys(allowed: ["kind"])
            self = .permutation
        case "orthogonal":
            try t.rejectUnknownKeys(allowed: ["kind", "method"])
            let name = try t.string("method", default: "auto")
            guard let m = OrthogonalMethod(rawValue: name) else {
                throw t.invalid("method", "expected \(OrthogonalMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self = .orthogonal(m)
        case "scaling":
            try t.rejectUnknownKeys(allowed: ["kind", "log10_range"])
            let c = try t.double("log10_range", default: 1)
            guard c.isFinite, c >= 0, c <= 8 else { throw t.invalid("log10_range", "must lie in [0, 8]") }
            self = .scaling(log10Range: c)
        case "starting-point":
            try t.rejectUnknownKeys(allowed: ["kind", "level"])
            self = .startingPoint(level: try level())
        default:
            let close = NameSuggestion.closest(to: kind, among: Perturbation.kinds, limit: 1)
            throw t.invalid("kind", "unknown perturbation (known: \(Perturbation.kinds.joined(separator: ", ")))\(close.isEmpty ? "" : "; did you mean '\(close[0])'?")")
        }
    }

    /// Whether this perturbation can be applied to a problem of `dimension` unknowns.
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` for a Haar rotation beyond
    ///   ``maxHaarDimension`` (use `method = "signs"` or `"auto"`).
    public func check(problem name: String, dimension n: Int) throws {
        if case .orthogonal(.haar) = self, n > Perturbation.maxHaarDimension {
            throw ProblemSuiteError.invalidRequest("\(name): a Haar rotation of n = \(n) variables is refused (at most \(Perturbation.maxHaarDimension): n² storage and an O(n³) draw per run); use method = \"signs\" (random signs and permutation) or \"auto\"")
        }
    }
}

extension ProblemEntry {
    /// This entry under `perturbation`: named `NAME+<label>`, with `perturbation` in its
    /// parameters (hence in its fingerprint); it loads a ``PerturbedProblem``, to be
    /// prepared for each run with ``PerturbedProblem/prepared(run:)``.
    /// - Throws: ``Perturbation/check(problem:dimension:)``.
    public func perturbed(by perturbation: Perturbation) throws -> ProblemEntry {
        try perturbation.check(problem: name, dimension: metadata.dimension)
        var m = metadata
        m.name = name + "+" + perturbation.label
        m.aliases = []
        var previous: [ParameterValue] = []
        if case .array(let a)? = m.parameters["perturbation"] { previous = a }
        m.parameters["perturbation"] = .array(previous + [.string(perturbation.label)])
        let base = self
        let meta = m
        var entry = ProblemEntry(metadata: m, sourceFile: sourceFile, requiredFiles: requiredFiles) { context in
            PerturbedProblem(base: try base.load(context), perturbation: perturbation, metadata: meta)
        }
        entry.loadTimeParameters = loadTimeParameters
        return entry
    }
}
