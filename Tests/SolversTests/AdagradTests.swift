import XCTest
import ProblemSuite
import ProblemSuiteTestSupport
@testable import Solvers

final class AdagradTests: XCTestCase {
    func testOneStepByHand() throws {
        let problem = SeparableQuadratic(d: [1, 4, 1], c: [0, 0, 0])
        let solver = try Adagrad(settings: testSettings(nR: 1, eps: 0, kmax: 2))
        try solver.start(problem: problem, x0: [1, -2, 0])
        solver.step()
        // g0 = (1, -8, 0), v_{-1} = 0.01.
        XCTAssertEqual(solver.state.currentIterate, [1 - 1 / 1.01.squareRoot(), -2 + 8 / 64.01.squareRoot(), 0])
        XCTAssertEqual(solver.accumulator, [1.01, 64.01, 0.01])
        let x1 = solver.state.currentIterate, g1 = solver.state.currentGradient
        XCTAssertEqual(g1, [x1[0], 4 * x1[1], 0])
        solver.step()
        XCTAssertEqual(solver.state.currentIterate[0], x1[0] - g1[0] / (1.01 + g1[0] * g1[0]).squareRoot())
        XCTAssertEqual(solver.state.iteration, 2)
        XCTAssertEqual(solver.state.stopReason, .iterationLimit)
    }

    /// The catalogue's A1 with its own settings (eps = 1e-4, kmax = 1000): Adagrad needs
    /// about 240 iterations (a few seconds in a debug build).
    func testReachesToleranceOnA1() throws {
        let problem = try Catalogue.standard().load("A1")
        let solver = try SolverRegistry.make("adagrad", settings: problem.metadata.settings)
        let result = try SolverRun.run(solver, on: problem, from: problem.startingPoint(run: 0))
        XCTAssertEqual(result.stopReason, .gradientTolerance, "‖g‖ = \(result.gradientNorm) after \(result.iterations)")
        XCTAssertLessThanOrEqual(result.gradientNorm, 1e-4)
        XCTAssertLessThan(result.iterations, 1000)
    }

    /// The same Gaussian ensemble as A1 at n = 256, m = 64.
    func testReachesToleranceOnSmallA1LikeInstance() throws {
        let problem = try TestProblems.randomLeastSquares(n: 256, m: 64, s: 8, kmax: 3000)
        let solver = try SolverRegistry.make("adagrad", settings: problem.metadata.settings)
        let result = try SolverRun.run(solver, on: problem, from: problem.startingPoint(run: 0))
        XCTAssertEqual(result.stopReason, .gradientTolerance, "‖g‖ = \(result.gradientNorm) after \(result.iterations)")
        XCTAssertLessThanOrEqual(result.gradientNorm, 1e-4)
        XCTAssertEqual(result.gradientNorm, DenseKernels.norm(problem.gradient(at: result.x)), accuracy: 1e-15)
    }

    func testScaleParameter() throws {
        let problem = SeparableQuadratic(d: [1], c: [0])
        let solver = Adagrad(settings: testSettings(nR: 1, eps: 0, kmax: 1), parameters: .init(sigma: 0.01, scale: 0.5))
        try solver.start(problem: problem, x0: [1])
        solver.step()
        XCTAssertEqual(solver.state.currentIterate[0], 1 - 0.5 / 1.01.squareRoot(), accuracy: 1e-15)
        XCTAssertThrowsError(try Adagrad(settings: testSettings(nR: 1), parameters: .init(sigma: -1)).start(problem: problem, x0: [1]))
    }
}
