/// m chosen rows of the n×n orthonormal DCT-II, in a given order: (A·x)ᵢ = DCT(x)[rows[i]]
/// (Sparco problem 12's `opDCT(n)` restricted to `r = randperm(n)(1:m)`), applied by
/// the fast transform and never stored.
///
/// Equivalent to `ComposedOperator(RowRestriction(rows:of:), DCTOperator(length:))`, with
/// the gather and scatter fused around one DCT scratch vector: forward is one DCT then a
/// gather, the adjoint a scatter into zeros then one inverse DCT.
/// - Precondition: n is a power of two ≥ 2 (``DCTOperator/supports(_:)``); the rows are
///   distinct and in `0..<n`.
/// - Complexity: O(n log n) per application, one scratch vector of length n.
public final class PartialDCTOperator: LinearOperator {
    /// The kept DCT rows, in output order.
    public let rows: [Int]
    public let dct: DCTOperator
    public var rowCount: Int { rows.count }
    public var columnCount: Int { dct.length }
    public var operatorDescription: String { "PartialDCT(\(rows.count) of \(dct.length))" }
    @usableFromInline var full: [Double]

    public init(rows: [Int], length n: Int) {
        precondition(DCTOperator.supports(n), "DCT length \(n) must be a power of two ≥ 2")
        precondition(rows.allSatisfy { $0 >= 0 && $0 < n }, "DCT row index out of 0..<\(n)")
        precondition(Set(rows).count == rows.count, "DCT rows must be distinct")
        self.rows = rows
        dct = DCTOperator(length: n)
        full = [Double](repeating: 0, count: n)
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        full.withUnsafeMutableBufferPointer { f in
            dct.apply(x, into: f)
            rows.withUnsafeBufferPointer { r in
                for i in 0..<r.count { y[i] = f[r[i]] }
            }
        }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        full.withUnsafeMutableBufferPointer { f in
            f.update(repeating: 0)
            rows.withUnsafeBufferPointer { r in
                for i in 0..<r.count { f[r[i]] = y[i] }
            }
            dct.applyAdjoint(UnsafeBufferPointer(f), into: x)
        }
    }
}
