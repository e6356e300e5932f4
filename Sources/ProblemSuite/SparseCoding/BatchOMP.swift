/// Orthogonal Matching Pursuit in its batch form ("Batch-OMP", Rubinstein, Zibulevsky and
/// Elad, *Efficient implementation of the K-SVD algorithm using batch orthogonal matching
/// pursuit*, Technion CS-2008-08).
///
/// For a dictionary D with unit-norm atoms d₁…d_K (stored as the rows of a K×n array) and
/// a signal y, OMP selects T atoms greedily: at each step the atom most correlated with
/// the residual joins the support I, and the coefficients become the least-squares fit
/// of y on the selected atoms. Batch-OMP never forms the residual: with the Gram matrix
/// G = DᵀD and α⁰ = Dᵀy computed once for many signals (both dense products, see
/// ``DenseGEMM``), each step costs O(K·|I|):
///
///     k  = argmax |α_k|                          (α = α⁰ − G_{:,I} γ_I)
///     w  = L⁻¹ G_{I,k},  L ← [L 0; wᵀ √(G_kk − wᵀw)]   (progressive Cholesky of G_{I,I})
///     γ_I = (L Lᵀ)⁻¹ α⁰_I,   α = α⁰ − G_{:,I} γ_I
///
/// Stopping: after T atoms; or, when an error target ε is given, as soon as the squared
/// residual norm ‖y − Dx‖² ≤ ε (tracked without the residual by the δ-recursion of
/// Batch-OMP-2); or early when every correlation is below 10⁻¹² of the largest initial
/// one (y already represented to rounding), or when the next atom is numerically in the
/// span of the selected ones (G_kk − wᵀw ≤ 10⁻¹⁰·G_kk). The selection rule |α_k| assumes
/// unit-norm atoms, as OMP does.
///
/// Many signals: ``code(signals:count:sparsity:errorTarget:)`` splits them into chunks of
/// ``chunkSize`` (a constant, so results do not depend on the thread count), computes each
/// chunk's correlations by a dense product and codes its signals, chunks in parallel.
public final class BatchOMP: @unchecked Sendable {
    /// Number of atoms K.
    public let atomCount: Int
    /// Signal length n.
    public let signalLength: Int
    /// The Gram matrix DᵀD (K×K row-major).
    public private(set) var gram: [Double]
    /// The atoms (K×n row-major), as given.
    public private(set) var dictionary: [Double]
    /// The atoms packed for the correlation product.
    package private(set) var packedDictionary: DenseGEMM.PackedRows

    /// Signals per parallel chunk: 96 (the GEMM's row block), so a chunk's correlations
    /// (96×K) stay in cache while its signals are coded.
    public static let chunkSize = 96
    /// Early stop when max |α| ≤ this × max |α⁰|.
    public static let correlationTolerance = 1e-12
    /// Early stop when the new Cholesky pivot² ≤ this × G_kk.
    public static let dependenceTolerance = 1e-10

    /// Prepares OMP over `dictionary` (K×n row-major, unit-norm rows): computes G = DᵀD.
    /// - Complexity: O(K²·n) (the Gram matrix).
    public init(dictionary: [Double], atoms: Int, length: Int) {
        precondition(atoms > 0 && length > 0 && dictionary.count == atoms * length,
                     "dictionary must hold \(atoms) atoms of length \(length)")
        atomCount = atoms
        signalLength = length
        self.dictionary = dictionary
        packedDictionary = dictionary.withUnsafeBufferPointer {
            DenseGEMM.PackedRows($0.baseAddress!, count: atoms, depth: length, ldb: length)
        }
        let packed = packedDictionary
        var g = [Double](repeating: 0, count: atoms * atoms)
        dictionary.withUnsafeBufferPointer { d in
            g.withUnsafeMutableBufferPointer { DenseGEMM.gram(d.baseAddress!, rows: atoms, packed: packed, into: $0.baseAddress!) }
        }
        gram = g
    }

    /// Replaces atom `k` by `atom` (length n) and updates G's row and column k and the
    /// packed copy. - Complexity: O(K·n).
    public func replaceAtom(_ k: Int, with atom: [Double]) {
        precondition(atom.count == signalLength && k >= 0 && k < atomCount)
        let n = signalLength, kk = atomCount
        dictionary.replaceSubrange((k * n)..<((k + 1) * n), with: atom)
        dictionary.withUnsafeBufferPointer { d in
            let db = d.baseAddress!
            packedDictionary.replaceRow(k, with: db + k * n)
            gram.withUnsafeMutableBufferPointer { g in
                for i in 0..<kk {
                    let v = DenseKernels.dot(db + i * n, db + k * n, n)
                    g[i * kk + k] = v
                    g[k * kk + i] = v
                }
            }
        }
    }

