import XCTest
import Foundation
import ProblemSuite
import Solvers
import ProblemSuiteTestSupport
@testable import Harness

final class RunnerTests: XCTestCase {
    var directories: [String] = []

    func temporaryDirectory() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("harness-\(UUID().uuidString)").path
        directories.append(d)
        return d
    }

    override func tearDown() {
        for d in directories { try? FileManager.default.removeItem(atPath: d) }
    }

    /// A small plan over the built-in problems: every solver, 2 runs, 30 iterations.
    func smallPlan(problems: [String] = ["A1", "A6"], runs: Int = 2, kmax: Int = 30) throws -> Plan {
        try Plan.make(catalogue: try Catalogue.standard(), context: LoadContext(), problems: problems, solvers: SolverRegistry.names,
                      runs: runs, pruning: [10, 50, 90]) { meta in
            var s = meta.settings
            s.maxIterations = kmax
            return s
        }
    }

    /// Everything but wall time and provenance, for comparing runs.
    func stripped(_ records: [RunRecord]) -> [RunRecord] { records.map(\.numbersOnly) }

    func testPlanIsTheCrossProductAndShardsPartitionIt() throws {
        let plan = try smallPlan()
        XCTAssertEqual(plan.tasks.count, 2 * SolverRegistry.names.count * 2)
        XCTAssertEqual(Set(plan.tasks.map(\.key)).count, plan.tasks.count)
        var union: [TaskKey] = []
        for i in 1...3 { union += plan.shard(i, of: 3).tasks.map(\.key) }
        XCTAssertEqual(union.sorted(), plan.tasks.map(\.key).sorted())
        XCTAssertThrowsError(try Plan.parseShard("0/3"))
        XCTAssertThrowsError(try Plan.parseShard("4/3"))
        XCTAssertThrowsError(try Plan.parseShard("x"))
        XCTAssertThrowsError(try smallPlan(problems: ["A77"])) { XCTAssert("\($0)".contains("A7"), "\($0)") }
    }

    func testResultsAreIdenticalWhateverTheNumberOfJobs() throws {
        let plan = try smallPlan()
        let one = ResultStore(root: temporaryDirectory()), two = ResultStore(root: temporaryDirectory())
        let s1 = Runner(store: one, context: LoadContext(), jobs: 1, command: "test").run(plan)
        let s2 = Runner(store: two, context: LoadContext(), jobs: 3, command: "test").run(plan)
        XCTAssertEqual(s1.completed, plan.tasks.count)
        XCTAssertEqual(s2.completed, plan.tasks.count)
        XCTAssert(s1.failures.isEmpty && s2.failures.isEmpty, "\(s1.failures) \(s2.failures)")
        XCTAssertEqual(stripped(try one.all()), stripped(try two.all()))
    }

    func testAnInterruptedRunResumesWithoutRecomputing() throws {
        let plan = try smallPlan(problems: ["A1"], runs: 2)
        let store = ResultStore(root: temporaryDirectory())
        // A "killed" run: only the first shard finished, and a temporary file was left behind.
        _ = Runner(store: store, context: LoadContext(), jobs: 1, command: "test").run(plan.shard(1, of: 2))
        let before = try store.all()
        XCTAssertEqual(before.count, plan.shard(1, of: 2).tasks.count)
        try "{\"partial".write(toFile: store.resultsDirectory + "/A1/.tmp-leftover", atomically: false, encoding: .utf8)
        let summary = Runner(store: store, context: LoadContext(), jobs: 2, command: "test").run(plan)
        XCTAssertEqual(summary.skipped, before.count)
        XCTAssertEqual(summary.completed, plan.tasks.count - before.count)
        let after = try store.all()
        XCTAssertEqual(after.count, plan.tasks.count)
        // The results stored first were not rewritten.
        for r in before { XCTAssertEqual(after.first { $0.key == r.key }, r) }
    }

    func testCorruptResultFilesAreReportedByName() throws {
        let store = ResultStore(root: temporaryDirectory())
        let path = store.resultsDirectory + "/A1/adagrad/run-0000.json"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "{ not json".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try store.all()) { XCTAssert("\($0)".contains(path), "\($0)") }
        let plan = try smallPlan(problems: ["A1"], runs: 1)
        let task = plan.tasks.first { $0.key == TaskKey(problem: "A1", solver: "adagrad", run: 0) }!
        guard case .unreadable = store.stored(task.key, fingerprint: task.fingerprint) else { return XCTFail("a corrupt file is not a result") }
    }

    func testRecordsCarryTracesMeasuresAndProvenance() throws {
        let plan = try smallPlan(problems: ["A6"], runs: 1, kmax: 20)
        let store = ResultStore(root: temporaryDirectory())
        _ = Runner(store: store, context: LoadContext(), jobs: 1, command: "problemsuite run test").run(plan)
        let records = try store.all()
        XCTAssertEqual(records.map(\.key.solver), SolverRegistry.names, "report order is registry order")
        for r in records {
            XCTAssertEqual(r.pruning.map(\.percentage), [10, 50, 90])
            XCTAssertEqual(r.trace.first?.k, 0)
            XCTAssertEqual(r.trace.last?.k, r.iterations)
            XCTAssertEqual(r.provenance.command, "problemsuite run test")
            XCTAssertEqual(r.provenance.suiteVersion, SuiteVersion.current)
            XCTAssert(r.value.isFinite && r.gradientNorm.isFinite)
        }
        let prun = records.first { $0.key.solver == "prunadag-v3" }!
        XCTAssertNotNil(prun.trace.last?.decreasable)
        XCTAssertEqual(prun.trace.last?.relevant, prun.settings.relevantCount)
    }

    func testMergeOfShardsEqualsTheFullRun() throws {
        let plan = try smallPlan(problems: ["A6"], runs: 2, kmax: 10)
        let full = ResultStore(root: temporaryDirectory())
        _ = Runner(store: full, context: LoadContext(), jobs: 1, command: "t").run(plan)
        let merged = ResultStore(root: temporaryDirectory())
        for i in 1...2 {
            let part = ResultStore(root: temporaryDirectory())
            _ = Runner(store: part, context: LoadContext(), jobs: 1, command: "t").run(plan.shard(i, of: 2))
            for r in try part.all() { try merged.write(r, solution: try part.solution(for: r.key, dimension: r.dimension)) }
        }
        XCTAssertEqual(stripped(try merged.all()), stripped(try full.all()))
    }
}

