/// The Sparco sparse-recovery problems as S2MPJ supplies them (`spec/problems.md` §2,
/// paper §3.2): S2MPJ's `SPARCOnLS` is f(x) = ½‖A·x − b‖² with A = M·B and b from
/// Sparco's `generateProblem(n)`, for n in 2, 3, 5, 7, 8, 9, 10, 11, 12 (the paper uses
/// 3, 5, 7, 9, 11).
///
/// Definitions (Sparco 1.1.4 `prob0nn.m` with Spot operators; indices 0-based here):
///
/// | # | Sparco name | M | B | unknowns (S2MPJ n) | signal, b, x₀ |
/// |---|-------------|---|---|--------------------|---------------|
/// | 2 | blocksig | I | Haar, 5 levels (n = 1024) | 1024 | b = Blocks(n), x₀ = Bᵀ·b |
/// | 3 | cosspike | I | [DCTᵀ, I] | 2048 | cos. coefs c₄ = 4√(n/2), c₁₂ = 2√(n/2); k = 120 N(0,1) spikes; b = DCTᵀc + s; x₀ = (c; s) |
/// | 5 | gcosspike | Gaussian 300×1024, unit columns | [DCTᵀ, I] | 2048 | c₃ = 2√(n/2), c₉ = 3√(n/2), c₂₀ = −√(n/2); k = 60 spikes; b = M·(DCTᵀc + s) |
/// | 7 | sgnspike | Gaussian 600×2560, orthonormal rows | I | 2560 | x₀: k = 20 random ±1 at random places; b = M·x₀ |
/// | 8 | zsgnspike | as 7 | I | 2560 complex = 5120 real | x₀: k = 20 places, ±1 ± i; b = M·x₀ (complex) |
/// | 9 | blkheavi | I | Heaviside (n = 128) | 128 | b = Blocks(n), x₀ = (b₀; differences of b) |
/// | 10 | blknheavi | I | Heaviside with unit columns (n = 1024) | 1024 | x₀ⱼ = (bⱼ − bⱼ₋₁)·√(n − j) |
/// | 11 | gausspike | Gaussian 256×1024, N(0,1) | I | 1024 | x₀: k = 32 N(0,1) spikes; b = M·x₀ |
/// | 12 | dcthdr | 2000 random rows of DCT(8192), in random order | I | 8192 | x₀: k = 300 places, signs random, magnitudes exp(linspace(log 1000, log 1, 300)) in the order drawn; b = M·x₀ |
///
/// The DCT is the orthonormal DCT-II (Spot's `opDCT`), ``DCTOperator``; "Gaussian" is
/// Spot's `opGaussian` in modes 0, 2, 4 (``GaussianEnsemble``); Heaviside is
/// ``HeavisideOperator``; the Blocks signal is ``BlocksSignal``. Parameters k, m, n,
/// scale (problems 7, 8, 11: every size multiplied by `scale` and rounded, at least 1;
/// problem 12: the largest magnitude), c (problems 3, 5: number of random cosine
/// components, N(0,1)·√(n/2) at random places, instead of the default cosine) and the
/// Haar `levels` are Sparco's, with Sparco's defaults.
///
/// Sizes are checked before anything is built: n, m, k at most
/// `SizeLimits/maxDimension` before and after scaling (a `scale` whose product is not
/// a representable size is an error naming `scale`, never a trap), the stored Gaussian
/// matrices (problems 5, 7, 8, 11) at most `SizeLimits/maxDenseEntries` entries, the
/// Haar `levels` at most log₂ n, and the settings' nR at most the number of unknowns.
///
/// Randomness: Sparco calls `rng(0)` and then MATLAB's `randperm`/`randn` in a fixed
/// order. This suite draws the same quantities in the same order from one
/// ``SuiteRandom`` stream, `SuiteRandom(seed: seed, stream: "sparco")` (default seed 0,
/// as Sparco's): the supports, spikes and matrices follow the same laws but are not
/// MATLAB's numbers. `randperm(n)(1:k)` is ``SuiteRandom/sample(_:from:)`` (ordered),
/// `sign(randn)` is ``SuiteRandom/nextSign()``. The exponentials of problem 12 use
/// ``DeterministicMath`` so that every platform builds the same instance.
///
/// The relation b = A·x₀. Sparco's data satisfy it in exact arithmetic for all nine
/// problems. In floating point:
/// - 7, 8, 11, 12: b is computed as M·x₀ by the very operator that evaluates A, so
///   f(x₀) = 0 exactly.
/// - 3, 5: b is built in signal space, b = M·(DCTᵀc + I·s); the operator A = M·[DCTᵀ, I]
///   performs the same operations in the same order, so A·x₀ = b holds bit for bit in this
///   implementation (in MATLAB only up to rounding).
/// - 2: b is the Blocks signal and x₀ = Bᵀ·b, so A·x₀ = B·Bᵀ·b = b up to the rounding of
///   two orthonormal Haar transforms (‖A·x₀ − b‖ ≤ a few ε·‖b‖).
/// - 9, 10: b is the Blocks signal and x₀ its differences (scaled by √(n − j) in 10), so
///   A·x₀ is the cumulative sum of those differences: b up to rounding.
///
/// The Haar direction (problem 2) **[choice]**: Sparco's own operators (before 2009) made
/// `opHaar` the synthesis `midwt`, so that B is a sparsity basis and x₀ = Bᵀ·b are the
/// Haar coefficients of the Blocks signal ("Haar coefficients of the blocks signal" in
/// Sparco's figure) — this suite's default, `haar = "synthesis"`. Spot's `opHaar`, which
/// current Sparco and hence S2MPJ call, applies the analysis `mdwt` forward, making A the
/// analysis and x₀ = Aᵀ·b the (dense) synthesis of the signal; `haar = "analysis"`
/// reproduces that. Both are the same orthonormal least-squares problem up to the
/// orthogonal change of variables; only the planted vector's sparsity differs.
///
/// Complex data (problem 8) are stacked as reals: x = (Re x; Im x) ∈ R²ⁿ,
/// b = (Re b; Im b) ∈ R²ᵐ; f and the real gradient coincide with the complex ones that
/// S2MPJ computes (`0.5*r'*r`, `A'*r`). S2MPJ's n = 2560 counts complex unknowns.
///
/// Known discrepancy in S2MPJ: the header of `SPARCO10LS.m` gives the classification
/// `S-CSUR1-AN-128-0` (copied from SPARCO9LS), but its `pb.n = length(pbm.x0)` is 1024
/// at Sparco's default size; this suite uses 1024.
public enum SparcoFamily: ProblemFamily {
    public static let identifier = "sparco"
    public static let summary = "Sparco sparse-recovery problems 2, 3, 5, 7, 8, 9, 10, 11, 12 as S2MPJ's SPARCOnLS (½‖(M·B)x − b‖²)"
    public static let instanceKeys = ["problem", "n", "m", "k", "c", "scale", "levels", "haar", "seed"]

