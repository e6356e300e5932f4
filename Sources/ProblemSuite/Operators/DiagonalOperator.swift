/// A diagonal n×n operator: (D·x)_i = d_i·x_i. Self-adjoint. With `d = 1` it is the
/// identity (Sparco's Dirac basis).
public final class DiagonalOperator: LinearOperator {
    public let diagonal: [Double]
    public var rowCount: Int { diagonal.count }
    public var columnCount: Int { diagonal.count }
    public var operatorDescription: String { "Diagonal(\(diagonal.count))" }

    public init(_ diagonal: [Double]) { self.diagonal = diagonal }

    /// The identity on Rⁿ.
    public static func identity(_ n: Int) -> DiagonalOperator {
        DiagonalOperator([Double](repeating: 1, count: n))
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == diagonal.count && y.count == diagonal.count)
        for i in 0..<diagonal.count { y[i] = diagonal[i] * x[i] }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        apply(y, into: x)
    }
}
