/// Starting points under the suite's protocol (`spec/algorithms.md`, Protocol).
public enum StartingPoint {
    /// The start of run `run`: nR indices chosen uniformly at random, filled with
    /// N(0, 1) draws, the whole vector scaled to unit 2-norm (so it lies in the
    /// Frank-Wolfe ball whenever tau ≥ 1).
    ///
    /// The draws come from `SuiteRandom(seed: seed, stream: "start/run<run>")`, so all
    /// solvers of one run start from the same point, and runs differ from each other.
    /// - Precondition: `0 < nonzeros`; `nonzeros` is clipped to `dimension`.
    public static func random(dimension: Int, nonzeros: Int, seed: UInt64, run: Int) -> [Double] {
        precondition(dimension > 0 && nonzeros > 0, "start point needs n > 0 and nR > 0")
        let k = min(nonzeros, dimension)
        var rng = SuiteRandom(seed: seed, stream: "start/run\(run)")
        let support = rng.sample(k, from: dimension)
        var x = [Double](repeating: 0, count: dimension)
        var norm2 = 0.0
        for i in support {
            let v = rng.nextNormal()
            x[i] = v
            norm2 += v * v
        }
        let scale = 1 / norm2.squareRoot()
        for i in support { x[i] *= scale }
        return x
    }

    /// S2MPJ's start for the SPARCO problems: every component 1.
    public static func ones(dimension: Int) -> [Double] {
        [Double](repeating: 1, count: dimension)
    }
}
