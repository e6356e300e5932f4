/// Keeps m chosen entries of an n-vector: (R·x)_i = x[rows[i]]. Its adjoint scatters
/// into zeros. With the DCT, `Composed(RowRestriction, DCT)` is the partial DCT.
public final class RowRestriction: LinearOperator {
    /// The kept indices, in output order.
    public let rows: [Int]
    public let columnCount: Int
    public var rowCount: Int { rows.count }
    public var operatorDescription: String { "Restrict(\(rows.count) of \(columnCount))" }

    /// - Precondition: every index is in `0..<n` and no index repeats.
    public init(rows: [Int], of n: Int) {
        precondition(rows.allSatisfy { $0 >= 0 && $0 < n }, "restriction index out of 0..<\(n)")
        precondition(Set(rows).count == rows.count, "restriction indices must be distinct")
        self.rows = rows
        columnCount = n
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        for (i, r) in rows.enumerated() { y[i] = x[r] }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        x.update(repeating: 0)
        for (i, r) in rows.enumerated() { x[r] = y[i] }
    }
}
