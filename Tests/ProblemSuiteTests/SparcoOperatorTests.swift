import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

/// The operators the Sparco problems are built from: adjoints, agreement of every fast
/// operator with an independently built dense matrix, Haar perfect reconstruction, and
/// the Gaussian ensembles' defining properties.
final class SparcoOperatorTests: XCTestCase {
    /// One level of the Haar analysis on the leading `len` entries of Rⁿ, as a dense matrix
    /// built entry by entry (independent of ``HaarWaveletOperator``).
    private func haarLevelMatrix(_ n: Int, _ len: Int) -> DenseMatrix {
        var l = DenseMatrix(rows: n, columns: n)
        let s = 1 / 2.0.squareRoot()
        for k in 0..<(len / 2) {
            l[k, 2 * k] = s; l[k, 2 * k + 1] = s
            l[len / 2 + k, 2 * k] = s; l[len / 2 + k, 2 * k + 1] = -s
        }
        for i in len..<n { l[i, i] = 1 }
        return l
    }

    private func haarAnalysisReference(_ n: Int, levels: Int) -> DenseMatrix {
        var w = DenseMatrix(rows: n, columns: n)
        for i in 0..<n { w[i, i] = 1 }
        var len = n
        for _ in 0..<levels {
            w = haarLevelMatrix(n, len).multiplied(by: w)
            len /= 2
        }
        return w
    }

    func testHaarMatchesDenseReference() {
        for (n, levels) in [(16, 1), (16, 2), (16, 4), (32, 5), (24, 3), (8, 0)] {
            let w = haarAnalysisReference(n, levels: levels)
            let analysis = HaarWaveletOperator(length: n, levels: levels, direction: .analysis)
            let synthesis = HaarWaveletOperator(length: n, levels: levels, direction: .synthesis)
            XCTAssertLessThan(OperatorChecks.denseMismatch(analysis, reference: w), 1e-14, "analysis n=\(n) L=\(levels)")
            XCTAssertLessThan(OperatorChecks.denseMismatch(synthesis, reference: w.transposed()), 1e-14, "synthesis n=\(n) L=\(levels)")
        }
    }

    func testHaarKnownCoefficients() {
        // RWT layout and signs: [approximation | detail level L | ... | detail level 1],
        // detail = (x_2k − x_2k+1)/√2.
        let w = HaarWaveletOperator(length: 4, levels: 2, direction: .analysis)
        let c = w.apply([1, 0, 0, 0])
        let expected = [0.5, 0.5, 1 / 2.0.squareRoot(), 0]
        for i in 0..<4 { XCTAssertEqual(c[i], expected[i], accuracy: 1e-15) }
        // A constant signal has only its approximation coefficients.
        let d = HaarWaveletOperator(length: 64, levels: 5, direction: .analysis).apply([Double](repeating: 1, count: 64))
        for i in 0..<2 { XCTAssertEqual(d[i], 32.0.squareRoot(), accuracy: 1e-13) }
        for i in 2..<64 { XCTAssertEqual(d[i], 0, accuracy: 1e-14) }
    }

    func testHaarAdjointAndPerfectReconstruction() {
        for direction in HaarWaveletOperator.Direction.allCases {
            for (n, levels) in [(1024, 5), (96, 5), (64, 6), (2, 1)] {
                let h = HaarWaveletOperator(length: n, levels: levels, direction: direction)
                XCTAssertLessThan(OperatorChecks.adjointMismatch(h), 1e-14, "\(h.operatorDescription)")
                var rng = SuiteRandom(seed: 3, stream: "haar")
                let x = rng.normals(n)
                let back = h.applyAdjoint(h.apply(x))
                let err = zip(x, back).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(err, 1e-13 * DenseKernels.norm(x), "perfect reconstruction \(h.operatorDescription)")
            }
        }
        XCTAssertLessThan(OperatorChecks.orthonormalityDefect(HaarWaveletOperator(length: 32, levels: 5), columns: true), 1e-14)
        XCTAssertFalse(HaarWaveletOperator.supports(length: 1000, levels: 5))
        XCTAssertTrue(HaarWaveletOperator.supports(length: 1024, levels: 5))
    }

