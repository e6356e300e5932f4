import ProblemSuite

/// The per-instance rule that chooses Frank-Wolfe's radius tau and FW2's step constant
/// eta2 from the problem itself **[reconstruction]** (the paper tuned them by trial and
/// error and its values were lost; hand-tuned values let FW2 diverge on A4 with eta2 = 0.1).
/// It is what ``FrankWolfe`` uses when `fw_radius = 0` or `fw_eta2 = 0` (the defaults):
///
/// 1. **Lipschitz estimate L̂.** ``powerIterations`` (30) steps of the power method on the
///    secant map z ↦ ∇f(z) − ∇f(0), from a fixed pseudo-random unit vector
///    (`SuiteRandom(seed: 0, stream: "fw-rule")`), normalising z each time; L̂ is the
///    largest ‖∇f(z) − ∇f(0)‖ seen for a unit z. For a least-squares problem the map is
///    AᵀA z, so L̂ tends to ‖AᵀA‖₂ from below; for the logistic loss it is a secant
///    curvature at unit distance from 0.
/// 2. **Reference point.** ``referenceSteps`` (100) gradient steps x ← x − ∇f(x)/L̂ from 0:
///    a cheap approximation of a minimiser (for under-determined least squares it tends to
///    the minimum-norm solution, whose k-support norm bounds a sparse solution's in the
///    suite's ensembles).
/// 3. **Radius** tau = max(‖x_ref‖_{(K)}^{sp}, ‖x0‖_{(K)}^{sp}, 1): the ball holds the
///    reference point and the start (so the iterates stay feasible).
/// 4. **FW2's step constant** eta2 = 1/L̂: with alpha_k = eta2·‖g_k‖/‖v_k − x_k‖ the step
///    x_{k+1} − x_k then has the length ‖g_k‖/L̂ of a gradient step of length 1/L̂ (or
///    less, when alpha_k is clipped to 1), the largest step the quadratic upper bound of an
///    L-smooth f allows without growing.
///
/// The rule reads gradients only (like every solver), is deterministic (no thread count
/// enters it) and costs 1 + ``powerIterations`` + ``referenceSteps`` gradients, counted in
/// the problem's evaluations; it runs at ``FrankWolfe/start(problem:x0:)``.
///
/// - Complexity: 131 gradients and O(n log n) (the k-support norms); allocates O(n).
public struct FrankWolfeRule: Sendable, Equatable {
    /// Power-method steps of the Lipschitz estimate (30).
    public static let powerIterations = 30
    /// Gradient steps towards the reference point (100).
    public static let referenceSteps = 100
    /// The gradients one application of the rule costs (131).
    public static var gradientCost: Int { 1 + powerIterations + referenceSteps }

    /// L̂, the estimate of the gradient's Lipschitz constant.
    public var lipschitz: Double
    /// ‖x_ref‖_{(K)}^{sp}, the reference point's k-support norm.
    public var referenceNorm: Double
    /// The radius tau the rule chooses.
    public var radius: Double
    /// The FW2 step constant eta2 = 1/L̂.
    public var eta2: Double

    /// Applies the rule to `problem`, K = `supportSize`, start `x0`.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` naming the problem when a gradient
    ///   is not finite or the estimate is not positive (a constant or broken f).
    public static func choose(problem: any SmoothProblem, supportSize: Int, x0: [Double]) throws -> FrankWolfeRule {
        let n = problem.dimension
        guard n > 0, supportSize > 0 else {
            throw ProblemSuiteError.invalidRequest("\(problem.name): the Frank-Wolfe rule needs n > 0 and K > 0 (n = \(n), K = \(supportSize))")
        }
        func finite(_ v: [Double], _ what: String) throws {
            if let i = v.firstIndex(where: { !$0.isFinite }) {
                throw ProblemSuiteError.invalidRequest("\(problem.name): Frank-Wolfe rule: \(what) has entry \(i) = \(v[i]), not finite")
            }
        }
        let zero = [Double](repeating: 0, count: n)
        let g0 = problem.gradient(at: zero)
        try finite(g0, "∇f(0)")
        var random = SuiteRandom(seed: 0, stream: "fw-rule")
        var z = (0..<n).map { _ in 2 * random.nextUniform() - 1 }
        var lipschitz = 0.0
        for _ in 0..<powerIterations {
            let norm = DenseKernels.norm(z)
            guard norm > 0, norm.isFinite else { break }
            for i in 0..<n { z[i] /= norm }
            let gz = problem.gradient(at: z)
            try finite(gz, "the gradient in the Lipschitz estimate")
            for i in 0..<n { z[i] = gz[i] - g0[i] }
            lipschitz = max(lipschitz, DenseKernels.norm(z))
        }
        guard lipschitz > 0, lipschitz.isFinite else {
            throw ProblemSuiteError.invalidRequest("\(problem.name): Frank-Wolfe rule: the Lipschitz estimate is \(lipschitz); set fw_radius and fw_eta2 by hand")
        }
        var x = zero, g = g0
        for _ in 0..<referenceSteps {
            for i in 0..<n { x[i] -= g[i] / lipschitz }
            g = problem.gradient(at: x)
            try finite(g, "the gradient along the reference steps")
        }
        let referenceNorm = kSupportNorm(x, k: supportSize)
        let startNorm = kSupportNorm(x0, k: supportSize)
        let radius = max(referenceNorm, startNorm, 1)
        return FrankWolfeRule(lipschitz: lipschitz, referenceNorm: referenceNorm, radius: radius, eta2: 1 / lipschitz)
    }
}
