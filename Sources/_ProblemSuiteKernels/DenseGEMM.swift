import CSparseKernels

/// Dense products C = A·Bᵀ of row-major matrices, blocked for the caches, with a SIMD
/// register-blocked micro-kernel and threads over row blocks.
///
/// The sparse-coding kernels are all of this "rows against rows" form: with atoms and
/// signals stored as rows (each contiguous), the Gram matrix is G = D·Dᵀ and the
/// correlations of signals with atoms are Y·Dᵀ.
///
/// Layout (Goto-style): the depth is cut into blocks of at most ``maximumDepthBlock``; B's
/// rows are packed once into micro-panels of ``nr`` rows stored depth-major
/// (``PackedRows``); A is packed per block of ``mc`` rows into micro-panels of ``mr`` rows.
/// The micro-kernel (C, `CSparseKernels`: AVX2 + FMA when the processor has both, else
/// portable C; chosen at run time, so the default build needs only the toolchain) keeps an
/// mr×nr tile of C in registers.
///
/// Determinism: every entry of C is summed over depth blocks in increasing order, each
/// block by one accumulator in increasing depth order. Neither the tiling position nor
/// the thread that computes a tile changes that order, so results are bit-identical
/// whatever ``Parallel/maxThreads`` is. (Machines with and without FMA may differ in the
/// last bits.)
package enum DenseGEMM {
    /// Rows of A per register tile.
    package static let mr = Int(PSK_MR)
    /// Rows of B per register tile.
    package static let nr = Int(PSK_NR)
    /// Rows of A packed at a time (a multiple of ``mr``): 96 rows × 320 depth × 8 bytes
    /// = 240 KiB, which stays in a 512 KiB level-2 cache.
    package static let mc = 96
    /// Largest depth block (a micro-panel of B, 320 × 8 × 8 bytes = 20 KiB, stays in L1).
    package static let maximumDepthBlock = 320

    /// Whether the AVX2 + FMA micro-kernel is in use on this machine.
    package static var usesAVX2: Bool { psk_gemm_uses_avx2() != 0 }

    /// Forces the portable micro-kernel (`true`) or restores the automatic choice.
    /// Affects the whole process; meant for tests and cross-machine reproduction.
    package static func forcePortableKernel(_ flag: Bool) { psk_gemm_force_portable(flag ? 1 : 0) }

    /// The depth blocks for depth `k`: as few blocks of at most ``maximumDepthBlock`` as
    /// possible, of nearly equal sizes (a function of `k` alone).
    @inlinable
    package static func depthBlocks(_ k: Int) -> [Range<Int>] {
        let count = max(1, (k + maximumDepthBlock - 1) / maximumDepthBlock)
        return (0..<count).map { (($0 * k) / count)..<((($0 + 1) * k) / count) }
    }

    /// The rows of a matrix packed as the B operand of ``multiply(_:lda:rows:packed:columns:into:ldc:accumulate:)``.
    package struct PackedRows: @unchecked Sendable {
        /// Number of rows packed (columns of the product).
        package let count: Int
        /// Depth (row length).
        package let depth: Int
        /// Number of micro-panels, ⌈count / nr⌉ (the last one zero-padded).
        package let panels: Int
        /// The depth blocks, from ``DenseGEMM/depthBlocks(_:)``.
        package let blocks: [Range<Int>]
        /// Packed values: block-major, then panel, then depth, then nr rows.
        package var storage: [Double]

        /// Packs `count` rows of length `depth`, row `j` starting at `b + j·ldb`.
        /// - Complexity: O(count · depth).
        package init(_ b: UnsafePointer<Double>, count: Int, depth: Int, ldb: Int) {
            let nr = DenseGEMM.nr
            self.count = count
            self.depth = depth
            panels = (count + nr - 1) / nr
            blocks = DenseGEMM.depthBlocks(depth)
            storage = [Double](repeating: 0, count: panels * nr * depth)
            let panels = self.panels, blocks = self.blocks
            storage.withUnsafeMutableBufferPointer { s in
                let base = s.baseAddress!
                for block in blocks {
                    let kc = block.count
                    let blockBase = base + panels * nr * block.lowerBound
                    for q in 0..<panels {
                        let panel = blockBase + q * kc * nr
                        for r in 0..<min(nr, count - q * nr) {
                            let row = b + (q * nr + r) * ldb + block.lowerBound
                            for p in 0..<kc { panel[p * nr + r] = row[p] }
                        }
                    }
                }
            }
        }

        /// Repacks row `j` from `row` (length ``depth``), after that row of the source changed.
        package mutating func replaceRow(_ j: Int, with row: UnsafePointer<Double>) {
            precondition(j >= 0 && j < count, "row \(j) out of 0..<\(count)")
            let nr = DenseGEMM.nr, q = j / nr, r = j % nr, panels = self.panels
            let blocks = self.blocks
            storage.withUnsafeMutableBufferPointer { s in
                for block in blocks {
                    let panel = s.baseAddress! + panels * nr * block.lowerBound + q * block.count * nr
                    for p in 0..<block.count { panel[p * nr + r] = row[block.lowerBound + p] }
                }
            }
        }
    }

    /// Scratch for packing blocks of A (one per thread).
    package final class Workspace: @unchecked Sendable {
        @usableFromInline var packedA: [Double]
        @usableFromInline var tile: [Double]
        package init() {
            packedA = [Double](repeating: 0, count: DenseGEMM.mc * DenseGEMM.maximumDepthBlock)
            tile = [Double](repeating: 0, count: DenseGEMM.mr * DenseGEMM.nr)
        }
    }

    /// C[i·ldc + j] = (C[i·ldc + j] if `accumulate`) + Σₚ A[i·lda + p]·B[j, p], for i in
    /// `rows` and j in `columns` (indices of `packed`'s rows), on the calling thread.
    ///
    /// `C` is addressed with absolute indices: row i of A writes row i of C.
    /// - Complexity: O(|rows| · |columns| · depth) multiply-adds.
    package static func multiply(_ a: UnsafePointer<Double>, lda: Int, rows: Range<Int>,
                                packed: PackedRows, columns: Range<Int>,
                                into c: UnsafeMutablePointer<Double>, ldc: Int,
                                accumulate: Bool = false, workspace: Workspace) {
        if rows.isEmpty || columns.isEmpty { return }
        precondition(columns.lowerBound >= 0 && columns.upperBound <= packed.count, "columns out of range")
        let mr = self.mr, nr = self.nr, mc = self.mc
        let firstPanel = columns.lowerBound / nr, endPanel = (columns.upperBound + nr - 1) / nr
        workspace.packedA.withUnsafeMutableBufferPointer { pab in
            workspace.tile.withUnsafeMutableBufferPointer { tb in
                packed.storage.withUnsafeBufferPointer { pbb in
                    let pa = pab.baseAddress!, tile = tb.baseAddress!, pb = pbb.baseAddress!
                    for (bi, block) in packed.blocks.enumerated() {
                        let kc = block.count
                        let add = accumulate || bi > 0
                        let bBlock = pb + packed.panels * nr * block.lowerBound
                        var i0 = rows.lowerBound
                        while i0 < rows.upperBound {
                            let mRows = min(mc, rows.upperBound - i0)
                            let aPanels = (mRows + mr - 1) / mr
                            // Pack A[i0..<i0+mRows, block] into mr-row micro-panels (zero padded).
                            for q in 0..<aPanels {
                                let panel = pa + q * kc * mr
                                let live = min(mr, mRows - q * mr)
                                for r in 0..<live {
                                    let row = a + (i0 + q * mr + r) * lda + block.lowerBound
                                    for p in 0..<kc { panel[p * mr + r] = row[p] }
                                }
                                if live < mr {
                                    for r in live..<mr { for p in 0..<kc { panel[p * mr + r] = 0 } }
                                }
                            }
                            for qb in firstPanel..<endPanel {
                                let bPanel = bBlock + qb * kc * nr
                                let j0 = qb * nr
                                let jLo = max(j0, columns.lowerBound), jHi = min(j0 + nr, columns.upperBound)
                                for q in 0..<aPanels {
                                    psk_gemm_micro(kc, pa + q * kc * mr, bPanel, tile)
                                    let rBase = i0 + q * mr
                                    for r in 0..<min(mr, mRows - q * mr) {
                                        let out = c + (rBase + r) * ldc
                                        let t = tile + r * nr - j0
                                        if add {
                                            for j in jLo..<jHi { out[j] += t[j] }
                                        } else {
                                            for j in jLo..<jHi { out[j] = t[j] }
                                        }
                                    }
                                }
                            }
                            i0 += mRows
                        }
                    }
                }
            }
        }
    }

    /// C = A·Bᵀ for row-major A (m×k) and B (n×k), C (m×n) row-major, on up to
    /// ``Parallel/maxThreads`` threads (row blocks of ``mc``).
    /// - Complexity: O(m·n·k).
    package static func multiplyTransposed(_ a: UnsafePointer<Double>, rows m: Int,
                                          _ b: UnsafePointer<Double>, rows n: Int, depth k: Int,
                                          into c: UnsafeMutablePointer<Double>) {
        if m == 0 || n == 0 { return }
        if k == 0 { c.update(repeating: 0, count: m * n); return }
        let packed = PackedRows(b, count: n, depth: k, ldb: k)
        multiplyTransposed(a, rows: m, packed: packed, into: c)
    }

    /// C = A·Bᵀ with B already packed; C is m × packed.count.
    package static func multiplyTransposed(_ a: UnsafePointer<Double>, rows m: Int, packed: PackedRows,
                                          into c: UnsafeMutablePointer<Double>) {
        let tasks = (m + mc - 1) / mc, n = packed.count, k = packed.depth
        let box = UncheckedBox((a, c))
        Parallel.forEach(tasks) { t in
            let (a, c) = box.value
            let rows = (t * mc)..<min(m, (t + 1) * mc)
            multiply(a, lda: k, rows: rows, packed: packed, columns: 0..<n, into: c, ldc: n, workspace: Workspace())
        }
    }

    /// A·Bᵀ of arrays: A is m×k, B is n×k (row-major); returns m×n row-major.
    package static func multiplyTransposed(_ a: [Double], rows m: Int, _ b: [Double], rows n: Int, depth k: Int) -> [Double] {
        precondition(a.count == m * k && b.count == n * k, "A must be \(m)×\(k) and B \(n)×\(k)")
        var c = [Double](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    guard let ab = ap.baseAddress, let bb = bp.baseAddress, let cb = cp.baseAddress else { return }
                    multiplyTransposed(ab, rows: m, bb, rows: n, depth: k, into: cb)
                }
            }
        }
        return c
    }

    /// The Gram matrix G = A·Aᵀ (m×m, row-major, exactly symmetric) of row-major A (m×k).
    ///
    /// Only tiles on or above the diagonal are computed (half the work); the rest is
    /// mirrored. Threads take row blocks of ``mc``.
    /// - Complexity: about m²·k/2 multiply-adds.
    package static func gram(_ a: UnsafePointer<Double>, rows m: Int, depth k: Int, into g: UnsafeMutablePointer<Double>) {
        if m == 0 { return }
        if k == 0 { g.update(repeating: 0, count: m * m); return }
        let packed = PackedRows(a, count: m, depth: k, ldb: k)
        gram(a, rows: m, packed: packed, into: g)
    }

    /// ``gram(_:rows:depth:into:)`` with A's rows already packed.
    package static func gram(_ a: UnsafePointer<Double>, rows m: Int, packed: PackedRows, into g: UnsafeMutablePointer<Double>) {
        precondition(packed.count == m, "packed rows do not match")
        let k = packed.depth
        let tasks = (m + mc - 1) / mc
        let box = UncheckedBox((a, g))
        Parallel.forEach(tasks) { t in
            let (a, g) = box.value
            let rows = (t * mc)..<min(m, (t + 1) * mc)
            let first = (rows.lowerBound / nr) * nr
            multiply(a, lda: k, rows: rows, packed: packed, columns: first..<m, into: g, ldc: m, workspace: Workspace())
        }
        // Mirror the upper triangle (row blocks of 64, split over threads).
        let parts = (m + 63) / 64
        Parallel.forEach(parts) { t in
            let g = box.value.1
            for i in (t * 64)..<min(m, (t + 1) * 64) {
                for j in 0..<i { g[i * m + j] = g[j * m + i] }
            }
        }
    }

    /// G = A·Aᵀ of a row-major array A (m×k).
    package static func gram(_ a: [Double], rows m: Int, depth k: Int) -> [Double] {
        precondition(a.count == m * k, "A must be \(m)×\(k)")
        var g = [Double](repeating: 0, count: m * m)
        a.withUnsafeBufferPointer { ap in
            g.withUnsafeMutableBufferPointer { gp in
                guard let ab = ap.baseAddress, let gb = gp.baseAddress else { return }
                gram(ab, rows: m, depth: k, into: gb)
            }
        }
        return g
    }
}
