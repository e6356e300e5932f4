/// Householder QR of a square matrix, used to draw Haar-random orthogonal matrices.
package enum HouseholderQR {
    /// The thin orthogonal factor Q (n×p, orthonormal columns) of A = Q·R for an n×p
    /// matrix A with n ≥ p, with the signs of Q's columns chosen so that R has a
    /// positive diagonal. For A with N(0,1) entries this Q is Haar-distributed on the
    /// Stiefel manifold (Mezzadri, 2007): the first p columns of a Haar-random n×n
    /// orthogonal matrix.
    /// - Complexity: O(n·p²) time, O(n·p) memory.
    package static func orthogonalFactor(_ a: DenseMatrix) -> DenseMatrix {
        precondition(a.rows >= a.columns, "orthogonalFactor expects rows ≥ columns, got \(a.rows)×\(a.columns)")
        let n = a.rows, p = a.columns
        // Work on the transpose so that column k of A is a contiguous row.
        var w = a.transposed().storage  // w[k*n + i] = A[i, k]
        var betas = [Double](repeating: 0, count: p)
        var rSigns = [Double](repeating: 1, count: p)
        w.withUnsafeMutableBufferPointer { wp in
            let base = wp.baseAddress!
            for k in 0..<p {
                let col = base + k * n
                // Householder vector for entries k..<n of column k.
                let alpha = DenseKernels.dot(col + k, col + k, n - k).squareRoot()
                if alpha == 0 { betas[k] = 0; continue }
                let x0 = col[k]
                let r = x0 > 0 ? -alpha : alpha  // R[k,k]
                rSigns[k] = r > 0 ? 1 : -1
                col[k] = x0 - r  // v = x − r·e1, stored in place
                let vnorm2 = DenseKernels.dot(col + k, col + k, n - k)
                betas[k] = vnorm2 == 0 ? 0 : 2 / vnorm2
                // Apply H = I − β v vᵀ to the remaining columns.
                for j in (k + 1)..<p {
                    let cj = base + j * n
                    let s = betas[k] * DenseKernels.dot(col + k, cj + k, n - k)
                    DenseKernels.axpy(-s, col + k, cj + k, n - k)
                }
            }
        }
        // Q = H_0 H_1 ... H_{n-1} applied to the identity, accumulated backwards.
        // Stored transposed too: q[j*n + i] = Q[i, j].
        var q = [Double](repeating: 0, count: n * p)
        for i in 0..<p { q[i * n + i] = 1 }
        w.withUnsafeBufferPointer { wp in
            q.withUnsafeMutableBufferPointer { qp in
                let wb = wp.baseAddress!, qb = qp.baseAddress!
                for k in stride(from: p - 1, through: 0, by: -1) where betas[k] != 0 {
                    let v = wb + k * n + k
                    for j in 0..<p {
                        let cj = qb + j * n + k
                        let s = betas[k] * DenseKernels.dot(v, cj, n - k)
                        DenseKernels.axpy(-s, v, cj, n - k)
                    }
                }
            }
        }
        // Column signs so that diag(R) > 0: Q ← Q·diag(sign(R_kk)).
        var out = DenseMatrix(rows: n, columns: p)
        for j in 0..<p { for i in 0..<n { out.storage[i * p + j] = q[j * n + i] * rSigns[j] } }
        return out
    }

    /// A Haar-random n×n orthogonal matrix from `rng`.
    package static func randomOrthogonal(_ n: Int, using rng: inout SuiteRandom) -> DenseMatrix {
        randomOrthonormalRows(n, n, using: &rng)
    }

    /// m orthonormal rows of length n (m ≤ n), distributed as m rows of a Haar-random
    /// n×n orthogonal matrix: the transpose of the thin Q of an n×m Gaussian matrix.
    /// - Complexity: O(n·m²).
    package static func randomOrthonormalRows(_ m: Int, _ n: Int, using rng: inout SuiteRandom) -> DenseMatrix {
        precondition(m <= n, "cannot draw \(m) orthonormal rows of length \(n)")
        let g = DenseMatrix(rows: n, columns: m, storage: rng.normals(n * m))
        return orthogonalFactor(g).transposed()
    }
}
