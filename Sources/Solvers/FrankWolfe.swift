import ProblemSuite

/// Deterministic Frank-Wolfe on the k-support-norm ball {x : ‖x‖_{(K)}^{sp} ≤ tau}
/// (Zimmer, Spiegel and Pokutta; `spec/algorithms.md`, "Frank-Wolfe"), K = nR.
///
/// Linear minimisation oracle (1.2): ĝ keeps the K largest |g_{i,k}| (ties to the lower
/// index, ``TopKSelector``) and zeroes the rest; v_k = −tau·ĝ/‖ĝ‖₂. The run stops with
/// ``StopReason/zeroOracleDirection`` if ĝ = 0. Update (1.3): x_{k+1} = x_k + alpha_k (v_k − x_k), with
/// - FW1: alpha_k = min(1, eta1/(k+1)) **[reconstruction]** (linearly decreasing),
/// - FW2: alpha_k = min(1, eta2·‖g_k‖₂/‖v_k − x_k‖₂) **[reconstruction]** (gradient
///   rescaling; alpha_k = 1 when v_k = x_k, where the step is zero anyway).
///
/// tau and eta2 are chosen per instance by ``FrankWolfeRule`` at ``start(problem:x0:)``
/// when `fw_radius` / `fw_eta2` are 0 (their defaults) **[reconstruction]**, and fixed by
/// those keys when positive; eta1 is `fw_eta1` (default 2). The vertex v_k is K-sparse with ‖v_k‖₂ = tau,
/// so its k-support norm is tau; the iterates are convex combinations of x_0 and vertices,
/// so they stay in the ball whenever x_0 does (the suite's starts are K-sparse with unit
/// 2-norm, hence feasible for tau ≥ 1). The solver does not project an infeasible start.
///
/// - Complexity: one gradient and O(n) work per iteration; no allocation after start.
public final class FrankWolfe: Solver {
    /// The step-length rule.
    public enum StepRule: Sendable, Equatable {
        /// FW1: alpha_k = min(1, eta1/(k+1)).
        case linear
        /// FW2: alpha_k = min(1, eta2·‖g_k‖/‖v_k − x_k‖).
        case gradientRescaled
    }

    /// Frank-Wolfe's constants.
    public struct Parameters: Sendable, Equatable {
        /// K of the k-support norm (the suite uses nR).
        public var supportSize: Int
        /// The ball's radius tau; 0 (the default) = chosen by ``FrankWolfeRule``.
        public var radius: Double
        /// FW1's eta1 > 0 (default 2) **[reconstruction]**.
        public var eta1: Double
        /// FW2's eta2 **[reconstruction]**; 0 (the default) = chosen by ``FrankWolfeRule``.
        public var eta2: Double

        public init(supportSize: Int = 32, radius: Double = 0, eta1: Double = 2, eta2: Double = 0) {
            self.supportSize = supportSize
            self.radius = radius
            self.eta1 = eta1
            self.eta2 = eta2
        }

        /// Frank-Wolfe's keys in `[settings]` (K is the protocol's nR): `fw_radius`
        /// (default 0: chosen per instance by ``FrankWolfeRule``), `fw_eta1` (default 2,
        /// FW1's step constant) and `fw_eta2` (default 0: 1/L̂ by ``FrankWolfeRule``); a
        /// positive `fw_radius` or `fw_eta2` fixes the value instead. The step constants
        /// and the rule are reconstructions.
        public static let declarations: [SolverParameter] = [
            SolverParameter("fw_radius", default: 0, domain: .nonNegative,
                            summary: "radius tau of the k-support-norm ball; 0 = per-instance rule (FrankWolfeRule) [reconstruction]"),
            SolverParameter("fw_eta1", default: 2, summary: "FW1 step constant: alpha = min(1, eta1/(k+1)) [reconstruction]"),
            SolverParameter("fw_eta2", default: 0, domain: .nonNegative,
                            summary: "FW2 step constant: alpha = min(1, eta2·‖g‖/‖v−x‖); 0 = 1/L̂ by the per-instance rule [reconstruction]"),
        ]

        /// K = nR, tau = fw_radius, eta1 = fw_eta1, eta2 = fw_eta2 from the settings (or
        /// their defaults).
        /// - Throws: when a parameter is outside its domain (naming where it was written).
        public init(settings: SolverSettings) throws {
            let v = try settings.resolving(Parameters.declarations)
            self.init(supportSize: settings.relevantCount, radius: v.double("fw_radius"),
                      eta1: v.double("fw_eta1"), eta2: v.double("fw_eta2"))
        }
    }

    public let name: String
    public let rule: StepRule
    public let settings: SolverSettings
    public let parameters: Parameters
    public let state = SolverState()
    /// alpha_k of the last step.
    public private(set) var lastStepLength = Double.nan
    /// The radius tau of the current run (the parameter's, or the rule's).
    public private(set) var radius = Double.nan
    /// eta2 of the current run (the parameter's, or the rule's).
    public private(set) var eta2 = Double.nan
    /// What ``FrankWolfeRule`` chose at the last start, when it ran (nil: both fixed).
    public private(set) var chosenRule: FrankWolfeRule?
    var mask: [Bool] = []
    let selector = TopKSelector()

    /// A solver with explicit constants.
    public init(name: String, rule: StepRule, settings: SolverSettings, parameters: Parameters) {
        self.name = name
        self.rule = rule
        self.settings = settings
        self.parameters = parameters
    }

    /// A solver whose constants come from the settings (``Parameters/init(settings:)``).
    /// - Throws: as ``Parameters/init(settings:)``.
    public convenience init(name: String, rule: StepRule, settings: SolverSettings) throws {
        self.init(name: name, rule: rule, settings: settings, parameters: try Parameters(settings: settings))
    }

