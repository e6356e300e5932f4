import XCTest
import ProblemSuite
import ProblemSuiteTestSupport
@testable import Harness

final class PruningTests: XCTestCase {
    func testPrunedCountRoundsHalfAwayFromZero() {
        XCTAssertEqual(Pruning.prunedCount(percentage: 50, dimension: 5), 3)   // 2.5 → 3
        XCTAssertEqual(Pruning.prunedCount(percentage: 10, dimension: 1024), 102)
        XCTAssertEqual(Pruning.prunedCount(percentage: 0, dimension: 7), 0)
        XCTAssertEqual(Pruning.prunedCount(percentage: 100, dimension: 7), 7)
    }

    func testSmallestMagnitudesGoFirstTiesByLowerIndex() {
        let x = [3.0, -1.0, 1.0, 0.0, -2.0, 1.0]
        XCTAssertEqual(Pruning.order(x), [3, 1, 2, 5, 4, 0])
        XCTAssertEqual(Pruning.pruned(x, percentage: 50), [3, 0, 0, 0, -2, 1])
        XCTAssertEqual(Pruning.pruned(x, threshold: 1.5), [3, 0, 0, 0, -2, 0])
        XCTAssertEqual(Pruning.sparsity(x, threshold: 1.5), 400.0 / 6, accuracy: 1e-12)
    }

    /// On f(x) = ½‖x − c‖² the measures have closed forms.
    func testMeasuresOnAQuadratic() throws {
        let c = [4.0, -0.5, 0.25, 2.0]
        let problem = Quadratic(center: c)
        let m = PruningMeasure.measure(problem, solution: c, percentages: [0, 50, 100])
        XCTAssertEqual(m.map(\.pruned), [0, 2, 4])
        XCTAssertEqual(m[0].epsG, 0)
        XCTAssertEqual(m[0].epsF, 0)
        // 50%: the two smallest (0.25, −0.5) are zeroed: g = x̂ − c = (0, 0.5, −0.25, 0).
        XCTAssertEqual(m[1].epsG, (0.25 + 0.0625).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(m[1].epsF, 0.5 * (0.25 + 0.0625), accuracy: 1e-15)  // f* = 0, max(1, 0) = 1
        XCTAssertEqual(m[2].epsG, DenseKernels.norm(c), accuracy: 1e-14)
    }
}

/// f(x) = ½‖x − c‖², a problem written in the test to check the harness's measures.
final class Quadratic: SmoothProblem {
    let center: [Double]
    let metadata: ProblemMetadata
    let evaluations = EvaluationCounter()
    init(center: [Double]) {
        self.center = center
        metadata = ProblemMetadata(name: "QUAD", family: "test", dimension: center.count, classification: "QUR2-AN-\(center.count)-0", seed: 0)
    }
    func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for i in 0..<center.count { s += 0.5 * (x[i] - center[i]) * (x[i] - center[i]) }
        return s
    }
    func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>, into g: UnsafeMutableBufferPointer<Double>) -> Double {
        for i in 0..<center.count { g[i] = x[i] - center[i] }
        return computeValue(x)
    }
}
