import ProblemSuite

/// Pruning a solution and the two robustness measures of the paper (eq. 3.1)
/// **[reconstruction]**, as `spec/algorithms.md` ("Pruning") states them.
public enum Pruning {
    /// The number of entries a pruning percentage p removes: round(p·n/100), halves
    /// rounded away from zero, clipped to 0...n.
    public static func prunedCount(percentage p: Double, dimension n: Int) -> Int {
        min(n, max(0, Int((p * Double(n) / 100).rounded(.toNearestOrAwayFromZero))))
    }

    /// The indices of `x` in pruning order: increasing |x_i|, ties by lower index.
    /// - Complexity: O(n log n).
    public static func order(_ x: [Double]) -> [Int] {
        x.indices.sorted { a, b in
            let ma = abs(x[a]), mb = abs(x[b])
            return ma != mb ? ma < mb : a < b
        }
    }

    /// x̂_p: `x` with its round(p·n/100) smallest-magnitude entries set to zero
    /// (ties by lower index).
    public static func pruned(_ x: [Double], percentage p: Double) -> [Double] {
        var out = x
        for i in order(x).prefix(prunedCount(percentage: p, dimension: x.count)) { out[i] = 0 }
        return out
    }

    /// `x` with every entry of magnitude below `threshold` set to zero.
    public static func pruned(_ x: [Double], threshold: Double) -> [Double] {
        x.map { abs($0) < threshold ? 0 : $0 }
    }

    /// Percentage of entries with |x_i| < threshold.
    public static func sparsity(_ x: UnsafeBufferPointer<Double>, threshold: Double) -> Double {
        guard !x.isEmpty else { return 0 }
        var count = 0
        for v in x where abs(v) < threshold { count += 1 }
        return 100 * Double(count) / Double(x.count)
    }

    public static func sparsity(_ x: [Double], threshold: Double) -> Double {
        x.withUnsafeBufferPointer { sparsity($0, threshold: threshold) }
    }
}

/// The robustness of one solution at one pruning level.
public struct PruningMeasure: Codable, Sendable, Equatable {
    /// The pruning percentage p.
    public var percentage: Double
    /// How many entries were zeroed.
    public var pruned: Int
    /// eps_g(p) = ‖∇f(x̂_p)‖₂: how far from stationarity pruning throws the solution.
    public var epsG: Double
    /// eps_f(p) = |f(x̂_p) − f(x*)| / max(1, |f(x*)|): how much the objective moves.
    public var epsF: Double
    /// Test accuracy (in %) of x̂_p, for classification problems (undecided samples
    /// count as errors).
    public var accuracy: Double?
    /// Test samples x̂_p leaves undecided (score exactly 0), for classification problems.
    public var undecided: Int?

    /// The measures at each percentage for the solution `x` of `problem`, with
    /// `score` (when given) the held-out classification of each pruned solution. `value` is f(x) when the
    /// caller already has it (evaluated here otherwise).
    public static func measure(_ problem: any SmoothProblem, solution x: [Double], value: Double? = nil,
                               percentages: [Double], score: (([Double]) -> ClassificationScore)? = nil) -> [PruningMeasure] {
        let fStar = value ?? problem.value(at: x)
        let order = Pruning.order(x)
        var g = [Double](repeating: 0, count: x.count)
        return percentages.map { p in
            let k = Pruning.prunedCount(percentage: p, dimension: x.count)
            var xp = x
            for i in order.prefix(k) { xp[i] = 0 }
            let f = problem.valueAndGradient(at: xp, into: &g)
            let s = score?(xp)
            return PruningMeasure(percentage: p, pruned: k, epsG: DenseKernels.norm(g),
                                  epsF: abs(f - fStar) / max(1, abs(fStar)), accuracy: s.map { 100 * $0.accuracy },
                                  undecided: s?.undecided)
        }
    }
}
