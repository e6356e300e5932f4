import ProblemSuite

/// An iterative first-order solver of the suite (`spec/algorithms.md`).
///
/// The life cycle is *configure* (the conformer's initialiser, from the problem's
/// ``SolverSettings`` and the solver's own parameters), *initialise*
/// (``start(problem:x0:)``), *step* (``step()``) until it reports that it stopped, and
/// *report state* (``state``: x_k, g_k, k, ‖g_k‖, the stop reason, the last step).
///
/// Rules every conformer follows:
/// - It reads only gradients, through the counted ``SmoothProblem/gradient(at:into:)``,
///   once per iteration (plus once in ``start(problem:x0:)``). It never evaluates f:
///   the harness does that for its measures, from the ``IterationRecord``s.
/// - It does no I/O and does not allocate per iteration: all buffers are sized in
///   ``start(problem:x0:)``.
/// - It is deterministic: the same problem, start and settings give bit-identical iterates
///   (every reduction is summed in index order; ties are broken by index).
/// - It stops when ‖g_k‖₂ ≤ eps, when k = kmax, when the gradient is not finite, or for a
///   reason of its own (Frank-Wolfe: the oracle direction vanishes); see ``StopReason``.
///
/// To add a solver: write one final class conforming to this protocol in its own file
/// (keep a ``SolverState`` and call ``SolverState/begin(problem:x0:settings:)``, update
/// x_k in place with ``SolverState/updateIterate(_:)`` — spans, no pointers — and call
/// ``SolverState/finishStep(_:)``), then add one line to ``SolverRegistry/standard`` (or,
/// from another package, an entry to a registry of your own: ``SolverRegistry/adding(_:)``).
public protocol Solver: AnyObject {
    /// The registry name (for example `prunadag-v3`).
    var name: String { get }
    /// The settings the solver was configured with (eps, kmax, nR, sigma, c, FW constants).
    var settings: SolverSettings { get }
    /// The current iterate, gradient, iteration count and stop status.
    var state: SolverState { get }
    /// Initialises the solver at `x0` on `problem`: copies `x0`, sizes every buffer, and
    /// computes g₀ (one gradient evaluation). Restarting a solver is allowed.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` when `x0` has the wrong length
    ///   or non-finite entries, or when a parameter is out of range.
    func start(problem: any SmoothProblem, x0: [Double]) throws
    /// Performs iteration k (x_k → x_{k+1}, then g_{k+1}) unless already stopped.
    /// - Returns: `true` when the solver has stopped (then further calls do nothing).
    @discardableResult
    func step() -> Bool
}

/// Why a solver stopped.
public enum StopReason: String, Codable, Sendable, CaseIterable {
    /// ‖g_k‖₂ ≤ eps.
    case gradientTolerance = "gradient-tolerance"
    /// k = kmax.
    case iterationLimit = "iteration-limit"
    /// Frank-Wolfe: the truncated gradient ĝ is zero, so the oracle has no direction.
    case zeroOracleDirection = "zero-oracle-direction"
    /// The gradient (or its norm) is infinite or NaN: the iteration diverged.
    case nonFinite = "non-finite"
}

/// What one iteration k did to go from x_k to x_{k+1}.
public struct StepSummary: Sendable, Equatable, Codable {
    /// The iteration index k of the step (it produced x_{k+1}).
    public var iteration: Int
    /// ‖x_{k+1} − x_k‖₂.
    public var stepNorm: Double
    /// |R_k| (prunAdag: the relevant set; Frank-Wolfe: the support size K of the oracle vertex).
    public var relevant: Int?
    /// |A_k|, the acceptable set (prunAdag only).
    public var acceptable: Int?
    /// |D_k|, the decreasable set (prunAdag only).
    public var decreasable: Int?
    /// The step length alpha_k (Frank-Wolfe only).
    public var stepLength: Double?

    public init(iteration: Int, stepNorm: Double, relevant: Int? = nil, acceptable: Int? = nil,
                decreasable: Int? = nil, stepLength: Double? = nil) {
        self.iteration = iteration
        self.stepNorm = stepNorm
        self.relevant = relevant
        self.acceptable = acceptable
        self.decreasable = decreasable
        self.stepLength = stepLength
    }
}

/// One observation of a run: the iterate x_k with its gradient, plus what the step into
/// it did. Records come for k = 0 (after ``Solver/start(problem:x0:)``) and after every step.
///
/// A solver that stops without taking a step (Frank-Wolfe when ĝ = 0) sends a last record
/// with the same k as the one before, now carrying the stop reason.
///
/// x_k and g_k are the solver's own storage, lent to the observer for the duration of
/// the call as read-only spans (``withIterate(_:)``, ``withGradient(_:)``): copy what you
/// keep (``iterateArray``, ``gradientArray``). No pointer crosses this boundary; the
/// harness's own observers read the same storage through package-internal accessors.
public struct IterationRecord {
    /// k, the index of the iterate x_k.
    public var iteration: Int
    /// ‖g_k‖₂.
    public var gradientNorm: Double
    /// x_k (borrowed; the package's fast paths only).
    package var iterateBuffer: UnsafeBufferPointer<Double>
    /// g_k = ∇f(x_k) (borrowed; the package's fast paths only).
    package var gradientBuffer: UnsafeBufferPointer<Double>
    /// Iteration k − 1, which produced x_k (step norm, |R|, |A|, |D|, alpha); `nil` for k = 0.
    public var previousStep: StepSummary?
    /// Set on the last record of a run.
    public var stopReason: StopReason?

