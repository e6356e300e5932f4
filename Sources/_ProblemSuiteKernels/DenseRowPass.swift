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
        /// `finish(b)` may consume once the block is complete.
        @inline(__always) func pass(_ blks: Range<Int>, output out: (Int) -> UnsafeMutablePointer<Double>,
                                    finish: (Int) -> Void) {
            pipelinedBlocks(a, rows: m, columns: n, x: x, blocks: nb, range: blks,
                            coefficients: group, single: single,
                            secondTouch: { blk, first, four, c, row, c0, w, target, count in
                                let o = out(blk) + c0, r = row + c0
                                if four {
                                    DenseKernels.axpy4(c, r, r + n, r + 2 * n, r + 3 * n, o, w,
                                                       prefetching: target, rowStride: n, count: count, fromZero: first)
                                } else {
                                    if first { o.update(repeating: 0, count: w) }
                                    DenseKernels.axpy(c[0], r, o, w)
                                }
                            },
                            end: { blk, hadRows in
                                if !hadRows { out(blk).update(repeating: 0, count: n) }
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

    /// One item of the pipeline of ``pipelinedBlocks(_:rows:columns:x:blocks:range:coefficients:single:secondTouch:end:)``:
    /// a group of four rows, or one of the last `rows.count % 4` rows of a block.
    @usableFromInline
    struct Item {
        @usableFromInline var block: Int
        @usableFromInline var row: Int
        @usableFromInline var four: Bool
        /// The end of the block's groups of four and the end of its rows (so that the next
        /// item needs no division).
        @usableFromInline var groupsEnd: Int
        @usableFromInline var rowsEnd: Int
        @inlinable init(block: Int, row: Int, four: Bool, groupsEnd: Int, rowsEnd: Int) {
            self.block = block; self.row = row; self.four = four; self.groupsEnd = groupsEnd; self.rowsEnd = rowsEnd
        }
    }

    /// The pipelined loop of ``run(_:rows:columns:x:gradient:partials:blocks:group:single:)``
    /// over the rows of blocks `blks` (of `nb` blocks over `m` rows), in one pipeline
    /// across the blocks. Each block is a run of groups of four rows followed by its last
    /// `rows.count % 4` rows one at a time; while the current item (group or row) is
    /// revisited by `secondTouch` chunk by chunk (``chunkColumns``), read one item earlier
    /// and still in cache, the dot products of the next item (of the same block or the
    /// next) advance over the same chunk, and the chunk they read next is prefetched. So no
    /// block restarts the pipeline and no row is read without another beside it: before,
    /// the first dot products of every block waited on memory alone, and the last rows of
    /// a block (SPARCO7: 24 of its 600 rows) were read twice one after the other.
    ///
    /// - Parameters:
    ///   - coefficients: called with (block, first row i, the dot products of rows i…i+3
    ///     with x, grouped as ``DenseKernels/dot4(_:_:_:_:_:_:)``), in increasing i within
    ///     a block; returns what `secondTouch` receives for those rows.
    ///   - single: the same for one row (its dot product as ``DenseKernels/dot(_:_:_:)``),
    ///     after the block's groups. Either may be called for a block's first item before
    ///     `end` of the block before it.
    ///   - secondTouch: called with (block, whether the item is its block's first, whether
    ///     it is a group of four, its coefficients (one row: the first lane), its first
    ///     row, first column, chunk width, the rows to prefetch (nil: none) and how many of
    ///     their columns), for every chunk of every item in order.
    ///   - end: called with (block, whether it has any row) once per block of `blks`, in
    ///     order, after its last `secondTouch` and before the first of the next block.
    /// ``DenseYardsticks/rereadPattern(_:rows:columns:x:parts:)`` runs the same loop, its
    /// arithmetic taken out, so the yardstick reads what the kernel reads.
    /// - Complexity: O(rows · n); no allocation.
    @inlinable @inline(__always)
    package static func pipelinedBlocks(_ a: UnsafePointer<Double>, rows m: Int, columns n: Int, x: UnsafePointer<Double>,
                                       blocks nb: Int, range blks: Range<Int>,
                                       coefficients: (_ block: Int, _ row: Int, _ dots: SIMD4<Double>) -> SIMD4<Double>,
                                       single: (_ block: Int, _ row: Int, _ dot: Double) -> Double,
                                       secondTouch: (_ block: Int, _ first: Bool, _ four: Bool, _ c: SIMD4<Double>,
                                                     _ row: UnsafePointer<Double>, _ column: Int, _ width: Int,
                                                     _ prefetch: UnsafePointer<Double>?, _ prefetchCount: Int) -> Void,
                                       end: (_ block: Int, _ hasRows: Bool) -> Void) {
        let body4 = n & ~3, body16 = n & ~15
        /// The first item at or after block `b` of `blks`.
        @inline(__always) func firstItem(from b: Int) -> Item? {
            var b = b
            while b < blks.upperBound {
                let r = range(b, of: nb, m)
                if r.count > 0 {
                    return Item(block: b, row: r.lowerBound, four: r.count >= 4, groupsEnd: r.lowerBound + r.count / 4 * 4,
                                rowsEnd: r.upperBound)
                }
                b += 1
            }
            return nil
        }
        /// The item after `it`.
        @inline(__always) func following(_ it: Item) -> Item? {
            let next = it.row + (it.four ? 4 : 1)
            if next < it.rowsEnd {
                var n = it
                n.row = next
                n.four = next + 4 <= it.groupsEnd
                return n
            }
            return firstItem(from: it.block + 1)
        }
        guard var cur = firstItem(from: blks.lowerBound) else {
            for b in blks { end(b, false) }
            return
        }
        for b in blks.lowerBound..<cur.block { end(b, false) }
        let a0 = a + cur.row * n
        var c = cur.four ? coefficients(cur.block, cur.row, DenseKernels.dot4(a0, a0 + n, a0 + 2 * n, a0 + 3 * n, x, n))
                         : SIMD4(single(cur.block, cur.row, DenseKernels.dot(a0, x, n)), 0, 0, 0)
        var first = true
        var upcoming = following(cur)
        while true {
            let p = a + cur.row * n
            guard let next = upcoming else {
                var c0 = 0
                while c0 < n {
                    let w = min(chunkColumns, n - c0)
                    secondTouch(cur.block, first, cur.four, c, p, c0, w, nil, 0)
                    c0 += w
                }
                end(cur.block, true)
                for b in (cur.block + 1)..<blks.upperBound { end(b, false) }
                return
            }
            let q = a + next.row * n
            let afterNext = following(next)
            let after = afterNext.map { a + $0.row * n }
            var acc: DenseKernels.Accumulators4 = (SIMD4(), SIMD4(), SIMD4(), SIMD4())
            var c0 = 0
            while c0 < n {
                let w = min(chunkColumns, n - c0), ahead = c0 + w
                if next.four {
                    DenseKernels.dot4Accumulate(q, q + n, q + 2 * n, q + 3 * n, x, c0, min(ahead, body4), &acc)
                } else {
                    DenseKernels.dotAccumulate(q, x, c0, min(ahead, body16), &acc)
                }
                // Prefetch what the dot products read next: the next chunk of the next
                // item, or after its last chunk the first chunk of the item after it.
                secondTouch(cur.block, first, cur.four, c, p, c0, w, ahead < n ? q + ahead : after, min(chunkColumns, ahead < n ? n - ahead : n))
                c0 = ahead
            }
            let cNext = next.four
                ? coefficients(next.block, next.row, DenseKernels.dot4Finish(acc, q, q + n, q + 2 * n, q + 3 * n, x, body4, n))
                : SIMD4(single(next.block, next.row, DenseKernels.dotFinish(acc, q, x, body16, n)), 0, 0, 0)
            if next.block != cur.block {
                end(cur.block, true)
                for b in (cur.block + 1)..<next.block { end(b, false) }
                first = true
            } else {
                first = false
            }
            cur = next
            upcoming = afterNext
            c = cNext
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
