import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

/// K-SVD on the synthetic experiment of Aharon, Elad and Bruckstein (2006, §V-A), made
/// small: a random 20×50 generating dictionary (uniform entries, unit-norm columns),
/// signals that are combinations of 3 atoms at random places with uniform coefficients,
/// no noise; an atom counts as recovered when 1 − |⟨d, d̃⟩| < 0.01 for some learned d̃.
final class KSVDTests: XCTestCase {
    struct Planted {
        var dictionary: [Double]
        var signals: [Double]
    }

    static func planted(n: Int = 20, k: Int = 50, signals count: Int = 1500, s: Int = 3, seed: UInt64 = 7) -> Planted {
        var rng = SuiteRandom(seed: seed, stream: "ksvd-test/planted")
        var d = (0..<(k * n)).map { _ in rng.nextUniform(in: -1, 1) }
        for a in 0..<k {
            let norm = (0..<n).reduce(0.0) { $0 + d[a * n + $1] * d[a * n + $1] }.squareRoot()
            for r in 0..<n { d[a * n + r] /= norm }
        }
        var y = [Double](repeating: 0, count: count * n)
        for j in 0..<count {
            for a in rng.sample(s, from: k) {
                let c = rng.nextUniform(in: -1, 1)
                for r in 0..<n { y[j * n + r] += c * d[a * n + r] }
            }
        }
        return Planted(dictionary: d, signals: y)
    }

    /// Fraction of the generating atoms found in the learned dictionary.
    static func recovered(_ truth: [Double], _ learned: [Double], k: Int, n: Int) -> Double {
        var found = 0
        for a in 0..<k {
            var best = 0.0
            for b in 0..<k {
                var c = 0.0
                for r in 0..<n { c += truth[a * n + r] * learned[b * n + r] }
                best = max(best, abs(c))
            }
            if 1 - best < 0.01 { found += 1 }
        }
        return Double(found) / Double(k)
    }

    /// Runs K-SVD on the planted data; returns the learned dictionary and the reports.
    func run(_ update: KSVDOptions.Update, iterations: Int, replace: Bool, keepBetter: Bool) throws -> (KSVDResult, Planted) {
        let p = Self.planted()
        var options = KSVDOptions(atoms: 50, sparsity: 3, iterations: iterations, update: update, seed: 3)
        options.replaceAtoms = replace
        options.keepBetterCodes = keepBetter
        let result = try KSVD.train(signals: p.signals, count: 1500, length: 20, options: options)
        let label = "\(update)"
        XCTAssertEqual(result.reports.count, iterations, label)
        for (i, r) in result.reports.enumerated() {
            XCTAssertLessThanOrEqual(r.updateError, r.codingError * (1 + 1e-12), "\(label) iteration \(i + 1): update raised the error")
        }
        XCTAssertLessThan(result.relativeError, result.reports[0].codingError / 2, label)
        // Atoms stay unit-norm, and the returned codes reproduce the reported error.
        for a in 0..<50 {
            let s = (0..<20).reduce(0.0) { $0 + result.dictionary[a * 20 + $1] * result.dictionary[a * 20 + $1] }
            XCTAssertEqual(s, 1, accuracy: 1e-12, "\(label) atom \(a)")
        }
        var errors = [Double]()
        let total = KSVD.representationErrors(p.signals, result.dictionary, result.codes, 20, into: &errors)
        let norm = p.signals.reduce(0) { $0 + $1 * $1 }
        XCTAssertEqual((total / norm).squareRoot(), result.relativeError, accuracy: 1e-12, label)
        return (result, p)
    }

    func testApproximateKSVDRecoversPlantedDictionary() throws {
        let (result, p) = try run(.approximate, iterations: 40, replace: true, keepBetter: false)
        XCTAssertGreaterThanOrEqual(Self.recovered(p.dictionary, result.dictionary, k: 50, n: 20), 0.9)
    }

