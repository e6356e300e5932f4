import ProblemSuite

/// Reads of a stored dense matrix that do no useful work: the yardsticks against which
/// the one-pass kernels (``DenseRowPass``) are measured (`problemsuite bench`).
///
/// - ``sumFourStreams(_:_:)`` is the floor under any kernel that reads a matrix once: a
///   plain read, four long streams per thread.
/// - ``rereadPattern(_:rows:columns:x:parts:)`` is the memory pattern of the fused
///   f+∇f kernel with its gradient arithmetic taken out: the same groups of four rows,
///   the same chunks and prefetches, each group read from memory by the dot products and
///   read a second time from cache one group later. What it loses against the plain read
///   is what the access pattern itself costs, whatever the arithmetic.
///
/// Their results (sums) are returned only so that the reads cannot be optimised away, and
/// so that tests can check that every entry was read; their rounding is of no interest.
package enum DenseYardsticks {
    /// Σ p[0..<n], read as four streams (the four quarters of the range side by side, two
    /// vectors each per step): on the measured machine one stream per core reaches about
    /// 0.87 of bandwidth.py's two-vector figure, four streams about 0.98.
    /// - Complexity: O(n), n·8 bytes read once.
    package static func sumFourStreams(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
        typealias V = SIMD4<Double>
        let len = (n / 4) & ~7
        let q0 = UnsafeRawPointer(p), q1 = UnsafeRawPointer(p + len), q2 = UnsafeRawPointer(p + 2 * len), q3 = UnsafeRawPointer(p + 3 * len)
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), b0 = V(), b1 = V(), b2 = V(), b3 = V()
        var o = 0
        while o < len * 8 {
            a0 += q0.loadUnaligned(fromByteOffset: o, as: V.self); b0 += q0.loadUnaligned(fromByteOffset: o + 32, as: V.self)
            a1 += q1.loadUnaligned(fromByteOffset: o, as: V.self); b1 += q1.loadUnaligned(fromByteOffset: o + 32, as: V.self)
            a2 += q2.loadUnaligned(fromByteOffset: o, as: V.self); b2 += q2.loadUnaligned(fromByteOffset: o + 32, as: V.self)
            a3 += q3.loadUnaligned(fromByteOffset: o, as: V.self); b3 += q3.loadUnaligned(fromByteOffset: o + 32, as: V.self)
            o += 64
        }
        var t = (((a0 + b0) + (a1 + b1)) + ((a2 + b2) + (a3 + b3))).sum()
        for i in (4 * len)..<n { t += p[i] }
        return t
    }

    /// Σ p[0..<n] read by `parts` threads, each one contiguous part as four streams
    /// (``sumFourStreams(_:_:)``): the plain read the bench compares kernels with.
    /// - Complexity: O(n), n·8 bytes read once; no heap allocation.
    package static func plainRead(_ p: UnsafePointer<Double>, count n: Int, parts: Int) -> Double {
        precondition(parts >= 1, "parts must be positive, got \(parts)")
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: parts) { out in
            let o = out.baseAddress!
            Parallel.forEach(parts, work: n) { t in
                let r = DenseRowPass.range(t, of: parts, n)
                (o + t).initialize(to: sumFourStreams(p + r.lowerBound, r.count))
            }
            return out.reduce(0, +)
        }
    }

    /// The 64-bit words of `bytes` bytes at `p`, summed with wrap-around by `parts` threads
    /// (each one contiguous part, four accumulators of four words): a plain read of data
    /// that are not all `Double` (CSR indices, row starts), with integer additions so that
    /// no bit pattern reaches the floating-point adder as a denormal. A trailing partial
    /// word is read byte by byte.
    /// - Complexity: O(bytes), every byte read once; no heap allocation.
    package static func wordRead(_ p: UnsafeRawPointer, bytes: Int, parts: Int) -> UInt64 {
        precondition(parts >= 1 && bytes >= 0, "parts must be positive and bytes non-negative, got \(parts), \(bytes)")
        let words = bytes / 8
        var total = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: parts) { out -> UInt64 in
            let o = out.baseAddress!
            Parallel.forEach(parts, work: words) { t in
                typealias V = SIMD4<UInt64>
                let r = DenseRowPass.range(t, of: parts, words)
                var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                var i = r.lowerBound
                while i + 16 <= r.upperBound {
                    a0 &+= p.loadUnaligned(fromByteOffset: 8 * i, as: V.self)
                    a1 &+= p.loadUnaligned(fromByteOffset: 8 * i + 32, as: V.self)
                    a2 &+= p.loadUnaligned(fromByteOffset: 8 * i + 64, as: V.self)
                    a3 &+= p.loadUnaligned(fromByteOffset: 8 * i + 96, as: V.self)
                    i += 16
                }
                var s = ((a0 &+ a1) &+ (a2 &+ a3)).wrappedSum()
                while i < r.upperBound { s &+= p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self); i += 1 }
                (o + t).initialize(to: s)
            }
            return out.reduce(0, &+)
        }
        for b in (8 * words)..<bytes { total &+= UInt64(p.load(fromByteOffset: b, as: UInt8.self)) }
        return total
    }

    /// The fused kernel's reads of the m×n row-major `a` without its gradient: rows split
    /// into `parts` contiguous ranges (one per thread), each run through the kernel's loop
    /// (``DenseRowPass/pipelinedBlocks(_:rows:columns:x:blocks:range:coefficients:single:secondTouch:end:)``
    /// over the range's full groups of four rows, in one pipeline: the dot products of group
    /// k+1 advance chunk by chunk while the same chunk of group k, read one group earlier,
    /// is visited again and the next chunk prefetched), with the gradient update replaced
    /// by a plain sum of the revisited chunk. Where the fused kernel runs its AVX2 loop
    /// (``DenseKernels/usesAVX2``), so does this (``DenseKernels/rereadGroupsAVX2(_:groups:columns:x:chunk:)``, the same
    /// chunks, loads and prefetches in C), so that the two differ only by the arithmetic
    /// and the reads and writes of the gradient.
    ///
    /// - Returns: `dots` = Σᵢ aᵢᵀx and `entries` = Σᵢⱼ aᵢⱼ, every entry read twice (once
    ///   for each sum), as the fused kernel reads it twice.
    /// - Complexity: O(m·n) time, m·n·8 bytes from memory once; no heap allocation.
    package static func rereadPattern(_ a: UnsafePointer<Double>, rows m: Int, columns n: Int, x: UnsafePointer<Double>,
                                     parts: Int) -> (dots: Double, entries: Double) {
        precondition(parts >= 1, "parts must be positive, got \(parts)")
        return withUnsafeTemporaryAllocation(of: (Double, Double).self, capacity: parts) { out in
            let o = out.baseAddress!
            Parallel.forEach(parts, work: m * n) { t in
                (o + t).initialize(to: rereadRows(a, rows: DenseRowPass.range(t, of: parts, m), columns: n, x: x))
            }
            return out.reduce((dots: 0.0, entries: 0.0)) { ($0.dots + $1.0, $0.entries + $1.1) }
        }
    }

    /// ``rereadPattern(_:rows:columns:x:parts:)`` over one contiguous range of rows.
    static func rereadRows(_ a: UnsafePointer<Double>, rows: Range<Int>, columns n: Int, x: UnsafePointer<Double>) -> (Double, Double) {
        let base = a + rows.lowerBound * n, groups = rows.count / 4
        var dots = 0.0, total = 0.0
        if DenseKernels.usesAVX2 {
            (dots, total) = DenseKernels.rereadGroupsAVX2(base, groups: groups, columns: n, x: x, chunk: DenseRowPass.chunkColumns)
        } else {
            var sums = SIMD4<Double>()
            DenseRowPass.pipelinedBlocks(base, rows: 4 * groups, columns: n, x: x, blocks: 1, range: 0..<1,
                                         coefficients: { _, _, d in dots += d.sum(); return SIMD4() },
                                         single: { _, _, d in dots += d; return 0 },
                                         secondTouch: { _, _, _, _, cur, c0, w, target, count in
                                             sums += sum4(cur + c0, rowStride: n, w, prefetching: target, count: count)
                                         },
                                         end: { _, _ in })
            total = sums.sum()
        }
        for i in (rows.lowerBound + 4 * groups)..<rows.upperBound {
            let row = a + i * n
            dots += DenseKernels.dot(row, x, n)
            for j in 0..<n { total += row[j] }
        }
        return (dots, total)
    }

    /// Column sums 0..<n of the four rows at `r`, `r + rowStride`, … (one lane per row),
    /// asking for `count` doubles of the four rows at `prefetch` as
    /// ``DenseKernels/axpy4(_:_:_:_:_:_:_:prefetching:rowStride:count:)`` does: the reads
    /// of the gradient update without its arithmetic.
    @inline(__always)
    static func sum4(_ r: UnsafePointer<Double>, rowStride s: Int, _ n: Int, prefetching prefetch: UnsafePointer<Double>?,
                     count: Int) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        @inline(__always) func add(_ j: Int) {
            s0 += UnsafeRawPointer(r + j).loadUnaligned(as: V.self)
            s1 += UnsafeRawPointer(r + s + j).loadUnaligned(as: V.self)
            s2 += UnsafeRawPointer(r + 2 * s + j).loadUnaligned(as: V.self)
            s3 += UnsafeRawPointer(r + 3 * s + j).loadUnaligned(as: V.self)
        }
        var i = DenseKernels.quadSteps(n, prefetching: prefetch, rowStride: s, count: count, add)
        var t = V(s0.sum(), s1.sum(), s2.sum(), s3.sum())
        while i < n {
            t += V(r[i], r[s + i], r[2 * s + i], r[3 * s + i])
            i += 1
        }
        return t
    }
}
