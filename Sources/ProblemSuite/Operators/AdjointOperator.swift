/// The adjoint Aᵀ of an operator, without copying it: apply and adjoint swap roles.
/// Sparco writes `D'` for the inverse DCT used as a synthesis basis; this is that.
public final class AdjointOperator: LinearOperator {
    public let base: any LinearOperator
    public var rowCount: Int { base.columnCount }
    public var columnCount: Int { base.rowCount }
    public var operatorDescription: String { "\(base.operatorDescription)ᵀ" }

    public init(of base: any LinearOperator) { self.base = base }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        base.applyAdjoint(x, into: y)
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        base.apply(y, into: x)
    }
}
