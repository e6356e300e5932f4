import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

/// Batch-OMP: exact recovery of planted sparse combinations, agreement with a plain OMP
/// that forms the residual, the error-target mode and edge cases.
final class OMPTests: XCTestCase {
    /// K random unit-norm atoms of length n (rows).
    static func randomDictionary(_ k: Int, _ n: Int, _ rng: inout SuiteRandom) -> [Double] {
        var d = rng.normals(k * n)
        for a in 0..<k {
            let s = (0..<n).reduce(0.0) { $0 + d[a * n + $1] * d[a * n + $1] }.squareRoot()
            for r in 0..<n { d[a * n + r] /= s }
        }
        return d
    }

    static func combine(_ d: [Double], _ n: Int, _ pairs: [(Int, Double)]) -> [Double] {
        var y = [Double](repeating: 0, count: n)
        for (a, v) in pairs { for r in 0..<n { y[r] += v * d[a * n + r] } }
        return y
    }

    func testRecoversPlantedCombinationsExactly() {
        var rng = testRandom()
        let n = 64, k = 128, s = 5, signals = 40
        let d = Self.randomDictionary(k, n, &rng)
        let omp = BatchOMP(dictionary: d, atoms: k, length: n)
        var y = [Double](), planted: [[(Int, Double)]] = []
        for _ in 0..<signals {
            let support = rng.sample(s, from: k)
            let pairs = support.map { ($0, (1 + rng.nextUniform()) * rng.nextSign()) }
            planted.append(pairs)
            y += Self.combine(d, n, pairs)
        }
        let codes = y.withUnsafeBufferPointer { omp.code(signals: $0.baseAddress!, count: signals, sparsity: s) }
        for j in 0..<signals {
            let got = Dictionary(uniqueKeysWithValues: codes.entries(j).map { ($0.atom, $0.value) })
            XCTAssertEqual(Set(got.keys), Set(planted[j].map(\.0)), "signal \(j): support")
            for (a, v) in planted[j] { XCTAssertEqual(got[a] ?? .nan, v, accuracy: 1e-10, "signal \(j) atom \(a)") }
        }
        // With a larger budget OMP stops by itself once the residual vanishes.
        let loose = y.withUnsafeBufferPointer { omp.code(signals: $0.baseAddress!, count: signals, sparsity: 3 * s) }
        for j in 0..<signals { XCTAssertEqual(loose.count(j), s, "signal \(j) should stop at \(s) atoms") }
    }

    /// Plain OMP with an explicit residual and normal equations solved by Gaussian elimination.
    static func plainOMP(_ d: [Double], _ k: Int, _ n: Int, _ y: [Double], _ t: Int) -> [Int] {
        var support: [Int] = [], r = y
        for _ in 0..<t {
            var best = 0, bestV = -1.0
            for a in 0..<k where !support.contains(a) {
                let c = abs((0..<n).reduce(0.0) { $0 + d[a * n + $1] * r[$1] })
                if c > bestV { bestV = c; best = a }
            }
            support.append(best)
            let s = support.count
            var m = [Double](repeating: 0, count: s * (s + 1))
            for i in 0..<s {
                for j in 0..<s { m[i * (s + 1) + j] = (0..<n).reduce(0.0) { $0 + d[support[i] * n + $1] * d[support[j] * n + $1] } }
                m[i * (s + 1) + s] = (0..<n).reduce(0.0) { $0 + d[support[i] * n + $1] * y[$1] }
            }
            for c in 0..<s { for i in (c + 1)..<s {
                let f = m[i * (s + 1) + c] / m[c * (s + 1) + c]
                for j in c...s { m[i * (s + 1) + j] -= f * m[c * (s + 1) + j] }
            } }
            var x = [Double](repeating: 0, count: s)
            for i in stride(from: s - 1, through: 0, by: -1) {
                var v = m[i * (s + 1) + s]
                for j in (i + 1)..<s { v -= m[i * (s + 1) + j] * x[j] }
                x[i] = v / m[i * (s + 1) + i]
            }
            r = y
            for i in 0..<s { for q in 0..<n { r[q] -= x[i] * d[support[i] * n + q] } }
        }
        return support
    }

    func testMatchesPlainOMPOnRandomSignals() {
        var rng = testRandom()
        let n = 30, k = 60, t = 8
        let d = Self.randomDictionary(k, n, &rng)
        let omp = BatchOMP(dictionary: d, atoms: k, length: n)
        for j in 0..<10 {
            let y = rng.normals(n)
            let got = omp.code(signal: y, sparsity: t)
            XCTAssertEqual(got.map(\.atom), Self.plainOMP(d, k, n, y, t), "signal \(j): selection order")
            // The residual is orthogonal to every selected atom (least-squares fit).
            let r = zip(y, Self.combine(d, n, got.map { ($0.atom, $0.value) })).map { $0 - $1 }
            for (a, _) in got {
                let c = (0..<n).reduce(0.0) { $0 + d[a * n + $1] * r[$1] }
                XCTAssertEqual(c, 0, accuracy: 1e-12, "signal \(j) atom \(a)")
            }
        }
    }

    func testErrorTargetStopsAtTheTarget() {
        var rng = testRandom()
        let n = 40, k = 80
        let d = Self.randomDictionary(k, n, &rng)
        let omp = BatchOMP(dictionary: d, atoms: k, length: n)
        let y = rng.normals(n)
        let norm2 = y.reduce(0) { $0 + $1 * $1 }
        let target = 0.1 * norm2
        let got = omp.code(signal: y, sparsity: n, errorTarget: target)
        let residual = zip(y, Self.combine(d, n, got.map { ($0.atom, $0.value) })).map { $0 - $1 }
        let err = residual.reduce(0) { $0 + $1 * $1 }
        XCTAssertLessThanOrEqual(err, target * (1 + 1e-9))
        // One atom fewer is not enough.
        let fewer = omp.code(signal: y, sparsity: got.count - 1)
        let r2 = zip(y, Self.combine(d, n, fewer.map { ($0.atom, $0.value) })).map { $0 - $1 }
        XCTAssertGreaterThan(r2.reduce(0) { $0 + $1 * $1 }, target)
    }

    func testZeroSignalAndDuplicateAtoms() {
        var rng = testRandom()
        let n = 10
        var d = Self.randomDictionary(4, n, &rng)
        d.replaceSubrange((3 * n)..<(4 * n), with: d[0..<n])  // atom 3 duplicates atom 0
        let omp = BatchOMP(dictionary: d, atoms: 4, length: n)
        XCTAssertTrue(omp.code(signal: [Double](repeating: 0, count: n), sparsity: 3).isEmpty)
        let y = Self.combine(d, n, [(0, 1), (1, 0.5)])
        let got = omp.code(signal: y, sparsity: 4)
        XCTAssertEqual(Set(got.map(\.atom)).count, got.count)
        XCTAssertLessThanOrEqual(got.count, 3, "a duplicate atom must not be selected next to its twin")
    }

    func testSameCodesWhateverTheThreadCount() {
        var rng = testRandom()
        let n = 50, k = 90, count = 300
        let d = Self.randomDictionary(k, n, &rng)
        let y = rng.normals(n * count)
        let omp = BatchOMP(dictionary: d, atoms: k, length: n)
        let one = Parallel.withThreads(1) { y.withUnsafeBufferPointer { omp.code(signals: $0.baseAddress!, count: count, sparsity: 6) } }
        let three = Parallel.withThreads(3) { y.withUnsafeBufferPointer { omp.code(signals: $0.baseAddress!, count: count, sparsity: 6) } }
        XCTAssertEqual(one, three)
    }
}
