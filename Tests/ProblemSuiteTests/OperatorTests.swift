import XCTest
@testable import ProblemSuite
import ProblemSuiteTestSupport

final class OperatorTests: XCTestCase {
    /// The DCT-II by its O(n²) definition.
    func naiveDCT(_ x: [Double]) -> [Double] {
        let n = x.count
        return (0..<n).map { k in
            let s = k == 0 ? (1 / Double(n)).squareRoot() : (2 / Double(n)).squareRoot()
            var acc = 0.0
            for j in 0..<n { acc += x[j] * cos(Double.pi * Double(k) * Double(2 * j + 1) / Double(2 * n)) }
            return s * acc
        }
    }

    func testDCTMatchesDefinition() {
        var r = testRandom()
        withEvery([2, 4, 8, 16, 64, 256, 1024]) { n, label in
            let op = DCTOperator(length: n)
            let x = r.normals(n)
            XCTAssertLessThan(maxRelativeDifference(op.apply(x), naiveDCT(x)), 1e-12, label)
        }
    }

    func testDCTIsOrthonormal() {
        var r = testRandom()
        withEvery([2, 8, 32, 512, 4096]) { n, label in
            let op = DCTOperator(length: n)
            let x = r.normals(n)
            let y = op.apply(x)
            XCTAssertEqual(DenseKernels.norm(y), DenseKernels.norm(x), accuracy: 1e-12 * DenseKernels.norm(x), label)
            XCTAssertLessThan(maxRelativeDifference(op.applyAdjoint(y), x), 1e-13, label)
            XCTAssertLessThan(maxRelativeDifference(op.apply(op.applyAdjoint(x)), x), 1e-13, label)
        }
        // Columns of the materialised matrix are orthonormal: QᵀQ = I.
        let q = DCTOperator(length: 16).materialized()
        let qtq = q.transposed().multiplied(by: q)
        for i in 0..<16 { for j in 0..<16 { XCTAssertEqual(qtq[i, j], i == j ? 1 : 0, accuracy: 1e-13) } }
    }

    func testFFTMatchesDefinition() {
        var r = testRandom()
        withEvery([1, 2, 4, 8, 32, 128]) { m, label in
            let fft = ComplexFFT(length: m)
            var re = r.normals(m), im = r.normals(m)
            let (re0, im0) = (re, im)
            re.withUnsafeMutableBufferPointer { rp in im.withUnsafeMutableBufferPointer { ip in
                fft.forward(re: rp.baseAddress!, im: ip.baseAddress!)
            } }
            for k in 0..<m {
                let at = Int(fft.reversal[k])  // forward leaves X[k] at rev(k)
                var sr = 0.0, si = 0.0
                for j in 0..<m {
                    let a = -2 * Double.pi * Double(j * k) / Double(m)
                    sr += re0[j] * cos(a) - im0[j] * sin(a)
                    si += re0[j] * sin(a) + im0[j] * cos(a)
                }
                XCTAssertEqual(re[at], sr, accuracy: 1e-10, label)
                XCTAssertEqual(im[at], si, accuracy: 1e-10, label)
            }
            // The inverse takes the bit-reversed spectrum back to M·x in natural order.
            re.withUnsafeMutableBufferPointer { rp in im.withUnsafeMutableBufferPointer { ip in
                fft.inverse(re: rp.baseAddress!, im: ip.baseAddress!)
            } }
            for j in 0..<m {
                XCTAssertEqual(re[j] / Double(m), re0[j], accuracy: 1e-12, label)
                XCTAssertEqual(im[j] / Double(m), im0[j], accuracy: 1e-12, label)
            }
        }
    }

    func operators() -> [(String, any LinearOperator)] {
        var r = testRandom()
        let dense = DenseMatrix(rows: 7, columns: 11, storage: r.normals(77))
        let big = DenseMatrix(rows: 300, columns: 1000, storage: r.normals(300_000))  // takes the threaded, blocked path
        return [
            ("dense", DenseOperator(dense)),
            ("dense-large", DenseOperator(big)),
            ("dct", DCTOperator(length: 64)),
            ("restriction", RowRestriction(rows: [5, 1, 9, 0], of: 12)),
            ("partial-dct", ComposedOperator(RowRestriction(rows: r.sortedSample(20, from: 64), of: 64), DCTOperator(length: 64))),
            ("diagonal", DiagonalOperator(r.normals(9))),
            ("identity", DiagonalOperator.identity(5)),
            ("composed-dense", ComposedOperator(DenseOperator(dense), DiagonalOperator(r.normals(11)))),
        ]
    }

    func testAdjointOfEveryOperator() {
        for (name, op) in operators() {
            XCTAssertLessThan(OperatorChecks.adjointMismatch(op), 1e-13, name)
        }
    }

