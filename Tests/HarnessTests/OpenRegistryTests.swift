import XCTest
import Foundation
import Synchronization
import ProblemSuite
import Solvers
import ProblemSuiteTestSupport
@testable import Harness

/// A family written outside the suite's sources: f(x) = ½ Σ dᵢ (xᵢ − cᵢ)², dᵢ ∈ [1, 2],
/// c ~ N(0, 1) from the instance's seed.
enum SeparableQuadraticFamily: ProblemFamily {
    static let identifier = "test-separable-quadratic"
    static let summary = "½ Σ dᵢ (xᵢ − cᵢ)², for the open-registry tests"
    static let instanceKeys = ["n", "seed"]

    static func entry(for d: InstanceDeclaration) throws -> ProblemEntry {
        try d.parameters.rejectUnknownKeys(allowed: instanceKeys)
        let n = try d.parameters.size("n", default: 16)
        let seed = try d.parameters.seed(default: 1)
        try d.checkRelevantCount(dimension: n)
        let metadata = ProblemMetadata(name: d.name, aliases: d.aliases, family: identifier, dimension: n,
                                       classification: ProblemMetadata.classify(objective: "O", origin: "A", dimension: n),
                                       seed: seed, parameters: d.parameters.values, settings: d.settings, optimalValue: 0)
        return ProblemEntry(metadata: metadata, sourceFile: d.file) { _ in SeparableQuadratic(metadata: metadata) }
    }
}

/// A solver written outside the suite's sources: gradient descent with step 1/2.
final class HalfStepDescent: Solver {
    let name = "test-descent"
    let settings: SolverSettings
    let state = SolverState()
    init(settings: SolverSettings) { self.settings = settings }
    func start(problem: any SmoothProblem, x0: [Double]) throws {
        try state.begin(problem: problem, x0: x0, settings: settings)
    }
    @discardableResult
    func step() -> Bool { fixedStepDescent(state, step: 0.5) }
}

/// One step x ← x − step·g of the test solvers written outside the suite's sources.
func fixedStepDescent(_ state: SolverState, step: Double) -> Bool {
    guard !state.isStopped else { return true }
    var norm = 0.0
    for i in 0..<state.dimension {
        let s = step * state.g[i]
        state.x[i] -= s
        norm += s * s
    }
    return state.finishStep(StepSummary(iteration: state.iteration, stepNorm: norm.squareRoot()))
}

final class OpenRegistryTests: XCTestCase {
    var directories: [String] = []

    override func tearDown() {
        for d in directories { try? FileManager.default.removeItem(atPath: d) }
    }

    func temporaryDirectory() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("open-registry-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        directories.append(d)
        return d
    }

    static let descent = SolverRegistry.Entry(name: "test-descent", summary: "gradient descent, step 1/2") { HalfStepDescent(settings: $0) }

    /// A problem directory with the suite's random-least-squares file and one of the test family.
    func problemsDirectory() throws -> String {
        let dir = try temporaryDirectory()
        try """
        family = "test-separable-quadratic"
        [settings]
        nR = 4
        kmax = 40
        [[instance]]
        name = "Q1"
        n = 12
        seed = 3
        [[instance]]
        name = "Q2"
        n = 20
        """.write(toFile: dir + "/quadratic.toml", atomically: true, encoding: .utf8)
        let suite = SuitePaths.problemsDirectory(explicit: nil)
        try FileManager.default.copyItem(atPath: suite + "/random_least_squares.toml", toPath: dir + "/random_least_squares.toml")
        return dir
    }

    func testAFamilyOfOnesOwnIsReadBesideTheBuiltInOnes() throws {
        let dir = try problemsDirectory()
        // Without the family, its file is rejected (not fatal); the rest stays usable.
        let plain = try Catalogue(directory: dir)
        XCTAssertNil(plain.entries.first { $0.name == "Q1" })
        XCTAssertThrowsError(try plain.entry(named: "Q1")) { XCTAssert("\($0)".contains("unknown family"), "\($0)") }
        XCTAssertNotNil(try plain.entry(named: "A1"))
        // With it, the instances are entries, after the built-in families'.
        let open = try Catalogue(directory: dir, families: FamilyRegistry.standard + [SeparableQuadraticFamily.self], strict: true)
        XCTAssertEqual(open.entries.suffix(2).map(\.name), ["Q1", "Q2"])
        XCTAssertEqual(try open.entry(named: "q2").metadata.dimension, 20)
        let problem = try open.load("Q1")
        XCTAssertEqual(problem.dimension, 12)
        // Two families with one identifier are an error.
        XCTAssertThrowsError(try Catalogue(directory: dir, families: [SeparableQuadraticFamily.self, SeparableQuadraticFamily.self]))
    }