    /// The Sparco problem numbers S2MPJ supplies.
    public static let problemNumbers = [2, 3, 5, 7, 8, 9, 10, 11, 12]

    /// S2MPJ's number of unknowns `pb.n = length(pbm.x0)` at Sparco's default sizes
    /// (complex unknowns for problem 8).
    public static let s2mpjDimensions: [Int: Int] = [2: 1024, 3: 2048, 5: 2048, 7: 2560, 8: 2560,
                                                     9: 128, 10: 1024, 11: 1024, 12: 8192]

    /// Sparco's name of problem `number`.
    public static func sparcoName(_ number: Int) -> String {
        switch number {
        case 2: return "blocksig"
        case 3: return "cosspike"
        case 5: return "gcosspike"
        case 7: return "sgnspike"
        case 8: return "zsgnspike"
        case 9: return "blkheavi"
        case 10: return "blknheavi"
        case 11: return "gausspike"
        case 12: return "dcthdr"
        default: return "prob\(number)"
        }
    }

    /// The keys (besides `problem` and `seed`) each problem accepts, with Sparco's defaults.
    static func defaults(_ number: Int) -> [String: ParameterValue] {
        switch number {
        case 2: return ["n": .int(1024), "levels": .int(5), "haar": .string("synthesis")]
        case 3: return ["n": .int(1024), "k": .int(120)]
        case 5: return ["n": .int(1024), "m": .int(300), "k": .int(60)]
        case 7, 8: return ["n": .int(2560), "m": .int(600), "k": .int(20), "scale": .double(1)]
        case 9: return ["n": .int(128)]
        case 10: return ["n": .int(1024)]
        case 11: return ["n": .int(1024), "m": .int(256), "k": .int(32), "scale": .double(1)]
        case 12: return ["n": .int(8192), "m": .int(2000), "k": .int(300), "scale": .double(1000)]
        default: return [:]
        }
    }

