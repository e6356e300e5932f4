import CSparseKernels

/// Dense vector kernels on raw pointers, SIMD-unrolled with a fixed summation order
/// (the same bits whatever the thread count or call site).
///
/// Two implementations of ``dot(_:_:_:)``, ``axpy(_:_:_:_:)``, ``dot4(_:_:_:_:_:_:)``,
/// ``dot4Accumulate(_:_:_:_:_:_:_:_:)`` and ``axpy4(_:_:_:_:_:_:_:prefetching:rowStride:count:)``,
/// chosen at run time: AVX2 C functions (`CSparseKernels/vector_avx2.c`) when the processor
/// has AVX2, else the Swift code below (SSE2 in a portable x86-64 build). The C versions
/// follow the Swift ones step for step (same 4-wide lanes, accumulators, reduction tree
/// and scalar tail; multiply then add, never fused), so both give the same bits; the
/// choice changes speed only. `PROBLEMSUITE_PORTABLE_KERNELS=1` in the environment (read
/// once, at the first kernel call) or ``forcePortable(_:)`` selects the Swift code.
package enum DenseKernels {
    /// Whether the AVX2 versions are in use (one relaxed load after the first call).
    @inlinable @inline(__always)
    package static var usesAVX2: Bool { psk_vector_uses_avx2() != 0 }

    /// `true`: the portable Swift kernels from now on, for the whole process; `false`: the
    /// automatic choice again. For tests that compare the two paths bit for bit.
    package static func forcePortable(_ flag: Bool) { psk_vector_force_portable(flag ? 1 : 0) }

    /// Σ a[i]·b[i] over `0..<n`, summed in four 4-wide accumulators, then the tail.
    @inlinable
    package static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        if usesAVX2 { return psk_dot_avx2(a, b, n) }
        var acc: Accumulators4 = (SIMD4(), SIMD4(), SIMD4(), SIMD4())
        dotAccumulate(a, b, 0, n, &acc)
        return dotFinish(acc, a, b, n & ~15, n)
    }

    /// The accumulation of ``dot(_:_:_:)`` over columns `start..<end` (`start` a multiple
    /// of 16; 16 columns a step while i + 16 ≤ end) into its four accumulators: run over
    /// consecutive chunks from zero, then ``dotFinish(_:_:_:_:_:)``, it gives ``dot(_:_:_:)``'s
    /// bits, so the row pass can advance one row's dot product chunk by chunk.
    @inlinable @inline(__always)
    package static func dotAccumulate(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ start: Int, _ end: Int,
                                      _ acc: inout Accumulators4) {
        if usesAVX2 {
            withUnsafeMutableBytes(of: &acc) { psk_dot_accumulate_avx2(a, b, start, end, $0.baseAddress!.assumingMemoryBound(to: Double.self)) }
            return
        }
        var (s0, s1, s2, s3) = acc
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = start
        while i + 16 <= end {
            let o = i * 8
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
            s1 += ra.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self)
            s2 += ra.loadUnaligned(fromByteOffset: o + 64, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: o + 64, as: SIMD4<Double>.self)
            s3 += ra.loadUnaligned(fromByteOffset: o + 96, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: o + 96, as: SIMD4<Double>.self)
            i += 16
        }
        acc = (s0, s1, s2, s3)
    }

    /// The end of ``dot(_:_:_:)`` after ``dotAccumulate(_:_:_:_:_:)`` over its first `tail`
    /// columns (`tail` = n rounded down to a multiple of 16): the reduction, then the
    /// scalar tail `tail..<n`.
    @inlinable @inline(__always)
    package static func dotFinish(_ acc: Accumulators4, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                                  _ tail: Int, _ n: Int) -> Double {
        let s = (acc.0 + acc.1) + (acc.2 + acc.3)
        var t = (s[0] + s[1]) + (s[2] + s[3])
        var i = tail
        while i < n {
            t += a[i] * b[i]
            i += 1
        }
        return t
    }

    /// y[i] += alpha·x[i] over `0..<n`.
    @inlinable
    package static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        if usesAVX2 { psk_axpy_avx2(alpha, x, y, n); return }
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        let va = SIMD4<Double>(repeating: alpha)
        var i = 0
        while i + 8 <= n {
            let o = i * 8
            let y0 = ry.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self) + va * rx.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
            let y1 = ry.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self) + va * rx.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self)
            ry.storeBytes(of: y0, toByteOffset: o, as: SIMD4<Double>.self)
            ry.storeBytes(of: y1, toByteOffset: o + 32, as: SIMD4<Double>.self)
            i += 8
        }
        while i < n {
            y[i] += alpha * x[i]
            i += 1
        }
    }

    /// Σ x[i]² (same accumulation order as ``dot(_:_:_:)``).
    @inlinable
    package static func squaredNorm(_ x: UnsafePointer<Double>, _ n: Int) -> Double { dot(x, x, n) }

    /// ‖x‖₂ of a buffer.
    @inlinable
    package static func norm(_ x: UnsafeBufferPointer<Double>) -> Double {
        guard let p = x.baseAddress else { return 0 }
        return dot(p, p, x.count).squareRoot()
    }

    /// ‖x‖₂ of an array.
    package static func norm(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { norm($0) } }

    /// Σ x[i]·y[i] of two arrays.
    package static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot of vectors of lengths \(x.count) and \(y.count)")
        return x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in
            guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
            return dot(pa, pb, a.count)
        } }
    }
}

