/// A smooth problem written without pointers: the oracle on `Span` / `MutableSpan`.
///
/// ``SmoothProblem``'s `compute…` requirements take raw buffer pointers: that is the
/// fast path the built-in families implement. A family written outside the suite should
/// conform to this protocol instead: it implements the oracle on bounds-checked,
/// lifetime-checked views of the caller's buffers, and the three pointer-taking
/// requirements of ``SmoothProblem`` come from a default implementation in this library
/// that wraps the caller's buffers in spans (no copy, no allocation) and calls the
/// methods below. The unsafe code lives in the library; the conformer writes none.
///
/// Requirements (the same contract as ``SmoothProblem``'s):
/// - ``computeValue(_:)-(Span<Double>)`` returns f(x);
/// - ``computeValueAndGradient(_:into:)-(Span<Double>,_)`` returns f(x) and writes ∇f(x)
///   into `gradient` (every entry: its previous contents are unspecified);
/// - ``computeGradient(_:into:)-(Span<Double>,_)`` writes ∇f(x) into `gradient`; optional,
///   by default through the value-and-gradient method.
///
/// `x.count` and `gradient.count` are the problem's dimension (the counted entry points
/// check it). As for every ``SmoothProblem``, do not allocate per call: keep scratch
/// space in the instance. A span cannot escape the call, so nothing can keep the
/// caller's buffers either.
///
/// To evaluate another problem from inside the oracle (a problem built on a suite
/// problem, say), use the span forms ``SmoothProblem/uncountedValue(at:)`` and
/// ``SmoothProblem/uncountedValueAndGradient(at:into:)`` (uncounted, like `compute…`).
///
/// Example — f(x) = ½‖x − c‖²:
///
/// ```swift
/// final class ShiftedSphere: SafeSmoothProblem {
///     let metadata: ProblemMetadata
///     let evaluations = EvaluationCounter()
///     let center: [Double]
///     init(metadata: ProblemMetadata, center: [Double]) { self.metadata = metadata; self.center = center }
///
///     func computeValue(_ x: Span<Double>) -> Double {
///         var f = 0.0
///         for i in x.indices { let r = x[i] - center[i]; f += r * r }
///         return 0.5 * f
///     }
///
///     func computeValueAndGradient(_ x: Span<Double>, into gradient: inout MutableSpan<Double>) -> Double {
///         var f = 0.0
///         for i in x.indices { let r = x[i] - center[i]; gradient[i] = r; f += r * r }
///         return 0.5 * f
///     }
/// }
/// ```
///
/// Span and MutableSpan need a Swift 6.2 compiler; on Apple platforms they are
/// back-deployed (macOS 10.14.4 and later), so they are usable under this package's
/// `platforms: [.macOS(.v15)]`. (`Array.span` itself needs macOS 26: for a span over an
/// array of your own, use `array[...].span` or a `ContiguousArray`, or simply the counted
/// array entry points ``SmoothProblem/value(at:)-([Double])`` etc.)
public protocol SafeSmoothProblem: SmoothProblem {
    /// f(x). Not counted; callers use ``SmoothProblem/value(at:)-5z4ng``.
    func computeValue(_ x: Span<Double>) -> Double
    /// ∇f(x) written into `gradient`. Not counted. Default: through
    /// ``computeValueAndGradient(_:into:)-(Span<Double>,_)``.
    func computeGradient(_ x: Span<Double>, into gradient: inout MutableSpan<Double>)
    /// f(x) returned and ∇f(x) written into `gradient`, in one pass. Not counted.
    func computeValueAndGradient(_ x: Span<Double>, into gradient: inout MutableSpan<Double>) -> Double
}

extension SafeSmoothProblem {
    /// Default gradient: through the value-and-gradient method.
    public func computeGradient(_ x: Span<Double>, into gradient: inout MutableSpan<Double>) {
        _ = computeValueAndGradient(x, into: &gradient)
    }

    // The bridge from the pointer requirements of `SmoothProblem`: the caller's buffers,
    // seen as spans for the duration of the call.

    /// ``SmoothProblem``'s requirement, bridged to ``computeValue(_:)-(Span<Double>)``.
    public func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        computeValue(x.span)
    }

    /// ``SmoothProblem``'s requirement, bridged to ``computeGradient(_:into:)-(Span<Double>,_)``.
    public func computeGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) {
        var g = gradient.mutableSpan
        computeGradient(x.span, into: &g)
    }

    /// ``SmoothProblem``'s requirement, bridged to ``computeValueAndGradient(_:into:)-(Span<Double>,_)``.
    public func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        var g = gradient.mutableSpan
        return computeValueAndGradient(x.span, into: &g)
    }
}

// MARK: - Span entry points of every problem

extension SmoothProblem {
    /// f(x) for a span, counted.
    public func value(at x: Span<Double>) -> Double {
        x.withUnsafeBufferPointer { value(at: $0) }
    }

    /// ∇f(x) into `gradient`, counted.
    public func gradient(at x: Span<Double>, into gradient: inout MutableSpan<Double>) {
        x.withUnsafeBufferPointer { xp in
            gradient.withUnsafeMutableBufferPointer { self.gradient(at: xp, into: $0) }
        }
    }

    /// f(x) and ∇f(x) in one pass for spans, counted as one of each.
    public func valueAndGradient(at x: Span<Double>, into gradient: inout MutableSpan<Double>) -> Double {
        x.withUnsafeBufferPointer { xp in
            gradient.withUnsafeMutableBufferPointer { valueAndGradient(at: xp, into: $0) }
        }
    }

    /// f(x), not counted: for a problem that evaluates another one inside its own oracle
    /// (its `compute…` methods), where the outer call has been counted already.
    public func uncountedValue(at x: Span<Double>) -> Double {
        precondition(x.count == dimension, "\(name): x has \(x.count) entries, expected \(dimension)")
        return x.withUnsafeBufferPointer { computeValue($0) }
    }

    /// ∇f(x) into `gradient`, not counted (see ``uncountedValue(at:)``).
    public func uncountedGradient(at x: Span<Double>, into gradient: inout MutableSpan<Double>) {
        precondition(x.count == dimension && gradient.count == dimension,
                     "\(name): x has \(x.count) and gradient \(gradient.count) entries, expected \(dimension)")
        x.withUnsafeBufferPointer { xp in
            gradient.withUnsafeMutableBufferPointer { computeGradient(xp, into: $0) }
        }
    }

    /// f(x) and ∇f(x) in one pass, not counted (see ``uncountedValue(at:)``).
    public func uncountedValueAndGradient(at x: Span<Double>, into gradient: inout MutableSpan<Double>) -> Double {
        precondition(x.count == dimension && gradient.count == dimension,
                     "\(name): x has \(x.count) and gradient \(gradient.count) entries, expected \(dimension)")
        return x.withUnsafeBufferPointer { xp in
            gradient.withUnsafeMutableBufferPointer { computeValueAndGradient(xp, into: $0) }
        }
    }
}
