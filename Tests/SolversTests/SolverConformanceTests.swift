import XCTest
import ProblemSuite
@testable import Solvers

/// Every registered solver on every catalogue problem whose data is available: a few
/// iterations run, stay finite, use gradients only, and repeat bit for bit.
final class SolverConformanceTests: XCTestCase {
    func testEverySolverOnEveryCatalogueProblem() throws {
        let catalogue = try Catalogue.standard()
        let dataDir = SuitePaths.dataDirectory()
        let context = LoadContext(dataDirectory: dataDir, cacheDirectory: SuitePaths.cacheDirectory())
        var checked = 0
        for entry in catalogue.entries where Catalogue.missingFiles(of: entry, dataDirectory: dataDir).isEmpty {
            let problem = try entry.load(context)
            // Debug builds are slow: fewer iterations when a gradient is expensive.
            let clock = ContinuousClock()
            let t = clock.measure { _ = problem.gradient(at: problem.startingPoint(run: 0)) }
            let kmax = t < .milliseconds(40) ? 4 : 1
            var settings = problem.metadata.settings
            settings.maxIterations = kmax
            settings.gradientTolerance = 0
            let x0 = problem.startingPoint(run: 0)
            for name in SolverRegistry.names {
                let solver = try SolverRegistry.make(name, settings: settings)
                let result = try SolverRun.run(solver, on: problem, from: x0)
                let label = "\(name) on \(entry.name)"
                XCTAssertEqual(result.iterations, kmax, label)
                XCTAssertEqual(result.valueEvaluations, 0, label)
                XCTAssert(result.gradientNorm.isFinite && result.x.allSatisfy(\.isFinite), label)
                XCTAssertNotEqual(result.x, x0, "\(label): did not move")
                let again = try SolverRun.run(try SolverRegistry.make(name, settings: settings), on: problem, from: x0)
                XCTAssertEqual(result.x.map(\.bitPattern), again.x.map(\.bitPattern), "\(label): not deterministic")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 6 * SolverRegistry.names.count)
    }

    /// Two independent loads and runs give bit-identical iterates at every iteration.
    func testRepeatedRunsAreBitIdentical() throws {
        let catalogue = try Catalogue.standard()
        for name in SolverRegistry.names {
            var runs: [[[UInt64]]] = []
            for _ in 0..<2 {
                let problem = try catalogue.load("A6")
                var settings = problem.metadata.settings
                settings.maxIterations = 30
                runs.append(try iterateBits(try SolverRegistry.make(name, settings: settings), problem, problem.startingPoint(run: 3)))
            }
            XCTAssertEqual(runs[0].count, 31, name)
            XCTAssertEqual(runs[0], runs[1], "\(name): repeated runs differ")
        }
    }
}