    /// Validated parameters of one instance, sizes after Sparco's scaling.
    public struct Parameters: Sendable, Equatable {
        /// Sparco's problem number.
        public var problem: Int
        /// Signal length (problems 7, 8, 11: after scaling).
        public var n: Int
        /// Number of measurements (problems 5, 7, 8, 11, 12), else n.
        public var m: Int
        /// Number of spikes / nonzeros (problems 3, 5, 7, 8, 11, 12), else 0.
        public var k: Int
        /// Number of random cosine components (problems 3, 5), nil for Sparco's default cosine.
        public var c: Int?
        /// Problems 7, 8, 11: the size factor; problem 12: the largest magnitude; else 1.
        public var scale: Double
        /// Haar levels (problem 2).
        public var levels: Int
        /// Haar direction of B (problem 2).
        public var haar: HaarWaveletOperator.Direction
        public var seed: UInt64

        /// Number of unknowns of the real least-squares problem.
        public var dimension: Int {
            switch problem {
            case 3, 5: return 2 * n
            case 8: return 2 * n
            default: return n
            }
        }

        /// Number of residuals of the real least-squares problem.
        public var rows: Int {
            switch problem {
            case 8: return 2 * m
            default: return m
            }
        }
    }

    /// Validates a declared instance against Sparco's rules, filling Sparco's defaults.
    public static func parameters(_ t: ParameterTable) throws -> Parameters {
        try t.rejectUnknownKeys(allowed: instanceKeys)
        let number = try t.int("problem")
        guard problemNumbers.contains(number) else {
            throw t.invalid("problem", "S2MPJ supplies Sparco problems \(problemNumbers.map(String.init).joined(separator: ", ")) only")
        }
        let defaults = defaults(number)
        for key in t.values.keys.sorted() where key != "problem" && key != "seed" && defaults[key] == nil && !(key == "c" && (number == 3 || number == 5)) {
            throw t.invalid(key, "not a parameter of Sparco problem \(number) (its parameters: \((defaults.keys.sorted() + ((number == 3 || number == 5) ? ["c"] : [])).joined(separator: ", ")))")
        }
        func int(_ key: String) throws -> Int {
            guard case .int(let d)? = defaults[key] else { return 0 }
            return try t.size(key, default: d)
        }
        var n = try int("n"), m = try int("m"), k = try int("k")
        var scale = 1.0
        if case .double(let d)? = defaults["scale"] {
            scale = try t.double("scale", default: d)
            guard scale.isFinite && scale > 0 else { throw t.invalid("scale", "must be a positive number") }
        }
        if number == 7 || number == 8 || number == 11 {
            // Sparco: k = max(1, round(k·scale)), likewise m and n (MATLAB rounds half away from zero).
            func scaled(_ v: Int, _ key: String) throws -> Int {
                guard let r = SizeLimits.scaled(v, by: scale) else {
                    throw t.invalid("scale", "scales \(key) = \(v) to \(Double(v) * scale), above the suite's size limit \(SizeLimits.maxDimension)")
                }
                return max(1, r)
            }
            n = try scaled(n, "n"); m = try scaled(m, "m"); k = try scaled(k, "k")
        }
        if ![5, 7, 8, 11, 12].contains(number) { m = n }
        var c: Int? = nil
        if number == 3 || number == 5 { c = try t.optionalInt("c") }
        var levels = 0
        var haar = HaarWaveletOperator.Direction.synthesis
        if number == 2 {
            levels = try t.int("levels", default: 5)
            guard levels >= 0 else { throw t.invalid("levels", "must be non-negative") }
            guard levels < Int.bitWidth - 2, 1 << levels <= n else {
                throw t.invalid("levels", "2^levels must not exceed n = \(n)")
            }
            guard HaarWaveletOperator.supports(length: n, levels: levels) else {
                throw t.invalid("n", "the Haar transform needs n to be a multiple of 2^levels = 2^\(levels)")
            }
            let name = try t.string("haar", default: "synthesis")
            guard let dir = HaarWaveletOperator.Direction(rawValue: name) else {
                throw t.invalid("haar", "expected \"synthesis\" or \"analysis\"")
            }
            haar = dir
        }
        // Size rules.
        let sizeKey = (number == 7 || number == 8 || number == 11) && scale != 1 ? "scale" : "n"
        if [3, 5, 12].contains(number) && !DCTOperator.supports(n) {
            throw t.invalid(sizeKey, "the fast DCT needs n to be a power of two ≥ 2, got n = \(n)")
        }
        if (number == 9 || number == 10) && n < 2 { throw t.invalid("n", "the Blocks signal needs n ≥ 2") }
        if k > n { throw t.invalid(t["k"] == nil ? sizeKey : "k", "k = \(k) spikes cannot exceed n = \(n)") }
        if [7, 8, 12].contains(number) && m > n {
            throw t.invalid(t["m"] == nil ? sizeKey : "m", "m = \(m) must not exceed n = \(n) (\(number == 12 ? "distinct rows of the DCT" : "orthonormal rows"))")
        }
        if [5, 7, 8, 11].contains(number) {
            try t.checkDense(t["m"] == nil ? sizeKey : "m", rows: m, columns: n, what: "the Gaussian matrix")
        }
        if let c {
            guard c >= 1 && c <= n else { throw t.invalid("c", "must be in 1...n = \(n)") }
        } else if number == 3 && n < 13 {
            throw t.invalid("n", "Sparco's default cosine of problem 3 uses DCT coefficient 13, so n ≥ 13")
        } else if number == 5 && n < 21 {
            throw t.invalid("n", "Sparco's default cosine of problem 5 uses DCT coefficient 21, so n ≥ 21")
        }
        return Parameters(problem: number, n: n, m: m, k: number == 2 || number == 9 || number == 10 ? 0 : k, c: c,
                          scale: scale, levels: levels, haar: haar, seed: try t.seed(default: 0))
    }

