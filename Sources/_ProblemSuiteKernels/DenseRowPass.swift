/// The one-pass row kernel behind every dense "f and ∇f" in the suite.
///
/// Objectives of the form f(x) = Σᵢ φᵢ(aᵢᵀx), with rows aᵢ of a stored row-major m×n
/// matrix, have gradient Σᵢ φᵢ′(aᵢᵀx)·aᵢ. ``run(_:rows:columns:x:gradient:partials:blocks:group:single:)``
/// computes it reading the matrix from memory once: the dot products of a group of four
/// rows are formed, the caller turns them into four coefficients φᵢ′ (and accumulates
/// its value on the side), and the four rows, still in cache, are added into the gradient.
/// The least-squares (φᵢ(t) = ½(t − bᵢ)²) and logistic-regression problems both use it.
///
/// - Pipelining: while group k is added into the gradient chunk by chunk (256 columns,
///   so that the chunk of both groups sits in the first-level cache), the dot products of
///   group k+1 advance over the same chunk, and the chunk after it is prefetched into the
///   second-level cache; memory never idles while the processor works on cached rows.
///   (Measured on a 2-core AMD EPYC: the prefetch alone is worth 12 % at 4096 × 8192.)
/// - Determinism: rows are split into `blocks` contiguous blocks (a function of the sizes
///   only); block 0 accumulates into `gradient`, block b into `partials[(b−1)·n ..< b·n]`,
///   and the partials are added in block order (on one thread, each right after its
///   block, through the first n entries of `partials`: the same order of additions). Every dot product is summed in one fixed
///   order (``DenseKernels/dot4(_:_:_:_:_:_:)`` for full groups,
///   ``DenseKernels/dot(_:_:_:)`` for the last rows of a block) and every gradient entry
///   accumulates rows in row order, so the result is bit-identical whatever the number of
///   threads, the chunk size or the prefetching.
/// - Complexity: O(m·n) time, m·n·8 bytes read from memory once; no allocation.
package enum DenseRowPass {
    /// Columns per chunk of the pipelined loop: 2 KiB of each of the eight rows in flight,
    /// and 2 KiB of gradient, so that one chunk of everything fits in a 32 KiB L1 cache.
    package static let chunkColumns = 256

    /// Row range of block `b` of `count` blocks over `m` rows.
    @inlinable
    package static func range(_ b: Int, of count: Int, _ m: Int) -> Range<Int> {
        (b * m / count)..<((b + 1) * m / count)
    }

    /// One pass over the m×n row-major matrix `a`.
    ///
    /// - Parameters:
    ///   - group: called with (block, first row i, the dot products of rows i…i+3 with x),
    ///     in increasing i within each block; returns the four gradient coefficients.
    ///   - single: the same for one row, for the rows of a block beyond its last full group.
    ///   - gradient: receives Σᵢ coefficientᵢ·aᵢ (n entries; overwritten).
    ///   - partials: (blocks − 1)·n scratch entries.
    /// Blocks may run on different threads: the closures must only write memory that
    /// belongs to their block or row.
    @inlinable
    package static func run(_ a: UnsafePointer<Double>, rows m: Int, columns n: Int, x: UnsafePointer<Double>,
                           gradient: UnsafeMutablePointer<Double>, partials: UnsafeMutablePointer<Double>?, blocks nb: Int,
                           group: (_ block: Int, _ row: Int, _ dots: SIMD4<Double>) -> SIMD4<Double>,
                           single: (_ block: Int, _ row: Int, _ dot: Double) -> Double) {
        precondition(nb >= 1 && (nb == 1 || partials != nil), "blocks beyond the first need partial storage")
        /// Blocks `blks`, one pipeline across them; block b's output is `out(b)`, which
        /// `finish(b)` may consume once the block is complete (its last rows added).
        @inline(__always) func pass(_ blks: Range<Int>, output out: (Int) -> UnsafeMutablePointer<Double>,
                                    finish: (Int) -> Void) {
            pipelinedBlocks(a, rows: m, columns: n, x: x, blocks: nb, range: blks,
                            coefficients: group,
                            secondTouch: { blk, first, c, cur, c0, w, target, count in
                                DenseKernels.axpy4(c, cur + c0, cur + n + c0, cur + 2 * n + c0, cur + 3 * n + c0, out(blk) + c0, w,
                                                   prefetching: target, rowStride: n, count: count, fromZero: first)
                            },
                            end: { blk, hadGroups in
                                let o = out(blk), rows = range(blk, of: nb, m)
                                if !hadGroups { o.update(repeating: 0, count: n) }
                                for i in (rows.lowerBound + rows.count / 4 * 4)..<rows.upperBound {
                                    let row = a + i * n
                                    DenseKernels.axpy(single(blk, i, DenseKernels.dot(row, x, n)), row, o, n)
                                }
                                finish(blk)
                            })
        }
        let workers = min(nb, Parallel.maxThreads)
        if nb > 1 && (workers == 1 || m * n < Parallel.minimumParallelWork) {
            // One thread: each block's partial is added into the gradient right after it is
            // formed, through one n-entry scratch that stays in cache. Every gradient entry
            // still receives block 0, then the partial of block 1, of block 2, … (the order
            // of ``addPartials(_:blocks:into:columns:work:)``), so the bits are the same.
            let scratch = partials!
            pass(0..<nb, output: { $0 == 0 ? gradient : scratch },
                 finish: { blk in if blk > 0 { DenseKernels.axpy(1, scratch, gradient, n) } })
            return
        }
        // Each thread takes a contiguous run of blocks, so that it streams one contiguous
        // part of the matrix (the blocks, and so the bits, do not depend on this).
        Parallel.forEach(workers, work: m * n) { worker in
            pass(range(worker, of: workers, nb), output: { $0 == 0 ? gradient : partials! + ($0 - 1) * n }, finish: { _ in })
        }
        if nb > 1 { addPartials(partials!, blocks: nb, into: gradient, columns: n) }
    }

    /// The pipelined loop of ``run(_:rows:columns:x:gradient:partials:blocks:group:single:)``
    /// over the full groups of four rows of blocks `blks` (of `nb` blocks over `m` rows),
    /// in one pipeline across the blocks: the dot products of the next group (of the same
    /// block or, after a block's last group, of the next block's first) advance chunk by
    /// chunk (``chunkColumns``) while `secondTouch` revisits the same chunk of the current
    /// group, read one group earlier and still in cache, and asks for the chunk the dot
    /// products read next to be prefetched. So no block restarts the pipeline: without it
    /// the first dot products of every block wait on memory alone and the last gradient
    /// update of every block runs without a read beside it (A1, 16 blocks of 4 groups: a
    /// tenth of f+∇f).
    ///
    /// - Parameters:
    ///   - coefficients: called with (block, first row i, the dot products of rows i…i+3
    ///     with x), in increasing i; returns what `secondTouch` receives for those rows.
    ///     The call for a block's first group may come before `end` of the block before it.
    ///   - secondTouch: called with (block, whether the group is its block's first, the
    ///     coefficients of the group, its first row, first column, chunk width, the rows to
    ///     prefetch (nil: none) and how many of their columns), for every chunk of every
    ///     group in order.
    ///   - end: called with (block, whether it had a full group) once per block of `blks`,
    ///     in order, after the last `secondTouch` of the block and before the first
    ///     `secondTouch` of the next: the block's last `rows.count % 4` rows are the
    ///     caller's.
    /// ``DenseYardsticks/rereadPattern(_:rows:columns:x:parts:)`` runs the same loop, its
    /// arithmetic taken out, so the yardstick reads what the kernel reads.
    /// - Complexity: O(rows · n); no allocation.
    @inlinable @inline(__always)
    package static func pipelinedBlocks(_ a: UnsafePointer<Double>, rows m: Int, columns n: Int, x: UnsafePointer<Double>,
                                       blocks nb: Int, range blks: Range<Int>,
                                       coefficients: (_ block: Int, _ row: Int, _ dots: SIMD4<Double>) -> SIMD4<Double>,
                                       secondTouch: (_ block: Int, _ first: Bool, _ c: SIMD4<Double>, _ group: UnsafePointer<Double>,
                                                     _ column: Int, _ width: Int, _ prefetch: UnsafePointer<Double>?,
                                                     _ prefetchCount: Int) -> Void,
                                       end: (_ block: Int, _ hadGroups: Bool) -> Void) {
        let body = n & ~3
        /// The first group at or after block `b` of `blks`: (block, first row).
        @inline(__always) func firstGroup(from b: Int) -> (block: Int, row: Int)? {
            var b = b
            while b < blks.upperBound {
                let r = range(b, of: nb, m)
                if r.count >= 4 { return (b, r.lowerBound) }
                b += 1
            }
            return nil
        }
        /// The group after the one at row `row` of block `b`.
        @inline(__always) func following(_ b: Int, _ row: Int) -> (block: Int, row: Int)? {
            row + 8 <= range(b, of: nb, m).upperBound ? (b, row + 4) : firstGroup(from: b + 1)
        }
        guard var cur = firstGroup(from: blks.lowerBound) else {
            for b in blks { end(b, false) }
            return
        }
        for b in blks.lowerBound..<cur.block { end(b, false) }
        let a0 = a + cur.row * n
        var c = coefficients(cur.block, cur.row, DenseKernels.dot4(a0, a0 + n, a0 + 2 * n, a0 + 3 * n, x, n))
        var first = true
        while true {
            let next = following(cur.block, cur.row)
            let p = a + cur.row * n
            var acc: DenseKernels.Accumulators4 = (SIMD4(), SIMD4(), SIMD4(), SIMD4())
            if let next {
                let q = a + next.row * n
                let after = following(next.block, next.row).map { a + $0.row * n }
                var c0 = 0
                while c0 < n {
                    let w = min(chunkColumns, n - c0), ahead = c0 + w
                    DenseKernels.dot4Accumulate(q, q + n, q + 2 * n, q + 3 * n, x, c0, min(ahead, body), &acc)
                    // Prefetch what the dot products read next: the next chunk of the next
                    // group, or after its last chunk the first chunk of the group after it.
                    secondTouch(cur.block, first, c, p, c0, w, ahead < n ? q + ahead : after, min(chunkColumns, ahead < n ? n - ahead : n))
                    c0 = ahead
                }
                let cNext = coefficients(next.block, next.row, DenseKernels.dot4Finish(acc, q, q + n, q + 2 * n, q + 3 * n, x, body, n))
                if next.block != cur.block {
                    end(cur.block, true)
                    for b in (cur.block + 1)..<next.block { end(b, false) }
                    first = true
                } else {
                    first = false
                }
                cur = next
                c = cNext
            } else {
                var c0 = 0
                while c0 < n {
                    let w = min(chunkColumns, n - c0)
                    secondTouch(cur.block, first, c, p, c0, w, nil, 0)
                    c0 += w
                }
                end(cur.block, true)
                for b in (cur.block + 1)..<blks.upperBound { end(b, false) }
                return
            }
        }
    }

    /// The dot products ``run(_:rows:columns:x:gradient:partials:blocks:group:single:)``
    /// forms, in the same grouping (so the same bits), without the gradient: for callers
    /// that need f alone. `group` and `single` are called as there; their results unused.
    /// - Complexity: O(m·n), one read of the matrix.
    @inlinable
    package static func dots(_ a: UnsafePointer<Double>, rows m: Int, columns n: Int, x: UnsafePointer<Double>, blocks nb: Int,
                            group: (_ block: Int, _ row: Int, _ dots: SIMD4<Double>) -> Void,
                            single: (_ block: Int, _ row: Int, _ dot: Double) -> Void) {
        Parallel.forEach(nb, work: m * n) { blk in
            let rows = range(blk, of: nb, m)
            var i = rows.lowerBound
            while i + 4 <= rows.upperBound {
                let r = a + i * n
                group(blk, i, DenseKernels.dot4(r, r + n, r + 2 * n, r + 3 * n, x, n))
                i += 4
            }
            while i < rows.upperBound {
                single(blk, i, DenseKernels.dot(a + i * n, x, n))
                i += 1
            }
        }
    }

    /// gradient += partials of blocks 1, 2, …, blocks−1, in block order (so the bits do
    /// not depend on the thread count); columns are split across threads.
    /// - Complexity: O(blocks·n).
    @inlinable
    package static func addPartials(_ partials: UnsafePointer<Double>, blocks nb: Int, into gradient: UnsafeMutablePointer<Double>,
                                   columns n: Int, work: Int = .max) {
        let parts = min(8, max(1, n / 512))
        Parallel.forEach(parts, work: work) { t in
            let cols = range(t, of: parts, n)
            for blk in 1..<nb {
                DenseKernels.axpy(1, partials + (blk - 1) * n + cols.lowerBound, gradient + cols.lowerBound, cols.count)
            }
        }
    }
}
