import XCTest
import Foundation
import ProblemSuite
import Solvers
import ProblemSuiteTestSupport
@testable import Harness

/// A solver of one's own that owns a parameter: gradient descent with step `step` in
/// (0, 1] (default 0.5), and an integer `warmup` it only records.
final class ParametrisedDescent: Solver {
    static let declarations = [
        SolverParameter("step", default: 0.5, domain: .interval(1e-6, 1), summary: "step length"),
        SolverParameter("warmup", default: .int(3), domain: .integer(0...100), summary: "recorded only"),
    ]
    let name = "test-step"
    let settings: SolverSettings
    let stepLength: Double
    let state = SolverState()
    init(settings: SolverSettings) throws {
        self.settings = settings
        let v = try settings.resolving(Self.declarations)
        stepLength = v.double("step")
        _ = v.int("warmup")
    }
    func start(problem: any SmoothProblem, x0: [Double]) throws {
        try state.begin(problem: problem, x0: x0, settings: settings)
    }
    @discardableResult
    func step() -> Bool { fixedStepDescent(state, step: stepLength) }
    static let entry = SolverRegistry.Entry(name: "test-step", summary: "descent with a step parameter",
                                            parameters: declarations) { try ParametrisedDescent(settings: $0) }
}

final class SolverParameterTests: XCTestCase {
    var directories: [String] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(atPath: d) } }

    func directory(settings: String) throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("solver-parameters-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        directories.append(d)
        try """
        family = "test-separable-quadratic"
        [settings]
        nR = 4
        kmax = 30
        \(settings)
        [[instance]]
        name = "Q1"
        n = 12
        """.write(toFile: d + "/quadratic.toml", atomically: true, encoding: .utf8)
        return d
    }

    let families = FamilyRegistry.standard + [SeparableQuadraticFamily.self]
    var registry: SolverRegistry { try! SolverRegistry.standard.adding(ParametrisedDescent.entry) }

    func testASolversOwnParameterIsReadFromTheFileAndReachesTheSolverAndTheRecord() throws {
        let catalogue = try Catalogue(directory: try directory(settings: "step = 0.25"), families: families,
                                      solverParameters: registry.parameterDeclarations, strict: true)
        let plan = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["Q1"], solvers: ["test-step", "adagrad"],
                                 runs: 1, pruning: [50], registry: registry)
        let mine = try XCTUnwrap(plan.tasks.first { $0.key.solver == "test-step" })
        // Resolved: the written step, the default warmup (as a double, the canonical number).
        XCTAssertEqual(mine.settings.parameters, ["step": .double(0.25), "warmup": .double(3)])
        // adagrad's task records adagrad's parameters only, with its default sigma.
        let adagrad = try XCTUnwrap(plan.tasks.first { $0.key.solver == "adagrad" })
        XCTAssertEqual(adagrad.settings.parameters, ["sigma": .double(1e-2)])
        let solver = try XCTUnwrap(try registry.make("test-step", settings: mine.settings) as? ParametrisedDescent)
        XCTAssertEqual(solver.stepLength, 0.25)
        // The record stores and reads back the same settings, so its fingerprint stays consistent.
        let store = ResultStore(root: directories[0] + "/results")
        let summary = Runner(store: store, context: LoadContext(), jobs: 1, command: "test", solvers: registry).run(plan)
        XCTAssertEqual(summary.completed, 2, "\(summary.failures)")
        let records = try store.all(registry: registry)
        let record = try XCTUnwrap(records.first { $0.key.solver == "test-step" })
        XCTAssertEqual(record.settings, mine.settings)
        XCTAssert(record.fingerprint.isConsistent)
        let json = try String(contentsOfFile: store.path(for: record.key), encoding: .utf8)
        XCTAssert(json.contains("\"step\":0.25"), json)
        XCTAssertFalse(json.contains("fw_radius"), "a descent result must not record another solver's parameters")
    }

    func testAnUnknownKeyNamesTheFileTheTableAndTheClosestKey() throws {
        let dir = try directory(settings: "stpe = 0.25")
        // A catalogue that knows the solvers rejects the file's declarations at once.
        let strict = try Catalogue(directory: dir, families: families, solverParameters: registry.parameterDeclarations)
        XCTAssertThrowsError(try strict.entry(named: "Q1")) { error in
            let m = "\(error)"
            XCTAssert(m.contains("quadratic.toml") && m.contains("[settings]") && m.contains("stpe") && m.contains("did you mean 'step'"), m)
        }
        // One that does not (the library's default) keeps the key; the plan refuses it, naming the file.
        let lenient = try Catalogue(directory: dir, families: families)
        XCTAssertThrowsError(try Plan.make(catalogue: lenient, context: LoadContext(), problems: ["Q1"], solvers: ["adagrad"],
                                           runs: 1, pruning: [], registry: registry)) { error in
            let m = "\(error)"
            XCTAssert(m.contains("quadratic.toml") && m.contains("stpe") && m.contains("no registered solver"), m)
        }
    }

    func testAValueOutsideTheDomainIsAnErrorNamingTheRule() throws {
        for (text, rule) in [("step = 2.0", "in [1e-06, 1.0]"), ("step = \"big\"", "in [1e-06, 1.0]"),
                             ("warmup = 2.5", "integer in 0...100"), ("sigma = -1", "> 0"), ("fw_eta2 = -0.5", "≥ 0")] {
            let dir = try directory(settings: text)
            let catalogue = try Catalogue(directory: dir, families: families, solverParameters: registry.parameterDeclarations)
            XCTAssertThrowsError(try catalogue.entry(named: "Q1"), text) { XCTAssert("\($0)".contains(rule), "\(text): \($0)") }
            // Without declarations, a solver resolving the value refuses it the same way.
            let lenient = try Catalogue(directory: dir, families: families)
            XCTAssertThrowsError(try Plan.make(catalogue: lenient, context: LoadContext(), problems: ["Q1"],
                                               solvers: ["test-step", "adagrad", "fw2"], runs: 1, pruning: [], registry: registry), text)
        }
        // Non-scalar values are refused even without declarations.
        let dir = try directory(settings: "step = [1, 2]")
        XCTAssertThrowsError(try Catalogue(directory: dir, families: families).entry(named: "Q1")) {
            XCTAssert("\($0)".contains("found: array"), "\($0)")
        }
    }

    func testAFingerprintCoversItsSolversParametersAndNoOthers() throws {
        func fingerprints(_ settings: String) throws -> [String: String] {
            let catalogue = try Catalogue(directory: try directory(settings: settings), families: families,
                                          solverParameters: registry.parameterDeclarations, strict: true)
            let plan = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["Q1"],
                                     solvers: ["adagrad", "prunadag-v3", "fw1"], runs: 1, pruning: [50], registry: registry)
            return Dictionary(uniqueKeysWithValues: plan.tasks.map { ($0.key.solver, $0.fingerprint.digest) })
        }
        let base = try fingerprints("")
        let radius = try fingerprints("fw_radius = 5")
        XCTAssertEqual(base["adagrad"], radius["adagrad"])
        XCTAssertEqual(base["prunadag-v3"], radius["prunadag-v3"])
        XCTAssertNotEqual(base["fw1"], radius["fw1"])
        let c = try fingerprints("c = 2")
        XCTAssertEqual(base["adagrad"], c["adagrad"])
        XCTAssertNotEqual(base["prunadag-v3"], c["prunadag-v3"])
        // Writing a default explicitly is the same run as leaving it out.
        XCTAssertEqual(try fingerprints("sigma = 0.01"), base)
        // The explanation names the parameter.
        let catalogue = try Catalogue(directory: try directory(settings: "c = 2"), families: families, strict: true)
        let plan = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["Q1"], solvers: ["prunadag-v3"],
                                 runs: 1, pruning: [50], registry: registry)
        let plain = try Plan.make(catalogue: try Catalogue(directory: try directory(settings: ""), families: families, strict: true),
                                  context: LoadContext(), problems: ["Q1"], solvers: ["prunadag-v3"], runs: 1, pruning: [50], registry: registry)
        let why = plan.tasks[0].fingerprint.differences(from: plain.tasks[0].fingerprint).joined(separator: "; ")
        XCTAssert(why.contains("solver.c 1.0 → 2.0"), why)
    }

    func testRegistryDeclarationsAreCheckedAndListed() throws {
        let twice = SolverRegistry.Entry(name: "twice", summary: "", parameters: [
            SolverParameter("a", default: 1, summary: ""), SolverParameter("a", default: 2, summary: ""),
        ]) { try ParametrisedDescent(settings: $0) }
        XCTAssertThrowsError(try SolverRegistry(entries: [twice])) { XCTAssert("\($0)".contains("declares parameter 'a' twice"), "\($0)") }
        // The standard solvers own sigma, c and the Frank-Wolfe constants; sigma is shared.
        let keys = SolverRegistry.standard.parameterDeclarations.map(\.key)
        XCTAssertEqual(Set(keys), ["sigma", "c", "fw_radius", "fw_eta1", "fw_eta2"])
        // sigma is declared by Adagrad and by prunAdag (same key, default and rule; each its own summary).
        let sigmas = SolverRegistry.standard.parameterDeclarations.filter { $0.key == "sigma" }
        XCTAssertEqual(Set(sigmas.map(\.defaultValue)), [.double(0.01)])
        XCTAssertEqual(Set(sigmas.map(\.domain.rule)).count, 1)
        XCTAssertEqual(try SolverRegistry.standard.entry(named: "fw2").parameters.map(\.key), ["fw_radius", "fw_eta1", "fw_eta2"])
        // Settings decode old and new records alike: a number read as an integer is a double again.
        let decoded = try JSONDecoder().decode(SolverSettings.self, from: Data(#"{"nR":4,"eps":0,"kmax":9,"tau_s":0.001,"record_every":1,"c":1,"mode":"x"}"#.utf8))
        XCTAssertEqual(decoded.parameters, ["c": .double(1), "mode": .string("x")])
        let again = try JSONDecoder().decode(SolverSettings.self, from: try JSONEncoder().encode(decoded))
        XCTAssertEqual(again, decoded)
    }
}
