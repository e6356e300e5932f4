import CSparseKernels
import ProblemSuite

/// prunAdag, Algorithm 2.1 of Porcelli, Seraghiti and Toint (arXiv 2502.08308), exactly as
/// `spec/algorithms.md` reconstructs it. Iteration k, with theta_k = 1/(k+1):
///
/// 1. Relevant set R_k: the nR largest |g_{i,k}|, ties to the lower index (``TopKSelector``).
/// 2. For every i: w^O_{i,k} = sqrt(v_{i,k-1} + g_{i,k}²), trial step s^O_{i,k} = −g_{i,k}/w^O_{i,k}.
/// 3. i ∉ R_k is *acceptable* (A_k) when x_{i,k} ≠ 0, sign(s^O_{i,k}) = −sign(x_{i,k}) and
///    a_{i,k} ≤ |s^O_{i,k}| ≤ b_{i,k}. O_k = R_k ∪ A_k; D_k = the rest.
///    ("Relevant only": A_k = ∅.)
/// 4. i ∈ O_k: x_{i,k+1} = x_{i,k} + s^O_{i,k}, v_{i,k} = v_{i,k-1} + g_{i,k}² (v unchanged otherwise).
/// 5. i ∈ D_k: u_{i,k} = u_{i,k-1} + x_{i,k}² (u unchanged otherwise), w^D = sqrt(u_{i,k}),
///    Delta_{i,k} = |x_{i,k}|/w^D, and
///    x_{i,k+1} = x_{i,k} − sign(x_{i,k})·min(a_{i,k}, Delta_{i,k}, |x_{i,k}|) **[reconstruction]**.
/// 6. Bounds (Table 1) **[reconstruction]**, see ``Variant``:
///    a_{i,k} = c·theta_k·rho_k·|x_{i,k}| (V1, V3) or c·theta_k·|x_{i,k}| (V2, V4);
///    b_{i,k} = +∞ (V1, V2) or |x_{i,k}| (V3, V4), with
///    rho_k = min(1, ‖g_{R_k}‖₂ / max(‖x_{complement of R_k}‖₂, rhoFloor)) **[reconstruction]**.
///
/// Every classification and bound of iteration k uses x_k and g_k only: the scalars
/// theta_k and rho_k are computed before any component moves, and each component's update
/// reads only its own x_{i,k}, g_{i,k}, v_{i,k-1}, u_{i,k-1}. v and u both start at sigma.
///
/// Consequences the tests pin: with nR = n every component is relevant and the iterates are
/// bit-identical to ``Adagrad``'s; |x_{i,k+1}| ≤ |x_{i,k}| on D_k (the step never exceeds
/// |x_{i,k}|, so it never flips a sign); with b = |x| (V3, V4) an acceptable component
/// never changes sign; v and u never decrease.
///
/// **[reconstruction]** parts: the whole of the bounding sequences a, b (Table 1 lost its
/// formulas), rho_k, the decreasable step rule min(a, Delta, |x|), the constants sigma = 1e-2
/// and c = 1, and the decreasable step of "Relevant only" (two named readings: the
/// rescaled lower bound of V1/V3, ``Variant/relevantOnly``, and the plain one of V2/V4,
/// ``Variant/relevantOnlyPlain``).
///
/// - Complexity: one gradient and O(n) work per iteration (O(n) selection: no sort of the n entries, a sorting network over a few hundred sampled candidates at most);
///   no allocation after start.
public final class PrunAdag: Solver {
    /// One version of Algorithm 2.1: a declared choice of the bounding sequences a, b of
    /// Table 1 and of whether acceptable components join the optimisable set. A new version
    /// is one more static value here (or anywhere) plus one registry line.
    public struct Variant: Sendable, Equatable {
        /// The lower bound a_{i,k}: `rescaled` = c·theta_k·rho_k·|x_{i,k}|, `plain` = c·theta_k·|x_{i,k}|.
        public enum LowerBound: Sendable, Equatable { case rescaled, plain }
        /// The upper bound b_{i,k}: `unbounded` = +∞, `magnitude` = |x_{i,k}|.
        public enum UpperBound: Sendable, Equatable { case unbounded, magnitude }

        public var lowerBound: LowerBound
        public var upperBound: UpperBound
        /// `false` for "Relevant only": A_k = ∅, O_k = R_k.
        public var usesAcceptableSet: Bool

        public init(lowerBound: LowerBound, upperBound: UpperBound, usesAcceptableSet: Bool = true) {
            self.lowerBound = lowerBound
            self.upperBound = upperBound
            self.usesAcceptableSet = usesAcceptableSet
        }