    /// Replaces the whole dictionary (same sizes) and recomputes G.
    public func setDictionary(_ d: [Double]) {
        precondition(d.count == atomCount * signalLength)
        dictionary = d
        let k = atomCount, n = signalLength
        packedDictionary = d.withUnsafeBufferPointer { DenseGEMM.PackedRows($0.baseAddress!, count: k, depth: n, ldb: n) }
        let packed = packedDictionary
        d.withUnsafeBufferPointer { dp in
            gram.withUnsafeMutableBufferPointer { DenseGEMM.gram(dp.baseAddress!, rows: k, packed: packed, into: $0.baseAddress!) }
        }
    }

    /// Per-thread scratch of one OMP run.
    public final class Workspace {
        @usableFromInline var alpha: [Double]
        @usableFromInline var cholesky: [Double]
        @usableFromInline var gamma: [Double]
        @usableFromInline var w: [Double]
        @usableFromInline var rhs: [Double]
        @usableFromInline let capacity: Int

        public init(atoms: Int, sparsity: Int) {
            capacity = max(1, sparsity)
            alpha = [Double](repeating: 0, count: atoms)
            cholesky = [Double](repeating: 0, count: capacity * capacity)
            gamma = [Double](repeating: 0, count: capacity)
            w = [Double](repeating: 0, count: capacity)
            rhs = [Double](repeating: 0, count: capacity)
        }
    }

    /// Codes one signal from its correlations `alpha0` = Dᵀy (length K).
    ///
    /// Writes at most `sparsity` atom indices and coefficients (selection order) and
    /// returns how many. `normSquared` (‖y‖²) is needed only with an `errorTarget`.
    /// - Complexity: O(K·s² + s³) for s selected atoms.
    public func code(alpha0: UnsafePointer<Double>, sparsity: Int, errorTarget: Double? = nil, normSquared: Double = 0,
                     workspace ws: Workspace, indices: UnsafeMutablePointer<Int>, values: UnsafeMutablePointer<Double>) -> Int {
        let kk = atomCount, tMax = min(sparsity, ws.capacity, kk)
        if tMax <= 0 { return 0 }
        var count = 0
        gram.withUnsafeBufferPointer { gp in
            ws.alpha.withUnsafeMutableBufferPointer { ap in
                ws.cholesky.withUnsafeMutableBufferPointer { lp in
                    ws.gamma.withUnsafeMutableBufferPointer { gam in
                        ws.w.withUnsafeMutableBufferPointer { wp in
                            ws.rhs.withUnsafeMutableBufferPointer { rp in
                                count = BatchOMP.run(g: gp.baseAddress!, k: kk, alpha0: alpha0, t: tMax, errorTarget: errorTarget,
                                                     normSquared: normSquared, alpha: ap.baseAddress!, l: lp.baseAddress!,
                                                     ldl: ws.capacity, gamma: gam.baseAddress!, w: wp.baseAddress!,
                                                     rhs: rp.baseAddress!, indices: indices, values: values)
                            }
                        }
                    }
                }
            }
        }
        return count
    }

    /// The Batch-OMP loop on raw buffers (see the type's documentation).
    @usableFromInline
    static func run(g: UnsafePointer<Double>, k kk: Int, alpha0: UnsafePointer<Double>, t tMax: Int,
                    errorTarget: Double?, normSquared: Double,
                    alpha: UnsafeMutablePointer<Double>, l: UnsafeMutablePointer<Double>, ldl: Int,
                    gamma: UnsafeMutablePointer<Double>, w: UnsafeMutablePointer<Double>, rhs: UnsafeMutablePointer<Double>,
                    indices: UnsafeMutablePointer<Int>, values: UnsafeMutablePointer<Double>) -> Int {
        alpha.update(from: alpha0, count: kk)
        var alpha0Max = 0.0
        for i in 0..<kk { alpha0Max = max(alpha0Max, abs(alpha0[i])) }
        if alpha0Max == 0 || !alpha0Max.isFinite { return 0 }
        let floor = correlationTolerance * alpha0Max
        var s = 0
        var residual = normSquared, deltaPrevious = 0.0
        while s < tMax {
            if let target = errorTarget, residual <= target { break }
            // Select the atom most correlated with the residual.
            var best = -1
            var bestValue = floor
            for i in 0..<kk {
                let v = abs(alpha[i])
                if v > bestValue { bestValue = v; best = i }
            }
            if best < 0 { break }
            let gkk = g[best * kk + best]
            // Extend the Cholesky factor of G_{I,I}.
            if s == 0 {
                guard gkk > 0 else { break }
                l[0] = gkk.squareRoot()
            } else {
                let row = g + best * kk  // G_{k,:} = G_{:,k} (symmetric)
                for r in 0..<s {
                    var v = row[indices[r]]
                    for c in 0..<r { v -= l[r * ldl + c] * w[c] }
                    w[r] = v / l[r * ldl + r]
                }
                var ww = 0.0
                for r in 0..<s { ww += w[r] * w[r] }
                let pivot = gkk - ww
                if !(pivot > dependenceTolerance * gkk) { break }
                for r in 0..<s { l[s * ldl + r] = w[r] }
                l[s * ldl + s] = pivot.squareRoot()
            }
            indices[s] = best
            s += 1
            // γ = (L Lᵀ)⁻¹ α⁰_I.
            for r in 0..<s {
                var v = alpha0[indices[r]]
                for c in 0..<r { v -= l[r * ldl + c] * rhs[c] }
                rhs[r] = v / l[r * ldl + r]
            }
            var r = s - 1
            while r >= 0 {
                var v = rhs[r]
                for c in (r + 1)..<s { v -= l[c * ldl + r] * gamma[c] }
                gamma[r] = v / l[r * ldl + r]
                r -= 1
            }
            // α = α⁰ − G_{:,I} γ.
            alpha.update(from: alpha0, count: kk)
            for c in 0..<s { DenseKernels.axpy(-gamma[c], g + indices[c] * kk, alpha, kk) }
            if errorTarget != nil {
                // δ = γᵀ β_I with β = G_{:,I}γ = α⁰ − α; ε ← ε − δ + δ_prev.
                var delta = 0.0
                for c in 0..<s { delta += gamma[c] * (alpha0[indices[c]] - alpha[indices[c]]) }
                residual = residual - delta + deltaPrevious
                deltaPrevious = delta
            }
            for c in 0..<s { alpha[indices[c]] = 0 }
        }
        for c in 0..<s { values[c] = gamma[c] }
        return s
    }

