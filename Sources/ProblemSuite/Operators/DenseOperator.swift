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

    /// Columns per chunk of the pipelined fused kernel: 8 KiB of each group of four rows
    /// and 2 KiB of gradient, so that the chunk of both groups fits in L1.
    @usableFromInline static let chunkColumns = 256

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
    /// memory once: the residuals of four rows are formed, then those rows, still in
    /// cache, are added into the gradient while the next four stream in. Row blocks accumulate separately and are summed in block
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
                        // Groups of four rows, software-pipelined: while group k (its residuals
                        // known) is added into the gradient chunk by chunk from cache, the dot
                        // products of group k+1 stream in from memory over the same chunks, so
                        // memory is never idle. Carrying the accumulators across chunks keeps
                        // the exact operation order of an unchunked dot product.
                        let groups = rows.count / 4, body = n & ~3
                        func residuals(_ i: Int, _ t: SIMD4<Double>) -> SIMD4<Double> {
                            let r = t - SIMD4(bb[i], bb[i + 1], bb[i + 2], bb[i + 3])
                            rb[i] = r[0]; rb[i + 1] = r[1]; rb[i + 2] = r[2]; rb[i + 3] = r[3]
                            return r
                        }
                        if groups > 0 {
                            let first = rows.lowerBound, a0 = ab + first * n
                            var r = residuals(first, DenseKernels.dot4(a0, a0 + n, a0 + 2 * n, a0 + 3 * n, xb, n))
                            for k in 0..<groups {
                                let cur = ab + (rows.lowerBound + 4 * k) * n
                                let hasNext = k + 1 < groups
                                let nxt = cur + 4 * n
                                var acc: DenseKernels.Accumulators4 = (SIMD4(), SIMD4(), SIMD4(), SIMD4())
                                var c0 = 0
                                while c0 < n {
                                    let w = min(DenseOperator.chunkColumns, n - c0)
                                    if hasNext {
                                        DenseKernels.dot4Accumulate(nxt, nxt + n, nxt + 2 * n, nxt + 3 * n, xb, c0, min(c0 + w, body), &acc)
                                    }
                                    DenseKernels.axpy4(r, cur + c0, cur + n + c0, cur + 2 * n + c0, cur + 3 * n + c0, out + c0, w)
                                    c0 += w
                                }
                                if hasNext {
                                    let i = rows.lowerBound + 4 * (k + 1)
                                    r = residuals(i, DenseKernels.dot4Finish(acc, nxt, nxt + n, nxt + 2 * n, nxt + 3 * n, xb, body, n))
                                }
                            }
                        }
                        for i in (rows.lowerBound + 4 * groups)..<rows.upperBound {
                            let row = ab + i * n
                            rb[i] = DenseKernels.dot(row, xb, n) - bb[i]
                            DenseKernels.axpy(rb[i], row, out, n)
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
