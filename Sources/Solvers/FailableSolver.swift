/// A solver whose steps can fail for reasons outside the iteration (an external solver
/// process that crashed, hung or broke the protocol). ``SolverRun/run(_:on:from:observer:)``
/// throws ``failure`` once it is set, instead of returning a result: a failed run is an
/// error, never a result that looks like a divergence.
public protocol FailableSolver: Solver {
    /// Why the run failed; `nil` while it has not. Set before the solver reports stopped.
    var failure: (any Error)? { get }
}