    public static func entry(for d: InstanceDeclaration) throws -> ProblemEntry {
        let p = try parameters(d.parameters)
        try d.checkRelevantCount(dimension: p.dimension)
        var values = d.parameters.values
        values["problem"] = .int(p.problem)
        for (key, value) in defaults(p.problem) where values[key] == nil { values[key] = value }
        values["seed"] = .int(Int(p.seed))
        let metadata = ProblemMetadata(
            name: d.name, aliases: d.aliases, family: identifier, dimension: p.dimension, rows: p.rows,
            classification: ProblemMetadata.classify(objective: "S", origin: "A", dimension: p.dimension),
            seed: p.seed, parameters: values, settings: d.settings, optimalValue: 0,
            summary: summary(p))
        return ProblemEntry(metadata: metadata, sourceFile: d.file) { _ in make(p, metadata: metadata) }
    }

    static func summary(_ p: Parameters) -> String {
        let name = sparcoName(p.problem)
        switch p.problem {
        case 2: return "Sparco 2 \(name): Haar \(p.haar.rawValue) (\(p.levels) levels), Blocks signal, n = \(p.n)"
        case 3: return "Sparco 3 \(name): [DCTᵀ, I] \(p.n)×\(2 * p.n), cosine + \(p.k) Gaussian spikes"
        case 5: return "Sparco 5 \(name): Gaussian (unit columns) \(p.m)×\(p.n) · [DCTᵀ, I], cosine + \(p.k) spikes"
        case 7: return "Sparco 7 \(name): Gaussian (orthonormal rows) \(p.m)×\(p.n), \(p.k) sign spikes"
        case 8: return "Sparco 8 \(name): Gaussian (orthonormal rows) \(p.m)×\(p.n), \(p.k) complex sign spikes, stacked as reals"
        case 9: return "Sparco 9 \(name): Heaviside \(p.n)×\(p.n), Blocks signal"
        case 10: return "Sparco 10 \(name): column-normalised Heaviside \(p.n)×\(p.n), Blocks signal"
        case 11: return "Sparco 11 \(name): Gaussian N(0,1) \(p.m)×\(p.n), \(p.k) Gaussian spikes"
        case 12: return "Sparco 12 \(name): \(p.m) random rows of DCT(\(p.n)), \(p.k) spikes, dynamic range \(p.scale)"
        default: return "Sparco \(p.problem)"
        }
    }

