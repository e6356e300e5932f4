import Dispatch

/// Parameters of a K-SVD run. The defaults are the suite's MNIST defaults
/// (`spec/problems.md` §3, **[reconstruction]**): 1000 atoms, sparsity 10, 10 iterations,
/// approximate updates, KSVD-Box's atom replacement.
public struct KSVDOptions: Sendable, Hashable, Codable {
    /// The rank-one atom update (see ``KSVDAtomUpdater``).
    public enum Update: String, Sendable, Hashable, Codable, CaseIterable {
        /// Leading singular pair of the residual (Aharon, Elad, Bruckstein 2006).
        case exact
        /// One alternating step (Rubinstein, Zibulevsky, Elad 2008); KSVD-Box's default.
        case approximate
    }

    /// Number of atoms K.
    public var atoms = 1000
    /// OMP sparsity T during training.
    public var sparsity = 10
    /// Number of K-SVD iterations (sparse coding + dictionary update).
    public var iterations = 10
    /// Exact or approximate atom updates.
    public var update = Update.approximate
    /// Seed of the initial atoms and of the atom order.
    public var seed: UInt64 = 1
    /// Replace unused and near-duplicate atoms as KSVD-Box does (see ``KSVD``).
    public var replaceAtoms = true
    /// KSVD-Box's `muthresh`: an atom whose largest |cosine| with another exceeds this is
    /// replaced after the update (default 0.99, KSVD-Box's).
    public var coherenceThreshold = 0.99
    /// KSVD-Box's `use_thresh`: an atom used (|coefficient| > 10⁻⁷) by fewer signals is
    /// replaced after the update (default 4, KSVD-Box's).
    public var minimumUsage = 4
    /// Keep a signal's previous code (with the updated dictionary) when the new OMP code
    /// represents it worse. Off by default, as in KSVD-Box and the peer benchmark. With it
    /// on and ``replaceAtoms`` off, the representation error provably never rises from one
    /// iteration to the next; without it, OMP's greediness can make it rise slightly.
    public var keepBetterCodes = false
    /// Exact update: stop the power iteration when the unit vector moves by at most this.
    public var powerTolerance = 1e-9
    /// Exact update: at most this many power steps per atom.
    public var powerIterations = 500

    public init(atoms: Int = 1000, sparsity: Int = 10, iterations: Int = 10, update: Update = .approximate,
                seed: UInt64 = 1, replaceAtoms: Bool = true) {
        self.atoms = atoms
        self.sparsity = sparsity
        self.iterations = iterations
        self.update = update
        self.seed = seed
        self.replaceAtoms = replaceAtoms
    }
}

/// What one K-SVD iteration did, with the representation errors around its update.
public struct KSVDIterationReport: Sendable, Codable, Equatable {
    /// 1-based iteration number.
    public var iteration: Int
    /// ‖Y − D·X‖_F / ‖Y‖_F right after sparse coding (old dictionary, new codes).
    public var codingError: Double
    /// ‖Y − D·X‖_F / ‖Y‖_F after the dictionary update (new dictionary and coefficients),
    /// before atoms are cleared for the next iteration. Never above ``codingError``.
    public var updateError: Double
    /// KSVD-Box's RMSE after the update: √(‖Y − D·X‖_F² / (n·N)).
    public var rmse: Double
    /// Atoms no signal used, replaced during the update by the worst-represented signal.
    public var replacedUnused: Int
    /// Atoms replaced after the update for near-duplication or low use (KSVD-Box's
    /// `cleardict`; not done after the last iteration).
    public var clearedAtoms: Int
    /// Mean number of nonzeros per signal.
    public var meanNonzeros: Double
    /// Wall time of the sparse coding (with the Gram matrix), the update, and the whole.
    public var codingSeconds: Double
    public var updateSeconds: Double
    public var seconds: Double
}

/// A trained dictionary with the codes of its training signals.
public struct KSVDResult: Sendable {
    /// Atoms as rows (K×n row-major), unit norm.
    public var dictionary: [Double]
    public var atoms: Int
    public var length: Int
    /// The final codes (consistent with ``dictionary``).
    public var codes: SparseCodes
    /// One report per iteration.
    public var reports: [KSVDIterationReport]
    /// Training signals whose normalised copies were the initial atoms, in atom order
    /// (empty when an initial dictionary was given).
    public var initialSignals: [Int]
    /// ‖Y − D·X‖_F / ‖Y‖_F at the end (the peer's measure).
    public var relativeError: Double { reports.last?.updateError ?? .nan }
    /// Total wall time.
    public var seconds: Double { reports.reduce(0) { $0 + $1.seconds } }
}

