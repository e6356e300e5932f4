import ProblemSuite

/// Ridge-regularised least squares, declared in this package (not in the suite):
///
/// f(x) = ½‖A·x − b‖² + (λ/2)‖x‖², A ∈ R^{m×n} with entries N(0, 1/m), b = A·x* + e,
/// x* s-sparse with N(0, 1) values at random places, e ~ N(0, noise²).
///
/// Instance keys: `n` (default 256), `m` (128), `s` (16), `lambda` (0.1, ≥ 0), `noise`
/// (0.01, ≥ 0), `seed` (1). Random streams of the instance's seed: `matrix` (A),
/// `solution` (x*), `noise` (e), so that each draw is independent of the others' sizes.
///
/// Registered by passing it to the catalogue:
/// `Catalogue(directory: d, families: FamilyRegistry.standard + [RidgeFamily.self])`.
public enum RidgeFamily: ProblemFamily {
    public static let identifier = "ridge-least-squares"
    public static let summary = "Ridge regression ½‖Ax−b‖² + (λ/2)‖x‖², Gaussian A, noisy b (example family)"
    public static let instanceKeys = ["n", "m", "s", "lambda", "noise", "seed"]

    /// Validated parameters of one instance.
    public struct Parameters: Sendable {
        public var n: Int, m: Int, s: Int
        public var lambda: Double, noise: Double
        public var seed: UInt64
    }

    public static func parameters(_ t: ParameterTable) throws -> Parameters {
        try t.rejectUnknownKeys(allowed: instanceKeys)
        let n = try t.size("n", default: 256), m = try t.size("m", default: 128), s = try t.size("s", default: 16)
        guard s <= n else { throw t.invalid("s", "must be at most n = \(n)") }
        try t.checkDense("m", rows: m, columns: n, what: "the Gaussian design")
        let lambda = try t.double("lambda", default: 0.1)
        guard lambda.isFinite, lambda >= 0 else { throw t.invalid("lambda", "must be finite and non-negative") }
        let noise = try t.double("noise", default: 0.01)
        guard noise.isFinite, noise >= 0 else { throw t.invalid("noise", "must be finite and non-negative") }
        return Parameters(n: n, m: m, s: s, lambda: lambda, noise: noise, seed: try t.seed(default: 1))
    }

    public static func entry(for d: InstanceDeclaration) throws -> ProblemEntry {
        let p = try parameters(d.parameters)
        try d.checkRelevantCount(dimension: p.n)
        var values = d.parameters.values
        values["n"] = .int(p.n); values["m"] = .int(p.m); values["s"] = .int(p.s)
        values["lambda"] = .double(p.lambda); values["noise"] = .double(p.noise)
        let metadata = ProblemMetadata(
            name: d.name, aliases: d.aliases, family: identifier, dimension: p.n, rows: p.m,
            classification: ProblemMetadata.classify(objective: "O", origin: "A", dimension: p.n),
            seed: p.seed, parameters: values, settings: d.settings,
            summary: "½‖Ax−b‖² + (\(p.lambda)/2)‖x‖², A \(p.m)×\(p.n) Gaussian, x* \(p.s)-sparse, noise \(p.noise)")
        return ProblemEntry(metadata: metadata, sourceFile: d.file) { _ in make(p, metadata: metadata) }
    }

    /// Generates the instance.
    public static func make(_ p: Parameters, metadata: ProblemMetadata) -> RidgeProblem {
        var rng = SuiteRandom(seed: p.seed, stream: "matrix")
        let a = DenseOperator(DenseMatrix(rows: p.m, columns: p.n, storage: rng.normals(p.m * p.n, scale: 1 / Double(p.m).squareRoot())))
        var srng = SuiteRandom(seed: p.seed, stream: "solution")
        var xStar = [Double](repeating: 0, count: p.n)
        for i in srng.sample(p.s, from: p.n) { xStar[i] = srng.nextNormal() }
        var b = a.apply(xStar)
        var nrng = SuiteRandom(seed: p.seed, stream: "noise")
        for i in b.indices { b[i] += p.noise * nrng.nextNormal() }
        return RidgeProblem(leastSquares: LeastSquaresProblem(operator: a, rhs: b, metadata: metadata), lambda: p.lambda)
    }
}

/// f(x) = ½‖A·x − b‖² + (λ/2)‖x‖²: the suite's least-squares kernels plus the ridge term.
///
/// Written on spans (``SafeSmoothProblem``): no pointers; the suite bridges its pointer
/// oracle to these methods.
public final class RidgeProblem: SafeSmoothProblem, LipschitzBounded {
    public let leastSquares: LeastSquaresProblem
    public let lambda: Double
    public let evaluations = EvaluationCounter()
    public var metadata: ProblemMetadata { leastSquares.metadata }

    public init(leastSquares: LeastSquaresProblem, lambda: Double) {
        self.leastSquares = leastSquares
        self.lambda = lambda
    }

    public func computeValue(_ x: Span<Double>) -> Double {
        leastSquares.uncountedValue(at: x) + 0.5 * lambda * sumOfSquares(x)
    }

    public func computeValueAndGradient(_ x: Span<Double>, into g: inout MutableSpan<Double>) -> Double {
        let f = leastSquares.uncountedValueAndGradient(at: x, into: &g)
        for i in x.indices { g[i] += lambda * x[i] }
        return f + 0.5 * lambda * sumOfSquares(x)
    }

    /// λ_max(AᵀA) + λ, by 50 power iterations on AᵀA from a fixed start (deterministic;
    /// computed once, on the first use). Power iteration approaches λ_max from below, so
    /// the bound is raised by 1 %.
    public lazy var lipschitzBound: Double = {
        let a = leastSquares.operator_
        var rng = SuiteRandom(seed: metadata.seed, stream: "lipschitz")
        var v = rng.normals(a.columnCount)
        var estimate = 0.0
        for _ in 0..<50 {
            let norm = euclideanNorm(v)
            for i in v.indices { v[i] /= norm }
            v = a.applyAdjoint(a.apply(v))
            estimate = euclideanNorm(v)
        }
        return 1.01 * estimate + lambda
    }()
}