        /// V1: a = c·theta·rho·|x|, b = +∞ **[reconstruction]**.
        public static let v1 = Variant(lowerBound: .rescaled, upperBound: .unbounded)
        /// V2: a = c·theta·|x|, b = +∞ **[reconstruction]**.
        public static let v2 = Variant(lowerBound: .plain, upperBound: .unbounded)
        /// V3: a = c·theta·rho·|x|, b = |x| **[reconstruction]**.
        public static let v3 = Variant(lowerBound: .rescaled, upperBound: .magnitude)
        /// V4: a = c·theta·|x|, b = |x| **[reconstruction]**.
        public static let v4 = Variant(lowerBound: .plain, upperBound: .magnitude)
        /// "Relevant only" (paper §3.1.1): A_k = ∅. The decreasable step needs an a_{i,k};
        /// the spec does not say which. This one (`relevant-only`) uses the rescaled
        /// a = c·θ_k·ρ_k·|x_i| of V1/V3 **[reconstruction]** (b is never used); see
        /// ``relevantOnlyPlain`` for the other reading.
        public static let relevantOnly = Variant(lowerBound: .rescaled, upperBound: .unbounded, usesAcceptableSet: false)
        /// "Relevant only" with the plain a = c·θ_k·|x_i| of V2/V4 (`relevant-only-plain`)
        /// **[reconstruction]**: the other reading of the spec. The paper's Figure 1 claim
        /// depends on the choice (on A3 the plain one shrinks the decreasable components
        /// faster and converges more slowly), so the suite runs both.
        public static let relevantOnlyPlain = Variant(lowerBound: .plain, upperBound: .unbounded, usesAcceptableSet: false)
    }

    /// prunAdag's constants.
    public struct Parameters: Sendable, Equatable {
        /// nR, the number of relevant components (clipped to n).
        public var relevantCount: Int
        /// Initial value sigma > 0 of both accumulators v and u (default 1e-2) **[reconstruction]**.
        public var sigma: Double
        /// The constant c > 0 of the lower bound a_{i,k} (default 1) **[reconstruction]**.
        public var boundConstant: Double
        /// The floor of the denominator of rho_k (default: the smallest normal double, so
        /// it only guards a zero denominator) **[reconstruction]**.
        public var rhoFloor: Double

        public init(relevantCount: Int = 32, sigma: Double = 1e-2, boundConstant: Double = 1,
                    rhoFloor: Double = .leastNormalMagnitude) {
            self.relevantCount = relevantCount
            self.sigma = sigma
            self.boundConstant = boundConstant
            self.rhoFloor = rhoFloor
        }

        /// prunAdag's keys in `[settings]` (nR is a protocol setting): `sigma` (default
        /// 1e-2) and `c` (default 1), both the spec's reconstructions (the paper's values
        /// were lost). The floor of rho_k's denominator is not a file key.
        public static let declarations: [SolverParameter] = [
            SolverParameter("sigma", default: 1e-2, summary: "initial value of the accumulators v and u [reconstruction]"),
            SolverParameter("c", default: 1, summary: "constant of the decreasable lower bound a = c·θ·(ρ)·|x| [reconstruction]"),
        ]

        /// nR from the settings, sigma and c from its parameters (or their defaults); the
        /// default floor.
        /// - Throws: when a parameter is outside its domain (naming where it was written).
        public init(settings: SolverSettings) throws {
            let v = try settings.resolving(Parameters.declarations)
            self.init(relevantCount: settings.relevantCount, sigma: v.double("sigma"), boundConstant: v.double("c"))
        }
    }

    public let name: String
    public let variant: Variant
    public let settings: SolverSettings
    public let parameters: Parameters
    public let state = SolverState()

    /// v_{i,k}: accumulated squared gradients over the iterations where i was optimisable.
    public private(set) var optimisableAccumulator: [Double] = []
    /// u_{i,k}: accumulated squared iterates over the iterations where i was decreasable.
    public private(set) var decreasableAccumulator: [Double] = []
    /// The membership of R_k of the last step (true = relevant).
    public private(set) var relevantMask: [Bool] = []
    /// The class of each component at the last step: 0 relevant, 1 acceptable, 2 decreasable.
    public private(set) var lastClass: [UInt8] = []
    /// rho_k of the last step.
    public private(set) var lastRho = Double.nan
    let selector = TopKSelector()

    /// Class codes in ``lastClass``.
    public static let relevantClass: UInt8 = 0, acceptableClass: UInt8 = 1, decreasableClass: UInt8 = 2

    /// A solver with explicit constants.
    public init(name: String, variant: Variant, settings: SolverSettings, parameters: Parameters) {
        self.name = name
        self.variant = variant
        self.settings = settings
        self.parameters = parameters
    }

    /// A solver whose constants come from the settings (``Parameters/init(settings:)``).
    /// - Throws: as ``Parameters/init(settings:)``.
    public convenience init(name: String, variant: Variant, settings: SolverSettings) throws {
        self.init(name: name, variant: variant, settings: settings, parameters: try Parameters(settings: settings))
    }

