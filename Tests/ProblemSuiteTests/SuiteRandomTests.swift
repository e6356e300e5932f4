import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

final class SuiteRandomTests: XCTestCase {
    /// The first outputs of xoshiro256** seeded by SplitMix64(0): pinned so that any
    /// change to the generator (which would change every problem) is caught.
    func testPinnedOutputs() {
        var r = SuiteRandom(seed: 0)
        let first = (0..<3).map { _ in r.next() }
        // SplitMix64(0) state words and xoshiro256** outputs, computed independently.
        XCTAssertEqual(first, SuiteRandomTests.reference(seed: 0, count: 3))
    }

    /// A straightforward second implementation of SplitMix64 + xoshiro256**.
    static func reference(seed: UInt64, count: Int) -> [UInt64] {
        var x = seed
        func sm() -> UInt64 {
            x = x &+ 0x9E3779B97F4A7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
        var s = [sm(), sm(), sm(), sm()]
        func rotl(_ v: UInt64, _ k: UInt64) -> UInt64 { (v << k) | (v >> (64 - k)) }
        var out: [UInt64] = []
        for _ in 0..<count {
            out.append(rotl(s[1] &* 5, 7) &* 9)
            let t = s[1] << 17
            s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45)
        }
        return out
    }

    func testKnownSplitMixValue() {
        // SplitMix64 with seed 0 yields 0xE220A8397B1DCDAF first (published test value).
        var state: UInt64 = 0
        state = state &+ 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        XCTAssertEqual(z ^ (z >> 31), 0xE220A8397B1DCDAF)
    }

    func testSameSeedSameBitsNewSeedDifferent() {
        var a = SuiteRandom(seed: 42, stream: "x"), b = SuiteRandom(seed: 42, stream: "x")
        var c = SuiteRandom(seed: 43, stream: "x"), d = SuiteRandom(seed: 42, stream: "y")
        let va = a.normals(100), vb = b.normals(100), vc = c.normals(100), vd = d.normals(100)
        XCTAssertEqual(va.map(\.bitPattern), vb.map(\.bitPattern))
        XCTAssertNotEqual(va, vc)
        XCTAssertNotEqual(va, vd)
    }

    func testUniformAndNormalMoments() {
        var r = testRandom()
        let n = 200_000
        var s = 0.0, s2 = 0.0, u = 0.0
        for _ in 0..<n {
            let z = r.nextNormal()
            s += z; s2 += z * z
            u += r.nextUniform()
        }
        XCTAssertEqual(s / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(s2 / Double(n), 1, accuracy: 0.015)
        XCTAssertEqual(u / Double(n), 0.5, accuracy: 0.005)
    }

    func testIntBelowIsUnbiasedAndInRange() {
        var r = testRandom()
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let v = r.nextInt(below: 7)
            XCTAssert((0..<7).contains(v))
            counts[v] += 1
        }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 400) }
    }

    func testPermutationAndSample() {
        var r = testRandom()
        let p = r.permutation(50)
        XCTAssertEqual(p.sorted(), Array(0..<50))
        withEveryCombination([0, 1, 5, 100], [100, 1000]) { k, n, label in
            let s = r.sample(k, from: n)
            XCTAssertEqual(s.count, k, label)
            XCTAssertEqual(Set(s).count, k, label)
            XCTAssert(s.allSatisfy { $0 >= 0 && $0 < n }, label)
        }
        // Every index is equally likely to be chosen.
        var hits = [Int](repeating: 0, count: 10)
        for _ in 0..<20_000 { for i in r.sample(3, from: 10) { hits[i] += 1 } }
        for h in hits { XCTAssertEqual(Double(h), 6000, accuracy: 300) }
    }

    func testDeterministicLogAndExpMatchLibm() {
        var r = testRandom()
        for _ in 0..<10_000 {
            let x = DeterministicMath.exp(r.nextUniform(in: -700, 700))
            let l = DeterministicMath.log(x)
            XCTAssertEqual(l, Foundation.log(x), accuracy: 2 * Foundation.log(x).ulp + 1e-300)
            let y = r.nextUniform(in: -50, 50)
            XCTAssertEqual(DeterministicMath.exp(y), Foundation.exp(y), accuracy: 4 * Foundation.exp(y).ulp)
        }
        XCTAssertEqual(DeterministicMath.log(1), 0)
        XCTAssert(DeterministicMath.log(-1).isNaN)
        XCTAssertEqual(DeterministicMath.log(0), -.infinity)
        XCTAssertEqual(DeterministicMath.log(.leastNonzeroMagnitude), Foundation.log(.leastNonzeroMagnitude), accuracy: 1e-12)
        XCTAssertEqual(DeterministicMath.pow10(2), 100, accuracy: 1e-12)
    }
}