    public func start(problem: any SmoothProblem, x0: [Double]) throws {
        let p = parameters
        guard p.supportSize > 0 else {
            throw ProblemSuiteError.invalidRequest("\(name): K = nR = \(p.supportSize) must be positive")
        }
        guard p.eta1 > 0, p.eta1.isFinite else {
            throw ProblemSuiteError.invalidRequest("\(name): eta1 = \(p.eta1) must be positive and finite")
        }
        for (label, value) in [("radius tau", p.radius), ("eta2", p.eta2)] where !(value >= 0 && value.isFinite) {
            throw ProblemSuiteError.invalidRequest("\(name): \(label) = \(value) must be finite and ≥ 0 (0 = the per-instance rule)")
        }
        // FW1 never reads eta2: the rule runs only for what this solver uses.
        let needsRule = p.radius == 0 || (rule == .gradientRescaled && p.eta2 == 0)
        let chosen = needsRule ? try FrankWolfeRule.choose(problem: problem, supportSize: p.supportSize, x0: x0) : nil
        chosenRule = chosen
        radius = p.radius > 0 ? p.radius : chosen!.radius
        eta2 = p.eta2 > 0 ? p.eta2 : (chosen?.eta2 ?? .nan)
        try state.begin(problem: problem, x0: x0, settings: settings)
        mask = [Bool](repeating: false, count: problem.dimension)
        selector.reserve(problem.dimension)
        lastStepLength = .nan
    }

    @discardableResult
    public func step() -> Bool {
        if state.isStopped { return true }
        let x = state.x, g = state.g, n = state.dimension
        let k = state.iteration
        let kk = min(parameters.supportSize, n)
        let tau = radius
        var alpha = 0.0, stepSquared = 0.0
        var stopped = false
        mask.withUnsafeMutableBufferPointer { mask in
            // LMO (1.2): the K largest |g_i|, in index order for a deterministic norm.
            selector.select(largestMagnitudesOf: UnsafeBufferPointer(g), count: kk, mask: mask)
            var hatSquared = 0.0
            for i in 0..<n where mask[i] { hatSquared += g[i] * g[i] }
            let hatNorm = hatSquared.squareRoot()
            guard hatNorm > 0 else { stopped = true; return }
            let scale = -tau / hatNorm   // v_i = scale·g_i on the support, 0 elsewhere
            switch rule {
            case .linear:
                alpha = min(1, parameters.eta1 / Double(k + 1))
            case .gradientRescaled:
                var gap = 0.0
                for i in 0..<n {
                    let d = (mask[i] ? scale * g[i] : 0) - x[i]
                    gap += d * d
                }
                let distance = gap.squareRoot()
                alpha = distance > 0 ? min(1, eta2 * state.gradientNorm / distance) : 1
            }
            // Update (1.3).
            for i in 0..<n {
                let xi = x[i]
                let vi = mask[i] ? scale * g[i] : 0
                let xNew = xi + alpha * (vi - xi)
                x[i] = xNew
                let d = xNew - xi
                stepSquared += d * d
            }
        }
        if stopped {
            state.stop(.zeroOracleDirection)
            return true
        }
        lastStepLength = alpha
        return state.finishStep(StepSummary(iteration: k, stepNorm: stepSquared.squareRoot(),
                                            relevant: kk, stepLength: alpha))
    }
}

/// The k-support norm of Argyriou, Foygel and Srebro (2012), whose unit ball is the convex
/// hull of the K-sparse vectors of unit 2-norm:
///
///     ‖w‖_{(K)}^{sp} = ( Σ_{i=1}^{K−r−1} z_i² + (Σ_{i=K−r}^{n} z_i)² / (r+1) )^{1/2},
///
/// where z is |w| sorted decreasingly, z_0 = +∞, and r ∈ {0, …, K−1} is the unique integer
/// with z_{K−r−1} > (Σ_{i=K−r}^{n} z_i)/(r+1) ≥ z_{K−r}. K = 1 gives ‖w‖₁, K = n gives ‖w‖₂.
/// A K-sparse vector has k-support norm equal to its 2-norm (so the Frank-Wolfe vertex
/// −tau·ĝ/‖ĝ‖₂ has norm tau).
///
/// If rounding leaves no r satisfying both inequalities exactly, the r with the smallest
/// violation is used. For tests and measures (sorts: O(n log n), allocates).
public func kSupportNorm(_ w: [Double], k: Int) -> Double {
    precondition(k > 0, "the k-support norm needs k > 0")
    let n = w.count
    guard n > 0 else { return 0 }
    let kk = min(k, n)
    let z = w.map { Swift.abs($0) }.sorted(by: >)   // z[0] is z_1
    // tail[j] = Σ_{i ≥ j} z[i] (0-based).
    var tail = [Double](repeating: 0, count: n + 1)
    for j in stride(from: n - 1, through: 0, by: -1) { tail[j] = tail[j + 1] + z[j] }
    func zOneBased(_ i: Int) -> Double { i == 0 ? .infinity : z[i - 1] }
    var best = 0, bestViolation = Double.infinity
    for r in 0..<kk {
        let t = tail[kk - r - 1] / Double(r + 1)      // (Σ_{i=K−r}^{n} z_i)/(r+1)
        let upper = zOneBased(kk - r - 1), lower = zOneBased(kk - r)
        if upper > t && t >= lower { best = r; bestViolation = 0; break }
        let violation = max(0, t - upper) + max(0, lower - t)
        if violation < bestViolation { best = r; bestViolation = violation }
    }
    let r = best
    var head = 0.0
    for i in 0..<max(kk - r - 1, 0) { head += z[i] * z[i] }
    let t = tail[kk - r - 1]
    return (head + t * t / Double(r + 1)).squareRoot()
}
