/// A dense row-major m×n matrix of `Double`, in one contiguous array.
public struct DenseMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Entries row by row: entry (i, j) is `storage[i * columns + j]`.
    public var storage: [Double]

    /// The zero matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "matrix sizes must be non-negative")
        self.rows = rows
        self.columns = columns
        storage = LargeStorage.zeros(rows * columns)
    }

    /// A matrix over existing row-major storage.
    public init(rows: Int, columns: Int, storage: [Double]) {
        precondition(storage.count == rows * columns, "storage has \(storage.count) entries, expected \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i * columns + j] }
        set { storage[i * columns + j] = newValue }
    }

    /// The transpose, as a new matrix.
    public func transposed() -> DenseMatrix {
        var t = DenseMatrix(rows: columns, columns: rows)
        for i in 0..<rows { for j in 0..<columns { t.storage[j * rows + i] = storage[i * columns + j] } }
        return t
    }

    /// Row i as an array.
    public func row(_ i: Int) -> [Double] { Array(storage[(i * columns)..<((i + 1) * columns)]) }

    /// Column j as an array.
    public func column(_ j: Int) -> [Double] { (0..<rows).map { storage[$0 * columns + j] } }

    /// The product self·other (straightforward i-k-j loop; for tests and set-up, not hot paths).
    public func multiplied(by other: DenseMatrix) -> DenseMatrix {
        precondition(columns == other.rows, "cannot multiply \(rows)×\(columns) by \(other.rows)×\(other.columns)")
        var out = DenseMatrix(rows: rows, columns: other.columns)
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                out.storage.withUnsafeMutableBufferPointer { c in
                    for i in 0..<rows {
                        for k in 0..<columns {
                            let aik = a[i * columns + k]
                            if aik == 0 { continue }
                            DenseKernels.axpy(aik, b.baseAddress! + k * other.columns,
                                              c.baseAddress! + i * other.columns, other.columns)
                        }
                    }
                }
            }
        }
        return out
    }
}