    /// Codes `count` signals (rows of a count×n array) with at most `sparsity` atoms
    /// each, and optionally the error target ε on ‖y − Dx‖² per signal.
    /// - Complexity: O(N·K·n) for the correlations plus O(N·K·T²) for the pursuit.
    public func code(signals: UnsafePointer<Double>, count: Int, sparsity: Int, errorTarget: Double? = nil) -> SparseCodes {
        var codes = SparseCodes(signalCount: count, atomCount: atomCount, capacity: sparsity)
        code(signals: signals, count: count, sparsity: sparsity, errorTarget: errorTarget, into: &codes)
        return codes
    }

    /// ``code(signals:count:sparsity:errorTarget:)`` into existing codes (capacity ≥ sparsity).
    public func code(signals: UnsafePointer<Double>, count: Int, sparsity: Int, errorTarget: Double? = nil,
                     into codes: inout SparseCodes) {
        precondition(codes.signalCount == count && codes.capacity >= sparsity && codes.atomCount == atomCount,
                     "sparse codes of the wrong shape")
        let n = signalLength, kk = atomCount, cap = codes.capacity, chunk = BatchOMP.chunkSize
        let tasks = (count + chunk - 1) / chunk
        let packed = packedDictionary
        codes.counts.withUnsafeMutableBufferPointer { cp in
            codes.indices.withUnsafeMutableBufferPointer { ip in
                codes.values.withUnsafeMutableBufferPointer { vp in
                    let cb = cp.baseAddress!, ib = ip.baseAddress, vb = vp.baseAddress
                    Parallel.forEach(tasks) { t in
                        let lo = t * chunk, hi = min(count, lo + chunk)
                        var corr = [Double](repeating: 0, count: (hi - lo) * kk)
                        let gemm = DenseGEMM.Workspace()
                        let ws = Workspace(atoms: kk, sparsity: sparsity)
                        corr.withUnsafeMutableBufferPointer { cr in
                            let crb = cr.baseAddress!
                            // Rows lo..<hi of Y·Dᵀ, written at row (i − lo) of `corr`.
                            DenseGEMM.multiply(signals + lo * n, lda: n, rows: 0..<(hi - lo), packed: packed,
                                               columns: 0..<kk, into: crb, ldc: kk, workspace: gemm)
                            for j in lo..<hi {
                                let y = signals + j * n
                                let norm2 = errorTarget == nil ? 0 : DenseKernels.dot(y, y, n)
                                cb[j] = self.code(alpha0: crb + (j - lo) * kk, sparsity: sparsity, errorTarget: errorTarget,
                                                  normSquared: norm2, workspace: ws,
                                                  indices: ib! + j * cap, values: vb! + j * cap)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Codes one signal (length n); returns (atom, coefficient) pairs in selection order.
    public func code(signal: [Double], sparsity: Int, errorTarget: Double? = nil) -> [(atom: Int, value: Double)] {
        precondition(signal.count == signalLength, "signal has \(signal.count) entries, expected \(signalLength)")
        let codes = signal.withUnsafeBufferPointer { code(signals: $0.baseAddress!, count: 1, sparsity: sparsity, errorTarget: errorTarget) }
        return codes.entries(0)
    }
}
