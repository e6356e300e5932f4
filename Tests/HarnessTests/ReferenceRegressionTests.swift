import XCTest
import Foundation
import ProblemSuite
@testable import Harness

/// The committed reference table of the CI-sized random least-squares experiment
/// (`Data/reference/random_least_squares_quick.csv`) is reproduced: every solver, every
/// problem A1–A6, 2 runs of 100 iterations. A change to a solver or a problem that moves
/// any cell shows up here, with the cells that moved.
final class ReferenceRegressionTests: XCTestCase {
    func testQuickRandomLeastSquaresMatchesTheReference() throws {
        let catalogue = try Catalogue.standard()
        let root = URL(fileURLWithPath: catalogue.directory).deletingLastPathComponent().path
        let experiment = try Experiment.read(file: catalogue.directory + "/experiments/random_least_squares.toml", quick: true)
        let plan = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: experiment.problems, solvers: experiment.solvers,
                                 runs: experiment.runs, pruning: experiment.pruning, protocolKind: .quick) { try experiment.settings(for: $0) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reference-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = ResultStore(root: dir)
        let summary = Runner(store: store, context: LoadContext(), jobs: 2, command: "test").run(plan)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        let file = root + "/Data/reference/random_least_squares_quick.csv"
        let reference = try CellCSV.read(String(contentsOfFile: file, encoding: .utf8), file: file)
        let outcome = ReferenceCheck.compare(current: Aggregate.cells(try store.all()), reference: reference, rtol: 1e-9, atol: 1e-12)
        XCTAssertGreaterThan(outcome.compared, 500)
        XCTAssertEqual(outcome.changes.count, 0, outcome.changes.prefix(10).map { "\($0.kind) \($0.id): \($0.reference ?? .nan) → \($0.current ?? .nan)" }.joined(separator: "\n"))
    }
}
