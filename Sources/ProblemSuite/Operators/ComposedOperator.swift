/// The product A·B of two operators (B applied first), with one scratch vector.
public final class ComposedOperator: LinearOperator {
    public let outer: any LinearOperator
    public let inner: any LinearOperator
    @usableFromInline var scratch: [Double]
    public var rowCount: Int { outer.rowCount }
    public var columnCount: Int { inner.columnCount }
    public var operatorDescription: String { "\(outer.operatorDescription)·\(inner.operatorDescription)" }

    /// `outer`·`inner`.
    /// - Precondition: `outer.columnCount == inner.rowCount`.
    public init(_ outer: any LinearOperator, _ inner: any LinearOperator) {
        precondition(outer.columnCount == inner.rowCount,
                     "cannot compose \(outer.operatorDescription) with \(inner.operatorDescription)")
        self.outer = outer
        self.inner = inner
        scratch = [Double](repeating: 0, count: inner.rowCount)
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        scratch.withUnsafeMutableBufferPointer { s in
            inner.apply(x, into: s)
            outer.apply(UnsafeBufferPointer(s), into: y)
        }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        scratch.withUnsafeMutableBufferPointer { s in
            outer.applyAdjoint(y, into: s)
            inner.applyAdjoint(UnsafeBufferPointer(s), into: x)
        }
    }
}
