/// A stored dense matrix as a ``LinearOperator``, with multithreaded, deterministic
/// kernels and a fused one-pass least-squares value and gradient (``DenseRowPass``).
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

    /// Threads get contiguous slices; the count of slices depends on the sizes only.
    @inlinable
    var slices: Int { matrix.rows * matrix.columns >= (1 << 16) ? 8 : 1 }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        let m = rowCount, n = columnCount, parts = min(slices, max(1, m))
        matrix.storage.withUnsafeBufferPointer { a in
            let ab = a.baseAddress!, xb = x.baseAddress!, yb = y.baseAddress!
            Parallel.forEach(parts, work: m * n) { t in
                for i in DenseRowPass.range(t, of: parts, m) { yb[i] = DenseKernels.dot(ab + i * n, xb, n) }
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
                let cols = DenseRowPass.range(t, of: parts, n)
                let c0 = cols.lowerBound, width = cols.count
                (xb + c0).update(repeating: 0, count: width)
                for i in 0..<m { DenseKernels.axpy(yb[i], ab + i * n + c0, xb + c0, width) }
            }
        }
    }

    /// ½‖A·x − b‖² alone, reading A once with the dot products grouped exactly as in
    /// ``leastSquaresValueAndGradient(_:_:into:)``, so that the two return the same bits.
    /// (Four rows at a time is also the faster way to read A: four memory streams.)
    /// - Complexity: O(m·n), one read of A.
    public func leastSquaresValue(_ x: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        let m = rowCount, n = columnCount
        precondition(x.count == n && b.count == m)
        return matrix.storage.withUnsafeBufferPointer { a in
            residual.withUnsafeMutableBufferPointer { res in
                let bb = b.baseAddress!, rb = res.baseAddress!
                DenseRowPass.dots(a.baseAddress!, rows: m, columns: n, x: x.baseAddress!, blocks: blocks,
                                  group: { _, i, t in _ = Self.storeResiduals(t, at: i, b: bb, into: rb) },
                                  single: { _, i, t in _ = Self.storeResidual(t, at: i, b: bb, into: rb) })
                return 0.5 * DenseKernels.dot(rb, rb, m)
            }
        }
    }

    /// ½‖A·x − b‖² returned and Aᵀ(A·x − b) written into `gradient`, reading A from
    /// memory once (``DenseRowPass``, with coefficient aᵢᵀx − bᵢ per row). The residuals
    /// are kept and ½‖r‖² summed in row order, so the result does not depend on the
    /// thread count.
    /// - Complexity: O(m·n), one read of A.
    public func leastSquaresValueAndGradient(_ x: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>,
                                             into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        let m = rowCount, n = columnCount
        precondition(x.count == n && b.count == m && gradient.count == n)
        return matrix.storage.withUnsafeBufferPointer { a in
            partials.withUnsafeMutableBufferPointer { part in
                residual.withUnsafeMutableBufferPointer { res in
                    let bb = b.baseAddress!, rb = res.baseAddress!
                    DenseRowPass.run(a.baseAddress!, rows: m, columns: n, x: x.baseAddress!, gradient: gradient.baseAddress!,
                                     partials: part.baseAddress, blocks: blocks,
                                     group: { _, i, t in Self.storeResiduals(t, at: i, b: bb, into: rb) },
                                     single: { _, i, t in Self.storeResidual(t, at: i, b: bb, into: rb) })
                    return 0.5 * DenseKernels.dot(rb, rb, m)
                }
            }
        }
    }

    /// rᵢ…rᵢ₊₃ = dots − bᵢ…bᵢ₊₃, stored and returned (the coefficients of those rows):
    /// the one residual rule of ``leastSquaresValue(_:_:)`` and
    /// ``leastSquaresValueAndGradient(_:_:into:)``, so that the two give the same bits.
    @inline(__always)
    static func storeResiduals(_ dots: SIMD4<Double>, at i: Int, b: UnsafePointer<Double>,
                               into r: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
        let v = dots - SIMD4(b[i], b[i + 1], b[i + 2], b[i + 3])
        r[i] = v[0]; r[i + 1] = v[1]; r[i + 2] = v[2]; r[i + 3] = v[3]
        return v
    }

    /// rᵢ = dot − bᵢ, stored and returned: the single-row form of ``storeResiduals(_:at:b:into:)``.
    @inline(__always)
    static func storeResidual(_ dot: Double, at i: Int, b: UnsafePointer<Double>, into r: UnsafeMutablePointer<Double>) -> Double {
        r[i] = dot - b[i]
        return r[i]
    }
}
