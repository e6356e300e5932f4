import XCTest
import Foundation
@testable import Harness
import ProblemSuite

/// Selection by properties and sizes on demand, as a plan and an experiment file use them.
final class SelectionPlanTests: XCTestCase {
    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("select-\(UUID().uuidString).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testExperimentSelectKeepsTheProblemsWithTheProperties() throws {
        let file = try temporaryFile("""
        name = "selected"
        problems = ["*"]
        solvers = ["adagrad"]
        runs = 1
        [select]
        origin = "A"
        max_n = 1024
        """)
        let e = try Experiment.read(file: file)
        XCTAssertEqual(e.select, ProblemQuery(origin: "A", maxN: 1024))
        let catalogue = try Catalogue.standard()
        let plan = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: e.problems, solvers: e.solvers,
                                 runs: e.runs, pruning: e.pruning, select: e.select)
        let expected = catalogue.entries.filter {
            $0.metadata.classificationFields?.origin == "A" && $0.metadata.dimension <= 1024
        }.map(\.name)
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(plan.tasks.map(\.key.problem), expected)
        XCTAssert(plan.leftOut.isEmpty, "a problem the selection excludes is not 'left out'")
        // A selection that keeps nothing is an error naming it.
        XCTAssertThrowsError(try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["A1"], solvers: ["adagrad"],
                                           runs: 1, pruning: [], select: ProblemQuery(objective: "O"))) {
            XCTAssert("\($0)".contains("objective=O"), "\($0)")
        }
        // A bad [select] key names the file and the table.
        let bad = try temporaryFile("name = \"bad\"\n[select]\norigin = \"X\"\n")
        XCTAssertThrowsError(try Experiment.read(file: bad)) { XCTAssert("\($0)".contains("[select]") && "\($0)".contains("origin"), "\($0)") }
    }

    func testPlanParametersResizeAndAreFingerprinted() throws {
        let catalogue = try Catalogue.standard()
        let plan = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["A1", "A2[n=256,m=128]"], solvers: ["adagrad"],
                                 runs: 1, pruning: [], parameters: ["m": .int(64)])
        XCTAssertEqual(plan.tasks.map(\.key.problem), ["A1[m=64]", "A2[m=64,n=256]"])
        XCTAssertEqual(plan.tasks[1].entry.metadata.dimension, 256)
        XCTAssert(plan.tasks[1].fingerprint.problem.parameters.contains("n=int:256"))
        let declared = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["A1"], solvers: ["adagrad"], runs: 1, pruning: [])
        XCTAssertNotEqual(declared.tasks[0].fingerprint.digest, plan.tasks[0].fingerprint.digest)
        // The result's place and the report's lookup use the canonical name.
        XCTAssertEqual(try catalogue.entry(named: plan.tasks[0].key.problem).metadata, plan.tasks[0].entry.metadata)
    }
}