extension DenseKernels {
    /// Four running 4-wide accumulators, one per row, of ``dot4(_:_:_:_:_:_:)``.
    package typealias Accumulators4 = (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)

    /// The dot products of four rows with one vector, reading the vector once for all four.
    /// Each row is summed in one 4-wide accumulator (few enough registers that nothing
    /// spills on SSE2), then the tail in order: exactly ``dot4Accumulate`` over the
    /// 4-wide part followed by ``dot4Finish``, so a caller may split the columns into
    /// chunks (multiples of 4) and get the same bits.
    @inlinable
    package static func dot4(_ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
                            _ r3: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) -> SIMD4<Double> {
        if usesAVX2 {
            var out = SIMD4<Double>()
            withUnsafeMutableBytes(of: &out) { psk_dot4_avx2(r0, r1, r2, r3, x, n, $0.baseAddress!.assumingMemoryBound(to: Double.self)) }
            return out
        }
        var acc: Accumulators4 = (SIMD4(), SIMD4(), SIMD4(), SIMD4())
        let body = n & ~3
        dot4Accumulate(r0, r1, r2, r3, x, 0, body, &acc)
        return dot4Finish(acc, r0, r1, r2, r3, x, body, n)
    }

    /// Adds columns `start..<end` (a multiple of 4 apart) of the four rows' products with x
    /// into the accumulators.
    @inlinable @inline(__always)
    package static func dot4Accumulate(_ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
                                      _ r3: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ start: Int, _ end: Int,
                                      _ acc: inout Accumulators4) {
        if usesAVX2 {
            withUnsafeMutableBytes(of: &acc) {
                psk_dot4_accumulate_avx2(r0, r1, r2, r3, x, start, end, $0.baseAddress!.assumingMemoryBound(to: Double.self))
            }
            return
        }
        typealias V = SIMD4<Double>
        var (a0, a1, a2, a3) = acc
        var i = start
        while i < end {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            a0 += UnsafeRawPointer(r0 + i).loadUnaligned(as: V.self) * xv
            a1 += UnsafeRawPointer(r1 + i).loadUnaligned(as: V.self) * xv
            a2 += UnsafeRawPointer(r2 + i).loadUnaligned(as: V.self) * xv
            a3 += UnsafeRawPointer(r3 + i).loadUnaligned(as: V.self) * xv
            i &+= 4
        }
        acc = (a0, a1, a2, a3)
    }