    func testHeavisideMatchesDenseReference() {
        for normalized in [false, true] {
            let n = 9
            var ref = DenseMatrix(rows: n, columns: n)
            for i in 0..<n { for j in 0...i { ref[i, j] = normalized ? 1 / Double(n - j).squareRoot() : 1 } }
            let h = HeavisideOperator(length: n, normalized: normalized)
            XCTAssertLessThan(OperatorChecks.denseMismatch(h, reference: ref), 1e-15)
            XCTAssertLessThan(OperatorChecks.adjointMismatch(HeavisideOperator(length: 1024, normalized: normalized)), 1e-13)
        }
        // Unit columns when normalized.
        let d = HeavisideOperator(length: 50, normalized: true).materialized()
        for j in 0..<50 { XCTAssertEqual(DenseKernels.norm(d.column(j)), 1, accuracy: 1e-14) }
        // Cumulative sum, reverse cumulative sum.
        let h = HeavisideOperator(length: 4)
        XCTAssertEqual(h.apply([1, 2, 3, 4]), [1, 3, 6, 10])
        XCTAssertEqual(h.applyAdjoint([1, 2, 3, 4]), [10, 9, 7, 4])
    }

    func testConcatenationAndAdjointWrapper() {
        var rng = SuiteRandom(seed: 5, stream: "concat")
        let a1 = DenseMatrix(rows: 8, columns: 5, storage: rng.normals(40))
        let a2 = DenseMatrix(rows: 8, columns: 3, storage: rng.normals(24))
        let dct = DCTOperator(length: 8)
        let cat = ConcatenationOperator([DenseOperator(a1), AdjointOperator(of: dct), DenseOperator(a2), DiagonalOperator.identity(8)])
        XCTAssertEqual(cat.rowCount, 8)
        XCTAssertEqual(cat.columnCount, 24)
        let dctT = dct.materialized().transposed()
        var ref = DenseMatrix(rows: 8, columns: 24)
        for i in 0..<8 {
            for j in 0..<5 { ref[i, j] = a1[i, j] }
            for j in 0..<8 { ref[i, 5 + j] = dctT[i, j] }
            for j in 0..<3 { ref[i, 13 + j] = a2[i, j] }
            ref[i, 16 + i] = 1
        }
        XCTAssertLessThan(OperatorChecks.denseMismatch(cat, reference: ref), 1e-14)
        XCTAssertLessThan(OperatorChecks.adjointMismatch(cat), 1e-14)
        // [DCTᵀ, I] at Sparco's size.
        let big = ConcatenationOperator([AdjointOperator(of: DCTOperator(length: 1024)), DiagonalOperator.identity(1024)])
        XCTAssertLessThan(OperatorChecks.adjointMismatch(big), 1e-13)
    }

    func testComplexAsReal() {
        // (1 + 2i)(3 + 4i) = −5 + 10i.
        let ar = DenseOperator(DenseMatrix(rows: 1, columns: 1, storage: [1]))
        let ai = DenseOperator(DenseMatrix(rows: 1, columns: 1, storage: [2]))
        let z = ComplexAsRealOperator(real: ar, imaginary: ai)
        XCTAssertEqual(z.apply([3, 4]), [-5, 10])
        // Aᴴ(−5 + 10i) = (1 − 2i)(−5 + 10i) = 15 + 20i.
        XCTAssertEqual(z.applyAdjoint([-5, 10]), [15, 20])

        var rng = SuiteRandom(seed: 9, stream: "complex")
        let mr = DenseMatrix(rows: 4, columns: 6, storage: rng.normals(24))
        let mi = DenseMatrix(rows: 4, columns: 6, storage: rng.normals(24))
        for withImaginary in [false, true] {
            let op = ComplexAsRealOperator(real: DenseOperator(mr), imaginary: withImaginary ? DenseOperator(mi) : nil)
            var ref = DenseMatrix(rows: 8, columns: 12)
            for i in 0..<4 {
                for j in 0..<6 {
                    let im = withImaginary ? mi[i, j] : 0
                    ref[i, j] = mr[i, j]; ref[i, 6 + j] = -im
                    ref[4 + i, j] = im; ref[4 + i, 6 + j] = mr[i, j]
                }
            }
            XCTAssertLessThan(OperatorChecks.denseMismatch(op, reference: ref), 1e-15)
            XCTAssertLessThan(OperatorChecks.adjointMismatch(op), 1e-14)
        }
    }