    func testASolverOfOnesOwnRunsThroughPlanAndRunner() throws {
        let catalogue = try Catalogue(directory: try problemsDirectory(), families: FamilyRegistry.standard + [SeparableQuadraticFamily.self])
        let registry = try SolverRegistry.standard.adding(Self.descent)
        XCTAssertEqual(registry.names, SolverRegistry.standard.names + ["test-descent"])
        XCTAssertThrowsError(try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["Q1"], solvers: ["test-descent"],
                                           runs: 1, pruning: [50])) { XCTAssert("\($0)".contains("unknown solver 'test-descent'"), "\($0)") }
        let plan = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["Q*"], solvers: ["Test-Descent", "adagrad"],
                                 runs: 2, pruning: [50], registry: registry)
        XCTAssertEqual(plan.tasks.count, 2 * 2 * 2)
        XCTAssertEqual(Set(plan.tasks.map(\.key.solver)), ["test-descent", "adagrad"])
        let store = ResultStore(root: try temporaryDirectory())
        let done = Atomic<Int>(0)
        let summary = Runner(store: store, context: LoadContext(), jobs: 2, command: "test", solvers: registry,
                             progress: { _, _, _, _ in done.add(1, ordering: .relaxed) }).run(plan)
        XCTAssertEqual(summary.completed, plan.tasks.count, "\(summary.failures)")
        XCTAssertEqual(done.load(ordering: .relaxed), plan.tasks.count)
        let records = try store.all(registry: registry)
        XCTAssertEqual(records.map(\.key.solver), ["adagrad", "adagrad", "test-descent", "test-descent",
                                                    "adagrad", "adagrad", "test-descent", "test-descent"])
        // Step 1/2 on curvatures in [1, 2] contracts every coordinate: it converges.
        for r in records where r.key.solver == "test-descent" {
            XCTAssertLessThan(r.value, r.initialValue)
            XCTAssertEqual(r.family, SeparableQuadraticFamily.identifier)
        }
        // A runner with the standard registry cannot run the plan's own solver: the task fails, naming it.
        let other = ResultStore(root: try temporaryDirectory())
        let failed = Runner(store: other, context: LoadContext(), jobs: 1, command: "test").run(plan)
        XCTAssertEqual(failed.failures.count, 4)
        XCTAssert(failed.failures.allSatisfy { $0.1.contains("unknown solver 'test-descent'") }, "\(failed.failures)")
        // The report follows the registry's order too.
        let report = try Report.write(records: records.reversed(), to: try temporaryDirectory(), registry: registry)
        let csv = try String(contentsOfFile: report.directory + "/cells.csv", encoding: .utf8)
        let solvers = csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[2]) }
        XCTAssertEqual(solvers.first, "adagrad")
        XCTAssertEqual(solvers.last, "test-descent")
    }

    func testDuplicateAndMalformedSolverNamesAreRejected() throws {
        XCTAssertThrowsError(try SolverRegistry.standard.adding(
            SolverRegistry.Entry(name: "AdaGrad", summary: "another") { try Adagrad(settings: $0) })) {
            XCTAssert("\($0)".contains("'adagrad' is registered twice"), "\($0)")
        }
        XCTAssertThrowsError(try SolverRegistry(entries: [Self.descent, Self.descent]))
        XCTAssertThrowsError(try SolverRegistry(entries: [SolverRegistry.Entry(name: "a/b", summary: "") { HalfStepDescent(settings: $0) }]))
        XCTAssertThrowsError(try SolverRegistry(entries: [SolverRegistry.Entry(name: "", summary: "") { HalfStepDescent(settings: $0) }]))
        let registry = try SolverRegistry(entries: [Self.descent])
        XCTAssertEqual(registry.names, ["test-descent"])
        XCTAssertThrowsError(try registry.entry(named: "adagrad")) { XCTAssert("\($0)".contains("known: test-descent"), "\($0)") }
        XCTAssertEqual(try registry.make("TEST-DESCENT", settings: SolverSettings()).name, "test-descent")
    }

    func testReportOrderFollowsTheRegistryGivenAndPutsUnknownSolversAfter() throws {
        func record(_ solver: String, _ problem: String = "P", run: Int = 0) -> RunRecord {
            RunRecord.failed(HarnessTask(key: TaskKey(problem: problem, solver: solver, run: run),
                                         entry: ProblemEntry(metadata: ProblemMetadata(name: problem, family: "f", dimension: 1,
                                                                                      classification: "", seed: 0),
                                                             sourceFile: "") { _ in fatalError() },
                                         settings: SolverSettings(), pruning: []), reason: "-", command: "")
        }
        let records = [record("zeta"), record("test-descent"), record("fw2"), record("adagrad", run: 1), record("adagrad"),
                       record("adagrad", "O")]
        func order(_ registry: SolverRegistry) -> [String] {
            records.sorted(by: RunRecord.reportOrder(registry: registry)).map { "\($0.key.problem)/\($0.key.solver)/\($0.key.run)" }
        }
        XCTAssertEqual(order(.standard), ["O/adagrad/0", "P/adagrad/0", "P/adagrad/1", "P/fw2/0", "P/test-descent/0", "P/zeta/0"])
        let custom = try SolverRegistry(entries: [Self.descent, SolverRegistry.standard.entry(named: "fw2")])
        XCTAssertEqual(order(custom), ["O/adagrad/0", "P/test-descent/0", "P/fw2/0", "P/adagrad/0", "P/adagrad/1", "P/zeta/0"])
        XCTAssertEqual(records.sorted(by: RunRecord.reportOrder).map(\.key.solver), records.sorted(by: RunRecord.reportOrder(registry: .standard)).map(\.key.solver))
    }

    func testExperimentsAreValidatedAgainstTheRegistryGiven() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/experiments", withIntermediateDirectories: true)
        try """
        name = "mine"
        problems = ["Q1"]
        solvers = ["adagrad", "test-descent"]
        runs = 2
        [quick]
        solvers = ["test-descent"]
        """.write(toFile: dir + "/experiments/mine.toml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Experiment.all(problemsDirectory: dir)) { XCTAssert("\($0)".contains("test-descent"), "\($0)") }
        let registry = try SolverRegistry.standard.adding(Self.descent)
        XCTAssertEqual(try Experiment.all(problemsDirectory: dir, registry: registry).first?.solvers, ["adagrad", "test-descent"])
        XCTAssertEqual(try Experiment.all(problemsDirectory: dir, quick: true, registry: registry).first?.solvers, ["test-descent"])
        // Without a solver list, an experiment runs every solver of the registry.
        try "name = \"all\"\n".write(toFile: dir + "/experiments/all.toml", atomically: true, encoding: .utf8)
        XCTAssertEqual(try Experiment.read(file: dir + "/experiments/all.toml", registry: registry).solvers, registry.names)
    }
}

