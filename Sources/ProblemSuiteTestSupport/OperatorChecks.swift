import ProblemSuite

/// General-purpose checks of ``LinearOperator`` conformers, for tests.
public enum OperatorChecks {
    /// The relative adjoint mismatch |⟨A·x, y⟩ − ⟨x, Aᵀ·y⟩| / (‖A·x‖‖y‖ + ‖x‖‖Aᵀ·y‖)
    /// worst over `trials` pairs of random Gaussian x ∈ Rⁿ, y ∈ Rᵐ drawn from `seed`.
    ///
    /// For a correct adjoint the value is of the order of machine precision times a
    /// small multiple of log n (fast transforms) or n (dense sums); 1e-12 is a safe bound
    /// for the sizes used in tests.
    public static func adjointMismatch(_ a: any LinearOperator, trials: Int = 3, seed: UInt64 = 7) -> Double {
        var rng = SuiteRandom(seed: seed, stream: "adjoint-test/\(a.operatorDescription)")
        var worst = 0.0
        for _ in 0..<trials {
            let x = rng.normals(a.columnCount)
            let y = rng.normals(a.rowCount)
            let ax = a.apply(x)
            let aty = a.applyAdjoint(y)
            let lhs = DenseKernels.dot(ax, y)
            let rhs = DenseKernels.dot(x, aty)
            let scale = DenseKernels.norm(ax) * DenseKernels.norm(y) + DenseKernels.norm(x) * DenseKernels.norm(aty)
            worst = max(worst, scale == 0 ? abs(lhs - rhs) : abs(lhs - rhs) / scale)
        }
        return worst
    }

    /// The largest entry-wise difference between the operator's action and the dense
    /// matrix `reference` (both on unit vectors, forward and adjoint), relative to the
    /// largest entry of `reference`.
    ///
    /// Forward: A·eⱼ must equal column j; adjoint: Aᵀ·eᵢ must equal row i.
    public static func denseMismatch(_ a: any LinearOperator, reference: DenseMatrix) -> Double {
        precondition(reference.rows == a.rowCount && reference.columns == a.columnCount,
                     "reference is \(reference.rows)×\(reference.columns), operator is \(a.rowCount)×\(a.columnCount)")
        let m = a.rowCount, n = a.columnCount
        let scale = max(reference.storage.map(abs).max() ?? 0, .leastNormalMagnitude)
        var worst = 0.0
        var e = [Double](repeating: 0, count: n)
        for j in 0..<n {
            e[j] = 1
            let col = a.apply(e)
            e[j] = 0
            for i in 0..<m { worst = max(worst, abs(col[i] - reference[i, j])) }
        }
        var f = [Double](repeating: 0, count: m)
        for i in 0..<m {
            f[i] = 1
            let row = a.applyAdjoint(f)
            f[i] = 0
            for j in 0..<n { worst = max(worst, abs(row[j] - reference[i, j])) }
        }
        return worst / scale
    }

    /// The largest |(AᵀA)ᵢⱼ − δᵢⱼ| (orthonormal columns) when `columns` is true, or
    /// |(AAᵀ)ᵢⱼ − δᵢⱼ| (orthonormal rows) otherwise, computed from the materialised matrix.
    public static func orthonormalityDefect(_ a: any LinearOperator, columns: Bool) -> Double {
        let d = a.materialized()
        let g = columns ? d.transposed().multiplied(by: d) : d.multiplied(by: d.transposed())
        var worst = 0.0
        for i in 0..<g.rows { for j in 0..<g.columns { worst = max(worst, abs(g[i, j] - (i == j ? 1 : 0))) } }
        return worst
    }
}
