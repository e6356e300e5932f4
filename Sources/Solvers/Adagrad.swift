import ProblemSuite

/// Adagrad in the objective-function-free (OFFO) form of Gratton, Jerad and Toint
/// (`spec/algorithms.md`, "Adagrad"):
///
///     v_{-1} = sigma (every component)
///     w_{i,k} = sqrt(v_{i,k-1} + g_{i,k}²)
///     x_{i,k+1} = x_{i,k} − eta · g_{i,k} / w_{i,k}
///     v_{i,k} = v_{i,k-1} + g_{i,k}²
///
/// There is no learning rate in the spec's form: the step is scale-free; the optional
/// scale `eta` defaults to 1 (and with eta = 1 the update is bit-identical to prunAdag's
/// optimisable step, so prunAdag with nR = n reproduces Adagrad exactly).
///
/// **[reconstruction]**: the default sigma = 1e-2 is the spec's reconstruction (the paper's
/// value was lost in extraction); it comes from the family's `[settings] sigma`.
///
/// - Complexity: one gradient and O(n) work per iteration; no allocation after start.
public final class Adagrad: Solver {
    /// Adagrad's constants.
    public struct Parameters: Sendable, Equatable {
        /// Initial accumulator value sigma > 0 (default from settings: 1e-2) **[reconstruction]**.
        public var sigma: Double
        /// Step scale eta > 0 (default 1: the spec's scale-free form).
        public var scale: Double = 1

        public init(sigma: Double = 1e-2, scale: Double = 1) {
            self.sigma = sigma
            self.scale = scale
        }

        /// sigma from the settings, eta = 1.
        public init(settings: SolverSettings) {
            self.init(sigma: settings.sigma)
        }
    }

    public let name = "adagrad"
    public let settings: SolverSettings
    public let parameters: Parameters
    public let state = SolverState()
    /// The accumulators v_{i,k}.
    public private(set) var accumulator: [Double] = []

    public init(settings: SolverSettings, parameters: Parameters? = nil) {
        self.settings = settings
        self.parameters = parameters ?? Parameters(settings: settings)
    }

    public func start(problem: any SmoothProblem, x0: [Double]) throws {
        guard parameters.sigma > 0, parameters.sigma.isFinite else {
            throw ProblemSuiteError.invalidRequest("adagrad: sigma = \(parameters.sigma) must be positive and finite")
        }
        guard parameters.scale > 0, parameters.scale.isFinite else {
            throw ProblemSuiteError.invalidRequest("adagrad: scale eta = \(parameters.scale) must be positive and finite")
        }
        try state.begin(problem: problem, x0: x0, settings: settings)
        accumulator = [Double](repeating: parameters.sigma, count: problem.dimension)
    }

    @discardableResult
    public func step() -> Bool {
        if state.isStopped { return true }
        let x = state.x, g = state.g, n = state.dimension
        let eta = parameters.scale
        var stepSquared = 0.0
        accumulator.withUnsafeMutableBufferPointer { v in
            for i in 0..<n {
                let gi = g[i]
                let vi = v[i] + gi * gi
                let s = eta * gi / vi.squareRoot()
                let xi = x[i]
                x[i] = xi - s
                v[i] = vi
                let d = x[i] - xi
                stepSquared += d * d
            }
        }
        return state.finishStep(StepSummary(iteration: state.iteration, stepNorm: stepSquared.squareRoot()))
    }
}
