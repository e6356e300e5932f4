/// A sparse matrix in compressed sparse row (CSR) form: row i's nonzeros are
/// `columnIndices[rowStart[i] ..< rowStart[i+1]]` (0-based, strictly increasing) with
/// `values` alongside.
public struct CSRMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// `rows + 1` offsets into `columnIndices` and `values`; `rowStart[0] == 0`.
    public var rowStart: [Int]
    /// 0-based column of each stored entry, increasing within a row.
    public var columnIndices: [Int32]
    /// Value of each stored entry.
    public var values: [Double]

    public init(rows: Int, columns: Int, rowStart: [Int], columnIndices: [Int32], values: [Double]) {
        precondition(rowStart.count == rows + 1 && columnIndices.count == values.count
                     && rowStart.last == values.count, "inconsistent CSR arrays")
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.columnIndices = columnIndices
        self.values = values
    }

    /// Number of stored entries.
    public var nonzeroCount: Int { values.count }

    /// The dense copy.
    /// - Complexity: O(rows·columns).
    public func dense() -> DenseMatrix {
        var m = DenseMatrix(rows: rows, columns: columns)
        for i in 0..<rows {
            for k in rowStart[i]..<rowStart[i + 1] { m.storage[i * columns + Int(columnIndices[k])] = values[k] }
        }
        return m
    }

    /// The CSR form of a dense matrix (exact zeros left out).
    public init(_ m: DenseMatrix) {
        var start = [0], cols: [Int32] = [], vals: [Double] = []
        start.reserveCapacity(m.rows + 1)
        for i in 0..<m.rows {
            for j in 0..<m.columns where m.storage[i * m.columns + j] != 0 {
                cols.append(Int32(j)); vals.append(m.storage[i * m.columns + j])
            }
            start.append(vals.count)
        }
        self.init(rows: m.rows, columns: m.columns, rowStart: start, columnIndices: cols, values: vals)
    }

    /// The rows `indices`, in that order.
    public func selecting(rows indices: [Int]) -> CSRMatrix {
        var start = [0], cols: [Int32] = [], vals: [Double] = []
        start.reserveCapacity(indices.count + 1)
        for i in indices {
            let r = rowStart[i]..<rowStart[i + 1]
            cols.append(contentsOf: columnIndices[r]); vals.append(contentsOf: values[r])
            start.append(vals.count)
        }
        return CSRMatrix(rows: indices.count, columns: columns, rowStart: start, columnIndices: cols, values: vals)
    }
}

/// Feature storage of a data set: dense row-major or CSR, chosen by density.
public enum FeatureMatrix: Sendable, Equatable {
    case dense(DenseMatrix)
    case sparse(CSRMatrix)

    /// Density at or above which dense storage is chosen: 0.25. Below it CSR (12 bytes
    /// per nonzero) is smaller than dense (8 bytes per entry) by at least 2.7×, and its
    /// indexed loads cost less than streaming the zeros.
    public static let denseThreshold = 0.25

    /// The name of the storage, as `data inspect` prints it.
    public var storageName: String {
        switch self {
        case .dense: return "dense"
        case .sparse: return "csr"
        }
    }

    public var rowCount: Int {
        switch self {
        case .dense(let m): return m.rows
        case .sparse(let s): return s.rows
        }
    }

    public var columnCount: Int {
        switch self {
        case .dense(let m): return m.columns
        case .sparse(let s): return s.columns
        }
    }

    /// Number of nonzero entries (stored entries for CSR, nonzero entries for dense).
    public var nonzeroCount: Int {
        switch self {
        case .dense(let m): return m.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        case .sparse(let s): return s.nonzeroCount
        }
    }

    /// nonzeros / (rows·columns), 0 for an empty matrix.
    public var density: Double {
        let cells = rowCount * columnCount
        return cells == 0 ? 0 : Double(nonzeroCount) / Double(cells)
    }

    /// Sum of all entries, in row-major order.
    public var valueSum: Double {
        switch self {
        case .dense(let m): return m.storage.reduce(0, +)
        case .sparse(let s): return s.values.reduce(0, +)
        }
    }

    /// The storage the density rule picks for `csr`.
    /// A matrix of more than `SizeLimits/maxDenseEntries` cells stays CSR whatever its density.
    public static func choosing(_ csr: CSRMatrix) -> FeatureMatrix {
        guard let cells = SizeLimits.product(csr.rows, csr.columns) else { return .sparse(csr) }
        let density = cells == 0 ? 0 : Double(csr.nonzeroCount) / Double(cells)
        return density >= denseThreshold ? .dense(csr.dense()) : .sparse(csr)
    }

    /// The storage the density rule picks for `m`.
    public static func choosing(_ m: DenseMatrix) -> FeatureMatrix {
        let f = FeatureMatrix.dense(m)
        return f.density >= denseThreshold ? f : .sparse(CSRMatrix(m))
    }

    /// The same entries in CSR form.
    public var csr: CSRMatrix {
        switch self {
        case .dense(let m): return CSRMatrix(m)
        case .sparse(let s): return s
        }
    }

    /// The same entries densely.
    public var denseMatrix: DenseMatrix {
        switch self {
        case .dense(let m): return m
        case .sparse(let s): return s.dense()
        }
    }

    /// The rows `indices`, in that order, in the same storage.
    public func selecting(rows indices: [Int]) -> FeatureMatrix {
        switch self {
        case .dense(let m):
            var out = [Double]()
            out.reserveCapacity(indices.count * m.columns)
            for i in indices { out.append(contentsOf: m.storage[(i * m.columns)..<((i + 1) * m.columns)]) }
            return .dense(DenseMatrix(rows: indices.count, columns: m.columns, storage: out))
        case .sparse(let s):
            return .sparse(s.selecting(rows: indices))
        }
    }

    /// Calls `body(j, v)` for each nonzero of row `i` in increasing column order.
    @inlinable
    public func forEachNonzero(inRow i: Int, _ body: (Int, Double) -> Void) {
        switch self {
        case .dense(let m):
            let base = i * m.columns
            for j in 0..<m.columns where m.storage[base + j] != 0 { body(j, m.storage[base + j]) }
        case .sparse(let s):
            for k in s.rowStart[i]..<s.rowStart[i + 1] { body(Int(s.columnIndices[k]), s.values[k]) }
        }
    }
}
