import XCTest
import ProblemSuite

/// The AVX2 kernels (CSparseKernels/vector_avx2.c) and the portable Swift kernels of
/// ``DenseKernels`` give the same bits: kernel by kernel on sizes with every kind of tail,
/// and f and ∇f of the paper's problems, with one and two threads.
final class KernelPathTests: XCTestCase {
    override func tearDown() {
        DenseKernels.forcePortable(false)
        super.tearDown()
    }

    /// Skips on a machine without AVX2 (there the two paths are one).
    func requireAVX2() throws {
        DenseKernels.forcePortable(false)
        guard DenseKernels.usesAVX2 else { throw XCTSkip("no AVX2 on this machine (or PROBLEMSUITE_PORTABLE_KERNELS=1)") }
    }

    /// `body` with the portable kernels, then with the AVX2 kernels.
    func bothPaths<R>(_ body: () -> R) -> (portable: R, avx2: R) {
        DenseKernels.forcePortable(true)
        XCTAssertFalse(DenseKernels.usesAVX2)
        let p = body()
        DenseKernels.forcePortable(false)
        XCTAssertTrue(DenseKernels.usesAVX2)
        return (p, body())
    }

    func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }

    func testSwitchAndEnvironment() throws {
        try requireAVX2()
        DenseKernels.forcePortable(true)
        XCTAssertFalse(DenseKernels.usesAVX2)
        DenseKernels.forcePortable(false)
        XCTAssertTrue(DenseKernels.usesAVX2)
    }

    func testEachKernelSameBitsOnEveryTail() throws {
        try requireAVX2()
        var rng = SuiteRandom(seed: 17)
        for n in [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 255, 256, 257, 1029] {
            let rows = (0..<4).map { _ in rng.normals(n) }
            let x = rng.normals(n), y0 = rng.normals(n)
            let c = SIMD4<Double>(rng.normals(4)[0], -0.75, 1e-3, 3)
            let r = bothPaths { () -> [Double] in
                rows[0].withUnsafeBufferPointer { r0 in rows[1].withUnsafeBufferPointer { r1 in
                rows[2].withUnsafeBufferPointer { r2 in rows[3].withUnsafeBufferPointer { r3 in
                x.withUnsafeBufferPointer { xb in
                    let p0 = r0.baseAddress ?? xb.baseAddress ?? UnsafePointer(bitPattern: 8)!
                    let p1 = r1.baseAddress ?? p0, p2 = r2.baseAddress ?? p0, p3 = r3.baseAddress ?? p0
                    let px = xb.baseAddress ?? p0
                    var out: [Double] = [DenseKernels.dot(p0, px, n)]
                    let d4 = DenseKernels.dot4(p0, p1, p2, p3, px, n)
                    out += [d4[0], d4[1], d4[2], d4[3]]
                    // Accumulate in two pieces, as the row pass does chunk by chunk.
                    var acc: DenseKernels.Accumulators4 = (SIMD4(), SIMD4(), SIMD4(), SIMD4())
                    let body = n & ~3, half = (body / 2) & ~3
                    DenseKernels.dot4Accumulate(p0, p1, p2, p3, px, 0, half, &acc)
                    DenseKernels.dot4Accumulate(p0, p1, p2, p3, px, half, body, &acc)
                    let f4 = DenseKernels.dot4Finish(acc, p0, p1, p2, p3, px, body, n)
                    out += [f4[0], f4[1], f4[2], f4[3]]
                    var y = y0
                    y.withUnsafeMutableBufferPointer { yb in
                        if let py = yb.baseAddress {
                            DenseKernels.axpy(-1.25, px, py, n)
                            DenseKernels.axpy4(c, p0, p1, p2, p3, py, n)
                            DenseKernels.axpy4(c, p0, p1, p2, p3, py, n, prefetching: p0, rowStride: 0, count: n / 2)
                        }
                    }
                    // fromZero: y not read (NaN here), the bits of a zeroed y.
                    var z = [Double](repeating: .nan, count: n), zeroed = [Double](repeating: 0, count: n)
                    z.withUnsafeMutableBufferPointer { zb in zeroed.withUnsafeMutableBufferPointer { yb in
                        if let pz = zb.baseAddress, let py = yb.baseAddress {
                            DenseKernels.axpy4(c, p0, p1, p2, p3, pz, n, prefetching: p1, rowStride: 0, count: n, fromZero: true)
                            DenseKernels.axpy4(c, p0, p1, p2, p3, py, n)
                        }
                    } }
                    XCTAssertEqual(z.map(\.bitPattern), zeroed.map(\.bitPattern), "fromZero, n = \(n), AVX2 \(DenseKernels.usesAVX2)")
                    return out + y + z
                } } } } }
            }
            XCTAssertEqual(bits(r.portable), bits(r.avx2), "n = \(n)")
            // And against plain definitions in index order, for the simple ones.
            if n > 0 { XCTAssertEqual(r.avx2[0], r.avx2[1], accuracy: 1e-12 * Double(n) * 10) }
        }
    }

    func testProblemsSameBitsBothPathsAndThreadCounts() throws {
        try requireAVX2()
        let catalogue = try Catalogue.standard()
        for name in ["A1", "A2", "A3", "A4", "A5", "A6", "SPARCO3", "SPARCO5", "SPARCO7", "SPARCO9", "SPARCO11", "SPARCO12"] {
            let problem = try catalogue.load(name)
            let x = problem.startingPoint(run: 1)
            var results: [[UInt64]] = []
            for threads in [1, 2] {
                let r = bothPaths { () -> [Double] in
                    Parallel.withThreads(threads) {
                        var g: [Double] = []
                        let f = problem.valueAndGradient(at: x, into: &g)
                        return [f, problem.value(at: x)] + g
                    }
                }
                results += [bits(r.portable), bits(r.avx2)]
            }
            for (i, r) in results.enumerated() { XCTAssertEqual(r, results[0], "\(name): result \(i) (portable/AVX2 × 1/2 threads) differs") }
            XCTAssertEqual(results[0][0], results[0][1], "\(name): f alone and the f of f+∇f differ")
        }
    }

    /// A dense least-squares problem with row and column tails, large enough for several
    /// row blocks and, with two threads, two workers.
    func testOddShapedDenseProblemSameBits() throws {
        try requireAVX2()
        var rng = SuiteRandom(seed: 5)
        for (m, n) in [(7, 13), (259, 1031), (1030, 1027)] {
            let a = DenseMatrix(rows: m, columns: n, storage: rng.normals(m * n))
            let b = rng.normals(m)
            let p = LeastSquaresProblem(operator: DenseOperator(a), rhs: b,
                                        metadata: ProblemMetadata(name: "odd", family: "test", dimension: n, rows: m, classification: "", seed: 0))
            let x = rng.normals(n)
            var all: [[UInt64]] = []
            for threads in [1, 2] {
                let r = bothPaths { () -> [Double] in
                    Parallel.withThreads(threads) {
                        var g: [Double] = []
                        let f = p.valueAndGradient(at: x, into: &g)
                        return [f, p.value(at: x)] + g + p.operator_.apply(x) + p.operator_.applyAdjoint(b)
                    }
                }
                all += [bits(r.portable), bits(r.avx2)]
            }
            for r in all { XCTAssertEqual(r, all[0], "\(m)×\(n)") }
        }
    }
}