    /// Builds the instance (see the type's documentation for every definition).
    public static func make(_ p: Parameters, metadata: ProblemMetadata) -> SparcoProblem {
        var rng = SuiteRandom(seed: p.seed, stream: "sparco")
        let n = p.n
        func problem(_ a: any LinearOperator, m: (any LinearOperator)?, b: (any LinearOperator)?, rhs: [Double],
                     x0: [Double], signal: [Double], complex: Bool = false) -> SparcoProblem {
            SparcoProblem(number: p.problem, sparcoName: sparcoName(p.problem), metadata: metadata, operator: a,
                          measurement: m, basis: b, rhs: rhs, planted: x0, signal: signal, isComplex: complex)
        }
        switch p.problem {
        case 2:
            let basis = HaarWaveletOperator(length: n, levels: p.levels, direction: p.haar)
            let signal = BlocksSignal.samples(n)
            return problem(basis, m: nil, b: basis, rhs: signal, x0: basis.applyAdjoint(signal), signal: signal)

        case 3, 5:
            let dct = DCTOperator(length: n)
            var cosine = [Double](repeating: 0, count: n)
            let unit = (Double(n) / 2).squareRoot()
            if let c = p.c {
                for i in rng.sample(c, from: n) { cosine[i] = rng.nextNormal() * unit }
            } else if p.problem == 3 {
                cosine[4] = unit * 4
                cosine[12] = unit * 2
            } else {
                cosine[3] = unit * 2
                cosine[9] = unit * 3
                cosine[20] = -unit
            }
            var spikes = [Double](repeating: 0, count: n)
            for i in rng.sample(p.k, from: n) { spikes[i] = rng.nextNormal() }
            let basis = ConcatenationOperator([AdjointOperator(of: dct), DiagonalOperator.identity(n)])
            let x0 = cosine + spikes
            let signal = basis.apply(x0)  // DCTᵀc + I·s, as Sparco builds it
            if p.problem == 3 {
                return problem(basis, m: nil, b: basis, rhs: signal, x0: x0, signal: signal)
            }
            let g = GaussianEnsemble.unitColumns.operator_(rows: p.m, columns: n, using: &rng)
            return problem(ComposedOperator(g, basis), m: g, b: basis, rhs: g.apply(signal), x0: x0, signal: signal)

        case 7, 11:
            var x0 = [Double](repeating: 0, count: n)
            for i in rng.sample(p.k, from: n) { x0[i] = p.problem == 7 ? rng.nextSign() : rng.nextNormal() }
            let ensemble: GaussianEnsemble = p.problem == 7 ? .orthonormalRows : .unnormalized
            let g = ensemble.operator_(rows: p.m, columns: n, using: &rng)
            return problem(g, m: g, b: nil, rhs: g.apply(x0), x0: x0, signal: x0)

        case 8:
            let support = rng.sample(p.k, from: n)
            var x0 = [Double](repeating: 0, count: 2 * n)
            for i in support { x0[i] = rng.nextSign() }       // sign(randn(k,1))
            for i in support { x0[n + i] = rng.nextSign() }   // + sqrt(-1)*sign(randn(k,1))
            let g = GaussianEnsemble.orthonormalRows.operator_(rows: p.m, columns: n, using: &rng)
            let a = ComplexAsRealOperator(real: g)
            return problem(a, m: a, b: nil, rhs: a.apply(x0), x0: x0, signal: x0, complex: true)

        case 9, 10:
            let signal = BlocksSignal.samples(n)
            var x0 = [Double](repeating: 0, count: n)
            x0[0] = signal[0]
            for j in 1..<n { x0[j] = signal[j] - signal[j - 1] }
            if p.problem == 10 { for j in 0..<n { x0[j] *= Double(n - j).squareRoot() } }
            let basis = HeavisideOperator(length: n, normalized: p.problem == 10)
            return problem(basis, m: nil, b: basis, rhs: signal, x0: x0, signal: signal)

        case 12:
            let support = rng.sample(p.k, from: n)
            var x0 = [Double](repeating: 0, count: n)
            let lo = DeterministicMath.log(p.scale)  // linspace(log(scale), log(1), k)
            for (j, i) in support.enumerated() {
                let sign = rng.nextSign()
                let exponent = p.k == 1 ? 0 : (j == p.k - 1 ? 0 : lo + Double(j) * (0 - lo) / Double(p.k - 1))
                x0[i] = sign * DeterministicMath.exp(exponent)
            }
            let rows = rng.sample(p.m, from: n)
            let a = PartialDCTOperator(rows: rows, length: n)
            return problem(a, m: a, b: nil, rhs: a.apply(x0), x0: x0, signal: x0)

        default:
            preconditionFailure("Sparco problem \(p.problem) is not supplied (validated in parameters(_:))")
        }
    }
}
