/// Problems whose data are a matrix (or operator) and a right-hand side, for export.
public protocol MatrixExportable {
    /// The operator's description, for example `Restrict(256 of 1024)·DCT(1024)`.
    var operatorDescription: String { get }
    /// The matrix: the stored one, or (when `materialize` is true) the operator applied
    /// to every unit vector; nil for a matrix-free operator unless asked.
    func exportMatrix(materialize: Bool) -> DenseMatrix?
    /// The right-hand side (b, or the labels for classification).
    var exportRHS: [Double] { get }
}

extension LeastSquaresProblem: MatrixExportable {
    public var operatorDescription: String { operator_.operatorDescription }
    public func exportMatrix(materialize: Bool) -> DenseMatrix? {
        if let d = operator_.denseMatrix { return d }
        return materialize ? operator_.materialized() : nil
    }
    public var exportRHS: [Double] { rhs }
}

/// Sparse coding: the dictionary D (784 × K) as the matrix, the image as the signal b.
extension SparseCodingProblem: MatrixExportable {
    public var operatorDescription: String { inner.operatorDescription }
    public func exportMatrix(materialize: Bool) -> DenseMatrix? { inner.exportMatrix(materialize: materialize) }
    public var exportRHS: [Double] { inner.exportRHS }
}