/// K-SVD dictionary learning (Aharon, Elad, Bruckstein, *K-SVD: an algorithm for
/// designing overcomplete dictionaries for sparse representation*, IEEE TSP 54(11), 2006),
/// in the form of KSVD-Box v13 (Rubinstein):
///
/// 1. Initial dictionary: K distinct training signals drawn with the seeded generator
///    (stream `ksvd/initial`; zero signals are never drawn), normalised — as the peer
///    benchmark does (`bench/peers/ksvd.py`).
/// 2. Each iteration: sparse-code every signal by ``BatchOMP`` with sparsity T; then
///    update the atoms one by one in a random order (stream `ksvd/order`), each by the
///    exact or approximate rank-one update of ``KSVDAtomUpdater``, with the codes
///    updated in place so later atoms see earlier changes.
/// 3. Atom replacement (KSVD-Box): an atom that no signal uses is replaced, when its turn
///    comes, by the normalised training signal worst represented at that moment (each
///    signal at most once per iteration); after the update, every other atom whose
///    largest |cosine| with another atom exceeds ``KSVDOptions/coherenceThreshold`` or
///    that fewer than ``KSVDOptions/minimumUsage`` signals use is replaced by the
///    worst-represented signal not yet used (errors as after the update). KSVD-Box draws
///    at most 5000 candidate signals at random for the first rule; here every unused
///    signal is a candidate, the same when N ≤ 5000. The clearing is skipped after the
///    last iteration, so the returned codes match the returned dictionary.
///
/// The representation error is reported after each coding and each update
/// (``KSVDIterationReport``). The update step never increases it (each atom update is
/// optimal for its restriction, up to rounding); OMP, being greedy, can return codes
/// worse than the previous ones, so from one iteration to the next the error can rise
/// slightly (it does on the 2006 synthetic experiment once converged). The option
/// ``KSVDOptions/keepBetterCodes`` keeps, per signal, the better of the old and new
/// codes, which makes the error non-increasing when no atoms are replaced.
///
/// Determinism: all randomness is seeded; the parallel kernels (``DenseGEMM``,
/// ``BatchOMP``, the error sums) split work by sizes only; so a run is bit-identical
/// whatever the thread count.
public enum KSVD {
    /// Trains a dictionary on `count` signals of length `length` (rows of `signals`).
    ///
    /// - Parameters:
    ///   - initialDictionary: K×n atoms to start from instead of drawn signals (normalised here).
    ///   - progress: called after every iteration.
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` for inconsistent sizes, too
    ///   few nonzero signals, a zero or non-finite initial atom, or non-finite data.
    public static func train(signals: [Double], count: Int, length: Int, options: KSVDOptions,
                             initialDictionary: [Double]? = nil,
                             progress: ((KSVDIterationReport) -> Void)? = nil) throws -> KSVDResult {
        let n = length, nSignals = count, kk = options.atoms, tt = options.sparsity
        guard n > 0, nSignals > 0, signals.count == n * nSignals else {
            throw ProblemSuiteError.invalidRequest("K-SVD: expected \(nSignals) signals of length \(n) (\(n * nSignals) values), got \(signals.count) values")
        }
        guard kk > 0 else { throw ProblemSuiteError.invalidRequest("K-SVD: atoms must be positive, got \(kk)") }
        guard tt > 0 && tt <= min(kk, n) else {
            throw ProblemSuiteError.invalidRequest("K-SVD: sparsity must be in 1...\(min(kk, n)), got \(tt)")
        }
        guard options.iterations >= 0 else { throw ProblemSuiteError.invalidRequest("K-SVD: iterations must be non-negative, got \(options.iterations)") }
        guard !(options.coherenceThreshold <= 0) && options.minimumUsage >= 0 else {
            throw ProblemSuiteError.invalidRequest("K-SVD: coherence threshold must be positive and minimum usage non-negative")
        }
        if let bad = signals.firstIndex(where: { !$0.isFinite }) {
            throw ProblemSuiteError.invalidRequest("K-SVD: signal \(bad / n) has a non-finite entry at \(bad % n)")
        }
        let norms2: [Double] = signals.withUnsafeBufferPointer { y in
            (0..<nSignals).map { DenseKernels.dot(y.baseAddress! + $0 * n, y.baseAddress! + $0 * n, n) }
        }
        let totalNorm2 = norms2.reduce(0, +)
        guard totalNorm2 > 0 else { throw ProblemSuiteError.invalidRequest("K-SVD: every training signal is zero") }

        // Initial dictionary.
        var initialSignals: [Int] = []
        var d: [Double]
        if let given = initialDictionary {
            guard given.count == kk * n else {
                throw ProblemSuiteError.invalidRequest("K-SVD: initial dictionary has \(given.count) values, expected \(kk)×\(n)")
            }
            d = given
            for a in 0..<kk {
                var s = 0.0
                for r in 0..<n { s += d[a * n + r] * d[a * n + r] }
                guard s > 0 && s.isFinite else { throw ProblemSuiteError.invalidRequest("K-SVD: initial atom \(a) is zero or not finite") }
                let inv = 1 / s.squareRoot()
                for r in 0..<n { d[a * n + r] *= inv }
            }
        } else {
            let candidates = (0..<nSignals).filter { norms2[$0] > 0 }
            guard candidates.count >= kk else {
                throw ProblemSuiteError.invalidRequest("K-SVD: \(kk) atoms need at least \(kk) nonzero training signals, got \(candidates.count)")
            }
            var rng = SuiteRandom(seed: options.seed, stream: "ksvd/initial")
            initialSignals = rng.sample(kk, from: candidates.count).map { candidates[$0] }
            d = [Double](repeating: 0, count: kk * n)
            for (a, j) in initialSignals.enumerated() {
                let inv = 1 / norms2[j].squareRoot()
                for r in 0..<n { d[a * n + r] = signals[j * n + r] * inv }
            }
        }

        var orderRng = SuiteRandom(seed: options.seed, stream: "ksvd/order")
        var codes = SparseCodes(signalCount: nSignals, atomCount: kk, capacity: tt)
        var errors = [Double](repeating: 0, count: nSignals)
        var updater = KSVDAtomUpdater(length: n, atoms: kk, capacity: tt)
        var reports: [KSVDIterationReport] = []
        let omp = BatchOMP(dictionary: d, atoms: kk, length: n)

        var previousCodes: SparseCodes?
        var previousErrors = [Double](repeating: 0, count: nSignals)
        for iteration in 1...max(1, options.iterations) where options.iterations > 0 {
            let t0 = now()
            if options.keepBetterCodes && iteration > 1 {
                // The previous codes' errors under the current dictionary (after any clearing).
                _ = representationErrors(signals, omp.dictionary, codes, n, into: &previousErrors)
                previousCodes = codes
            }
            signals.withUnsafeBufferPointer { y in
                omp.code(signals: y.baseAddress!, count: nSignals, sparsity: tt, into: &codes)
            }
            d = omp.dictionary
            var codingSum = representationErrors(signals, d, codes, n, into: &errors)
            if let old = previousCodes {
                codingSum = keepBetter(&codes, &errors, old, previousErrors)
            }
            let codingError = (codingSum / totalNorm2).squareRoot()
            let t1 = now()

            // Dictionary update, atom by atom in a random order.
            let index = AtomIndex(codes)
            let order = orderRng.permutation(kk)
            var available = [Bool](repeating: true, count: nSignals)
            var replaced = [Bool](repeating: false, count: kk)
            var replacedUnused = 0
            signals.withUnsafeBufferPointer { yp in
                d.withUnsafeMutableBufferPointer { dp in
                    codes.counts.withUnsafeBufferPointer { cp in
                        codes.indices.withUnsafeBufferPointer { ip in
                            codes.values.withUnsafeMutableBufferPointer { vp in
                                let y = yp.baseAddress!, db = dp.baseAddress!
                                let cb = cp.baseAddress!, ib = ip.baseAddress!, vb = vp.baseAddress!
                                for k in order {
                                    if index.count(k) == 0 {
                                        guard options.replaceAtoms else { continue }
                                        _ = representationErrors(y, db, cb, ib, vb, n, tt, nSignals, kk, into: &errors)
                                        if let j = worst(errors, available, norms2) {
                                            let inv = 1 / norms2[j].squareRoot()
                                            for r in 0..<n { db[k * n + r] = y[j * n + r] * inv }
                                            available[j] = false
                                            replaced[k] = true
                                            replacedUnused += 1
                                        }
                                        continue
                                    }
                                    switch options.update {
                                    case .approximate:
                                        _ = updater.approximate(k, d: db, y: y, counts: cb, indices: ib, values: vb, index: index)
                                    case .exact:
                                        _ = updater.exact(k, d: db, y: y, counts: cb, indices: ib, values: vb, index: index,
                                                          tolerance: options.powerTolerance, maxIterations: options.powerIterations)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let updateSum = representationErrors(signals, d, codes, n, into: &errors)
            let updateError = (updateSum / totalNorm2).squareRoot()
            // The next coding's Gram matrix (not needed after the last iteration).
            if iteration < options.iterations { omp.setDictionary(d) }

            // KSVD-Box's cleardict, before the next coding.
            var cleared = 0
            if options.replaceAtoms && iteration < options.iterations {
                let use = codes.usage(threshold: 1e-7)
                let mu2 = options.coherenceThreshold * options.coherenceThreshold
                for j in 0..<kk where !replaced[j] {
                    var maxCos2 = 0.0
                    omp.gram.withUnsafeBufferPointer { g in
                        for i in 0..<kk where i != j { maxCos2 = max(maxCos2, g[j * kk + i] * g[j * kk + i]) }
                    }
                    guard maxCos2 > mu2 || use[j] < options.minimumUsage else { continue }
                    guard let s = worst(errors, available, norms2) else { break }
                    let inv = 1 / norms2[s].squareRoot()
                    omp.replaceAtom(j, with: (0..<n).map { signals[s * n + $0] * inv })
                    available[s] = false
                    cleared += 1
                }
                d = omp.dictionary
            }
            let t2 = now()
            let report = KSVDIterationReport(
                iteration: iteration, codingError: codingError, updateError: updateError,
                rmse: (updateSum / Double(n * nSignals)).squareRoot(), replacedUnused: replacedUnused,
                clearedAtoms: cleared, meanNonzeros: Double(codes.nonzeroCount) / Double(nSignals),
                codingSeconds: t1 - t0, updateSeconds: t2 - t1, seconds: t2 - t0)
            reports.append(report)
            progress?(report)
        }
        return KSVDResult(dictionary: d, atoms: kk, length: n, codes: codes, reports: reports, initialSignals: initialSignals)
    }

    /// Restores, for every signal whose previous code has a smaller error, the previous
    /// code; returns the new error sum (in signal order).
    static func keepBetter(_ codes: inout SparseCodes, _ errors: inout [Double], _ old: SparseCodes, _ oldErrors: [Double]) -> Double {
        let cap = codes.capacity
        var total = 0.0
        for j in 0..<codes.signalCount {
            if oldErrors[j] < errors[j] {
                codes.counts[j] = old.counts[j]
                for t in 0..<cap {
                    codes.indices[j * cap + t] = old.indices[j * cap + t]
                    codes.values[j * cap + t] = old.values[j * cap + t]
                }
                errors[j] = oldErrors[j]
            }
            total += errors[j]
        }
        return total
    }

    /// The available nonzero signal with the largest error (lowest index on ties), or nil.
    static func worst(_ errors: [Double], _ available: [Bool], _ norms2: [Double]) -> Int? {
        var best: Int?
        var value = -1.0
        for j in errors.indices where available[j] && norms2[j] > 0 && errors[j] > value {
            value = errors[j]
            best = j
        }
        return best
    }

    /// ‖y_j − D·x_j‖² for every signal into `errors`; returns their sum (summed in signal
    /// order). Parallel over fixed chunks of 256 signals.
    /// - Complexity: O(N·T·n).
    public static func representationErrors(_ signals: [Double], _ dictionary: [Double], _ codes: SparseCodes, _ n: Int,
                                            into errors: inout [Double]) -> Double {
        signals.withUnsafeBufferPointer { y in
            dictionary.withUnsafeBufferPointer { d in
                codes.counts.withUnsafeBufferPointer { c in
                    codes.indices.withUnsafeBufferPointer { i in
                        codes.values.withUnsafeBufferPointer { v in
                            representationErrors(y.baseAddress!, d.baseAddress!, c.baseAddress!, i.baseAddress!, v.baseAddress!,
                                                 n, codes.capacity, codes.signalCount, codes.atomCount, into: &errors)
                        }
                    }
                }
            }
        }
    }

    static func representationErrors(_ y: UnsafePointer<Double>, _ d: UnsafePointer<Double>, _ counts: UnsafePointer<Int>,
                                     _ indices: UnsafePointer<Int>?, _ values: UnsafePointer<Double>?, _ n: Int, _ cap: Int,
                                     _ nSignals: Int, _ atoms: Int, into errors: inout [Double]) -> Double {
        if errors.count != nSignals { errors = [Double](repeating: 0, count: nSignals) }
        let chunk = 256, tasks = (nSignals + chunk - 1) / chunk
        errors.withUnsafeMutableBufferPointer { ep in
            let eb = ep.baseAddress!
            Parallel.forEach(tasks) { t in
                var r = [Double](repeating: 0, count: n)
                r.withUnsafeMutableBufferPointer { rp in
                    let rb = rp.baseAddress!
                    for j in (t * chunk)..<min(nSignals, (t + 1) * chunk) {
                        rb.update(from: y + j * n, count: n)
                        for s in 0..<counts[j] {
                            DenseKernels.axpy(-values![j * cap + s], d + indices![j * cap + s] * n, rb, n)
                        }
                        eb[j] = DenseKernels.dot(rb, rb, n)
                    }
                }
            }
        }
        var total = 0.0
        for e in errors { total += e }
        return total
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
}
