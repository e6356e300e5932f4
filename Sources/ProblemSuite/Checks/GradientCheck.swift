/// Finite-difference checks of a problem's gradient.
public enum GradientCheck {
    /// The outcome of a check: the worst relative error over the directions tried.
    public struct Report: Sendable, Codable {
        public var problem: String
        /// Number of directions (random unit directions, then coordinates).
        public var directions: Int
        /// max |D_fd − gᵀd| / max(|gᵀd|, |D_fd|, scale), over directions.
        public var maxRelativeError: Double
        /// Step used in the central differences.
        public var step: Double
        /// Whether value and valueAndGradient agree, and gradient agrees with valueAndGradient.
        public var consistent: Bool
    }

    /// Compares ∇f(x)ᵀd with the central difference (f(x+hd) − f(x−hd))/(2h) along
    /// `randomDirections` random unit directions and the `coordinates` coordinates of
    /// largest |∂f/∂xᵢ|, at the point `x`.
    ///
    /// `scale` (default 1e-8·(1 + |f(x)|)) keeps the relative error meaningful where the
    /// derivative is nearly zero. Default step h = 1e-5·max(1, ‖x‖∞), a good balance of
    /// truncation and rounding error for smooth problems of unit scale.
    public static func check(_ problem: any SmoothProblem, at x: [Double], randomDirections: Int = 4,
                             coordinates: Int = 4, step: Double? = nil, seed: UInt64 = 0) -> Report {
        let n = problem.dimension
        var g = [Double](repeating: 0, count: n)
        let f0 = problem.valueAndGradient(at: x, into: &g)
        let fAlone = problem.value(at: x)
        let gAlone = problem.gradient(at: x)
        var consistent = abs(fAlone - f0) <= 1e-12 * max(1, abs(f0))
        for i in 0..<n where abs(gAlone[i] - g[i]) > 1e-12 * max(1, abs(g[i])) { consistent = false }
        let h = step ?? 1e-5 * max(1, x.map(abs).max() ?? 1)
        let scale = 1e-8 * (1 + abs(f0))
        var rng = SuiteRandom(seed: seed, stream: "gradient-check")
        var directions: [[Double]] = []
        for _ in 0..<randomDirections {
            var d = rng.normals(n)
            let norm = DenseKernels.norm(d)
            for i in 0..<n { d[i] /= norm }
            directions.append(d)
        }
        let order = (0..<n).sorted { abs(g[$0]) != abs(g[$1]) ? abs(g[$0]) > abs(g[$1]) : $0 < $1 }
        for i in order.prefix(coordinates) {
            var d = [Double](repeating: 0, count: n)
            d[i] = 1
            directions.append(d)
        }
        var worst = 0.0
        var xp = x, xm = x
        for d in directions {
            for i in 0..<n { xp[i] = x[i] + h * d[i]; xm[i] = x[i] - h * d[i] }
            let fd = (problem.value(at: xp) - problem.value(at: xm)) / (2 * h)
            let an = DenseKernels.dot(g, d)
            let err = abs(fd - an) / max(abs(an), abs(fd), scale)
            worst = max(worst, err)
        }
        return Report(problem: problem.name, directions: directions.count, maxRelativeError: worst, step: h,
                      consistent: consistent)
    }
}
