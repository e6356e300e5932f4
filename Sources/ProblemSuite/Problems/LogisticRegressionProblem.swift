#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Averaged binary-classification loss over a training set (`spec/problems.md` §4,
/// paper §3.4):
///
///     f(x) = (1/N) Σᵢ ℓ(yᵢ·aᵢᵀx),  yᵢ ∈ {−1, +1},
///
/// with ℓ the logistic loss ℓ(t) = log(1 + e^{−t}) (default) or the sigmoid loss
/// ℓ(t) = (1 − 1/(1 + e^{−t}))² = σ(−t)² (the named non-convex alternative).
///
/// - Stability: ℓ and ℓ′ are evaluated without overflow for any t: for t ≥ 0 through
///   e^{−t}, for t < 0 through e^{t}; log1p keeps accuracy for large |t|.
/// - One pass: ``computeValueAndGradient(_:into:)`` reads each row once, forming its
///   margin and adding its gradient term while the row is in cache.
/// - Storage: dense row-major (SIMD dot/axpy) or CSR, as the data's density chose.
/// - Determinism: rows are split into a number of blocks that depends only on the
///   sizes; each block accumulates its own partial sums, added in block order, so every
///   bit is independent of the thread count.
/// - No allocation per evaluation (partial sums live in the instance); not thread-safe.
///
/// The held-out part (if any) gives ``testAccuracy(_:)``: the fraction of test samples
/// with sign(aᵢᵀx) = yᵢ; a score aᵢᵀx of exactly 0 decides nothing and counts as an error
/// (``testScore(_:)`` counts those samples).
public final class LogisticRegressionProblem: SmoothProblem, HeldOutEvaluation {
    /// The per-sample loss.
    public enum Loss: String, CaseIterable, Sendable {
        /// log(1 + e^{−t}): convex, the paper's (3.4).
        case logistic
        /// (1 − σ(t))² = σ(−t)²: bounded and non-convex.
        case sigmoid
    }

    public let metadata: ProblemMetadata
    public let evaluations = EvaluationCounter()
    /// The gradient is the value-and-gradient pass (no `computeGradient` of its own).
    public var gradientPassComputesValue: Bool { true }
    /// Training features, one row per sample (with the bias column if any).
    public let features: FeatureMatrix
    /// Training labels, ±1.
    public let labels: [Double]
    public let loss: Loss
    /// Held-out features and labels (same columns as `features`).
    public let testFeatures: FeatureMatrix?
    public let testLabels: [Double]

    /// Row blocks: a function of the sizes only.
    @usableFromInline let blocks: Int
    @usableFromInline var partialGradients: [Double]
    @usableFromInline var partialValues: [Double]

    /// - Precondition: labels are ±1 and match the rows; test columns match.
    public init(features: FeatureMatrix, labels: [Double], loss: Loss = .logistic,
                testFeatures: FeatureMatrix? = nil, testLabels: [Double] = [], metadata: ProblemMetadata) {
        precondition(features.rowCount == labels.count && features.rowCount > 0, "one label per training row")
        precondition(labels.allSatisfy { $0 == 1 || $0 == -1 }, "labels must be ±1")
        precondition(testFeatures.map { $0.columnCount == features.columnCount && $0.rowCount == testLabels.count } ?? testLabels.isEmpty,
                     "test features must match the training columns and test labels")
        precondition(metadata.dimension == features.columnCount, "metadata dimension must be the number of columns")
        self.features = features
        self.labels = labels
        self.loss = loss
        self.testFeatures = testFeatures
        self.testLabels = testLabels
        self.metadata = metadata
        let work: Int
        switch features {
        case .dense(let m): work = m.rows * m.columns
        case .sparse(let s): work = s.nonzeroCount + s.rows
        }
        blocks = work >= (1 << 18) ? min(16, features.rowCount) : 1
        partialGradients = [Double](repeating: 0, count: (blocks - 1) * features.columnCount)
        partialValues = [Double](repeating: 0, count: blocks)
    }

    /// ℓ(t) = log(1 + e^{−t}) and ℓ′(t) = −σ(−t) for the logistic loss, stable for every t,
    /// in four lanes at once: with e = e^{−|t|} (``DeterministicMath/expNonPositive(_:)``),
    /// ℓ = log1p(e) for t ≥ 0 and log1p(e) − t below (``DeterministicMath/log1pUnit(_:)``),
    /// ℓ′ = −e/(1 + e) for t ≥ 0 and −1/(1 + e) below.
    ///
    /// Built from `+ - * /` only, with no branch on the data: the same bits on every
    /// platform (the C library's exp and log1p differ between systems), and four rows of a
    /// pass for about the price of one libm call (BENCHMARKS.md, "Per-problem table").
    @inlinable @inline(__always)
    public static func logistic(_ t: SIMD4<Double>) -> (value: SIMD4<Double>, slope: SIMD4<Double>) {
        let negative = t .< 0
        let a = t.replacing(with: -t, where: negative)
        let e = DeterministicMath.expNonPositive(-a)
        let l = DeterministicMath.log1pUnit(e)
        return (l.replacing(with: l + a, where: negative), (-e).replacing(with: -1, where: negative) / (1 + e))
    }

