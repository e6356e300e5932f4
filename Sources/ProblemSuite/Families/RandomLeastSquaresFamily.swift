/// Random under-determined least squares A1–A6 (`spec/problems.md` §1, paper §3.1).
///
/// f(x) = ½‖A·x − b‖², A ∈ R^{m×n}, m < n, b = A·x* with x* s-sparse (N(0,1) values at
/// uniformly random places). Defaults n = 1024, m = 256, s = 32 are
/// **[reconstruction]** choices. The ensembles:
/// - `gaussian` (A1): entries N(0, 1/m).
/// - `orthogonal` (A2): m rows of a Haar-random n×n orthogonal matrix.
/// - `orthogonal-blocks` (A3) **[reconstruction]**: [Q₁ … Q_{n/m}], n/m Haar-random
///   m×m orthogonal blocks.
/// - `scaled-orthogonal` (A4) **[reconstruction]**: D·Q, Q as A2, D diagonal with
///   log-uniform entries in [10^−c, 10^c], c = `log10_range` (default 1).
/// - `bernoulli` (A5): entries ±1/√m with equal probability.
/// - `partial-dct` (A6): m distinct random rows of the orthonormal DCT-II, applied fast,
///   never stored.
///
/// Sizes: n, m, s at most `SizeLimits/maxDimension`; the dense ensembles (all but
/// `partial-dct`, which is never stored) need m·n ≤ `SizeLimits/maxDenseEntries`;
/// the settings' nR must not exceed n. Each is checked in ``entry(for:)``, before
/// anything is allocated.
///
/// Random streams (all under the instance's `seed`): `matrix` for A (and the DCT rows),
/// `solution` for x*. Orthogonal factors come from Householder QR with signs fixed.
public enum RandomLeastSquaresFamily: ProblemFamily {
    public static let identifier = "random-least-squares"
    public static let summary = "Random under-determined least squares A1–A6 (Gaussian, orthogonal, blocks, scaled, Bernoulli, partial DCT)"
    public static let instanceKeys = ["ensemble", "n", "m", "s", "seed", "log10_range"]

    /// The ensembles, by their names in the problem file.
    public enum Ensemble: String, CaseIterable, Sendable {
        case gaussian, orthogonal, orthogonalBlocks = "orthogonal-blocks"
        case scaledOrthogonal = "scaled-orthogonal", bernoulli, partialDCT = "partial-dct"
    }

    /// Validated parameters of one instance.
    public struct Parameters: Sendable {
        public var ensemble: Ensemble
        public var n: Int
        public var m: Int
        public var s: Int
        public var seed: UInt64
        public var log10Range: Double
    }

    public static func parameters(_ t: ParameterTable) throws -> Parameters {
        try t.rejectUnknownKeys(allowed: instanceKeys)
        let name = try t.string("ensemble")
        guard let ensemble = Ensemble(rawValue: name) else {
            throw t.invalid("ensemble", "unknown ensemble (known: \(Ensemble.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let n = try t.size("n", default: 1024)
        let m = try t.size("m", default: 256)
        let s = try t.size("s", default: 32)
        guard m < n else { throw t.invalid("m", "must be smaller than n = \(n) (under-determined)") }
        guard s <= n else { throw t.invalid("s", "must be at most n = \(n)") }
        if ensemble == .orthogonalBlocks && n % m != 0 {
            throw t.invalid("m", "orthogonal-blocks needs m to divide n = \(n)")
        }
        if ensemble == .partialDCT && !DCTOperator.supports(n) {
            throw t.invalid("n", "partial-dct needs n to be a power of two")
        }
        if ensemble != .partialDCT {
            try t.checkDense(t["m"] != nil ? "m" : "n", rows: m, columns: n, what: "the dense \(ensemble.rawValue) matrix")
        }
        let range = try t.double("log10_range", default: 1)
        guard range >= 0 && range <= 8 else { throw t.invalid("log10_range", "must be in [0, 8]") }
        return Parameters(ensemble: ensemble, n: n, m: m, s: s, seed: try t.seed(default: 1), log10Range: range)
    }

    public static func entry(for d: InstanceDeclaration) throws -> ProblemEntry {
        let p = try parameters(d.parameters)
        try d.checkRelevantCount(dimension: p.n)
        var values = d.parameters.values
        values["ensemble"] = .string(p.ensemble.rawValue)
        values["n"] = .int(p.n); values["m"] = .int(p.m); values["s"] = .int(p.s)
        let metadata = ProblemMetadata(
            name: d.name, aliases: d.aliases, family: identifier, dimension: p.n, rows: p.m,
            classification: ProblemMetadata.classify(objective: "S", origin: "A", dimension: p.n),
            seed: p.seed, parameters: values, settings: d.settings, optimalValue: 0,
            summary: "½‖Ax−b‖², A \(p.m)×\(p.n) \(p.ensemble.rawValue), x* \(p.s)-sparse")
        return ProblemEntry(metadata: metadata, sourceFile: d.file) { _ in make(p, metadata: metadata) }
    }

    /// Generates the instance: A, x*, b = A·x*.
    public static func make(_ p: Parameters, metadata: ProblemMetadata) -> LeastSquaresProblem {
        var rng = SuiteRandom(seed: p.seed, stream: "matrix")
        let a = makeOperator(p, using: &rng)
        var srng = SuiteRandom(seed: p.seed, stream: "solution")
        var xStar = [Double](repeating: 0, count: p.n)
        for i in srng.sample(p.s, from: p.n) { xStar[i] = srng.nextNormal() }
        let b = a.apply(xStar)
        return LeastSquaresProblem(operator: a, rhs: b, metadata: metadata, knownSolution: xStar)
    }

    static func makeOperator(_ p: Parameters, using rng: inout SuiteRandom) -> any LinearOperator {
        let m = p.m, n = p.n
        switch p.ensemble {
        case .gaussian:
            return DenseOperator(DenseMatrix(rows: m, columns: n, storage: rng.normals(m * n, scale: 1 / Double(m).squareRoot())))
        case .bernoulli:
            let scale = 1 / Double(m).squareRoot()
            var storage = LargeStorage.zeros(m * n)
            for i in storage.indices { storage[i] = scale * rng.nextSign() }
            return DenseOperator(DenseMatrix(rows: m, columns: n, storage: storage))
        case .orthogonal:
            return DenseOperator(HouseholderQR.randomOrthonormalRows(m, n, using: &rng))
        case .scaledOrthogonal:
            var q = HouseholderQR.randomOrthonormalRows(m, n, using: &rng)
            for i in 0..<m {
                let d = DeterministicMath.pow10(rng.nextUniform(in: -p.log10Range, p.log10Range))
                for j in 0..<n { q.storage[i * n + j] *= d }
            }
            return DenseOperator(q)
        case .orthogonalBlocks:
            var a = DenseMatrix(rows: m, columns: n)
            for block in 0..<(n / m) {
                let q = HouseholderQR.randomOrthogonal(m, using: &rng)
                for i in 0..<m { for j in 0..<m { a.storage[i * n + block * m + j] = q.storage[i * m + j] } }
            }
            return DenseOperator(a)
        case .partialDCT:
            let rows = rng.sortedSample(m, from: n)
            return ComposedOperator(RowRestriction(rows: rows, of: n), DCTOperator(length: n))
        }
    }
}
