import XCTest
import Foundation
@testable import Harness
import ProblemSuite

/// An experiment with perturbations: its plan, its tables, its reproducibility.
final class PerturbedExperimentTests: XCTestCase {
    var directories: [String] = []
    func temporaryDirectory() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("perturbed-\(UUID().uuidString)").path
        directories.append(d)
        return d
    }
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(atPath: d) } }

    func experiment() throws -> Experiment {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/perturbed.toml"
        try """
        name = "perturbed"
        problems = ["A1[n=64,m=16]", "A6[n=64,m=16]"]
        solvers = ["adagrad", "prunadag-v1"]
        runs = 2
        pruning = [10, 50]
        [settings]
        kmax = 25
        [[perturbation]]
        kind = "gradient-noise"
        level = 0.05
        [[perturbation]]
        kind = "orthogonal"
        method = "haar"
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return try Experiment.read(file: file)
    }

    func run(_ e: Experiment, jobs: Int) throws -> [RunRecord] {
        let plan = try Plan.make(catalogue: try Catalogue.standard(), context: LoadContext(), problems: e.problems, solvers: e.solvers,
                                 runs: e.runs, pruning: e.pruning, perturbations: e.perturbations,
                                 includeUnperturbed: e.includeUnperturbed) { try e.settings(for: $0) }
        let store = ResultStore(root: temporaryDirectory())
        let summary = Runner(store: store, context: LoadContext(), jobs: jobs, command: "test").run(plan)
        XCTAssert(summary.failures.isEmpty, "\(summary.failures)")
        return try store.all()
    }

    func testTwoPerturbationsRunAreNamedAndReproducible() throws {
        let e = try experiment()
        XCTAssertEqual(e.perturbations, [.gradientNoise(level: 0.05, relative: true), .orthogonal(.haar)])
        let one = try run(e, jobs: 1)
        let problems = Swift.Set(one.map(\.key.problem))
        XCTAssertEqual(problems, ["A1[m=16,n=64]", "A1[m=16,n=64]+noise:r0.05", "A1[m=16,n=64]+orthogonal:haar",
                                  "A6[m=16,n=64]", "A6[m=16,n=64]+noise:r0.05", "A6[m=16,n=64]+orthogonal:haar"])
        // Same numbers whatever the number of jobs.
        let two = try run(e, jobs: 2)
        XCTAssertEqual(try one.map { try ResultStore.encode($0.numbersOnly) }, try two.map { try ResultStore.encode($0.numbersOnly) })
        // The fingerprint records the perturbation.
        let noisy = try XCTUnwrap(one.first { $0.key.problem.hasSuffix("+noise:r0.05") })
        XCTAssert(noisy.fingerprint.problem.parameters.contains { $0.hasPrefix("perturbation=") }, "\(noisy.fingerprint.problem.parameters)")
        // Measured in the original variables: the rotated run's pruning measures are of x = Q·y.
        let rotated = try XCTUnwrap(one.first { $0.key.problem.hasSuffix("+orthogonal:haar") && $0.key.solver == "adagrad" })
        XCTAssertEqual(rotated.pruning.map(\.percentage), [10, 50])
        XCTAssert(rotated.value.isFinite)
        // The tables name every perturbed problem.
        let tables = Report.tables(Aggregate.cells(one))
        let text = tables.map { $0.markdown() }.joined()
        for name in problems { XCTAssert(text.contains(name), "\(name) missing from the tables") }
    }

    func testMeasuresAreOfTheOriginalVariables() throws {
        // The stored solution is x = T·y: evaluating the unperturbed problem there gives the record's value.
        let e = try experiment()
        let plan = try Plan.make(catalogue: try Catalogue.standard(), context: LoadContext(), problems: ["A1[n=64,m=16]"],
                                 solvers: ["adagrad"], runs: 1, pruning: [50], perturbations: [.orthogonal(.haar)],
                                 includeUnperturbed: false) { try e.settings(for: $0) }
        let task = try XCTUnwrap(plan.tasks.first)
        let problem = try task.entry.load(LoadContext())
        let (record, x) = try Runner.execute(task, on: problem, command: "test")
        let base = try Catalogue.standard().load("A1[n=64,m=16]")
        XCTAssertEqual(record.value, base.value(at: x))
        XCTAssertEqual(record.pruning[0].epsF, PruningMeasure.measure(base, solution: x, value: record.value, percentages: [50])[0].epsF)
        // An experiment that turns the problems off without perturbing them is refused.
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "name = \"x\"\nunperturbed = false\n".write(toFile: dir + "/x.toml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Experiment.read(file: dir + "/x.toml")) { XCTAssert("\($0)".contains("unperturbed"), "\($0)") }
    }
}