    public func start(problem: any SmoothProblem, x0: [Double]) throws {
        let p = parameters
        guard p.relevantCount >= 0 else {
            throw ProblemSuiteError.invalidRequest("\(name): nR = \(p.relevantCount) must be non-negative")
        }
        guard p.sigma > 0, p.sigma.isFinite else {
            throw ProblemSuiteError.invalidRequest("\(name): sigma = \(p.sigma) must be positive and finite")
        }
        guard p.boundConstant > 0, p.boundConstant.isFinite else {
            throw ProblemSuiteError.invalidRequest("\(name): c = \(p.boundConstant) must be positive and finite")
        }
        guard p.rhoFloor > 0, p.rhoFloor.isFinite else {
            throw ProblemSuiteError.invalidRequest("\(name): rho floor = \(p.rhoFloor) must be positive and finite")
        }
        try state.begin(problem: problem, x0: x0, settings: settings)
        let n = problem.dimension
        optimisableAccumulator = [Double](repeating: p.sigma, count: n)
        decreasableAccumulator = [Double](repeating: p.sigma, count: n)
        relevantMask = [Bool](repeating: false, count: n)
        lastClass = [UInt8](repeating: PrunAdag.decreasableClass, count: n)
        lastRho = .nan
        selector.reserve(n)
    }

    @discardableResult
    public func step() -> Bool {
        if state.isStopped { return true }
        let x = state.x, g = state.g, n = state.dimension
        let k = state.iteration
        let nR = min(parameters.relevantCount, n)

        // Step 1: R_k from g_k.
        relevantMask.withUnsafeMutableBufferPointer { mask in
            if nR >= n {
                mask.update(repeating: true)
            } else {
                selector.select(largestMagnitudesOf: UnsafeBufferPointer(g), count: nR, mask: mask)
            }
        }

        // Scalars of iteration k, from x_k and g_k before any update.
        let theta = 1 / Double(k + 1)
        var rho = 1.0
        if variant.lowerBound == .rescaled {
            var gR = 0.0, xOut = 0.0
            relevantMask.withUnsafeBufferPointer { mask in
                for i in 0..<n {
                    if mask[i] { gR += g[i] * g[i] } else { xOut += x[i] * x[i] }
                }
            }
            rho = min(1, gR.squareRoot() / max(xOut.squareRoot(), parameters.rhoFloor))
        }
        lastRho = rho
        let lowerFactor = variant.lowerBound == .rescaled
            ? parameters.boundConstant * theta * rho
            : parameters.boundConstant * theta
        let boundedAbove = variant.upperBound == .magnitude
        let acceptance = variant.usesAcceptableSet

        var countA = 0, countD = 0
        var stepSquared = 0.0
        relevantMask.withUnsafeBufferPointer { mask in
        lastClass.withUnsafeMutableBufferPointer { cls in
        optimisableAccumulator.withUnsafeMutableBufferPointer { v in
        decreasableAccumulator.withUnsafeMutableBufferPointer { u in
            if DenseKernels.usesAVX2, n > 0 {
                // The same loop, 4 entries at a time with selects (CSparseKernels/vector_avx2.c):
                // the same operations per entry and the step norm summed in index order, so
                // the same bits (PrunAdagKernelTests); PROBLEMSUITE_PORTABLE_KERNELS=1 runs this one.
                var counts = [0, 0]
                stepSquared = counts.withUnsafeMutableBufferPointer { c in
                    psk_prunadag_step_avx2(n, x.baseAddress!, g.baseAddress!, v.baseAddress!, u.baseAddress!,
                                           UnsafeRawPointer(mask.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                           cls.baseAddress!, lowerFactor, acceptance ? 1 : 0, boundedAbove ? 1 : 0,
                                           c.baseAddress!)
                }
                countA = counts[0]
                countD = counts[1]
                return
            }
            for i in 0..<n {
                let xi = x[i], gi = g[i]
                // Step 2: optimisation weight and trial step (2.7), (2.2).
                let vNew = v[i] + gi * gi
                let s = -gi / vNew.squareRoot()
                let magnitude = Swift.abs(xi)
                let a = lowerFactor * magnitude
                // Step 3: classification (2.3), (2.4), (2.8).
                var optimisable = mask[i]
                if !optimisable && acceptance && xi != 0 {
                    let shrinks = (s < 0 && xi > 0) || (s > 0 && xi < 0)
                    let size = Swift.abs(s)
                    if shrinks && a <= size && (!boundedAbove || size <= magnitude) {
                        optimisable = true
                    }
                }
                let xNew: Double
                if optimisable {
                    // Step 4: optimisable step (2.9).
                    xNew = xi + s
                    v[i] = vNew
                    if mask[i] { cls[i] = PrunAdag.relevantClass } else { cls[i] = PrunAdag.acceptableClass; countA += 1 }
                } else {
                    // Step 5: decreasable step (2.10)-(2.13) [reconstruction].
                    let uNew = u[i] + xi * xi
                    u[i] = uNew
                    let radius = magnitude / uNew.squareRoot()
                    let d = min(a, radius, magnitude)
                    xNew = xi > 0 ? xi - d : (xi < 0 ? xi + d : xi)
                    cls[i] = PrunAdag.decreasableClass
                    countD += 1
                }
                x[i] = xNew
                let delta = xNew - xi
                stepSquared += delta * delta
            }
        }
        }
        }
        }
        return state.finishStep(StepSummary(iteration: k, stepNorm: stepSquared.squareRoot(),
                                            relevant: nR, acceptable: countA, decreasable: countD))
    }
}
