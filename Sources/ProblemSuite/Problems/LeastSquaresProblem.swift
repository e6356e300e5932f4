/// f(x) = ½‖A·x − b‖², ∇f(x) = Aᵀ(A·x − b), for any ``LinearOperator`` A.
///
/// A dense A gets the fused one-pass kernel of ``DenseOperator``; any other operator
/// is applied once forward and once adjoint per value-and-gradient.
public final class LeastSquaresProblem: SmoothProblem {
    public let metadata: ProblemMetadata
    public let evaluations = EvaluationCounter()
    /// The gradient is the value-and-gradient pass (no `computeGradient` of its own).
    public var gradientPassComputesValue: Bool { true }
    public let knownSolution: [Double]?
    /// The operator A.
    public let operator_: any LinearOperator
    /// The right-hand side b.
    public let rhs: [Double]
    @usableFromInline var residual: [Double]
    @usableFromInline let dense: DenseOperator?

    /// - Precondition: `b.count == A.rowCount` and `metadata.dimension == A.columnCount`.
    public init(operator a: any LinearOperator, rhs b: [Double], metadata: ProblemMetadata, knownSolution: [Double]? = nil) {
        precondition(b.count == a.rowCount, "b has \(b.count) entries, A has \(a.rowCount) rows")
        precondition(metadata.dimension == a.columnCount, "metadata says n = \(metadata.dimension), A has \(a.columnCount) columns")
        operator_ = a
        rhs = b
        self.metadata = metadata
        self.knownSolution = knownSolution
        residual = [Double](repeating: 0, count: a.rowCount)
        dense = a as? DenseOperator
    }

    @inlinable
    func formResidual(_ x: UnsafeBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>) {
        operator_.apply(x, into: r)
        rhs.withUnsafeBufferPointer { b in
            for i in 0..<r.count { r[i] -= b[i] }
        }
    }

    public func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        if let dense {
            // Same grouping as the fused f+∇f: f alone and f from f+∇f are the same bits.
            return rhs.withUnsafeBufferPointer { dense.leastSquaresValue(x, $0) }
        }
        return residual.withUnsafeMutableBufferPointer { r in
            formResidual(x, r)
            return 0.5 * DenseKernels.dot(r.baseAddress!, r.baseAddress!, r.count)
        }
    }

    public func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        if let dense {
            return rhs.withUnsafeBufferPointer { dense.leastSquaresValueAndGradient(x, $0, into: gradient) }
        }
        return residual.withUnsafeMutableBufferPointer { r in
            formResidual(x, r)
            operator_.applyAdjoint(UnsafeBufferPointer(r), into: gradient)
            return 0.5 * DenseKernels.dot(r.baseAddress!, r.baseAddress!, r.count)
        }
    }
}