    /// ℓ(t) = σ(−t)² and ℓ′(t) = −2σ(−t)²σ(t) for the sigmoid loss, stable for every t, in
    /// four lanes at once: with e = e^{−|t|}, σ(−t) = e/(1 + e) for t ≥ 0 and 1/(1 + e) below.
    /// `+ - * /` only, as ``logistic(_:)-swift.type.method``.
    @inlinable @inline(__always)
    public static func sigmoid(_ t: SIMD4<Double>) -> (value: SIMD4<Double>, slope: SIMD4<Double>) {
        let negative = t .< 0
        let e = DeterministicMath.expNonPositive(-t.replacing(with: -t, where: negative))
        let s = e.replacing(with: 1, where: negative) / (1 + e)
        return (s * s, -2 * s * s * (1 - s))
    }

    /// ℓ(t) and ℓ′(t) of the logistic loss for one t: lane 0 of the four-lane form, so that
    /// a row computed alone has the same bits as one computed among four.
    @inlinable @inline(__always)
    public static func logistic(_ t: Double) -> (value: Double, slope: Double) {
        let (l, s) = logistic(SIMD4(repeating: t))
        return (l[0], s[0])
    }

    /// ℓ(t) and ℓ′(t) of the sigmoid loss for one t (lane 0 of the four-lane form).
    @inlinable @inline(__always)
    public static func sigmoid(_ t: Double) -> (value: Double, slope: Double) {
        let (l, s) = sigmoid(SIMD4(repeating: t))
        return (l[0], s[0])
    }

