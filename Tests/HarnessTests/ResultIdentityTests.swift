import XCTest
import Foundation
import ProblemSuite
import Solvers
@testable import Harness

/// f(x) = ½‖x‖² whose gradient becomes NaN after `healthy` evaluations: a run that diverges.
final class DivergingProblem: SmoothProblem {
    let metadata: ProblemMetadata
    let evaluations = EvaluationCounter()
    let healthy: Int

    init(n: Int = 16, healthy: Int = 5) {
        self.healthy = healthy
        var s = SolverSettings()
        s.relevantCount = 4
        metadata = ProblemMetadata(name: "DIVERGE", family: "test-diverging", dimension: n,
                                   classification: "OUR2-AN-\(n)-0", seed: 1, settings: s)
    }

    func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double { x.reduce(0) { $0 + 0.5 * $1 * $1 } }

    func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>, into g: UnsafeMutableBufferPointer<Double>) -> Double {
        for i in 0..<x.count { g[i] = evaluations.gradients > healthy ? .nan : x[i] }
        return computeValue(x)
    }

    static var entry: ProblemEntry {
        let p = DivergingProblem()
        return ProblemEntry(metadata: p.metadata, sourceFile: "(test)") { _ in DivergingProblem() }
    }
}

final class ResultIdentityTests: XCTestCase {
    var directories: [String] = []

