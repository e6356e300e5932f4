import XCTest
import ProblemSuite
@testable import Harness

final class ConvergenceStudyTests: XCTestCase {
    func testRowsCountConvergedRunsAndBudgetsCoverTheSlowestConvergedRun() {
        let records = [
            syntheticRecord(problem: "A1", solver: "adagrad", run: 0, iterations: 400, kmax: 20000),
            syntheticRecord(problem: "A1", solver: "adagrad", run: 1, iterations: 600, kmax: 20000),
            syntheticRecord(problem: "A1", solver: "prunadag-v3", run: 0, iterations: 8359, kmax: 20000),
            syntheticRecord(problem: "A1", solver: "prunadag-v3", run: 1, status: .iterationLimit, iterations: 20000,
                            gradientNorm: 0.3, kmax: 20000),
            syntheticRecord(problem: "A1", solver: "fw1", run: 0, status: .diverged, iterations: 12, gradientNorm: .nan, kmax: 20000),
            syntheticRecord(problem: "S1", solver: "fw1", family: "sparco", status: .iterationLimit, iterations: 20000,
                            gradientNorm: 2, kmax: 20000),
        ]
        let study = ConvergenceStudy(records: records)
        XCTAssertEqual(study.rows.map { "\($0.problem)/\($0.solver)" }, ["A1/adagrad", "A1/prunadag-v3", "A1/fw1", "S1/fw1"])
        let adagrad = study.rows[0], v3 = study.rows[1], fw1 = study.rows[2]
        XCTAssertEqual(adagrad.converged, 2)
        XCTAssertEqual(adagrad.medianIterations, 500)
        XCTAssertEqual(adagrad.maxIterations, 600)
        XCTAssertEqual(adagrad.verdict, "all")
        XCTAssertEqual(v3.converged, 1)
        XCTAssertEqual(v3.maxIterations, 8359)
        XCTAssertEqual(v3.maxFinalGradientNorm, 0.3)
        XCTAssertEqual(v3.verdict, "some")
        // A failed run never enters the figures.
        XCTAssertEqual(fw1.failed, 1)
        XCTAssertNil(fw1.medianFinalGradientNorm)
        XCTAssertEqual(fw1.verdict, "failed")
        XCTAssertEqual(study.budgets.map(\.family), ["random-least-squares", "sparco"])
        // 1.25 × 8359 = 10449 → 20000 (capped at the study's budget).
        XCTAssertEqual(study.budgets[0].kmax, 20000)
        XCTAssertEqual(study.budgets[0].notConverging, ["A1/prunadag-v3", "A1/fw1"])
        XCTAssertNil(study.budgets[1].kmax)
        XCTAssert(study.csv.hasPrefix("family,problem,solver,kmax,runs,converged"))
        XCTAssertEqual(study.csv.split(separator: "\n").count, 5)
    }

    func testRoundedBudget() {
        XCTAssertEqual(ConvergenceStudy.roundedBudget(for: 10), 1000)
        XCTAssertEqual(ConvergenceStudy.roundedBudget(for: 800), 1000)
        XCTAssertEqual(ConvergenceStudy.roundedBudget(for: 801), 2000)
        XCTAssertEqual(ConvergenceStudy.roundedBudget(for: 1681), 5000)
        XCTAssertEqual(ConvergenceStudy.roundedBudget(for: 3999), 5000)
        XCTAssertEqual(ConvergenceStudy.roundedBudget(for: 4001), 10000)
    }
}

final class ConvergedProtocolTests: XCTestCase {
    /// `[converged.settings]` applies to the full protocol only: not to the quick form, not
    /// to fixed-budget; its values are checked like `[settings]`.
    func testConvergedSettingsApplyToTheFullProtocolOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("converged-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/e.toml"
        try """
        name = "e"
        problems = ["A1"]
        solvers = ["adagrad"]
        [settings]
        eps = 1e-5
        [converged.settings]
        kmax = 20000
        [quick.settings]
        kmax = 100
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let full = try Experiment.read(file: file)
        XCTAssertEqual(full.settingsOverrides["kmax"], .int(20000))
        XCTAssertEqual(full.settingsOverrides["eps"], .double(1e-5))
        let fixed = try Experiment.read(file: file, fixedBudget: true)
        XCTAssertNil(fixed.settingsOverrides["kmax"])
        XCTAssertEqual(fixed.settingsOverrides["eps"], .double(1e-5))
        XCTAssertEqual(try Experiment.read(file: file, quick: true).settingsOverrides["kmax"], .int(100))
        try "name = \"e\"\n[converged.settings]\nkmax = -3\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Experiment.read(file: file)) { XCTAssert("\($0)".contains("kmax"), "\($0)") }
        try "name = \"e\"\n[converged]\nruns = 3\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Experiment.read(file: file)) { XCTAssert("\($0)".contains("runs"), "\($0)") }
    }
}
