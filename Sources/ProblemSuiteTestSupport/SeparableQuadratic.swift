import ProblemSuite

/// f(x) = ½ Σ d_i (x_i − c_i)², ∇f = d ⊙ (x − c): separable, hand-checkable; a problem
/// for the tests of solvers and of the harness.
public final class SeparableQuadratic: SmoothProblem {
    public let metadata: ProblemMetadata
    public let evaluations = EvaluationCounter()
    public let d: [Double], c: [Double]

    /// The quadratic with the given curvatures `d` and centre `c`.
    public init(d: [Double], c: [Double], settings: SolverSettings = SolverSettings()) {
        precondition(d.count == c.count)
        self.d = d
        self.c = c
        metadata = ProblemMetadata(name: "QUAD\(d.count)", family: "test", dimension: d.count,
                                   classification: ProblemMetadata.classify(objective: "O", origin: "A", dimension: d.count),
                                   seed: 0, settings: settings)
    }

    /// The quadratic of `metadata`'s dimension with d_i uniform in [1, 2] and c_i N(0, 1),
    /// drawn from stream `quadratic` of its seed.
    public init(metadata: ProblemMetadata) {
        self.metadata = metadata
        var rng = SuiteRandom(seed: metadata.seed, stream: "quadratic")
        d = (0..<metadata.dimension).map { _ in rng.nextUniform(in: 1, 2) }
        c = rng.normals(metadata.dimension)
    }

    public func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        var f = 0.0
        for i in 0..<x.count { f += 0.5 * d[i] * (x[i] - c[i]) * (x[i] - c[i]) }
        return f
    }

    public func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>, into g: UnsafeMutableBufferPointer<Double>) -> Double {
        for i in 0..<x.count { g[i] = d[i] * (x[i] - c[i]) }
        return computeValue(x)
    }
}