    func testExactKSVDRecoversPlantedDictionary() throws {
        let (result, p) = try run(.exact, iterations: 40, replace: true, keepBetter: false)
        XCTAssertGreaterThanOrEqual(Self.recovered(p.dictionary, result.dictionary, k: 50, n: 20), 0.9)
    }

    func testErrorNeverRisesWithTheSafeguard() throws {
        for update in KSVDOptions.Update.allCases {
            let (result, p) = try run(update, iterations: 40, replace: false, keepBetter: true)
            let reports = result.reports
            for i in 1..<reports.count {
                XCTAssertLessThanOrEqual(reports[i].codingError, reports[i - 1].updateError, "\(update) iteration \(i + 1)")
                XCTAssertLessThanOrEqual(reports[i].updateError, reports[i - 1].updateError, "\(update) iteration \(i + 1)")
            }
            XCTAssertGreaterThanOrEqual(Self.recovered(p.dictionary, result.dictionary, k: 50, n: 20), 0.7, "\(update)")
        }
    }

    func testSameDictionaryWhateverTheThreadCount() throws {
        let p = Self.planted(signals: 600)
        let options = KSVDOptions(atoms: 50, sparsity: 3, iterations: 4, seed: 11)
        let one = try Parallel.withThreads(1) { try KSVD.train(signals: p.signals, count: 600, length: 20, options: options) }
        let two = try Parallel.withThreads(2) { try KSVD.train(signals: p.signals, count: 600, length: 20, options: options) }
        XCTAssertEqual(one.dictionary.map(\.bitPattern), two.dictionary.map(\.bitPattern))
        XCTAssertEqual(one.codes, two.codes)
        var other = options
        other.seed = 12
        let different = try KSVD.train(signals: p.signals, count: 600, length: 20, options: other)
        XCTAssertNotEqual(one.dictionary, different.dictionary, "the seed must matter")
    }

    func testUnusedAtomIsReplacedByWorstSignal() throws {
        // Two clusters of signals and a third, lone atom start: with sparsity 1 an atom
        // placed on a duplicate signal is never used and must be replaced.
        let n = 6
        var y: [Double] = []
        var rng = testRandom()
        for j in 0..<40 {
            var v = [Double](repeating: 0, count: n)
            v[j % 3] = 1 + 0.1 * rng.nextUniform()
            v[3 + j % 3] = 0.2 * rng.nextUniform()
            y += v
        }
        var initial = [Double](repeating: 0, count: 4 * n)
        initial[0] = 1; initial[n + 1] = 1; initial[2 * n + 0] = 1  // atom 2 duplicates atom 0
        initial[3 * n + 5] = 1
        let options = KSVDOptions(atoms: 4, sparsity: 1, iterations: 2, seed: 1)
        let result = try KSVD.train(signals: y, count: 40, length: n, options: options, initialDictionary: initial)
        let replaced = result.reports.reduce(0) { $0 + $1.replacedUnused + $1.clearedAtoms }
        XCTAssertGreaterThan(replaced, 0)
        XCTAssertLessThan(result.relativeError, result.reports[0].codingError)
    }

    func testRejectsBadInput() {
        XCTAssertThrowsError(try KSVD.train(signals: [1, 2, 3], count: 2, length: 2, options: KSVDOptions(atoms: 1, sparsity: 1)))
        XCTAssertThrowsError(try KSVD.train(signals: [1, 0, 0, 1], count: 2, length: 2, options: KSVDOptions(atoms: 3, sparsity: 1))) { error in
            XCTAssertTrue("\(error)".contains("at least 3 nonzero"), "\(error)")
        }
        XCTAssertThrowsError(try KSVD.train(signals: [1, .nan, 0, 1], count: 2, length: 2, options: KSVDOptions(atoms: 1, sparsity: 1))) { error in
            XCTAssertTrue("\(error)".contains("signal 0"), "\(error)")
        }
        XCTAssertThrowsError(try KSVD.train(signals: [1, 0, 0, 1], count: 2, length: 2, options: KSVDOptions(atoms: 2, sparsity: 5)))
    }
}