/// The kernels' thread count is a value given with the context, not a global the runner sets.
final class ThreadsAsValueTests: XCTestCase {
    func testTheCountIsBoundPerCallAndPerThread() {
        let outside = Parallel.maxThreads
        XCTAssertEqual(Parallel.withThreads(1) { Parallel.maxThreads }, 1)
        XCTAssertEqual(Parallel.withThreads(3) { Parallel.withThreads(2) { Parallel.maxThreads } }, 2)
        XCTAssertEqual(Parallel.withThreads(nil) { Parallel.maxThreads }, outside)
        XCTAssertEqual(Parallel.withThreads(0) { Parallel.maxThreads }, 1, "at least one thread")
        XCTAssertEqual(Parallel.maxThreads, outside, "nothing leaks out of the binding")
        // Another thread does not see this thread's binding.
        let seen = Mutex<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        Parallel.withThreads(1) {
            Thread { seen.withLock { $0 = Parallel.maxThreads }; done.signal() }.start()
            done.wait()
        }
        XCTAssertEqual(seen.withLock { $0 }, Parallel.defaultThreads)
    }

    func testSameBitsWithOneAndTwoThreadsThroughTheContext() throws {
        // Large enough (m·n = 2²¹ ≥ Parallel.minimumParallelWork) for the kernels to split.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("threads-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        family = "random-least-squares"
        [settings]
        kmax = 8
        [[instance]]
        name = "BIG"
        ensemble = "gaussian"
        n = 4096
        m = 512
        """.write(toFile: dir + "/big.toml", atomically: true, encoding: .utf8)
        let catalogue = try Catalogue(directory: dir, strict: true)
        var results: [[RunRecord]] = []
        for threads in [1, 2] {
            let context = LoadContext(threads: threads)
            let plan = try Plan.make(catalogue: catalogue, context: context, problems: ["BIG"], solvers: ["prunadag-v3", "fw2"],
                                     runs: 1, pruning: [50])
            let store = ResultStore(root: dir + "/results-\(threads)")
            let summary = Runner(store: store, context: context, jobs: 1, command: "t").run(plan)
            XCTAssertEqual(summary.completed, plan.tasks.count)
            results.append(try store.all().map { r in
                var r = r
                r.seconds = 0
                r.provenance = Provenance(suiteVersion: "", commit: nil, date: "", machine: "", command: "")
                return r
            })
        }
        XCTAssertEqual(results[0], results[1])
        // And directly: one large dense gradient, one and two threads.
        let problem = try catalogue.load("BIG", context: LoadContext(threads: 2))
        let x = problem.startingPoint(run: 1)
        let g1 = Parallel.withThreads(1) { problem.gradient(at: x) }
        let g2 = Parallel.withThreads(2) { problem.gradient(at: x) }
        XCTAssertEqual(g1.map(\.bitPattern), g2.map(\.bitPattern))
        XCTAssertEqual(problem.evaluations.gradients, 2)
    }
}