    public func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        evaluate(x, nil)
    }

    public func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>,
                                        into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        evaluate(x, gradient.baseAddress)
    }

    /// f(x), and ∇f(x) into `gradient` when it is not nil.
    @usableFromInline
    func evaluate(_ x: UnsafeBufferPointer<Double>, _ gradient: UnsafeMutablePointer<Double>?) -> Double {
        let n = features.columnCount, rows = labels.count, nb = blocks
        let scale = 1 / Double(rows)
        let logistic = loss == .logistic
        let total: Double = labels.withUnsafeBufferPointer { yb in
            partialValues.withUnsafeMutableBufferPointer { pvb in
                partialGradients.withUnsafeMutableBufferPointer { pgb in
                    let y = yb.baseAddress!, pv = pvb.baseAddress!, pg = pgb.baseAddress
                    let xp = x.baseAddress!
                    switch features {
                    case .dense(let m):
                        m.storage.withUnsafeBufferPointer { ab in
                            let a = ab.baseAddress!
                            @inline(__always) func term(_ blk: Int, _ i: Int, _ dot: Double) -> Double {
                                let t = y[i] * dot
                                let (l, s) = logistic ? LogisticRegressionProblem.logistic(t) : LogisticRegressionProblem.sigmoid(t)
                                pv[blk] += l
                                return scale * y[i] * s
                            }
                            /// Rows i..<i+4 at once: the same bits as four calls of term, in order.
                            @inline(__always) func terms(_ blk: Int, _ i: Int, _ dots: SIMD4<Double>) -> SIMD4<Double> {
                                let yv = SIMD4(y[i], y[i + 1], y[i + 2], y[i + 3])
                                let (l, s) = logistic ? LogisticRegressionProblem.logistic(yv * dots) : LogisticRegressionProblem.sigmoid(yv * dots)
                                pv[blk] += l[0]; pv[blk] += l[1]; pv[blk] += l[2]; pv[blk] += l[3]
                                return scale * yv * s
                            }
                            for blk in 0..<nb { pv[blk] = 0 }
                            if let gradient {
                                // One read of A (DenseRowPass): margins of four rows, their
                                // loss terms, then the rows added into the gradient from cache.
                                DenseRowPass.run(a, rows: rows, columns: n, x: xp, gradient: gradient, partials: pg, blocks: nb,
                                                 group: terms,
                                                 single: term)
                            } else {
                                // The same dot products (same grouping, same bits) without the gradient.
                                DenseRowPass.dots(a, rows: rows, columns: n, x: xp, blocks: nb,
                                                  group: { blk, i, d in _ = terms(blk, i, d) },
                                                  single: { blk, i, d in _ = term(blk, i, d) })
                            }
                        }
                    case .sparse(let csr):
                        csr.rowStart.withUnsafeBufferPointer { rsb in
                            csr.columnIndices.withUnsafeBufferPointer { cb in
                                csr.values.withUnsafeBufferPointer { vb in
                                    let rs = rsb.baseAddress!, c = cb.baseAddress, v = vb.baseAddress
                                    Parallel.forEach(nb) { blk in
                                        let out: UnsafeMutablePointer<Double>? = gradient.map { blk == 0 ? $0 : pg! + (blk - 1) * n }
                                        out?.update(repeating: 0, count: n)
                                        var sum = 0.0
                                        @inline(__always) func dot(_ i: Int) -> Double {
                                            var d = 0.0
                                            for k in rs[i]..<rs[i + 1] { d += v![k] * xp[Int(c![k])] }
                                            return d
                                        }
                                        @inline(__always) func add(_ i: Int, _ w: Double) {
                                            for k in rs[i]..<rs[i + 1] { out![Int(c![k])] += w * v![k] }
                                        }
                                        // Four rows at a time: their margins (which read x, never the
                                        // gradient), their losses in one four-lane call, then their rows
                                        // added in order: the same bits as one row at a time.
                                        let range = DenseRowPass.range(blk, of: nb, rows)
                                        var i = range.lowerBound
                                        while i + 4 <= range.upperBound {
                                            let yv = SIMD4(y[i], y[i + 1], y[i + 2], y[i + 3])
                                            let t = yv * SIMD4(dot(i), dot(i + 1), dot(i + 2), dot(i + 3))
                                            let (l, s) = logistic ? LogisticRegressionProblem.logistic(t) : LogisticRegressionProblem.sigmoid(t)
                                            sum += l[0]; sum += l[1]; sum += l[2]; sum += l[3]
                                            if out != nil {
                                                let w = scale * yv * s
                                                add(i, w[0]); add(i + 1, w[1]); add(i + 2, w[2]); add(i + 3, w[3])
                                            }
                                            i += 4
                                        }
                                        while i < range.upperBound {
                                            let t = y[i] * dot(i)
                                            let (l, s) = logistic ? LogisticRegressionProblem.logistic(t) : LogisticRegressionProblem.sigmoid(t)
                                            sum += l
                                            if out != nil { add(i, scale * y[i] * s) }
                                            i += 1
                                        }
                                        pv[blk] = sum
                                    }
                                    if let gradient, nb > 1 {
                                        // (The dense pass adds its partials itself.)
                                        DenseRowPass.addPartials(pg!, blocks: nb, into: gradient, columns: n)
                                    }
                                }
                            }
                        }
                    }
                    var f = 0.0
                    for blk in 0..<nb { f += pv[blk] }
                    return f
                }
            }
        }
        return total * scale
    }

    // MARK: - Accuracy

    public var testSampleCount: Int { testLabels.count }

    /// Fraction of rows of `a` whose predicted sign (aᵢᵀx ≥ 0 → +1) equals the label.
    public static func accuracy(_ a: FeatureMatrix, _ y: [Double], _ x: [Double]) -> Double {
        score(a, y, x).accuracy
    }

    /// Correct and undecided (score exactly 0, counted as errors) samples of `x` on (a, y).
    public static func score(_ a: FeatureMatrix, _ y: [Double], _ x: [Double]) -> ClassificationScore {
        precondition(x.count == a.columnCount, "x has \(x.count) entries, expected \(a.columnCount)")
        var correct = 0, undecided = 0
        for i in 0..<y.count {
            var dot = 0.0
            a.forEachNonzero(inRow: i) { j, v in dot += v * x[j] }
            if dot == 0 { undecided += 1 } else if (dot > 0 ? 1.0 : -1.0) == y[i] { correct += 1 }
        }
        return ClassificationScore(correct: correct, undecided: undecided, total: y.count)
    }

    public func testAccuracy(_ x: [Double]) -> Double {
        testScore(x).accuracy
    }

    public func testScore(_ x: [Double]) -> ClassificationScore {
        guard let testFeatures else { return ClassificationScore(correct: 0, undecided: 0, total: 0) }
        return LogisticRegressionProblem.score(testFeatures, testLabels, x)
    }

    public func trainingAccuracy(_ x: [Double]) -> Double {
        LogisticRegressionProblem.accuracy(features, labels, x)
    }
}