    /// Sums each accumulator's lanes, then adds the scalar tail columns `tail..<n`.
    @inlinable @inline(__always)
    package static func dot4Finish(_ acc: Accumulators4, _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>,
                                  _ r2: UnsafePointer<Double>, _ r3: UnsafePointer<Double>, _ x: UnsafePointer<Double>,
                                  _ tail: Int, _ n: Int) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let (a0, a1, a2, a3) = acc
        var t = V((a0[0] + a0[1]) + (a0[2] + a0[3]), (a1[0] + a1[1]) + (a1[2] + a1[3]),
                  (a2[0] + a2[1]) + (a2[2] + a2[3]), (a3[0] + a3[1]) + (a3[2] + a3[3]))
        var i = tail
        while i < n {
            t += V(r0[i], r1[i], r2[i], r3[i]) * x[i]
            i &+= 1
        }
        return t
    }

    /// y += c[0]·r0 + c[1]·r1 + c[2]·r2 + c[3]·r3, reading and writing y once; each
    /// entry is updated in row order, so the bits equal four successive ``axpy(_:_:_:_:)``.
    @inlinable
    package static func axpy4(_ c: SIMD4<Double>, _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>,
                             _ r2: UnsafePointer<Double>, _ r3: UnsafePointer<Double>,
                             _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        axpy4(c, r0, r1, r2, r3, y, n, prefetching: nil, rowStride: 0, count: 0)
    }

    /// ``axpy4(_:_:_:_:_:_:_:)`` that also asks for `count` doubles of four rows
    /// `prefetch`, `prefetch + rowStride`, … into the second-level cache, one cache line
    /// of each row every 8 columns. The one-pass row kernel (``DenseRowPass``) uses it to fetch the
    /// next rows' next chunk while it works on rows already in cache, so that memory
    /// never idles; the arithmetic, and so every bit, is that of the plain version.
    /// `fromZero`: y is not read, its entries are taken as +0.0 — the bits of zeroing y
    /// first and adding into it, without the pass that zeroes it (the first group of rows
    /// of a block of the row pass).
    @inlinable @inline(__always)
    package static func axpy4(_ c: SIMD4<Double>, _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>,
                             _ r2: UnsafePointer<Double>, _ r3: UnsafePointer<Double>,
                             _ y: UnsafeMutablePointer<Double>, _ n: Int,
                             prefetching prefetch: UnsafePointer<Double>?, rowStride: Int, count: Int,
                             fromZero: Bool = false) {
        if usesAVX2 {
            var c = c
            withUnsafeBytes(of: &c) {
                psk_axpy4_avx2($0.baseAddress!.assumingMemoryBound(to: Double.self), r0, r1, r2, r3, y, n, prefetch, rowStride, count,
                               fromZero ? 1 : 0)
            }
            return
        }
        typealias V = SIMD4<Double>
        let c0 = V(repeating: c[0]), c1 = V(repeating: c[1]), c2 = V(repeating: c[2]), c3 = V(repeating: c[3])
        /// Columns j..<j+4 of y, updated in row order.
        @inline(__always) func update(_ j: Int) {
            let py = UnsafeMutableRawPointer(y + j)
            var v = fromZero ? V() : py.loadUnaligned(as: V.self)
            v += c0 * UnsafeRawPointer(r0 + j).loadUnaligned(as: V.self)
            v += c1 * UnsafeRawPointer(r1 + j).loadUnaligned(as: V.self)
            v += c2 * UnsafeRawPointer(r2 + j).loadUnaligned(as: V.self)
            v += c3 * UnsafeRawPointer(r3 + j).loadUnaligned(as: V.self)
            py.storeBytes(of: v, as: V.self)
        }
        var i = quadSteps(n, prefetching: prefetch, rowStride: rowStride, count: count, update)
        while i < n {
            var v = fromZero ? 0 : y[i]
            v += c[0] * r0[i]; v += c[1] * r1[i]; v += c[2] * r2[i]; v += c[3] * r3[i]
            y[i] = v
            i += 1
        }
    }

    /// Calls `step(j)` for j = 0, 4, 8, … while j + 4 ≤ n and returns the first column
    /// not stepped (the scalar tail is the caller's). When `prefetch` is given it also asks
    /// for one cache line of each of the four rows `prefetch`, `prefetch + rowStride`, …
    /// every 8 columns over their first `count` columns, into the second-level cache: the
    /// loop shape of ``axpy4(_:_:_:_:_:_:_:prefetching:rowStride:count:)`` and of the
    /// yardstick that reads as it does (``DenseYardsticks``).
    @inlinable @inline(__always)
    package static func quadSteps(_ n: Int, prefetching prefetch: UnsafePointer<Double>?, rowStride: Int, count: Int,
                                 _ step: (Int) -> Void) -> Int {
        var i = 0
        if let p = prefetch {
            // Eight columns (two vectors) per step, one line of each prefetched row per step.
            let lines = min(count, n)
            while i &+ 8 <= lines {
                psk_prefetch_l2(p + i)
                psk_prefetch_l2(p + rowStride + i)
                psk_prefetch_l2(p + 2 * rowStride + i)
                psk_prefetch_l2(p + 3 * rowStride + i)
                step(i)
                step(i &+ 4)
                i &+= 8
            }
        }
        while i &+ 4 <= n {
            step(i)
            i &+= 4
        }
        return i
    }
}

