import ProblemSuite

/// The outcome of one run of one solver on one problem.
public struct SolverResult: Sendable, Codable, Equatable {
    public var solver: String
    public var problem: String
    /// The final iterate x*.
    public var x: [Double]
    /// ‖∇f(x*)‖₂.
    public var gradientNorm: Double
    /// The number of iterations (steps) taken.
    public var iterations: Int
    public var stopReason: StopReason
    /// Gradient evaluations made by the solver (observer evaluations excluded).
    public var gradientEvaluations: Int
    /// Function evaluations made by the solver: always 0 for the suite's solvers.
    public var valueEvaluations: Int
    /// Wall time of `start` and the steps, observer calls excluded.
    public var seconds: Double
    /// The sparsity threshold tau_s used for ``sparsity``.
    public var sparsityThreshold: Double
    /// Percentage of components with |x*_i| < tau_s.
    public var sparsity: Double
}

/// Runs a solver to completion.
public enum SolverRun {
    /// Starts `solver` on `problem` at `x0` and steps until it stops (‖g‖ ≤ eps, k = kmax,
    /// or a solver-specific reason), passing a record to `observer` after the start and
    /// after every step.
    ///
    /// Evaluation counts and wall time cover the solver's own calls only: whatever the
    /// observer evaluates (f for traces) is excluded. An observer that wants values
    /// (``SolverObserver/wantsValues``) gets f(x_k) from the solver's own gradient pass
    /// where the problem computes it there: no second pass, counted as traced values
    /// (``EvaluationCounter/tracedValues``), not in ``SolverResult/valueEvaluations``.
    /// - Throws: the solver's start errors (bad x0, bad parameters), and the
    ///   ``FailableSolver/failure`` of a solver whose run failed.
    public static func run(_ solver: any Solver, on problem: any SmoothProblem, from x0: [Double],
                           observer: (any SolverObserver)? = nil) throws -> SolverResult {
        let counter = problem.evaluations
        var values = 0, gradients = 0
        var elapsed = Duration.zero
        let clock = ContinuousClock()
        func timed(_ body: () throws -> Void) rethrows {
            let v0 = counter.values, g0 = counter.gradients
            let t0 = clock.now
            try body()
            elapsed += clock.now - t0
            values += counter.values - v0
            gradients += counter.gradients - g0
        }
        solver.state.keepsValues = observer?.wantsValues ?? false
        defer { solver.state.keepsValues = false }
        let failable = solver as? any FailableSolver
        try timed { try solver.start(problem: problem, x0: x0) }
        if let failure = failable?.failure { throw failure }
        let state = solver.state
        if let observer { state.withRecord { observer.observe($0) } }
        while !state.isStopped {
            timed { solver.step() }
            if let failure = failable?.failure { throw failure }
            if let observer { state.withRecord { observer.observe($0) } }
        }
        let threshold = solver.settings.sparsityThreshold
        let (seconds, attos) = elapsed.components
        return SolverResult(
            solver: solver.name, problem: problem.name, x: state.currentIterate,
            gradientNorm: state.gradientNorm, iterations: state.iteration,
            stopReason: state.stopReason ?? .iterationLimit,
            gradientEvaluations: gradients, valueEvaluations: values,
            seconds: Double(seconds) + Double(attos) * 1e-18,
            sparsityThreshold: threshold,
            sparsity: sparsityPercentage(state.iterate, threshold: threshold))
    }

    /// Percentage (0–100) of entries with |x_i| < threshold (the paper's "components below tau_s").
    public static func sparsityPercentage(_ x: UnsafeBufferPointer<Double>, threshold: Double) -> Double {
        guard !x.isEmpty else { return 0 }
        var count = 0
        for v in x where Swift.abs(v) < threshold { count += 1 }
        return 100 * Double(count) / Double(x.count)
    }

    /// Percentage (0–100) of entries with |x_i| < threshold, for an array.
    public static func sparsityPercentage(_ x: [Double], threshold: Double) -> Double {
        x.withUnsafeBufferPointer { sparsityPercentage($0, threshold: threshold) }
    }
}
