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

    /// The heap path (K ≤ 64) gathers the entries at or above a threshold taken from every
    /// 8th entry before it selects. Inputs where that sample is unlucky (the sampled
    /// entries are the largest, so fewer than K entries reach the threshold and every entry
    /// becomes a candidate), where it is lucky, with ties at the threshold, NaNs, infinities,
    /// zeros and lengths that are not multiples of 4 or 8, with the AVX2 and the portable
    /// gather: always the reference's set, and reusing one selector across them.
    func testSampledThresholdPathMatchesReferenceOnBothGathers() {
        var rng = SuiteRandom(seed: 23, stream: "topk-sample")
        let selector = TopKSelector()
        func check(_ v: [Double], _ k: Int, _ label: String) {
            v.withUnsafeBufferPointer { selector.select(largestMagnitudesOf: $0, count: k) }
            XCTAssertEqual(Array(selector.selected), reference(v, k), label)
        }
        for portable in [false, true] {
            DenseKernels.forcePortable(portable)
            defer { DenseKernels.forcePortable(false) }
            let path = portable ? "portable" : "automatic"
            for n in [128, 129, 131, 1000, 1024, 4099] {
                // K ≤ 64: the heap path; above: the candidates' introselect (or rank).
                for k in [1, 2, 5, 31, 32, 63, 64, 65, 122, 200, n / 4, n / 2] where k < n {
                    let gauss = rng.normals(n)
                    check(gauss, k, "\(path) normals n \(n) k \(k)")
                    // Sampled entries (every 8th) far above the rest: the threshold is too
                    // high, fewer than K are gathered, the full heap runs.
                    let unlucky = (0..<n).map { $0 % 8 == 0 ? 1000 + Double($0) : rng.nextUniform() }
                    check(unlucky, k, "\(path) unlucky sample n \(n) k \(k)")
                    // Few distinct magnitudes: ties at the threshold and at the K-th place.
                    let ties = (0..<n).map { _ in Double(rng.nextInt(below: 4)) * rng.nextSign() }
                    check(ties, k, "\(path) ties n \(n) k \(k)")
                    var special = gauss
                    special[n / 3] = .nan; special[n - 1] = -.infinity; special[7] = .infinity
                    for j in stride(from: 0, to: n, by: 5) { special[j] = 0 }
                    check(special, k, "\(path) NaN/inf/zeros n \(n) k \(k)")
                    check([Double](repeating: 0, count: n), k, "\(path) zeros n \(n) k \(k)")
                    check([Double](repeating: .nan, count: n), k, "\(path) NaNs n \(n) k \(k)")
                    // The previous selection's hint far off: magnitudes 100× larger (the hint
                    // gathers everything), then 10⁴× smaller (it gathers nothing).
                    check(gauss.map { $0 * 100 }, k, "\(path) scaled up after a hint n \(n) k \(k)")
                    check(gauss.map { $0 * 0.01 }, k, "\(path) scaled down after a hint n \(n) k \(k)")
                    // Slowly changing vectors, as a solver's successive gradients.
                    var g = gauss
                    for step in 0..<5 {
                        for j in 0..<n { g[j] = 0.7 * g[j] + 0.1 * rng.nextUniform() - 0.05 }
                        check(g, k, "\(path) sequence step \(step) n \(n) k \(k)")
                    }
                }
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

    /// The sorting network that selects among the candidates (`psk_sort_select_avx2`):
    /// for every count 1…256 (every padding to 16, 32, …, 256), k from 1 to c, keys with
    /// many ties, +∞ and zeros: exactly the reference's k indices, in increasing order.
    func testSortSelectKernelMatchesTheReferenceForEveryCount() throws {
        try XCTSkipUnless(DenseKernels.usesAVX2, "the AVX2 kernels do not run on this machine")
        var rng = SuiteRandom(seed: 41, stream: "topk-sort-select")
        XCTAssertEqual(DenseKernels.sortSelectLimit, 256)
        for c in 1...DenseKernels.sortSelectLimit {
            for trial in 0..<4 {
                let keys: [Double] = (0..<c).map { _ in
                    switch trial {
                    case 0: return rng.nextUniform()
                    case 1: return Double(rng.nextInt(below: 3))            // ties everywhere, zeros
                    case 2: return rng.nextInt(below: 9) == 0 ? .infinity : Double(rng.nextInt(below: 40))
                    default: return Double(c - 1 - rng.nextInt(below: c))
                    }
                }
                let indices = (0..<c).map { 3 * $0 + 7 }
                for k in Set([1, 2, c / 3, c / 2, c - 1, c, rng.nextInt(below: c) + 1]) where k >= 1 && k <= c {
                    var out = [Int](repeating: -1, count: c)
                    let kept = keys.withUnsafeBufferPointer { kp in
                        indices.withUnsafeBufferPointer { ip in
                            out.withUnsafeMutableBufferPointer {
                                DenseKernels.sortSelectAVX2(keys: kp.baseAddress!, indices: ip.baseAddress!, count: c, k: k, into: $0.baseAddress!)
                            }
                        }
                    }
                    XCTAssertEqual(kept, k, "c \(c), trial \(trial), k \(k)")
                    let expected = reference(keys, k).map { indices[$0] }
                    XCTAssertEqual(Array(out.prefix(kept)), expected, "c \(c), trial \(trial), k \(k)")
                }
            }
        }
    }

    /// The sample's threshold from the sorting network (`psk_sample_threshold_avx2`): the
    /// r-th largest sampled magnitude, NaN as +∞, for sample counts that are and are not
    /// multiples of the run length, r up to 128 (runs of 16 to 128), strides 1 and 8.
    func testSampleThresholdKernelIsTheRthLargestSampledMagnitude() throws {
        try XCTSkipUnless(DenseKernels.usesAVX2, "the AVX2 kernels do not run on this machine")
        var rng = SuiteRandom(seed: 43, stream: "topk-sample-threshold")
        for samples in [1, 3, 16, 17, 100, 128, 255, 256, 320, 1000, DenseKernels.sampleLimit] {
            for stride in [1, 8] {
                var v = rng.normals((samples - 1) * stride + 1)
                for j in Swift.stride(from: 0, to: v.count, by: 11) { v[j] = Double(rng.nextInt(below: 3)) }
                if v.count > 5 { v[5] = .nan; v[v.count - 1] = -.infinity }
                let sampled = (0..<samples).map { TopKSelector.magnitude(v[$0 * stride]) }.sorted(by: >)
                for r in Set([1, 2, 15, 16, 17, 33, 64, 65, 100, 128, samples]) where r <= min(samples, DenseKernels.sampleRankLimit) {
                    let t = v.withUnsafeBufferPointer { DenseKernels.sampleThresholdAVX2($0.baseAddress!, samples: samples, stride: stride, rank: r) }
                    XCTAssertEqual(t, sampled[r - 1], "samples \(samples), stride \(stride), r \(r)")
                }
            }
        }
    }

    /// A sample that sits far above the rest but spreads out (v[8j] = 1000 + j): the first
    /// threshold gathers only r entries, fewer than K, so r is doubled until K are gathered
    /// (instead of selecting over all n); the set is still the reference's.
    func testAnUnluckySampleIsRetriedWithALowerThreshold() {
        var rng = SuiteRandom(seed: 47, stream: "topk-retry")
        for portable in [false, true] {
            DenseKernels.forcePortable(portable)
            defer { DenseKernels.forcePortable(false) }
            for (n, k) in [(1024, 40), (2048, 122), (1024, 64)] {
                let v: [Double] = (0..<n).map { (i: Int) -> Double in i % 8 == 0 ? 1000 + Double(i / 8) : rng.nextUniform(in: -1, 1) }
                let selector = TopKSelector(capacity: n)
                let c = v.withUnsafeBufferPointer { selector.gatherCandidates($0, k) }
                XCTAssertGreaterThanOrEqual(c, k, "n \(n), k \(k), portable \(portable): the retry gathers K")
                XCTAssertLessThan(c, n / 4, "n \(n), k \(k): candidates, not every entry")
                v.withUnsafeBufferPointer { selector.select(largestMagnitudesOf: $0, count: k) }
                XCTAssertEqual(Array(selector.selected), reference(v, k), "n \(n), k \(k), portable \(portable)")
            }
        }
    }
}