final class ClassificationHarnessTests: XCTestCase {
    /// Classification results carry test accuracy at every pruning level and the largest
    /// level within one point of the unpruned accuracy (runs when the data are present).
    func testAccuracyMeasuresOnREGED0() throws {
        let catalogue = try Catalogue.standard()
        let entry = try catalogue.entry(named: "REGED0")
        let dataDir = SuitePaths.dataDirectory()
        guard Catalogue.missingFiles(of: entry, dataDirectory: dataDir).isEmpty else {
            throw XCTSkip("REGED0 data not in \(dataDir)")
        }
        let problem = try entry.load(LoadContext(dataDirectory: dataDir))
        var s = entry.metadata.settings
        s.maxIterations = 30
        let task = HarnessTask(key: TaskKey(problem: "REGED0", solver: "prunadag-v4", run: 0), entry: entry, settings: s,
                               pruning: [0, 50, 100])
        let r = try Runner.execute(task, on: problem, command: "test").0
        let accuracy = try XCTUnwrap(r.accuracy)
        XCTAssert((0...100).contains(accuracy))
        XCTAssertEqual(r.pruning[0].accuracy, accuracy, "0% pruning keeps the solution")
        XCTAssertEqual(r.pruning[2].accuracy.map { $0 < 100 }, true)
        let prunable = try XCTUnwrap(r.maxPrunableWithinOnePoint)
        XCTAssert([0, 50, 100].contains(prunable))
        let cells = Aggregate.cells([r])
        XCTAssert(cells.contains { $0.measure == "pruned_accuracy" && $0.level == 50 })
        let tables = Report.tables(cells)
        XCTAssert(tables.contains { $0.caption.contains("test accuracy") }, tables.map(\.caption).description)
    }
}
