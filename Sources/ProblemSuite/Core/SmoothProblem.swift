import Synchronization

/// A smooth unconstrained test problem: minimise f(x) over Rⁿ.
///
/// This is the one oracle interface of the suite (in the spirit of CUTEst/S2MPJ):
/// every family — random least squares, SPARCO, sparse coding, classification —
/// conforms, and every solver and measure is written once against it.
///
/// Conformers implement the three `compute…` requirements on caller-owned buffers and
/// must not allocate per call (keep scratch space in the instance). The requirements take
/// raw buffer pointers: that is the built-in families' fast path. A family written
/// outside the suite conforms to ``SafeSmoothProblem`` instead, whose requirements take
/// `Span<Double>` / `inout MutableSpan<Double>` and which provides the pointer
/// requirements itself (no pointer in the conformer's code). Callers use the
/// counted entry points ``value(at:)-5z4ng``, ``gradient(at:into:)`` and
/// ``valueAndGradient(at:into:)``, which record the call in ``evaluations``.
///
/// Instances are reference types with internal scratch space: one instance must not be
/// evaluated from two threads at once. Load one instance per thread instead.
public protocol SmoothProblem: AnyObject {
    /// Structured description: name, family, sizes, parameters, classification.
    var metadata: ProblemMetadata { get }
    /// Evaluation counts, reset with ``EvaluationCounter/reset()``.
    var evaluations: EvaluationCounter { get }
    /// A known minimiser (for instance the planted sparse solution), when there is one.
    var knownSolution: [Double]? { get }

    /// f(x). Not counted; call ``value(at:)-5z4ng``.
    func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double
    /// ∇f(x) written into `gradient`. Not counted; call ``gradient(at:into:)``.
    func computeGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>)
    /// f(x) returned and ∇f(x) written into `gradient`, in one pass.
    func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) -> Double
    /// Whether ``computeGradient(_:into:)`` is ``computeValueAndGradient(_:into:)`` with the
    /// value dropped: the same pass, the same bits of ∇f, and f(x) for free. Then a solver's
    /// gradient can also give an observer f(x_k) (``gradientTracingValue(at:into:)``),
    /// with no second pass over the data. Default `false` (a conformer that computes its
    /// gradient by another route keeps it); the built-in problems say `true`.
    var gradientPassComputesValue: Bool { get }
}

extension SmoothProblem {
    /// The number of unknowns n.
    @inlinable public var dimension: Int { metadata.dimension }
    /// The problem's name in the catalogue.
    @inlinable public var name: String { metadata.name }
    public var knownSolution: [Double]? { nil }
    public var gradientPassComputesValue: Bool { false }

    /// Default gradient: through ``computeValueAndGradient(_:into:)``.
    public func computeGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) {
        _ = computeValueAndGradient(x, into: gradient)
    }

    /// f(x), counted.
    @inlinable
    public func value(at x: UnsafeBufferPointer<Double>) -> Double {
        precondition(x.count == dimension, "\(name): x has \(x.count) entries, expected \(dimension)")
        evaluations.countValue()
        return computeValue(x)
    }

    /// ∇f(x) into `gradient`, counted.
    @inlinable
    public func gradient(at x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == dimension && gradient.count == dimension,
                     "\(name): x has \(x.count) and gradient \(gradient.count) entries, expected \(dimension)")
        evaluations.countGradient()
        computeGradient(x, into: gradient)
    }

    /// ∇f(x) into `gradient`, counted as one gradient, and f(x) from the same pass returned,
    /// counted apart (``EvaluationCounter/tracedValues``), not as a function value: what a
    /// solver's observer (a trace) is given, so that the solver stays objective-function
    /// free. The gradient's bits are those of ``gradient(at:into:)``.
    /// - Precondition: ``gradientPassComputesValue``.
    @inlinable
    public func gradientTracingValue(at x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(gradientPassComputesValue, "\(name): the gradient pass does not compute f")
        precondition(x.count == dimension && gradient.count == dimension,
                     "\(name): x has \(x.count) and gradient \(gradient.count) entries, expected \(dimension)")
        evaluations.countGradient()
        evaluations.countTracedValue()
        return computeValueAndGradient(x, into: gradient)
    }

    /// f(x) and ∇f(x) in one pass, counted as one of each.
    @inlinable
    public func valueAndGradient(at x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(x.count == dimension && gradient.count == dimension,
                     "\(name): x has \(x.count) and gradient \(gradient.count) entries, expected \(dimension)")
        evaluations.countValue()
        evaluations.countGradient()
        return computeValueAndGradient(x, into: gradient)
    }

    /// f(x) for an array, counted.
    public func value(at x: [Double]) -> Double {
        x.withUnsafeBufferPointer { value(at: $0) }
    }

    /// ∇f(x) as a new array, counted.
    public func gradient(at x: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xp in g.withUnsafeMutableBufferPointer { gradient(at: xp, into: $0) } }
        return g
    }

    /// f(x) and ∇f(x) for arrays; `gradient` is resized to n if needed.
    public func valueAndGradient(at x: [Double], into gradient: inout [Double]) -> Double {
        if gradient.count != dimension { gradient = [Double](repeating: 0, count: dimension) }
        return x.withUnsafeBufferPointer { xp in
            gradient.withUnsafeMutableBufferPointer { valueAndGradient(at: xp, into: $0) }
        }
    }

    /// The starting point of run `run` under the suite's protocol (see ``StartingPoint``),
    /// with the problem's own nR and seed.
    public func startingPoint(run: Int) -> [Double] {
        StartingPoint.random(dimension: dimension,
                             nonzeros: metadata.settings.relevantCount,
                             seed: metadata.seed,
                             run: run)
    }
}

/// Counts of oracle calls, as CUTEst and S2MPJ report them.
///
/// The counts are atomic (relaxed: they order nothing else), so a counter can be read
/// from another thread — a progress display, say — while its problem is evaluated. One
/// relaxed increment per evaluation is negligible beside the evaluation itself.
public final class EvaluationCounter: Sendable {
    private let valueCount = Atomic<Int>(0)
    private let gradientCount = Atomic<Int>(0)
    private let tracedCount = Atomic<Int>(0)

    public init() {}

    /// Number of function values computed (a value-and-gradient call counts one).
    public var values: Int {
        get { valueCount.load(ordering: .relaxed) }
        set { valueCount.store(newValue, ordering: .relaxed) }
    }
    /// Number of gradients computed (a value-and-gradient call counts one).
    public var gradients: Int {
        get { gradientCount.load(ordering: .relaxed) }
        set { gradientCount.store(newValue, ordering: .relaxed) }
    }

    /// Number of f values that came out of a gradient's pass for an observer (a trace),
    /// ``SmoothProblem/gradientTracingValue(at:into:)``: not counted in ``values``.
    public var tracedValues: Int {
        get { tracedCount.load(ordering: .relaxed) }
        set { tracedCount.store(newValue, ordering: .relaxed) }
    }

    /// Counts one function value.
    @inlinable public func countValue() { addValues(1) }
    /// Counts one gradient.
    @inlinable public func countGradient() { addGradients(1) }

    @usableFromInline func addValues(_ n: Int) { valueCount.add(n, ordering: .relaxed) }
    @usableFromInline func addGradients(_ n: Int) { gradientCount.add(n, ordering: .relaxed) }
    /// Counts one traced value.
    @inlinable public func countTracedValue() { addTracedValues(1) }
    @usableFromInline func addTracedValues(_ n: Int) { tracedCount.add(n, ordering: .relaxed) }

    /// Sets every count to zero.
    public func reset() { values = 0; gradients = 0; tracedValues = 0 }
}
