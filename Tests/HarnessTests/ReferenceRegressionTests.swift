import XCTest
import Foundation
import ProblemSuite
@testable import Harness

/// Every committed quick reference table (`Data/reference/<experiment file>_quick.csv`) is
/// reproduced: the experiment's CI-sized `[quick]` form is run and every cell compared
/// with rtol 1e-9. A change to a solver or a problem that moves any cell shows up here,
/// with the cells that moved. An experiment whose data are not in the data directory is
/// skipped, and the test says which and why; one with no table fails the test (every
/// experiment has one).
final class ReferenceRegressionTests: XCTestCase {
    func testEveryQuickReferenceTableWhoseDataArePresent() throws {
        let catalogue = try Catalogue.standard()
        let root = URL(fileURLWithPath: catalogue.directory).deletingLastPathComponent().path
        let context = LoadContext(dataDirectory: SuitePaths.dataDirectory(), cacheDirectory: SuitePaths.cacheDirectory())
        let dir = catalogue.directory + "/experiments"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".toml") }.sorted()
        var checked: [String] = [], skipped: [String] = []
        for file in files {
            let stem = String(file.dropLast(".toml".count))
            let table = root + "/Data/reference/\(stem)_quick.csv"
            guard FileManager.default.fileExists(atPath: table) else {
                XCTFail("\(file): no quick reference table \(table)")
                continue
            }
            let experiment = try Experiment.read(file: dir + "/" + file, quick: true)
            let plan = try experiment.plan(catalogue: catalogue, context: context, protocolKind: .quick)
            guard plan.leftOut.isEmpty else {
                // The table covers every problem of the quick form: with one missing, skip it whole.
                skipped.append("\(experiment.name): " + plan.leftOut.map(\.message).joined(separator: "; "))
                continue
            }
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("reference-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            let store = ResultStore(root: out)
            let summary = Runner(store: store, context: context, jobs: 2, command: "test").run(plan)
            XCTAssertTrue(summary.failures.isEmpty, "\(experiment.name): \(summary.failures)")
            let reference = try CellCSV.read(String(contentsOfFile: table, encoding: .utf8), file: table)
            let outcome = ReferenceCheck.compare(current: Aggregate.cells(try store.all()), reference: reference, rtol: 1e-9, atol: 1e-12)
            XCTAssertGreaterThan(outcome.compared, 50, experiment.name)
            XCTAssertEqual(outcome.changes.count, 0, "\(experiment.name) against \(table):\n"
                           + outcome.changes.prefix(10).map { "\($0.kind) \($0.id): \($0.reference ?? .nan) → \($0.current ?? .nan)" }.joined(separator: "\n"))
            checked.append(experiment.name)
        }
        print("reference tables checked: \(checked.joined(separator: ", "))")
        for s in skipped { print("reference table skipped: \(s)") }
        XCTAssert(checked.contains("random-least-squares"), "the built-in random least-squares table must always be checked")
    }
}