    func testFastOperatorsMatchTheirMaterialisation() {
        var r = testRandom()
        for (name, op) in operators() where op.rowCount * op.columnCount < 100_000 {
            let a = op.materialized()
            let x = r.normals(op.columnCount)
            var ax = [Double](repeating: 0, count: op.rowCount)
            for i in 0..<a.rows { for j in 0..<a.columns { ax[i] += a[i, j] * x[j] } }
            XCTAssertLessThan(maxRelativeDifference(op.apply(x), ax), 1e-12, name)
        }
    }

    /// The one-pass least-squares kernel against the two-pass definition Aᵀ(Ax − b) over
    /// shapes that exercise one or many row blocks, 0–3 rows beyond the last group of
    /// four, one or several 256-column chunks and every width modulo 8.
    func testFusedLeastSquaresKernelOverShapes() {
        var r = testRandom()
        for m in [1, 3, 6, 37, 259, 301] {
            for n in [1, 3, 8, 255, 256, 263, 515, 1030] {
                let op = DenseOperator(DenseMatrix(rows: m, columns: n, storage: r.normals(m * n)))
                let x = r.normals(n), b = r.normals(m)
                var g = [Double](repeating: 0, count: n)
                let f = x.withUnsafeBufferPointer { xp in b.withUnsafeBufferPointer { bp in
                    g.withUnsafeMutableBufferPointer { op.leastSquaresValueAndGradient(xp, bp, into: $0) } } }
                var res = op.apply(x)
                for i in 0..<m { res[i] -= b[i] }
                let name = "\(m)×\(n), \(op.blocks) blocks"
                XCTAssertLessThan(maxRelativeDifference(g, op.applyAdjoint(res)), 1e-12, name)
                XCTAssertEqual(f, 0.5 * DenseKernels.dot(res, res), accuracy: 1e-12 * max(1, f), name)
                // f alone groups the dot products the same way: the same bits.
                let fAlone = x.withUnsafeBufferPointer { xp in b.withUnsafeBufferPointer { op.leastSquaresValue(xp, $0) } }
                XCTAssertEqual(fAlone.bitPattern, f.bitPattern, "f alone against f of f+∇f, " + name)
            }
        }
    }

    func testDenseKernelsAreIndependentOfThreadCount() {
        var r = testRandom()
        // Above Parallel.minimumParallelWork, so that 4 threads really run in parallel.
        let m = 1027
        XCTAssertGreaterThan(m * 1031, Parallel.minimumParallelWork)
        let op = DenseOperator(DenseMatrix(rows: m, columns: 1031, storage: r.normals(m * 1031)))
        let x = r.normals(1031), b = r.normals(m), y = r.normals(m)
        func run() -> ([Double], [Double], [Double], Double) {
            var g = [Double](repeating: 0, count: 1031)
            let f = x.withUnsafeBufferPointer { xp in b.withUnsafeBufferPointer { bp in
                g.withUnsafeMutableBufferPointer { op.leastSquaresValueAndGradient(xp, bp, into: $0) } } }
            let fAlone = x.withUnsafeBufferPointer { xp in b.withUnsafeBufferPointer { op.leastSquaresValue(xp, $0) } }
            XCTAssertEqual(fAlone.bitPattern, f.bitPattern, "f alone, \(Parallel.maxThreads) threads")
            return (op.apply(x), op.applyAdjoint(y), g, f)
        }
        let one = Parallel.withThreads(1) { run() }
        let four = Parallel.withThreads(4) { run() }
        XCTAssertEqual(one.0.map(\.bitPattern), four.0.map(\.bitPattern))
        XCTAssertEqual(one.1.map(\.bitPattern), four.1.map(\.bitPattern))
        XCTAssertEqual(one.2.map(\.bitPattern), four.2.map(\.bitPattern))
        XCTAssertEqual(one.3.bitPattern, four.3.bitPattern)
        // And the fused kernel agrees with the two-pass definition.
        var res = op.apply(x)
        for i in 0..<m { res[i] -= b[i] }
        XCTAssertLessThan(maxRelativeDifference(one.2, op.applyAdjoint(res)), 1e-12)
        XCTAssertEqual(one.3, 0.5 * DenseKernels.dot(res, res), accuracy: 1e-10 * one.3)
    }

    func testHouseholderQRGivesOrthonormalColumnsAndPositiveR() {
        var r = testRandom()
        withEvery([(5, 5), (40, 12), (64, 64)]) { size, label in
            let (n, p) = size
            let a = DenseMatrix(rows: n, columns: p, storage: r.normals(n * p))
            let q = HouseholderQR.orthogonalFactor(a)
            let qtq = q.transposed().multiplied(by: q)
            for i in 0..<p { for j in 0..<p { XCTAssertEqual(qtq[i, j], i == j ? 1 : 0, accuracy: 1e-12, label) } }
            // R = QᵀA is upper triangular with a positive diagonal.
            let rr = q.transposed().multiplied(by: a)
            for i in 0..<p {
                XCTAssertGreaterThan(rr[i, i], 0, label)
                for j in 0..<i { XCTAssertEqual(rr[i, j], 0, accuracy: 1e-10, label) }
            }
        }
    }
}
