import XCTest
import ProblemSuite
import ProblemSuiteTestSupport
@testable import Solvers

final class KSupportNormTests: XCTestCase {
    func testSpecialCases() {
        let w: [Double] = [3, -1, 0.5, 0, -2]
        XCTAssertEqual(kSupportNorm(w, k: 1), 6.5, accuracy: 1e-12)                        // ℓ1
        XCTAssertEqual(kSupportNorm(w, k: 5), (9 + 1 + 0.25 + 4.0).squareRoot(), accuracy: 1e-12)  // ℓ2
        XCTAssertEqual(kSupportNorm(w, k: 9), kSupportNorm(w, k: 5), accuracy: 0)           // k ≥ n
        XCTAssertEqual(kSupportNorm([1, 1, 1, 1], k: 2), 2 * 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(kSupportNorm([0, 0, 0], k: 2), 0)
        // A k-sparse vector: its 2-norm, ties included.
        XCTAssertEqual(kSupportNorm([0, 2, 0, -2, 1, 0], k: 3), 3, accuracy: 1e-12)
        XCTAssertEqual(kSupportNorm([0, 2, 0, -2, 0, 0], k: 3), 8.0.squareRoot(), accuracy: 1e-12)
    }

    /// ‖w‖₂ ≤ ‖w‖_(k) ≤ ‖w‖₁, and ⟨w, y⟩ ≤ ‖w‖_(k)·‖y‖_(k)^* with the dual norm
    /// ‖y‖_(k)^* = (Σ of the k largest y_i²)^{1/2}.
    func testNormBoundsAndDualInequality() {
        var rng = SuiteRandom(seed: 3, stream: "ksupport")
        for _ in 0..<200 {
            let n = 1 + rng.nextInt(below: 30), k = 1 + rng.nextInt(below: n)
            let w = rng.normals(n, scale: 1)
            let norm = kSupportNorm(w, k: k)
            let l2 = DenseKernels.norm(w), l1 = w.reduce(0) { $0 + abs($1) }
            XCTAssertGreaterThanOrEqual(norm, l2 * (1 - 1e-12))
            XCTAssertLessThanOrEqual(norm, l1 * (1 + 1e-12))
            for _ in 0..<5 {
                let y = rng.normals(n, scale: 1)
                let dual = y.map { $0 * $0 }.sorted(by: >).prefix(k).reduce(0, +).squareRoot()
                XCTAssertLessThanOrEqual(DenseKernels.dot(w, y), norm * dual * (1 + 1e-12) + 1e-12)
            }
            // Convex combinations of k-sparse unit vectors have norm ≤ 1.
            var combo = [Double](repeating: 0, count: n)
            for _ in 0..<4 {
                var atom = [Double](repeating: 0, count: n)
                for i in rng.sample(k, from: n) { atom[i] = rng.nextNormal() }
                let a = DenseKernels.norm(atom)
                for i in 0..<n { combo[i] += 0.25 * atom[i] / a }
            }
            XCTAssertLessThanOrEqual(kSupportNorm(combo, k: k), 1 + 1e-12)
        }
    }
}

final class FrankWolfeTests: XCTestCase {
    func run(_ name: String, tau: Double, kmax: Int = 60) throws -> (RecordingObserver, any SmoothProblem) {
        let problem = try TestProblems.randomLeastSquares()
        let rec = RecordingObserver()
        // A fixed eta2 = 1 (not the per-instance rule): these tests pin the step formula.
        var settings = testSettings(nR: 8, eps: 0, kmax: kmax, radius: tau)
        settings.parameters["fw_eta2"] = .double(1)
        let solver = try SolverRegistry.make(name, settings: settings)
        _ = try SolverRun.run(solver, on: problem, from: problem.startingPoint(run: 0), observer: rec)
        return (rec, problem)
    }

    func testIteratesStayInTheKSupportBall() throws {
        for name in ["fw1", "fw2"] {
            for tau in [1.0, 3.0, 10.0] {
                let (rec, _) = try run(name, tau: tau)
                XCTAssertEqual(rec.entries.count, 61)
                var touched = false
                for e in rec.entries {
                    let norm = kSupportNorm(e.x, k: 8)
                    XCTAssertLessThanOrEqual(norm, tau * (1 + 1e-12), "\(name) tau \(tau) k \(e.iteration)")
                    touched = touched || norm > 0.5 * tau
                }
                XCTAssert(touched, "\(name) tau \(tau): iterates never approached the boundary")
            }
        }
    }

    func testStepLengthsAndVertexFollowTheSpec() throws {
        for name in ["fw1", "fw2"] {
            let tau = 4.0
            let (rec, _) = try run(name, tau: tau, kmax: 25)
            for k in 0..<25 {
                let x = rec.entries[k].x, g = rec.entries[k].g
                let support = TopKSelector.largestMagnitudes(g, count: 8)
                var hat = [Double](repeating: 0, count: g.count)
                for i in support { hat[i] = g[i] }
                let vertex = hat.map { -tau * $0 / DenseKernels.norm(hat) }
                XCTAssertEqual(kSupportNorm(vertex, k: 8), tau, accuracy: 1e-12 * tau)
                let gap = DenseKernels.norm(zip(vertex, x).map { $0 - $1 })
                let expected = name == "fw1" ? min(1, 2.0 / Double(k + 1))
                                             : min(1, 1.0 * rec.entries[k].gradientNorm / gap)
                let step = try XCTUnwrap(rec.entries[k + 1].previousStep)
                XCTAssertEqual(try XCTUnwrap(step.stepLength), expected, accuracy: 1e-14, "\(name) k \(k)")
                let next = zip(x, vertex).map { $0 + expected * ($1 - $0) }
                for i in x.indices { XCTAssertEqual(rec.entries[k + 1].x[i], next[i], accuracy: 1e-12, "\(name) k \(k) i \(i)") }
            }
        }
        // FW1 with eta1 = 2 jumps to the first vertex: x_1 is 8-sparse with 2-norm tau.
        let (rec, _) = try run("fw1", tau: 4, kmax: 1)
        XCTAssertEqual(rec.entries[1].x.filter { $0 != 0 }.count, 8)
        XCTAssertEqual(DenseKernels.norm(rec.entries[1].x), 4, accuracy: 1e-12)
    }

    func testStationaryStartStopsBeforeAnyStep() throws {
        let problem = SeparableQuadratic(d: [1, 2, 3], c: [0.5, 0, 0])
        let solver = try SolverRegistry.make("fw2", settings: testSettings(nR: 1, eps: 0))
        let result = try SolverRun.run(solver, on: problem, from: [0.5, 0, 0])
        XCTAssertEqual(result.iterations, 0)
        XCTAssertEqual(result.stopReason, .gradientTolerance)
        XCTAssertEqual(result.x, [0.5, 0, 0])
    }
}