    package init(iteration: Int, gradientNorm: Double, iterate: UnsafeBufferPointer<Double>,
                 gradient: UnsafeBufferPointer<Double>, previousStep: StepSummary?, stopReason: StopReason?) {
        self.iteration = iteration
        self.gradientNorm = gradientNorm
        self.iterateBuffer = iterate
        self.gradientBuffer = gradient
        self.previousStep = previousStep
        self.stopReason = stopReason
    }

    /// The dimension n of x_k and g_k.
    public var dimension: Int { iterateBuffer.count }

    /// Calls `body` with x_k, read-only; the span is valid during the call only.
    public func withIterate<R, E: Error>(_ body: (Span<Double>) throws(E) -> R) throws(E) -> R {
        try body(iterateBuffer.span)
    }

    /// Calls `body` with g_k = ∇f(x_k), read-only; the span is valid during the call only.
    public func withGradient<R, E: Error>(_ body: (Span<Double>) throws(E) -> R) throws(E) -> R {
        try body(gradientBuffer.span)
    }

    /// A copy of x_k.
    /// - Complexity: O(n), one allocation.
    public var iterateArray: [Double] { Array(iterateBuffer) }

    /// A copy of g_k.
    /// - Complexity: O(n), one allocation.
    public var gradientArray: [Double] { Array(gradientBuffer) }
}

/// Receives the records of a run (see ``SolverRun``). Observers may evaluate the problem
/// (f for traces); such evaluations are not counted as the solver's.
public protocol SolverObserver: AnyObject {
    func observe(_ record: IterationRecord)
}

/// The iteration state every solver keeps: x_k, g_k, k, ‖g_k‖, the stop test.
///
/// Buffers are allocated in ``begin(problem:x0:settings:)`` (reused when the dimension
/// does not change) and freed on deinit.
///
/// A solver reads and updates the state without pointers through the span accessors:
/// ``updateIterate(_:)`` (x_k writable, g_k readable: the step),
/// ``withIterate(_:)`` and ``withGradient(_:)``. For example, a gradient step:
///
/// ```swift
/// let moved = state.updateIterate { x, g in
///     var sum = 0.0
///     for i in x.indices { let d = alpha * g[i]; x[i] -= d; sum += d * d }
///     return sum.squareRoot()
/// }
/// return state.finishStep(StepSummary(iteration: state.iteration, stepNorm: moved))
/// ```
///
/// The pointer members ``x``, ``g``, ``iterate`` and ``gradient`` are the built-in
/// solvers' internal fast path (and the observers' ``IterationRecord``): they stay, but a
/// solver written outside the suite needs none of them.
public final class SolverState {
    /// The problem being solved (set by ``begin(problem:x0:settings:)``).
    public private(set) var problem: (any SmoothProblem)?
    /// k: the index of the current iterate.
    public private(set) var iteration = 0
    /// ‖g_k‖₂.
    public private(set) var gradientNorm = Double.nan
    /// Why the run stopped, or `nil` while it is running.
    public private(set) var stopReason: StopReason?
    /// The last step taken (iteration k − 1), or `nil` before the first.
    public private(set) var lastStep: StepSummary?
    /// Stop when ‖g_k‖₂ ≤ this.
    public private(set) var gradientTolerance = 0.0
    /// Stop when k reaches this.
    public private(set) var maxIterations = 0

