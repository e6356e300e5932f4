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
/// value was lost in extraction); it comes from the family's `[settings] sigma`, a parameter Adagrad declares
/// (``Parameters/declarations``).
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

        /// Adagrad's keys in `[settings]`: `sigma` (default 1e-2, the spec's
        /// reconstruction; the paper's value was lost). The scale eta is not a file key: the
        /// spec's form is scale-free (eta = 1); set it through ``init(sigma:scale:)``.
        public static let declarations: [SolverParameter] = [
            SolverParameter("sigma", default: 1e-2, summary: "initial accumulator value [reconstruction]"),
        ]

        /// sigma from the settings (or its default), eta = 1.
        /// - Throws: when the settings' `sigma` is outside its domain (naming where it was written).
        public init(settings: SolverSettings) throws {
            let v = try settings.resolving(Parameters.declarations)
            self.init(sigma: v.double("sigma"))
        }
    }

    public let name = "adagrad"
    public let settings: SolverSettings
    public let parameters: Parameters
    public let state = SolverState()
    /// The accumulators v_{i,k}.
    public private(set) var accumulator: [Double] = []

    /// A solver with explicit constants.
    public init(settings: SolverSettings, parameters: Parameters) {
        self.settings = settings
        self.parameters = parameters
    }

    /// A solver whose constants come from the settings' parameters (``Parameters/declarations``).
    /// - Throws: as ``Parameters/init(settings:)``.
    public convenience init(settings: SolverSettings) throws {
        self.init(settings: settings, parameters: try Parameters(settings: settings))
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
