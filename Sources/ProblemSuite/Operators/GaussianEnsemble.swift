/// Spot's `opGaussian` ensembles (the explicit ones), as dense matrices.
///
/// Spot draws with MATLAB's `randn` after `rng(0)`; this suite draws from
/// ``SuiteRandom``, so the numbers differ but the laws are the same:
/// - `unnormalized` (Spot mode 0, Sparco problem 11): i.i.d. N(0, 1) entries.
/// - `unitColumns` (Spot mode 2, Sparco problem 5): i.i.d. N(0, 1) entries, then every
///   column divided by its Euclidean norm.
/// - `orthonormalRows` (Spot mode 4, Sparco problems 7 and 8): the transpose of the
///   orthonormal factor of an n×m Gaussian matrix (m ≤ n). Spot keeps MATLAB's economy
///   `qr` factor as it comes; here the signs are fixed so that R has a positive diagonal
///   (``HouseholderQR/randomOrthonormalRows(_:_:using:)``), which makes the rows exactly
///   m rows of a Haar-random orthogonal matrix. Either way AAᵀ = I.
/// Spot's implicit modes 1 and 3 regenerate columns on every product; they give the same
/// matrices as modes 0 and 2 and are not needed at Sparco's sizes.
public enum GaussianEnsemble: String, Sendable, CaseIterable {
    case unnormalized = "unnormalized"
    case unitColumns = "unit-columns"
    case orthonormalRows = "orthonormal-rows"

    /// Spot's `opGaussian` mode number.
    public var spotMode: Int {
        switch self {
        case .unnormalized: return 0
        case .unitColumns: return 2
        case .orthonormalRows: return 4
        }
    }

    /// An m×n matrix of this ensemble drawn from `rng` (row-major).
    /// - Precondition: m, n ≥ 1; m ≤ n for `orthonormalRows`.
    /// - Complexity: O(mn) draws; O(n·m²) for `orthonormalRows` (Householder QR).
    public func matrix(rows m: Int, columns n: Int, using rng: inout SuiteRandom) -> DenseMatrix {
        precondition(m >= 1 && n >= 1, "Gaussian ensemble needs positive sizes, got \(m)×\(n)")
        switch self {
        case .unnormalized:
            return DenseMatrix(rows: m, columns: n, storage: rng.normals(m * n))
        case .unitColumns:
            var a = DenseMatrix(rows: m, columns: n, storage: rng.normals(m * n))
            var norms = [Double](repeating: 0, count: n)
            for i in 0..<m { for j in 0..<n { norms[j] += a.storage[i * n + j] * a.storage[i * n + j] } }
            for j in 0..<n { norms[j] = 1 / norms[j].squareRoot() }
            for i in 0..<m { for j in 0..<n { a.storage[i * n + j] *= norms[j] } }
            return a
        case .orthonormalRows:
            precondition(m <= n, "orthonormal rows need m ≤ n, got \(m)×\(n)")
            return HouseholderQR.randomOrthonormalRows(m, n, using: &rng)
        }
    }

    /// The ensemble as a ``DenseOperator``.
    public func operator_(rows m: Int, columns n: Int, using rng: inout SuiteRandom) -> DenseOperator {
        DenseOperator(matrix(rows: m, columns: n, using: &rng))
    }
}