    /// x_k, owned; solvers update it in place. The built-in solvers' fast path: a solver
    /// of your own uses ``updateIterate(_:)`` instead.
    public private(set) var x = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)
    /// g_k, owned. The built-in solvers' fast path: see ``withGradient(_:)``.
    public private(set) var g = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)

    /// Whether a span accessor is running: the buffers must not be reallocated (nor g
    /// rewritten) meanwhile, so ``begin(problem:x0:settings:)`` and ``finishStep(_:)``
    /// refuse to run inside one.
    private var spanAccessDepth = 0

    public init() {}

    deinit {
        x.deallocate()
        g.deallocate()
    }

    /// n, the problem's dimension (0 before the first start).
    public var dimension: Int { x.count }
    /// Whether the run has stopped.
    public var isStopped: Bool { stopReason != nil }
    /// x_k, read-only (the internal fast path; see ``withIterate(_:)``).
    public var iterate: UnsafeBufferPointer<Double> { UnsafeBufferPointer(x) }
    /// g_k, read-only (the internal fast path; see ``withGradient(_:)``).
    public var gradient: UnsafeBufferPointer<Double> { UnsafeBufferPointer(g) }
    /// A copy of x_k.
    public var currentIterate: [Double] { Array(iterate) }
    /// A copy of g_k.
    public var currentGradient: [Double] { Array(gradient) }

    // MARK: Safe access (spans)

    /// The step: calls `body` with x_k, writable in place (it becomes x_{k+1}; then call
    /// ``finishStep(_:)``), and g_k, read-only. Returns what `body` returns.
    ///
    /// The spans are valid during the call only. Inside `body`, do not call
    /// ``begin(problem:x0:settings:)`` or ``finishStep(_:)`` (a precondition failure).
    public func updateIterate<R, E: Error>(_ body: (inout MutableSpan<Double>, Span<Double>) throws(E) -> R) throws(E) -> R {
        let x = self.x, g = UnsafeBufferPointer(self.g)
        spanAccessDepth += 1
        defer { spanAccessDepth -= 1 }
        var xs = x.mutableSpan
        return try body(&xs, g.span)
    }

    /// Calls `body` with x_k, read-only, valid during the call.
    public func withIterate<R, E: Error>(_ body: (Span<Double>) throws(E) -> R) throws(E) -> R {
        let x = iterate
        spanAccessDepth += 1
        defer { spanAccessDepth -= 1 }
        return try body(x.span)
    }

    /// Calls `body` with g_k = ∇f(x_k), read-only, valid during the call.
    public func withGradient<R, E: Error>(_ body: (Span<Double>) throws(E) -> R) throws(E) -> R {
        let g = gradient
        spanAccessDepth += 1
        defer { spanAccessDepth -= 1 }
        return try body(g.span)
    }

    /// The record describing the current state, passed to `body`.
    public func withRecord<R>(_ body: (IterationRecord) throws -> R) rethrows -> R {
        try body(IterationRecord(iteration: iteration, gradientNorm: gradientNorm, iterate: iterate,
                                 gradient: gradient, previousStep: lastStep, stopReason: stopReason))
    }

    /// Starts a run: validates and copies `x0`, computes g₀, applies the stop test at k = 0.
    /// - Throws: ``ProblemSuiteError/invalidRequest(_:)`` for a start of the wrong length
    ///   or with non-finite entries, or negative eps/kmax.
    public func begin(problem: any SmoothProblem, x0: [Double], settings: SolverSettings) throws {
        precondition(spanAccessDepth == 0, "SolverState.begin inside a span accessor")
        let n = problem.dimension
        guard x0.count == n else {
            throw ProblemSuiteError.invalidRequest("\(problem.name): the starting point has \(x0.count) entries, the problem has n = \(n)")
        }
        if let bad = x0.firstIndex(where: { !$0.isFinite }) {
            throw ProblemSuiteError.invalidRequest("\(problem.name): starting point entry \(bad) is \(x0[bad]), not finite")
        }
        guard settings.gradientTolerance >= 0, !settings.gradientTolerance.isNaN else {
            throw ProblemSuiteError.invalidRequest("eps = \(settings.gradientTolerance): must be non-negative")
        }
        guard settings.maxIterations >= 0 else {
            throw ProblemSuiteError.invalidRequest("kmax = \(settings.maxIterations): must be non-negative")
        }
        if x.count != n {
            x.deallocate(); g.deallocate()
            x = .allocate(capacity: n)
            g = .allocate(capacity: n)
        }
        _ = x.initialize(fromContentsOf: x0)
        g.initialize(repeating: 0)
        self.problem = problem
        gradientTolerance = settings.gradientTolerance
        maxIterations = settings.maxIterations
        iteration = 0
        lastStep = nil
        stopReason = nil
        problem.gradient(at: UnsafeBufferPointer(x), into: g)
        gradientNorm = DenseKernels.norm(UnsafeBufferPointer(g))
        applyStopTest()
    }

    /// Completes iteration k after the solver has overwritten ``x`` with x_{k+1}:
    /// computes g_{k+1}, advances k, records `step`, applies the stop test.
    /// - Returns: whether the run has stopped.
    @discardableResult
    public func finishStep(_ step: StepSummary) -> Bool {
        guard let problem else { preconditionFailure("finishStep before begin") }
        precondition(spanAccessDepth == 0, "SolverState.finishStep inside a span accessor")
        problem.gradient(at: UnsafeBufferPointer(x), into: g)
        gradientNorm = DenseKernels.norm(UnsafeBufferPointer(g))
        iteration += 1
        lastStep = step
        applyStopTest()
        return isStopped
    }

    /// Stops the run for a solver-specific reason, without taking a step.
    public func stop(_ reason: StopReason) {
        stopReason = reason
    }

    /// Order of the tests: non-finite, then ‖g‖ ≤ eps, then k = kmax.
    func applyStopTest() {
        if !gradientNorm.isFinite {
            stopReason = .nonFinite
        } else if gradientNorm <= gradientTolerance {
            stopReason = .gradientTolerance
        } else if iteration >= maxIterations {
            stopReason = .iterationLimit
        }
    }
}
