/// A problem under a ``Perturbation``: f̃(y) = f(T·y), ∇f̃(y) = Tᵀ·∇f(T·y) (+ noise).
///
/// Load it through ``ProblemEntry/perturbed(by:)``, then draw run r's transform and
/// noise with ``prepared(run:)`` (an unprepared problem is the identity: no transform, no
/// noise). Start from ``startingPoint(fromOriginal:)`` of the protocol's x₀ and map the
/// solution back with ``originalPoint(_:)`` to measure it on ``original``.
///
/// Scratch space is allocated once; an evaluation allocates nothing. Like every problem,
/// one instance must not be evaluated from two threads at once.
public final class PerturbedProblem: SmoothProblem {
    public let base: any SmoothProblem
    public let perturbation: Perturbation
    public let metadata: ProblemMetadata
    public let evaluations = EvaluationCounter()
    /// The run the transform was drawn for (nil: not prepared, the identity).
    public private(set) var run: Int?

    /// x_i = scale[i]·y[source[i]] (signs, scales, permutations); empty: identity.
    private var source: [Int] = []
    private var scale: [Double] = []
    /// x = Q·y, Q row-major n×n (Haar rotation); empty: none.
    private var rotation: [Double] = []
    private var noise: SuiteRandom?
    private var x: [Double]
    private var gx: [Double]

    public init(base: any SmoothProblem, perturbation: Perturbation, metadata: ProblemMetadata) {
        self.base = base
        self.perturbation = perturbation
        self.metadata = metadata
        x = [Double](repeating: 0, count: base.dimension)
        gx = x
    }

    /// The unperturbed problem underneath every wrapper.
    public var original: any SmoothProblem { (base as? PerturbedProblem)?.original ?? base }

    /// A copy with run `run`'s transform and noise stream (and the base's, when the base
    /// is perturbed too), from `SuiteRandom(seed: metadata.seed, stream:
    /// "perturbation/<label>/run<r>")`.
    public func prepared(run: Int) -> PerturbedProblem {
        let b = (base as? PerturbedProblem)?.prepared(run: run) ?? base
        let p = PerturbedProblem(base: b, perturbation: perturbation, metadata: metadata)
        p.run = run
        let n = base.dimension
        var rng = SuiteRandom(seed: metadata.seed, stream: "perturbation/\(perturbation.label)/run\(run)")
        switch perturbation {
        case .gradientNoise:
            p.noise = rng
        case .permutation:
            p.source = rng.permutation(n)
            p.scale = [Double](repeating: 1, count: n)
        case .orthogonal(let method):
            if method == .haar || (method == .automatic && n <= Perturbation.maxHaarDimension) {
                p.rotation = HouseholderQR.randomOrthogonal(n, using: &rng).storage
            } else {
                p.source = rng.permutation(n)
                p.scale = (0..<n).map { _ in rng.nextSign() }
            }
        case .scaling(let c):
            p.source = Array(0..<n)
            p.scale = (0..<n).map { _ in DeterministicMath.pow10(rng.nextUniform(in: -c, c)) }
        case .startingPoint:
            break
        }
        return p
    }

    /// x = T·y.
    private func apply(_ y: UnsafeBufferPointer<Double>, into out: inout [Double]) {
        let n = out.count
        if !rotation.isEmpty {
            rotation.withUnsafeBufferPointer { q in
                for i in 0..<n {
                    var s = 0.0
                    let row = i * n
                    for j in 0..<n { s += q[row + j] * y[j] }
                    out[i] = s
                }
            }
        } else if !source.isEmpty {
            for i in 0..<n { out[i] = scale[i] * y[source[i]] }
        } else {
            for i in 0..<n { out[i] = y[i] }
        }
    }

    /// gy = Tᵀ·gx, then the noise.
    private func pullBack(_ g: [Double], into gy: UnsafeMutableBufferPointer<Double>) {
        let n = g.count
        if !rotation.isEmpty {
            for j in 0..<n { gy[j] = 0 }
            rotation.withUnsafeBufferPointer { q in
                for i in 0..<n {
                    let gi = g[i], row = i * n
                    for j in 0..<n { gy[j] += q[row + j] * gi }
                }
            }
        } else if !source.isEmpty {
            for i in 0..<n { gy[source[i]] = scale[i] * g[i] }
        } else {
            for i in 0..<n { gy[i] = g[i] }
        }
        if case let .gradientNoise(level, relative) = perturbation, noise != nil, level > 0 {
            var sigma = level
            if relative {
                var s = 0.0
                for i in 0..<n { s += gy[i] * gy[i] }
                sigma = level * (s / Double(n)).squareRoot()
            }
            for i in 0..<n { gy[i] += sigma * noise!.nextNormal() }
        }
    }

    public var knownSolution: [Double]? { nil }

    public func computeValue(_ y: UnsafeBufferPointer<Double>) -> Double {
        apply(y, into: &x)
        return x.withUnsafeBufferPointer { base.computeValue($0) }
    }

    public func computeGradient(_ y: UnsafeBufferPointer<Double>, into gy: UnsafeMutableBufferPointer<Double>) {
        _ = computeValueAndGradient(y, into: gy)
    }

    public func computeValueAndGradient(_ y: UnsafeBufferPointer<Double>, into gy: UnsafeMutableBufferPointer<Double>) -> Double {
        apply(y, into: &x)
        let f = x.withUnsafeBufferPointer { xp in gx.withUnsafeMutableBufferPointer { base.computeValueAndGradient(xp, into: $0) } }
        pullBack(gx, into: gy)
        return f
    }

    /// The original variables of y (x = T·y, through every wrapper).
    public func originalPoint(_ y: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: y.count)
        y.withUnsafeBufferPointer { apply($0, into: &out) }
        return (base as? PerturbedProblem)?.originalPoint(out) ?? out
    }

    /// The start in this problem's variables of the protocol's start `x0` (original
    /// variables): y₀ = T⁻¹·x₀, the same point, except that a starting-point perturbation
    /// moves it (from stream `perturbation/start:<level>/run<r>`).
    public func startingPoint(fromOriginal x0: [Double]) -> [Double] {
        let inner = (base as? PerturbedProblem)?.startingPoint(fromOriginal: x0) ?? x0
        let n = inner.count
        var y = [Double](repeating: 0, count: n)
        if !rotation.isEmpty {
            for i in 0..<n { let xi = inner[i]; for j in 0..<n { y[j] += rotation[i * n + j] * xi } }
        } else if !source.isEmpty {
            for i in 0..<n { y[source[i]] = inner[i] / scale[i] }
        } else {
            y = inner
        }
        if case .startingPoint(let level) = perturbation, let run, level > 0 {
            var rng = SuiteRandom(seed: metadata.seed, stream: "perturbation/\(perturbation.label)/run\(run)")
            let xi = rng.normals(n)
            let xiNorm = xi.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let yNorm = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if xiNorm > 0 { for i in 0..<n { y[i] += level * yNorm * xi[i] / xiNorm } }
        }
        return y
    }
}
