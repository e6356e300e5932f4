/// Min-max normalisation of features, fitted on one set of rows (the training part) and
/// applied to any rows: x'_j = (x_j − min_j) / (max_j − min_j).
///
/// Minima and maxima include the implicit zeros of sparse rows. A feature that is
/// constant on the fitting rows maps to 0 everywhere (there is no scale to learn).
/// Rows outside the fitting set may map outside [0, 1]; that is intended (no test-set
/// information leaks into the transform).
package struct MinMaxScaler: Sendable, Equatable {
    public var minimum: [Double]
    public var maximum: [Double]

    /// Fits on the rows `rows` of `features`.
    public init(fitting features: FeatureMatrix, rows: [Int]) {
        let d = features.columnCount
        var lo = [Double](repeating: .infinity, count: d)
        var hi = [Double](repeating: -.infinity, count: d)
        var stored = [Int](repeating: 0, count: d)
        for i in rows {
            features.forEachNonzero(inRow: i) { j, v in
                if v < lo[j] { lo[j] = v }
                if v > hi[j] { hi[j] = v }
                stored[j] += 1
            }
        }
        for j in 0..<d where stored[j] < rows.count {
            // Some fitting row holds an implicit zero in column j.
            lo[j] = min(lo[j], 0)
            hi[j] = max(hi[j], 0)
        }
        for j in 0..<d where lo[j] > hi[j] { lo[j] = 0; hi[j] = 0 }  // no fitting rows
        minimum = lo
        maximum = hi
    }

    /// x' for value `v` of feature `j`.
    @inlinable
    public func transform(_ v: Double, feature j: Int) -> Double {
        let range = maximum[j] - minimum[j]
        return range > 0 ? (v - minimum[j]) / range : 0
    }

    /// Whether zeros stay zeros (every non-constant feature has minimum 0), so sparse
    /// storage survives the transform.
    public var preservesZeros: Bool {
        zip(minimum, maximum).allSatisfy { lo, hi in hi - lo <= 0 || lo == 0 }
    }

    /// The rows `rows` of `features`, transformed, in the storage the density rule picks.
    public func transform(_ features: FeatureMatrix, rows: [Int]) -> FeatureMatrix {
        let d = features.columnCount
        if preservesZeros {
            var start = [0], cols: [Int32] = [], vals: [Double] = []
            for i in rows {
                features.forEachNonzero(inRow: i) { j, v in
                    let t = transform(v, feature: j)
                    if t != 0 { cols.append(Int32(j)); vals.append(t) }
                }
                start.append(vals.count)
            }
            let csr = CSRMatrix(rows: rows.count, columns: d, rowStart: start, columnIndices: cols, values: vals)
            return FeatureMatrix.choosing(csr)
        }
        var m = DenseMatrix(rows: rows.count, columns: d)
        let zeroImage = (0..<d).map { transform(0, feature: $0) }
        for (r, i) in rows.enumerated() {
            let base = r * d
            for j in 0..<d { m.storage[base + j] = zeroImage[j] }
            features.forEachNonzero(inRow: i) { j, v in m.storage[base + j] = transform(v, feature: j) }
        }
        return FeatureMatrix.choosing(m)
    }
}

extension FeatureMatrix {
    /// These features with a constant column of ones appended (the bias term's column).
    public func appendingBiasColumn() -> FeatureMatrix {
        switch self {
        case .dense(let m):
            var out = [Double]()
            out.reserveCapacity(m.rows * (m.columns + 1))
            for i in 0..<m.rows {
                out.append(contentsOf: m.storage[(i * m.columns)..<((i + 1) * m.columns)])
                out.append(1)
            }
            return .dense(DenseMatrix(rows: m.rows, columns: m.columns + 1, storage: out))
        case .sparse(let s):
            var start = [0], cols: [Int32] = [], vals: [Double] = []
            cols.reserveCapacity(s.nonzeroCount + s.rows); vals.reserveCapacity(s.nonzeroCount + s.rows)
            for i in 0..<s.rows {
                let r = s.rowStart[i]..<s.rowStart[i + 1]
                cols.append(contentsOf: s.columnIndices[r]); vals.append(contentsOf: s.values[r])
                cols.append(Int32(s.columns)); vals.append(1)
                start.append(vals.count)
            }
            return .sparse(CSRMatrix(rows: s.rows, columns: s.columns + 1, rowStart: start, columnIndices: cols, values: vals))
        }
    }
}