    func temporaryDirectory() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString)").path
        directories.append(d)
        return d
    }

    override func tearDown() {
        for d in directories { try? FileManager.default.removeItem(atPath: d) }
    }

    func plan(problems: [String] = ["A6"], solvers: [String] = ["adagrad", "fw1"], runs: Int = 2, kmax: Int = 12,
              kind: ProtocolKind = .custom, pruning: [Double] = [10, 50]) throws -> Plan {
        try Plan.make(catalogue: try Catalogue.standard(), context: LoadContext(), problems: problems, solvers: solvers,
                      runs: runs, pruning: pruning, protocolKind: kind) { meta in
            var s = meta.settings
            s.maxIterations = kmax
            return s
        }
    }

    func stripped(_ records: [RunRecord]) -> [RunRecord] { records.map(\.numbersOnly) }

    func testFingerprintCoversEverythingThatDeterminesTheNumbers() throws {
        let base = try plan().tasks[0].fingerprint
        XCTAssertTrue(base.isConsistent)
        XCTAssertEqual(base.digest.count, 64)
        XCTAssertEqual(try plan().tasks[0].fingerprint, base, "deterministic")
        var changed: [Fingerprint] = [try plan(kmax: 13).tasks[0].fingerprint, try plan(kind: .quick).tasks[0].fingerprint,
                                      try plan(pruning: [10, 60]).tasks[0].fingerprint, try plan().tasks[1].fingerprint]
        var other = base
        other.problem.data = ["a9a.gz": String(repeating: "0", count: 64)]
        changed.append(Fingerprint(problem: other.problem, solver: base.solver, settings: base.settings, run: base.run,
                                   protocolKind: base.protocolKind, pruning: base.pruning))
        changed.append(Fingerprint(problem: base.problem, solver: base.solver, settings: base.settings, run: base.run,
                                   protocolKind: base.protocolKind, pruning: base.pruning, numericalVersion: "0"))
        for f in changed { XCTAssertNotEqual(f.digest, base.digest) }
        // Only the run index differs between the runs of a cell.
        XCTAssertEqual(try plan().tasks[1].fingerprint.cellDigest, base.cellDigest)
        XCTAssertNotEqual(changed[0].cellDigest, base.cellDigest)
        XCTAssert(changed[0].differences(from: base).contains { $0.hasPrefix("kmax 12") && $0.hasSuffix("13") }, "\(changed[0].differences(from: base))")
        // A hand-edited fingerprint no longer matches its digest.
        var edited = base
        edited.settings.maxIterations = 99
        XCTAssertFalse(edited.isConsistent)
    }

    func testResumeRecomputesResultsMadeUnderAnotherFingerprintAndSaysSo() throws {
        let store = ResultStore(root: temporaryDirectory())
        let first = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(try plan(kmax: 5))
        XCTAssertEqual(first.completed, 4)
        let again = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(try plan(kmax: 5))
        XCTAssertEqual(again.skipped, 4)
        XCTAssertEqual(again.recomputed, 0)
        let other = Runner(store: store, context: LoadContext(), jobs: 2, command: "t").run(try plan(kmax: 9))
        XCTAssertEqual(other.recomputed, 4)
        XCTAssertEqual(other.completed, 4)
        XCTAssert(other.recomputeReasons[0].1.contains("kmax 5 → 9"), other.recomputeReasons[0].1)
        XCTAssert(try store.all().allSatisfy { $0.settings.maxIterations == 9 })
    }

    /// The README's workflow in any order: quick results in the full protocol's directory
    /// are recomputed, never reused, so the full tables equal those of a full run alone.
    func testQuickThenFullGivesTheFullTablesOfFullAlone() throws {
        let full = try plan(problems: ["A1", "A6"], runs: 3, kmax: 40, kind: .full)
        let quick = try plan(problems: ["A1", "A6"], runs: 2, kmax: 10, kind: .quick)
        let alone = ResultStore(root: temporaryDirectory())
        _ = Runner(store: alone, context: LoadContext(), jobs: 2, command: "t").run(full)
        let mixed = ResultStore(root: temporaryDirectory())
        _ = Runner(store: mixed, context: LoadContext(), jobs: 2, command: "t").run(quick)
        let summary = Runner(store: mixed, context: LoadContext(), jobs: 2, command: "t").run(full)
        XCTAssertEqual(summary.recomputed, quick.tasks.count)
        let a = Aggregate.cells(try alone.all()).filter { $0.measure != "seconds" }
        let b = Aggregate.cells(try mixed.all()).filter { $0.measure != "seconds" }
        XCTAssertEqual(a, b)
        XCTAssertNoThrow(try Aggregate.validate(try mixed.all()))
    }

    func testReportRefusesMixedProtocolsAndMixedCells() throws {
        let store = ResultStore(root: temporaryDirectory())
        _ = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(try plan(runs: 1, kind: .full))
        // One quick result slipped into the full protocol's directory (a hand copy).
        let quick = ResultStore(root: temporaryDirectory())
        let q = try plan(runs: 2, kind: .quick)
        _ = Runner(store: quick, context: LoadContext(), jobs: 1, command: "t").run(Plan(tasks: [q.tasks[1]]))
        let key = q.tasks[1].key
        try FileManager.default.copyItem(atPath: quick.path(for: key), toPath: store.path(for: key))
        try FileManager.default.copyItem(atPath: quick.solutionPath(for: key), toPath: store.solutionPath(for: key))
        XCTAssertThrowsError(try Report.write(records: try store.all(), to: temporaryDirectory(), store: store)) { error in
            XCTAssert("\(error)".contains("different protocols") && "\(error)".contains("quick"), "\(error)")
        }
        // Same protocol, another kmax in one cell.
        let other = ResultStore(root: temporaryDirectory())
        _ = Runner(store: other, context: LoadContext(), jobs: 1, command: "t").run(try plan(runs: 1, kmax: 12))
        let c = ResultStore(root: temporaryDirectory())
        let p2 = try plan(runs: 2, kmax: 20)
        _ = Runner(store: c, context: LoadContext(), jobs: 1, command: "t").run(Plan(tasks: [p2.tasks[1]]))
        try FileManager.default.copyItem(atPath: c.path(for: p2.tasks[1].key), toPath: other.path(for: p2.tasks[1].key))
        XCTAssertThrowsError(try Aggregate.validate(try other.all(), store: other)) { error in
            XCTAssert("\(error)".contains("kmax 12 → 20") || "\(error)".contains("kmax 20 → 12"), "\(error)")
            XCTAssert("\(error)".contains("run-0000.json") && "\(error)".contains("run-0001.json"), "\(error)")
        }
    }

    func testImpossibleOrMisplacedResultsAreErrorsNamingTheFile() throws {
        let store = ResultStore(root: temporaryDirectory())
        let p = try plan(solvers: ["adagrad"], runs: 2)
        _ = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(p)
        let path0 = store.path(for: p.tasks[0].key), path1 = store.path(for: p.tasks[1].key)
        // A result copied under another run's name: its key does not match its place.
        try FileManager.default.removeItem(atPath: path1)
        try FileManager.default.copyItem(atPath: path0, toPath: path1)
        XCTAssertThrowsError(try store.all()) { XCTAssert("\($0)".contains(path1) && "\($0)".contains("whose place is"), "\($0)") }
        // Negative iterations.
        var r = try store.read(path0)
        r.iterations = -3
        try ResultStore.encode(r).write(to: URL(fileURLWithPath: path1))
        try FileManager.default.removeItem(atPath: path1)
        try store.write(r, solution: [Double](repeating: 0, count: r.dimension))
        XCTAssertThrowsError(try store.all()) { XCTAssert("\($0)".contains(path0) && "\($0)".contains("negative iteration"), "\($0)") }
        // A negative norm.
        r.iterations = 3
        r.gradientNorm = -1
        try store.write(r, solution: [Double](repeating: 0, count: r.dimension))
        XCTAssertThrowsError(try store.all()) { XCTAssert("\($0)".contains("gradient norm -1"), "\($0)") }
    }

    /// Any shard split, merged in any order, equals the single run.
    func testMergeOfAnyShardSplitInAnyOrderEqualsTheSingleRun() throws {
        let p = try plan(problems: ["A1", "A6"], solvers: ["adagrad", "prunadag-v3", "fw2"], runs: 2, kmax: 8)
        let single = ResultStore(root: temporaryDirectory())
        _ = Runner(store: single, context: LoadContext(), jobs: 2, command: "t").run(p)
        let expected = stripped(try single.all())
        var rng = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 5] {
            var parts: [String] = []
            for i in 1...count {
                let dir = temporaryDirectory()
                _ = Runner(store: ResultStore(root: dir), context: LoadContext(), jobs: 1, command: "shard \(i)").run(p.shard(i, of: count))
                parts.append(dir)
            }
            // Overlapping inputs: a shard given twice, and the single run itself.
            var inputs = parts + [parts[0]]
            if count == 3 { inputs.append(single.root) }
            inputs.shuffle(using: &rng)
            let target = temporaryDirectory()
            let merge = try ResultMerge(inputs: inputs, target: target)
            XCTAssertEqual(try merge.write(), p.tasks.count)
            let merged = ResultStore(root: target)
            XCTAssertEqual(stripped(try merged.all()), expected, "split into \(count)")
            for r in try merged.all() {
                XCTAssertEqual(try merged.solution(for: r.key, dimension: r.dimension), try single.solution(for: r.key, dimension: r.dimension))
            }
            // Merging again into the same target writes nothing new.
            let again = try ResultMerge(inputs: inputs, target: target)
            XCTAssertEqual(again.chosen.count, 0)
        }
    }

    func testMergeRefusesConflictsAndMissingInputs() throws {
        let p = try plan(solvers: ["adagrad"], runs: 1)
        let a = ResultStore(root: temporaryDirectory()), b = ResultStore(root: temporaryDirectory())
        _ = Runner(store: a, context: LoadContext(), jobs: 1, command: "t").run(p)
        _ = Runner(store: b, context: LoadContext(), jobs: 1, command: "t").run(try plan(solvers: ["adagrad"], runs: 1, kmax: 30))
        let target = temporaryDirectory()
        XCTAssertThrowsError(try ResultMerge(inputs: [a.root, b.root], target: target)) { error in
            let text = "\(error)"
            XCTAssert(text.contains(a.path(for: p.tasks[0].key)) && text.contains(b.path(for: p.tasks[0].key)) && text.contains("kmax"), text)
        }
        XCTAssertThrowsError(try ResultMerge(inputs: [b.root, a.root], target: target), "either order")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target + "/results"), "nothing written")
        // Same fingerprint, different numbers (a tampered value).
        let c = ResultStore(root: temporaryDirectory())
        var r = try a.read(a.path(for: p.tasks[0].key))
        r.value *= 2
        try c.write(r, solution: try a.solution(for: r.key, dimension: r.dimension))
        XCTAssertThrowsError(try ResultMerge(inputs: [a.root, c.root], target: temporaryDirectory())) {
            XCTAssert("\($0)".contains("different numbers"), "\($0)")
        }
        XCTAssertThrowsError(try ResultMerge(inputs: [a.root, "/nonexistent-\(UUID())"], target: temporaryDirectory())) {
            XCTAssert("\($0)".contains("no such results directory"), "\($0)")
        }
    }

    /// The Frank-Wolfe rule meeting a non-finite gradient stops the run with an error that
    /// names the problem and the rule, stored as a failure (never a silent radius).
    func testTheFrankWolfeRuleOnABrokenGradientIsAClearError() throws {
        let entry = DivergingProblem.entry
        var s = entry.metadata.settings
        s.maxIterations = 5
        let task = HarnessTask(key: TaskKey(problem: "DIVERGE", solver: "fw2", run: 0), entry: entry, settings: s, pruning: [50])
        let store = ResultStore(root: temporaryDirectory())
        let summary = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(Plan(tasks: [task]))
        XCTAssertEqual(summary.failures.count, 1)
        let why = summary.failures.first?.1 ?? ""
        XCTAssert(why.contains("DIVERGE") && why.contains("Frank-Wolfe rule") && why.contains("not finite"), why)
        XCTAssertEqual(try store.all().first?.status, .error)
    }

    func testADivergedRunIsAFailureInSummaryAndTables() throws {
        let entry = DivergingProblem.entry
        var tasks: [HarnessTask] = []
        for solver in ["adagrad", "fw1"] {
            for run in 0..<2 {
                var s = entry.metadata.settings
                s.maxIterations = 50
                // A fixed radius: the per-instance rule would stop FW1 at start with an error
                // (a non-finite gradient in its estimate), not let the run diverge.
                s.parameters["fw_radius"] = .double(10)
                tasks.append(HarnessTask(key: TaskKey(problem: "DIVERGE", solver: solver, run: run), entry: entry, settings: s, pruning: [50]))
            }
        }
        let store = ResultStore(root: temporaryDirectory())
        let summary = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(Plan(tasks: tasks))
        XCTAssertEqual(summary.failures.count, 4)
        XCTAssert(summary.failures[0].1.contains("non-finite"), summary.failures[0].1)
        let records = try store.all()
        XCTAssert(records.allSatisfy { $0.status == .diverged })
        // A resumed run keeps counting them as failed.
        let again = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(Plan(tasks: tasks))
        XCTAssertEqual(again.allFailures.count, 4)
        XCTAssertEqual(again.skipped, 4)
        let cells = Aggregate.cells(records)
        XCTAssertFalse(cells.contains { $0.measure == "eps_f" }, "no statistic over failed runs")
        XCTAssertEqual(cells.first { $0.id == "DIVERGE|adagrad|failed|" }?.statistic.mean, 1)
        let tables = Report.tables(cells, counts: ["DIVERGE|adagrad": RunCounts(records.filter { $0.key.solver == "adagrad" })])
        let md = tables.map { $0.markdown() }.joined()
        XCTAssert(md.contains("| DIVERGE | adagrad | 0/2 ✗2 |"), md)
        XCTAssert(md.contains("| DIVERGE | adagrad | 0/2 | 0 | 2 | 0 | failed | failed | failed | failed |"), md)
        XCTAssertFalse(md.contains("nan"), md)
    }

    func testAnErroredTaskIsStoredShownAndRecomputed() throws {
        let broken = ProblemEntry(metadata: DivergingProblem().metadata, sourceFile: "(test)") { _ in
            throw ProblemSuiteError.invalidRequest("cannot build the problem")
        }
        let task = HarnessTask(key: TaskKey(problem: "DIVERGE", solver: "adagrad", run: 0), entry: broken,
                               settings: broken.metadata.settings, pruning: [50])
        let store = ResultStore(root: temporaryDirectory())
        let s = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(Plan(tasks: [task]))
        XCTAssertEqual(s.failures.map(\.1), ["cannot build the problem"])
        XCTAssertEqual(try store.all().map(\.status), [.error])
        let again = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(Plan(tasks: [task]))
        XCTAssertEqual(again.recomputed, 1, "an error is not a result")
    }

    func testTablesCountConvergenceAndMarkKmaxAndRisingValues() throws {
        let store = ResultStore(root: temporaryDirectory())
        _ = Runner(store: store, context: LoadContext(), jobs: 1, command: "t").run(try plan(solvers: ["adagrad"], runs: 2, kmax: 3))
        var records = try store.all()
        records[0].value = records[0].initialValue - 1e-3
        records[1].value = records[1].initialValue + 1
        let counts = RunCounts(records)
        XCTAssertEqual(counts.iterationLimit, 2)
        XCTAssertEqual(counts.valueIncreased, 1)
        let md = Report.tables(Aggregate.cells(records), counts: ["A6|adagrad": counts], experiment: "exp").map { $0.markdown() }.joined()
        XCTAssert(md.contains("| A6 | adagrad | 0/2 †↑ |"), md)
        XCTAssert(md.contains("### exp — random-least-squares"), md)
        // Rounding noise between identical runs prints as 0, in the mean's format.
        XCTAssertEqual(Report.pm(Statistic([81.7, 81.7 + 1e-13]), .fixed1), "81.7 ± 0.0")
        XCTAssertEqual(Report.pm(Statistic([1e-4, 3e-4]), .scientific), "2.00e-04 ± 1.41e-04")
    }

    func testUndecidedSamplesCountAsErrors() throws {
        let m = FeatureMatrix.dense(DenseMatrix(rows: 3, columns: 2, storage: [1, 0, 0, 1, 1, 1]))
        let y: [Double] = [1, -1, 1]
        let score = LogisticRegressionProblem.score(m, y, [1, 0])   // scores 1, 0, 1
        XCTAssertEqual(score, ClassificationScore(correct: 2, undecided: 1, total: 3))
        XCTAssertEqual(LogisticRegressionProblem.score(m, y, [0, 0]).accuracy, 0, "x = 0 decides nothing")
    }

    func testReferenceCheckFlagsRunsNewAndNonFiniteCells() throws {
        let cell = Cell(problem: "A1", family: "f", solver: "s", measure: "eps_f", level: 10, statistic: Statistic([1, 2]))
        var fewer = cell
        fewer.statistic = Statistic([1, 2, 1.5])
        XCTAssertEqual(ReferenceCheck.compare(current: [fewer], reference: [cell], rtol: 1, atol: 1).regressions.map(\.kind), [.runs])
        var nan = cell
        nan.statistic.mean = .nan
        XCTAssertEqual(ReferenceCheck.compare(current: [cell], reference: [nan], rtol: 1, atol: 1).regressions.map(\.kind), [.nonFinite])
        var other = cell
        other.problem = "A2"
        XCTAssertEqual(ReferenceCheck.compare(current: [cell, other], reference: [cell], rtol: 0, atol: 0).regressions.map(\.kind), [.new])
        XCTAssertEqual(ReferenceCheck.compare(current: [cell, other], reference: [cell], rtol: 0, atol: 0, allowNew: true).regressions.count, 0)
        let dup = CellCSV.write([cell, cell])
        XCTAssertThrowsError(try CellCSV.read(dup, file: "r.csv")) { XCTAssert("\($0)".contains("already on line 2"), "\($0)") }
        let long = CellCSV.header + "\n" + String(repeating: "x", count: 5000) + "\n"
        XCTAssertThrowsError(try CellCSV.read(long, file: "r.csv")) { XCTAssert("\($0)".contains("line 2: longer"), "\($0)") }
    }
}
