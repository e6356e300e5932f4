/// A linear map A: Rⁿ → Rᵐ applied matrix-free, with its adjoint.
///
/// Conformers apply into caller-owned buffers and must not allocate per call (keep
/// scratch space in the instance). Like problems, operator instances are not safe to
/// apply from two threads at once.
public protocol LinearOperator: AnyObject {
    /// m: length of A·x.
    var rowCount: Int { get }
    /// n: length of x.
    var columnCount: Int { get }
    /// A short description, for example `DCT(1024)` or `Dense(256×1024)`.
    var operatorDescription: String { get }
    /// y = A·x. `x.count == columnCount`, `y.count == rowCount`.
    func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>)
    /// x = Aᵀ·y. `y.count == rowCount`, `x.count == columnCount`.
    func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>)
    /// The dense row-major matrix, when the operator stores one (nil otherwise).
    var denseMatrix: DenseMatrix? { get }
}

extension LinearOperator {
    public var denseMatrix: DenseMatrix? { nil }

    /// A·x as a new array.
    public func apply(_ x: [Double]) -> [Double] {
        precondition(x.count == columnCount, "\(operatorDescription): x has \(x.count) entries, expected \(columnCount)")
        var y = [Double](repeating: 0, count: rowCount)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { apply(xp, into: $0) } }
        return y
    }

    /// Aᵀ·y as a new array.
    public func applyAdjoint(_ y: [Double]) -> [Double] {
        precondition(y.count == rowCount, "\(operatorDescription): y has \(y.count) entries, expected \(rowCount)")
        var x = [Double](repeating: 0, count: columnCount)
        y.withUnsafeBufferPointer { yp in x.withUnsafeMutableBufferPointer { applyAdjoint(yp, into: $0) } }
        return x
    }

    /// The operator as a dense m×n matrix: the stored one, or A applied to each unit
    /// vector. Meant for tests, export and small sizes.
    /// - Complexity: n applications of A when no dense matrix is stored.
    public func materialized() -> DenseMatrix {
        if let d = denseMatrix { return d }
        var out = DenseMatrix(rows: rowCount, columns: columnCount)
        var e = [Double](repeating: 0, count: columnCount)
        var col = [Double](repeating: 0, count: rowCount)
        for j in 0..<columnCount {
            e[j] = 1
            e.withUnsafeBufferPointer { ep in col.withUnsafeMutableBufferPointer { apply(ep, into: $0) } }
            e[j] = 0
            for i in 0..<rowCount { out[i, j] = col[i] }
        }
        return out
    }
}