    func testPartialDCT() {
        let n = 64
        var rng = SuiteRandom(seed: 11, stream: "rows")
        let rows = rng.sample(20, from: n)  // unsorted, as Sparco's randperm
        let p = PartialDCTOperator(rows: rows, length: n)
        let full = DCTOperator(length: n).materialized()
        var ref = DenseMatrix(rows: 20, columns: n)
        for (i, r) in rows.enumerated() { for j in 0..<n { ref[i, j] = full[r, j] } }
        XCTAssertLessThan(OperatorChecks.denseMismatch(p, reference: ref), 1e-14)
        var r2 = SuiteRandom(seed: 1)
        XCTAssertLessThan(OperatorChecks.adjointMismatch(PartialDCTOperator(rows: r2.sample(2000, from: 8192), length: 8192)), 1e-13)
        // Same as the composition of the spine's operators.
        let composed = ComposedOperator(RowRestriction(rows: rows, of: n), DCTOperator(length: n))
        let x = rng.normals(n), y = rng.normals(20)
        XCTAssertEqual(p.apply(x), composed.apply(x))
        XCTAssertEqual(p.applyAdjoint(y), composed.applyAdjoint(y))
        // Orthonormal rows.
        XCTAssertLessThan(OperatorChecks.orthonormalityDefect(p, columns: false), 1e-13)
    }

    func testGaussianEnsembles() {
        var rng = SuiteRandom(seed: 2, stream: "gauss")
        let u = GaussianEnsemble.unitColumns.matrix(rows: 30, columns: 50, using: &rng)
        for j in 0..<50 { XCTAssertEqual(DenseKernels.norm(u.column(j)), 1, accuracy: 1e-14) }
        let o = GaussianEnsemble.orthonormalRows.operator_(rows: 20, columns: 50, using: &rng)
        XCTAssertLessThan(OperatorChecks.orthonormalityDefect(o, columns: false), 1e-13)
        XCTAssertLessThan(OperatorChecks.adjointMismatch(o), 1e-14)
        // N(0, 1) entries: sample mean and variance of 40 000 draws.
        let g = GaussianEnsemble.unnormalized.matrix(rows: 200, columns: 200, using: &rng).storage
        let mean = g.reduce(0, +) / Double(g.count)
        let variance = g.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(g.count - 1)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 1, accuracy: 0.03)
        // Deterministic in the generator.
        var r1 = SuiteRandom(seed: 4, stream: "x"), r2 = SuiteRandom(seed: 4, stream: "x")
        XCTAssertEqual(GaussianEnsemble.unitColumns.matrix(rows: 5, columns: 7, using: &r1),
                       GaussianEnsemble.unitColumns.matrix(rows: 5, columns: 7, using: &r2))
        XCTAssertEqual(GaussianEnsemble.allCases.map(\.spotMode), [0, 2, 4])
    }

    func testBlocksSignal() {
        let s = BlocksSignal.samples(1024)
        XCTAssertEqual(s.count, 1024)
        XCTAssertEqual(s[0], 0)                 // t = 1/1024 < 0.1
        XCTAssertEqual(s[102], 4)               // t = 103/1024 ∈ (0.1, 0.13)
        XCTAssertEqual(s[140], -1)              // t ∈ (0.13, 0.15)
        XCTAssertEqual(s[255], 0.5)             // t = 0.25 exactly: sign(0) = 0, half of the +5 step
        XCTAssertEqual(s[256], 3)               // t ∈ (0.25, 0.40)
        XCTAssertEqual(s[700], 5.2, accuracy: 1e-14)  // t ∈ (0.65, 0.76)
        XCTAssertEqual(s[1023], 0, accuracy: 1e-14)   // after the last jump the heights sum to 0
        // Twelve distinct jumps at n = 128 (eleven positions, the one at 0.25 split in two).
        let b = BlocksSignal.samples(128)
        XCTAssertEqual((1..<128).filter { b[$0] != b[$0 - 1] }.count, 12)
    }
}
