import XCTest
import ProblemSuite

/// ``DenseRowPass/run(_:rows:columns:x:gradient:partials:blocks:group:single:)`` against
/// its stated order of additions, bit for bit: block b sums its rows' cᵢ·aᵢ from zero in
/// row order, and the gradient is block 0's sum plus the sums of blocks 1, 2, … in block
/// order. So the pipeline across blocks, the first group written without zeroing, the
/// chunks and the prefetches change no bit. Shapes with blocks of 0–3 rows (no group of
/// four), several chunks, every column tail; one and two threads; both kernel paths.
final class DenseRowPassTests: XCTestCase {
    override func tearDown() {
        DenseKernels.forcePortable(false)
        super.tearDown()
    }

    /// The coefficient of row i from its dot product: anything that depends on both.
    func coefficient(_ i: Int, _ dot: Double) -> Double { dot * 0.5 - Double(i % 7) * 0.25 }

    func testMatchesThePlainOrderOfAdditionsBitForBit() {
        var rng = SuiteRandom(seed: 41, stream: "row-pass")
        let shapes: [(m: Int, n: Int, blocks: Int)] = [(1, 9, 1), (4, 256, 1), (13, 300, 5), (37, 1030, 4), (64, 257, 16),
                                                        (100, 5, 3), (11, 513, 11), (256, 1024, 16), (50, 8, 7)]
        for portable in [false, true] {
            DenseKernels.forcePortable(portable)
            for shape in shapes {
                let (m, n, nb) = shape
                let a = rng.normals(m * n), x = rng.normals(n)
                for threads in [1, 2] {
                    let label = "\(m)×\(n), \(nb) blocks, \(threads) threads\(portable ? ", portable" : "")"
                    var dots = [Double](repeating: .nan, count: m), calls = [Int](repeating: 0, count: m)
                    var blockOf = [Int](repeating: -1, count: m)
                    var gradient = [Double](repeating: .nan, count: n)   // overwritten, never read
                    var partials = [Double](repeating: .nan, count: max(1, (nb - 1) * n))
                    Parallel.withThreads(threads) {
                        a.withUnsafeBufferPointer { ap in x.withUnsafeBufferPointer { xp in
                        gradient.withUnsafeMutableBufferPointer { gp in partials.withUnsafeMutableBufferPointer { pp in
                        dots.withUnsafeMutableBufferPointer { dp in calls.withUnsafeMutableBufferPointer { cp in
                        blockOf.withUnsafeMutableBufferPointer { bp in
                            let d = dp.baseAddress!, c = cp.baseAddress!, b = bp.baseAddress!
                            DenseRowPass.run(ap.baseAddress!, rows: m, columns: n, x: xp.baseAddress!, gradient: gp.baseAddress!,
                                             partials: nb > 1 ? pp.baseAddress : nil, blocks: nb,
                                             group: { blk, i, t in
                                                 var out = SIMD4<Double>()
                                                 for k in 0..<4 {
                                                     d[i + k] = t[k]; c[i + k] += 1; b[i + k] = blk
                                                     out[k] = self.coefficient(i + k, t[k])
                                                 }
                                                 return out
                                             },
                                             single: { blk, i, t in d[i] = t; c[i] += 1; b[i] = blk; return self.coefficient(i, t) })
                        } } } } } } }
                    }
                    XCTAssertEqual(calls, [Int](repeating: 1, count: m), "\(label): every row once")
                    // The blocks the rows were reported in, and their dot products.
                    var expected = [Double](repeating: 0, count: n)
                    for blk in 0..<nb {
                        let rows = DenseRowPass.range(blk, of: nb, m)
                        var part = [Double](repeating: 0, count: n)
                        for i in rows {
                            XCTAssertEqual(blockOf[i], blk, "\(label): row \(i)")
                            var plain = 0.0, scale = 0.0
                            for j in 0..<n { plain += a[i * n + j] * x[j]; scale += abs(a[i * n + j] * x[j]) }
                            XCTAssertEqual(dots[i], plain, accuracy: 1e-13 * max(scale, 1), "\(label): dot of row \(i)")
                            let ci = coefficient(i, dots[i])
                            for j in 0..<n { part[j] += ci * a[i * n + j] }
                        }
                        if blk == 0 { expected = part } else { for j in 0..<n { expected[j] += part[j] } }
                    }
                    XCTAssertEqual(gradient.map(\.bitPattern), expected.map(\.bitPattern), label)
                }
            }
        }
    }
}
