import ProblemSuite
import Solvers

/// A problem that knows a bound L on the Lipschitz constant of its gradient.
public protocol LipschitzBounded: AnyObject {
    var lipschitzBound: Double { get }
}

/// Plain gradient descent, x_{k+1} = x_k − α·∇f(x_k), a solver written outside the suite.
///
/// The step α: the one given at configuration if any (the `gd_step` parameter in a
/// problem file's `[settings]`, which this solver owns; 0, its default, means automatic),
/// else 1/L for a problem that knows
/// a bound L (``LipschitzBounded``), else 1/L̂ with L̂ = ‖∇f(x₀ + d) − ∇f(x₀)‖ for a unit
/// direction d after 10 power iterations (10 extra counted gradients at the start; exact
/// for quadratics up to the power method's convergence).
public final class GradientDescent: Solver {
    public let name: String
    public let settings: SolverSettings
    public let state = SolverState()
    /// The fixed step, if one was given.
    public let fixedStep: Double?
    /// The step of the current run.
    public private(set) var stepLength = 0.0

    /// The parameters this solver owns: declared here, listed by `ridge-suite list
    /// --solvers`, checked where a problem or experiment file writes them.
    public static let declarations = [
        SolverParameter("gd_step", default: 0, domain: .nonNegative,
                        summary: "fixed step length; 0 (the default) chooses 1/L"),
    ]

    public init(name: String = "gd", settings: SolverSettings, step: Double? = nil) {
        self.name = name
        self.settings = settings
        self.fixedStep = step
    }

    /// A solver configured from a problem's settings: `gd_step` from them.
    /// - Throws: when `gd_step` is not a non-negative number.
    public convenience init(settings: SolverSettings) throws {
        let step = try settings.resolving(Self.declarations).double("gd_step")
        self.init(settings: settings, step: step > 0 ? step : nil)
    }

    public func start(problem: any SmoothProblem, x0: [Double]) throws {
        if let fixedStep {
            guard fixedStep > 0, fixedStep.isFinite else { throw ProblemSuiteError.invalidRequest("\(name): step \(fixedStep) must be positive and finite") }
            stepLength = fixedStep
        } else if let bounded = problem as? any LipschitzBounded {
            stepLength = 1 / bounded.lipschitzBound
        } else {
            stepLength = 1 / Self.estimateLipschitz(problem, at: x0)
        }
        try state.begin(problem: problem, x0: x0, settings: settings)
    }

    @discardableResult
    public func step() -> Bool {
        guard !state.isStopped else { return true }
        let alpha = stepLength
        // x_k → x_{k+1} in place, reading g_k; returns ‖x_{k+1} − x_k‖².
        let moved = state.updateIterate { x, g in
            var moved = 0.0
            for i in x.indices {
                let d = alpha * g[i]
                x[i] -= d
                moved += d * d
            }
            return moved
        }
        return state.finishStep(StepSummary(iteration: state.iteration, stepNorm: moved.squareRoot(), stepLength: alpha))
    }

    static func estimateLipschitz(_ problem: any SmoothProblem, at x0: [Double]) -> Double {
        let g0 = problem.gradient(at: x0)
        var rng = SuiteRandom(seed: problem.metadata.seed, stream: "gd-lipschitz")
        var d = rng.normals(problem.dimension)
        var estimate = 1.0
        for _ in 0..<10 {
            let norm = euclideanNorm(d)
            guard norm > 0, norm.isFinite else { break }
            let g = problem.gradient(at: zip(x0, d).map { $0 + $1 / norm })
            d = zip(g, g0).map { $0 - $1 }
            estimate = euclideanNorm(d)
        }
        return estimate > 0 && estimate.isFinite ? estimate : 1
    }
}

/// The example's registry additions.
public enum RidgeSolvers {
    /// `gd`: gradient descent with step 1/L (see ``GradientDescent``).
    public static let gradientDescent = SolverRegistry.Entry(name: "gd", summary: "gradient descent, step 1/L (example solver)",
                                                             parameters: GradientDescent.declarations) {
        try GradientDescent(settings: $0)
    }
}
