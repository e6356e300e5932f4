/// A stored dense matrix as a ``LinearOperator``, with multithreaded, deterministic
/// kernels and a fused one-pass least-squares value and gradient.
public final class DenseOperator: LinearOperator {
    public let matrix: DenseMatrix
    public var rowCount: Int { matrix.rows }
    public var columnCount: Int { matrix.columns }
    public var operatorDescription: String { "Dense(\(matrix.rows)×\(matrix.columns))" }
    public var denseMatrix: DenseMatrix? { matrix }

    /// Number of row blocks of the fused kernel: a function of the sizes only, so that
    /// the order of the final sum, and so every bit, is independent of the thread count.
    @usableFromInline let blocks: Int
    /// Partial gradients of blocks 1..<blocks (block 0 writes the output directly).
    @usableFromInline var partials: [Double]
    @usableFromInline var residual: [Double]

    public init(_ matrix: DenseMatrix) {
        self.matrix = matrix
        let work = matrix.rows * matrix.columns
        blocks = work >= (1 << 18) ? min(16, max(1, matrix.rows)) : 1
        partials = [Double](repeating: 0, count: (blocks - 1) * matrix.columns)
        residual = [Double](repeating: 0, count: matrix.rows)
    }

    /// Row-range of block `b` of `count` blocks over `m` rows.
    @inlinable
    static func range(_ b: Int, of count: Int, _ m: Int) -> Range<Int> {
        (b * m / count)..<((b + 1) * m / count)
    }

    /// Rows per cache panel of the fused kernel: about 2 MiB of A, a multiple of 4.
    @inlinable
    static func panelRows(_ n: Int) -> Int { max(4, ((1 << 15) / max(1, n)) & ~3) }

    /// Columns per gradient chunk in the fused kernel's second sweep (4 KiB of gradient).
    @usableFromInline static let chunkColumns = 512

    /// Threads get contiguous slices; the count of slices depends on the sizes only.
    @inlinable
    var slices: Int { matrix.rows * matrix.columns >= (1 << 16) ? 8 : 1 }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        let m = rowCount, n = columnCount, parts = min(slices, max(1, m))
        matrix.storage.withUnsafeBufferPointer { a in
            let ab = a.baseAddress!, xb = x.baseAddress!, yb = y.baseAddress!
            Parallel.forEach(parts, work: m * n) { t in
                for i in DenseOperator.range(t, of: parts, m) { yb[i] = DenseKernels.dot(ab + i * n, xb, n) }
            }
        }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        let m = rowCount, n = columnCount, parts = min(slices, max(1, n / 64))
        matrix.storage.withUnsafeBufferPointer { a in
            let ab = a.baseAddress!, xb = x.baseAddress!, yb = y.baseAddress!
            // Columns split into slices: each output entry sums over rows in row order.
            Parallel.forEach(parts, work: m * n) { t in
                let cols = DenseOperator.range(t, of: parts, n)
                let c0 = cols.lowerBound, width = cols.count
                (xb + c0).update(repeating: 0, count: width)
                for i in 0..<m { DenseKernels.axpy(yb[i], ab + i * n + c0, xb + c0, width) }
            }
        }
    }

    /// ½‖A·x − b‖² returned and Aᵀ(A·x − b) written into `gradient`, reading A from
    /// memory once: the residuals of a panel of rows are formed, then the panel, still in
    /// cache, is added into the gradient. Row blocks accumulate separately and are summed in block
    /// order, so the result does not depend on the thread count.
    public func leastSquaresValueAndGradient(_ x: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>,
                                             into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let m = rowCount, n = columnCount, nb = blocks
        precondition(x.count == n && b.count == m && gradient.count == n)
        return matrix.storage.withUnsafeBufferPointer { a in
            partials.withUnsafeMutableBufferPointer { part in
                residual.withUnsafeMutableBufferPointer { res in
                    let ab = a.baseAddress!, xb = x.baseAddress!, bb = b.baseAddress!
                    let gb = gradient.baseAddress!, pb = part.baseAddress, rb = res.baseAddress!
                    Parallel.forEach(nb, work: m * n) { blk in
                        let out = blk == 0 ? gb : pb! + (blk - 1) * n
                        out.update(repeating: 0, count: n)
                        let rows = DenseOperator.range(blk, of: nb, m)
                        // Panels of rows small enough to stay in the last-level cache: a first
                        // sweep forms their residuals (A streams from memory once), a second adds
                        // them into the gradient column chunk by column chunk (A from cache, the
                        // gradient chunk from L1). Four rows at a time in both sweeps.
                        var p0 = rows.lowerBound
                        while p0 < rows.upperBound {
                            let p1 = min(rows.upperBound, p0 + DenseOperator.panelRows(n))
                            var i = p0
                            while i + 4 <= p1 {
                                let a0 = ab + i * n
                                let r = DenseKernels.dot4(a0, a0 + n, a0 + 2 * n, a0 + 3 * n, xb, n)
                                    - SIMD4(bb[i], bb[i + 1], bb[i + 2], bb[i + 3])
                                rb[i] = r[0]; rb[i + 1] = r[1]; rb[i + 2] = r[2]; rb[i + 3] = r[3]
                                i += 4
                            }
                            while i < p1 {
                                rb[i] = DenseKernels.dot(ab + i * n, xb, n) - bb[i]
                                i += 1
                            }
                            var c0 = 0
                            while c0 < n {
                                let w = min(DenseOperator.chunkColumns, n - c0)
                                var i = p0
                                while i + 4 <= p1 {
                                    let a0 = ab + i * n + c0
                                    DenseKernels.axpy4(SIMD4(rb[i], rb[i + 1], rb[i + 2], rb[i + 3]),
                                                       a0, a0 + n, a0 + 2 * n, a0 + 3 * n, out + c0, w)
                                    i += 4
                                }
                                while i < p1 {
                                    DenseKernels.axpy(rb[i], ab + i * n + c0, out + c0, w)
                                    i += 1
                                }
                                c0 += w
                            }
                            p0 = p1
                        }
                    }
                    if nb > 1 {
                        // Sum partials in block order, columns split across threads.
                        let parts = min(8, max(1, n / 512))
                        Parallel.forEach(parts, work: m * n) { t in
                            let cols = DenseOperator.range(t, of: parts, n)
                            for blk in 1..<nb {
                                DenseKernels.axpy(1, pb! + (blk - 1) * n + cols.lowerBound, gb + cols.lowerBound, cols.count)
                            }
                        }
                    }
                    return 0.5 * DenseKernels.dot(rb, rb, m)
                }
            }
        }
    }
}
