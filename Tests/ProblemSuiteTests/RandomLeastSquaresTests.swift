import XCTest
@testable import ProblemSuite
import ProblemSuiteTestSupport

final class RandomLeastSquaresTests: XCTestCase {
    typealias Family = RandomLeastSquaresFamily

    func make(_ ensemble: Family.Ensemble, n: Int = 128, m: Int = 32, s: Int = 8, seed: UInt64 = 3) -> LeastSquaresProblem {
        let p = Family.Parameters(ensemble: ensemble, n: n, m: m, s: s, seed: seed, log10Range: 1)
        let meta = ProblemMetadata(name: "T-\(ensemble.rawValue)", family: Family.identifier, dimension: n, rows: m,
                                   classification: "SUR2-AN-\(n)-0", seed: seed)
        return Family.make(p, metadata: meta)
    }

    func gram(_ a: DenseMatrix) -> DenseMatrix { a.multiplied(by: a.transposed()) }

    func testA2RowsAreOrthonormal() {
        let a = make(.orthogonal).operator_.materialized()
        let g = gram(a)
        for i in 0..<a.rows { for j in 0..<a.rows { XCTAssertEqual(g[i, j], i == j ? 1 : 0, accuracy: 1e-12) } }
    }

    func testA3BlocksAreOrthogonal() {
        let a = make(.orthogonalBlocks).operator_.materialized()
        let m = a.rows
        for block in 0..<(a.columns / m) {
            var q = DenseMatrix(rows: m, columns: m)
            for i in 0..<m { for j in 0..<m { q[i, j] = a[i, block * m + j] } }
            let qtq = q.transposed().multiplied(by: q)
            for i in 0..<m { for j in 0..<m { XCTAssertEqual(qtq[i, j], i == j ? 1 : 0, accuracy: 1e-12, "block \(block)") } }
        }
        // A·Aᵀ = (n/m)·I.
        let g = gram(a)
        for i in 0..<m { XCTAssertEqual(g[i, i], Double(a.columns / m), accuracy: 1e-11) }
    }

    func testA4RowsAreOrthogonalWithLogUniformScales() {
        let a = make(.scaledOrthogonal).operator_.materialized()
        let g = gram(a)
        var norms: [Double] = []
        for i in 0..<a.rows {
            for j in 0..<a.rows where j != i { XCTAssertEqual(g[i, j], 0, accuracy: 1e-11) }
            norms.append(g[i, i].squareRoot())
        }
        XCTAssert(norms.allSatisfy { $0 >= 0.1 - 1e-12 && $0 <= 10 + 1e-12 })
        XCTAssertGreaterThan(norms.max()! / norms.min()!, 10, "the scales should spread over decades")
    }

    func testA1AndA5Entries() {
        let a5 = make(.bernoulli).operator_.materialized()
        let v = 1 / 32.0.squareRoot()
        XCTAssert(a5.storage.allSatisfy { abs(abs($0) - v) < 1e-15 })
        let plus = a5.storage.filter { $0 > 0 }.count
        XCTAssertEqual(Double(plus) / Double(a5.storage.count), 0.5, accuracy: 0.03)
        let a1 = make(.gaussian, n: 512, m: 64).operator_.materialized()
        let variance = a1.storage.map { $0 * $0 }.reduce(0, +) / Double(a1.storage.count)
        XCTAssertEqual(variance, 1 / 64.0, accuracy: 0.02 / 64)
    }

    func testA6IsARestrictedDCTNeverStoredDensely() {
        let p = make(.partialDCT)
        XCTAssertNil(p.operator_.denseMatrix)
        let a = p.operator_.materialized()
        let g = gram(a)
        for i in 0..<a.rows { for j in 0..<a.rows { XCTAssertEqual(g[i, j], i == j ? 1 : 0, accuracy: 1e-12) } }
    }

    func testPlantedSolutionIsAZeroOfEveryInstance() {
        for e in Family.Ensemble.allCases {
            let p = make(e)
            let xs = p.knownSolution!
            XCTAssertEqual(xs.filter { $0 != 0 }.count, 8, e.rawValue)
            XCTAssertEqual(p.value(at: xs), 0, accuracy: 1e-20, e.rawValue)
            XCTAssertLessThan(DenseKernels.norm(p.gradient(at: xs)), 1e-12, e.rawValue)
        }
    }

    func testSameSeedSameBitsNewSeedNewDraws() {
        for e in Family.Ensemble.allCases {
            let a = make(e, seed: 9), b = make(e, seed: 9), c = make(e, seed: 10)
            XCTAssertEqual(a.rhs.map(\.bitPattern), b.rhs.map(\.bitPattern), e.rawValue)
            XCTAssertEqual(a.operator_.materialized().storage.map(\.bitPattern),
                           b.operator_.materialized().storage.map(\.bitPattern), e.rawValue)
            XCTAssertNotEqual(a.rhs, c.rhs, e.rawValue)
        }
    }

    func testStartingPointsFollowTheProtocol() {
        let p = make(.gaussian)
        let x0 = p.startingPoint(run: 0), x0b = p.startingPoint(run: 0), x1 = p.startingPoint(run: 1)
        XCTAssertEqual(x0, x0b)
        XCTAssertNotEqual(x0, x1)
        XCTAssertEqual(x0.filter { $0 != 0 }.count, p.metadata.settings.relevantCount)
        XCTAssertEqual(DenseKernels.norm(x0), 1, accuracy: 1e-14)
    }

    func testEvaluationCounts() {
        let p = make(.gaussian)
        p.evaluations.reset()
        let x = p.startingPoint(run: 0)
        _ = p.value(at: x)
        _ = p.gradient(at: x)
        var g: [Double] = []
        _ = p.valueAndGradient(at: x, into: &g)
        XCTAssertEqual(p.evaluations.values, 2)
        XCTAssertEqual(p.evaluations.gradients, 2)
    }

    func testInvalidParametersNameTheKey() {
        func check(_ values: [String: ParameterValue], key: String, _ line: UInt = #line) {
            let t = ParameterTable(values, file: "Problems/x.toml", context: "instance \"Z\"")
            XCTAssertThrowsError(try Family.parameters(t), line: line) { error in
                let text = "\(error)"
                XCTAssert(text.contains("Problems/x.toml") && text.contains("'\(key)'"), text, line: line)
            }
        }
        check(["ensemble": .string("gausian")], key: "ensemble")
        check(["ensemble": .string("gaussian"), "n": .int(100), "m": .int(200)], key: "m")
        check(["ensemble": .string("gaussian"), "n": .int(-4)], key: "n")
        check(["ensemble": .string("gaussian"), "n": .string("big")], key: "n")
        check(["ensemble": .string("orthogonal-blocks"), "n": .int(100), "m": .int(30)], key: "m")
        check(["ensemble": .string("partial-dct"), "n": .int(1000), "m": .int(30)], key: "n")
        check(["ensemble": .string("gaussian"), "sizes": .int(3)], key: "sizes")
        check(["ensemble": .string("gaussian"), "seed": .int(-1)], key: "seed")
    }
}
