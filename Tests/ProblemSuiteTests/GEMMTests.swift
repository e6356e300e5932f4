import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

/// The blocked dense products against a plain triple loop, on sizes that exercise every
/// edge (partial register tiles, several row blocks, several depth blocks).
final class GEMMTests: XCTestCase {
    func naiveABt(_ a: [Double], _ m: Int, _ b: [Double], _ n: Int, _ k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += a[i * k + p] * b[j * k + p] }
            c[i * n + j] = s
        } }
        return c
    }

    func testProductMatchesTripleLoop() {
        var rng = testRandom()
        withEvery([(1, 1, 1), (5, 7, 3), (13, 17, 333), (200, 9, 650), (97, 130, 64)]) { size, label in
            let (m, n, k) = size
            let a = rng.normals(m * k), b = rng.normals(n * k)
            let c = DenseGEMM.multiplyTransposed(a, rows: m, b, rows: n, depth: k)
            let ref = naiveABt(a, m, b, n, k)
            XCTAssertLessThan(maxRelativeDifference(c, ref), 1e-12 * Double(k), label)
        }
    }

    func testGramIsSymmetricAndCorrect() {
        var rng = testRandom()
        withEvery([(1, 4), (6, 5), (50, 700), (193, 31)]) { size, label in
            let (m, k) = size
            let a = rng.normals(m * k)
            let g = DenseGEMM.gram(a, rows: m, depth: k)
            XCTAssertLessThan(maxRelativeDifference(g, naiveABt(a, m, a, m, k)), 1e-12 * Double(k), label)
            for i in 0..<m { for j in 0..<i { XCTAssertEqual(g[i * m + j].bitPattern, g[j * m + i].bitPattern, label) } }
        }
    }

    func testSameBitsWhateverTheThreadCount() {
        var rng = testRandom()
        let m = 230, n = 120, k = 700
        let a = rng.normals(m * k), b = rng.normals(n * k)
        let (c1, g1) = Parallel.withThreads(1) {
            (DenseGEMM.multiplyTransposed(a, rows: m, b, rows: n, depth: k), DenseGEMM.gram(a, rows: m, depth: k))
        }
        let (c4, g4) = Parallel.withThreads(4) {
            (DenseGEMM.multiplyTransposed(a, rows: m, b, rows: n, depth: k), DenseGEMM.gram(a, rows: m, depth: k))
        }
        XCTAssertEqual(c1.map(\.bitPattern), c4.map(\.bitPattern))
        XCTAssertEqual(g1.map(\.bitPattern), g4.map(\.bitPattern))
        // A product entry equals the same entry computed inside the Gram matrix.
        let ab = DenseGEMM.multiplyTransposed(a, rows: m, a, rows: m, depth: k)
        XCTAssertEqual(ab.map(\.bitPattern), g1.map(\.bitPattern))
    }

    func testPortableKernelAgrees() {
        var rng = testRandom()
        let m = 20, n = 30, k = 400
        let a = rng.normals(m * k), b = rng.normals(n * k)
        let auto = DenseGEMM.multiplyTransposed(a, rows: m, b, rows: n, depth: k)
        DenseGEMM.forcePortableKernel(true)
        defer { DenseGEMM.forcePortableKernel(false) }
        XCTAssertFalse(DenseGEMM.usesAVX2)
        let portable = DenseGEMM.multiplyTransposed(a, rows: m, b, rows: n, depth: k)
        XCTAssertLessThan(maxRelativeDifference(portable, auto), 1e-12 * Double(k))
    }

    func testRepackedRowMatchesFreshPacking() {
        var rng = testRandom()
        let n = 19, k = 341
        var b = rng.normals(n * k)
        var packed = b.withUnsafeBufferPointer { DenseGEMM.PackedRows($0.baseAddress!, count: n, depth: k, ldb: k) }
        let row = rng.normals(k)
        b.replaceSubrange((7 * k)..<(8 * k), with: row)
        row.withUnsafeBufferPointer { packed.replaceRow(7, with: $0.baseAddress!) }
        let fresh = b.withUnsafeBufferPointer { DenseGEMM.PackedRows($0.baseAddress!, count: n, depth: k, ldb: k) }
        XCTAssertEqual(packed.storage, fresh.storage)
    }
}