extension DenseKernels {
    /// A yardstick, not a kernel (`psk_reread_groups_avx2`): the reads of the row pass over
    /// `groups` groups of four rows of the row-major `a` (`n` columns), its chunks of
    /// `chunk` columns and its prefetches, with the gradient update replaced by a sum of
    /// the re-read chunk. Returns (Σ of the rows' dot products with x, Σ of the entries).
    /// - Precondition: ``usesAVX2`` (the C function traps otherwise).
    /// - Complexity: O(groups · 4 · n).
    package static func rereadGroupsAVX2(_ a: UnsafePointer<Double>, groups: Int, columns n: Int, x: UnsafePointer<Double>,
                                         chunk: Int) -> (Double, Double) {
        precondition(usesAVX2, "rereadGroupsAVX2 needs the AVX2 kernels")
        var pair = (0.0, 0.0)
        withUnsafeMutableBytes(of: &pair) { psk_reread_groups_avx2(a, groups, n, x, chunk, $0.baseAddress!.assumingMemoryBound(to: Double.self)) }
        return pair
    }
}

extension DenseKernels {
    /// The top-K selection's gather in AVX2 (`psk_gather_at_least_avx2`): the entries of
    /// `v` with |vᵢ| ≥ t or NaN, in index order, their magnitudes (NaN as +∞) into `keys`
    /// and their indices into `indices`; returns how many. Both need room for `n` entries.
    /// - Precondition: ``usesAVX2`` (the C function traps otherwise).
    /// - Complexity: O(n).
    package static func gatherAtLeastAVX2(_ v: UnsafePointer<Double>, count n: Int, threshold t: Double,
                                          keys: UnsafeMutablePointer<Double>, indices: UnsafeMutablePointer<Int>) -> Int {
        precondition(usesAVX2, "gatherAtLeastAVX2 needs the AVX2 kernels")
        return psk_gather_at_least_avx2(v, n, t, keys, indices)
    }
}

extension DenseKernels {
    /// The most samples, and the largest rank, ``sampleThresholdAVX2(_:samples:stride:rank:)``
    /// takes: 2048 and 128.
    package static let sampleLimit = Int(PSK_SAMPLE_LIMIT), sampleRankLimit = Int(PSK_SAMPLE_RANK_LIMIT)

    /// The r-th largest of |v[j·stride]| (NaN as +∞), j < `samples`
    /// (`psk_sample_threshold_avx2`): runs of b ≥ r sorted by a bitonic network and
    /// folded into one, keeping the b largest.
    /// - Precondition: ``usesAVX2``, 1 ≤ r ≤ ``sampleRankLimit``, r ≤ samples ≤ ``sampleLimit``,
    ///   and `v` holds (samples − 1)·stride + 1 entries.
    /// - Complexity: O(samples · log² b), no branch on the data.
    package static func sampleThresholdAVX2(_ v: UnsafePointer<Double>, samples: Int, stride: Int, rank r: Int) -> Double {
        precondition(usesAVX2, "sampleThresholdAVX2 needs the AVX2 kernels")
        precondition(r >= 1 && r <= sampleRankLimit && r <= samples && samples <= sampleLimit && stride >= 1,
                     "sampleThresholdAVX2: r = \(r), samples = \(samples), stride = \(stride)")
        return psk_sample_threshold_avx2(v, samples, stride, r)
    }

    /// The most candidates ``sortSelectAVX2(keys:indices:count:k:into:)`` takes: 256.
    package static let sortSelectLimit = Int(PSK_SORT_SELECT_LIMIT)

    /// The `k` best of `c` candidates in increasing index order (magnitudes `keys`, no
    /// NaN; their `indices`), written to `out` in increasing index order
    /// (`psk_sort_select_avx2`): the k-th largest magnitude from a bitonic sort of a copy
    /// of the keys, then those above it and the lowest-indexed ties. Returns k.
    /// - Precondition: ``usesAVX2``, and 1 ≤ k ≤ c ≤ ``sortSelectLimit``.
    /// - Complexity: O(c log² c) compare-exchanges, no branch on the data.
    package static func sortSelectAVX2(keys: UnsafePointer<Double>, indices: UnsafePointer<Int>, count c: Int, k: Int,
                                       into out: UnsafeMutablePointer<Int>) -> Int {
        precondition(usesAVX2, "sortSelectAVX2 needs the AVX2 kernels")
        precondition(k >= 1 && k <= c && c <= sortSelectLimit, "sortSelectAVX2: k = \(k), c = \(c), limit \(sortSelectLimit)")
        return psk_sort_select_avx2(keys, indices, c, k, out)
    }
}
