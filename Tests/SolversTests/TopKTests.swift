import XCTest
import ProblemSuite
@testable import Solvers

final class TopKTests: XCTestCase {
    /// The reference: sort indices by (|v| descending, index ascending), keep the first k.
    func reference(_ v: [Double], _ k: Int) -> [Int] {
        let key = v.map { $0.isNaN ? Double.infinity : abs($0) }
        let sorted = v.indices.sorted { key[$0] != key[$1] ? key[$0] > key[$1] : $0 < $1 }
        return Array(sorted.prefix(min(max(k, 0), v.count))).sorted()
    }

    func testMatchesSortReferenceOnRandomInputsWithManyTies() {
        var rng = SuiteRandom(seed: 5, stream: "topk")
        for trial in 0..<300 {
            let n = 1 + rng.nextInt(below: 200)
            let levels = 1 + rng.nextInt(below: 6)   // few distinct magnitudes: many ties
            let v = (0..<n).map { _ in Double(rng.nextInt(below: levels)) * rng.nextSign() }
            let k = rng.nextInt(below: n + 2)
            XCTAssertEqual(TopKSelector.largestMagnitudes(v, count: k), reference(v, k), "trial \(trial), n \(n), k \(k)")
        }
    }

    func testAdversarialPatternsReachTheFallbackAndStayCorrect() {
        let n = 2000
        var patterns: [String: [Double]] = [:]
        patterns["ascending"] = (0..<n).map { (i: Int) -> Double in Double(i) }
        patterns["descending"] = (0..<n).map { (i: Int) -> Double in Double(n - i) }
        patterns["equal"] = [Double](repeating: 3, count: n)
        patterns["organ-pipe"] = (0..<n).map { (i: Int) -> Double in Double(min(i, n - 1 - i)) }
        patterns["sawtooth"] = (0..<n).map { (i: Int) -> Double in Double(i % 7) }
        patterns["alternating-sign"] = (0..<n).map { (i: Int) -> Double in
            let sign: Double = i % 2 == 0 ? 1 : -1
            return sign * Double(i / 2)
        }
        for (name, v) in patterns.sorted(by: { $0.key < $1.key }) {
            for k in [0, 1, 2, 17, n / 2, n - 1, n, n + 5] {
                XCTAssertEqual(TopKSelector.largestMagnitudes(v, count: k), reference(v, k), "\(name), k \(k)")
            }
        }
    }

    func testTiesGoToLowerIndices() {
        let v: [Double] = [1, -2, 2, 0, -2, 1]
        XCTAssertEqual(TopKSelector.largestMagnitudes(v, count: 2), [1, 2])
        XCTAssertEqual(TopKSelector.largestMagnitudes(v, count: 4), [0, 1, 2, 4])
        XCTAssertEqual(TopKSelector.largestMagnitudes([5, 5, 5, 5], count: 3), [0, 1, 2])
    }

    func testNaNRanksFirstAndMaskMatchesSelection() {
        let v: [Double] = [1, .nan, -7, 3]
        XCTAssertEqual(TopKSelector.largestMagnitudes(v, count: 2), [1, 2])
        let s = TopKSelector()
        var mask = [Bool](repeating: true, count: 6)
        let w: [Double] = [0.5, -4, 4, 0, 1, -0.5]
        w.withUnsafeBufferPointer { wp in mask.withUnsafeMutableBufferPointer { s.select(largestMagnitudesOf: wp, count: 3, mask: $0) } }
        XCTAssertEqual(mask, [false, true, true, false, true, false])
        // Reuse at a larger then smaller size.
        let big = (0..<500).map { Double(($0 * 37) % 101) }
        big.withUnsafeBufferPointer { s.select(largestMagnitudesOf: $0, count: 10) }
        XCTAssertEqual(Array(s.selected).sorted(), reference(big, 10))
        w.withUnsafeBufferPointer { s.select(largestMagnitudesOf: $0, count: 1) }
        XCTAssertEqual(Array(s.selected), [1])
    }

    func testMedianOfMediansPivotPathDirectly() {
        // The fallback pivot, and a selection of a value by rank, through direct calls.
        var rng = SuiteRandom(seed: 9, stream: "mom")
        for _ in 0..<50 {
            let n = 5 + rng.nextInt(below: 400)
            let v = (0..<n).map { _ in Double(rng.nextInt(below: 20)) }
            let decreasing = v.sorted(by: >)
            let s = TopKSelector(capacity: n)
            for i in 0..<n { s.keys[i] = v[i] }
            let p = s.medianOfMedians(0, n - 1)
            // At least 3/10 of the groups' medians' sides: the pivot is not an extreme value unless ties make it so.
            let above = v.filter { $0 > p }.count, below = v.filter { $0 < p }.count
            XCTAssert(above <= n - n / 5 && below <= n - n / 5, "pivot \(p): \(above) above, \(below) below of \(n)")
            for i in 0..<n { s.keys[i] = v[i] }
            let target = rng.nextInt(below: n)
            s.selectValue(lo: 0, hi: n - 1, target: target)
            XCTAssertEqual(s.keys[target], decreasing[target])
            XCTAssert((0..<target).allSatisfy { s.keys[$0] >= decreasing[target] })
            XCTAssert(((target + 1)..<n).allSatisfy { s.keys[$0] <= decreasing[target] })
        }
    }

    func testSelectedIndicesAreInIncreasingOrderAndLargeInputsMatch() {
        var rng = SuiteRandom(seed: 3, stream: "topk-large")
        let s = TopKSelector()
        for n in [1024, 2560, 4096] {
            var v = rng.normals(n)
            for i in stride(from: 0, to: n, by: 3) { v[i] = 0 }   // many exact zeros, as a sparse gradient has
            for k in [1, 32, n / 2, n - 1] {
                v.withUnsafeBufferPointer { s.select(largestMagnitudesOf: $0, count: k) }
                XCTAssertEqual(Array(s.selected), reference(v, k), "n \(n), k \(k)")
            }
        }
    }
}
