import XCTest
import Foundation
import ProblemSuiteTestSupport

/// External solvers through the command line (issue #18): a Python solver declared in a
/// file runs in `run`, `report` and `check` beside the built-in ones; one that crashes
/// fails its own tasks with its stderr in the stored result while the others go on.
final class ExternalSolverCommandTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func requirePython() throws {
        if let why = pythonWithNumPyUnavailable { throw XCTSkip(why) }
    }

    func testPythonSolverRunsReportsAndChecksBesideTheSwiftOne() throws {
        try requirePython()
        let dir = try TemporaryDirectory(prefix: "external-cli")
        defer { dir.remove() }
        let env = ["PROBLEMSUITE_SOLVERS": ExternalSolverCommandTests.repository + "/clients/python/examples/solvers"]
        let list = try runCLI(["list", "--solvers"], environment: env)
        XCTAssertTrue(list.stdout.contains("py-prunadag-v3"), list.stdout + list.stderr)
        let out = dir.file("results")
        let r = try runCLI(["run", "--problems", "A1", "A2", "--solvers", "prunadag-v3", "py-prunadag-v3", "--runs", "2",
                            "--kmax", "60", "--jobs", "2", "--quiet", "--out", out], environment: env)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("8 runs done") && r.stdout.contains("0 failed"), r.stdout)
        // The Python solver's results are the Swift solver's, number for number.
        for p in ["A1", "A2"] {
            for run in ["run-0000", "run-0001"] {
                let swift = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/results/\(p)/prunadag-v3/\(run).json"))) as! [String: Any]
                let python = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/results/\(p)/py-prunadag-v3/\(run).json"))) as! [String: Any]
                for key in ["iterations", "gradientNorm", "value", "sparsity", "gradientEvaluations", "stopReason"] {
                    XCTAssertEqual("\(swift[key] ?? "nil")", "\(python[key] ?? "nil")", "\(p) \(run) \(key)")
                }
            }
        }
        let report = try runCLI(["report", out], environment: env)
        XCTAssertEqual(report.status, 0, report.stderr)
        let check = try runCLI(["check", out, "--reference", "\(out)/report/cells.csv", "--rtol", "0"], environment: env)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    func testCrashingExternalSolverFailsOnlyItsTasksWithItsStderr() throws {
        try requirePython()
        let dir = try TemporaryDirectory(prefix: "external-cli")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("solvers"), withIntermediateDirectories: true)
        try dir.write("solvers/crash.py", text: """
        import os, sys
        sys.path.insert(0, \(String(reflecting: ExternalSolverCommandTests.repository + "/clients/python")))
        import problemsuite
        def crash(problem, x0, settings):
            problem.grad(x0)
            print("segfault-ish: cannot go on", file=sys.stderr, flush=True)
            os._exit(139)
        problemsuite.serve(crash)
        """)
        try dir.write("solvers/crash.toml", text: "name = \"crash\"\ncommand = [\"python3\", \"crash.py\"]\ntime_limit = 30\n")
        let out = dir.file("results")
        let r = try runCLI(["run", "--problems", "A1", "--solvers", "adagrad", "crash", "--runs", "2", "--kmax", "20",
                            "--quiet", "--out", out], environment: ["PROBLEMSUITE_SOLVERS": dir.file("solvers")])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("2 failed") || r.stderr.contains("2 failed"), r.stdout + r.stderr)
        let stored = try String(contentsOfFile: "\(out)/results/A1/crash/run-0000.json", encoding: .utf8)
        XCTAssertTrue(stored.contains("exited with status 139") && stored.contains("segfault-ish: cannot go on"), stored)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/results/A1/adagrad/run-0001.json"))
    }

    /// An experiment of the user's problems directory declares its own Python solver in a
    /// `[[solver]]` table; `reproduce` runs it beside a built-in one.
    func testReproduceRunsAnExperimentsOwnSolverTable() throws {
        try requirePython()
        let dir = try TemporaryDirectory(prefix: "external-cli")
        defer { dir.remove() }
        let repo = ExternalSolverCommandTests.repository
        try dir.write("problems/random_least_squares.toml",
                      text: try String(contentsOfFile: repo + "/Problems/random_least_squares.toml", encoding: .utf8))
        try dir.write("problems/experiments/mine.toml", text: """
        name = "mine"
        problems = ["A3"]
        solvers = ["prunadag-v3", "py-v3"]
        runs = 1
        [settings]
        kmax = 40
        [[solver]]
        name = "py-v3"
        command = ["python3", \(String(reflecting: repo + "/clients/python/examples/prunadag_v3.py"))]
        time_limit = 60
        [[solver.parameter]]
        key = "sigma"
        default = 0.01
        [[solver.parameter]]
        key = "c"
        default = 1.0
        """)
        let out = dir.file("results")
        let r = try runCLI(["reproduce", "mine", "--problems-dir", dir.file("problems"), "--quiet", "--out", out])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let swift = try String(contentsOfFile: "\(out)/mine/results/A3/prunadag-v3/run-0000.json", encoding: .utf8)
        let python = try String(contentsOfFile: "\(out)/mine/results/A3/py-v3/run-0000.json", encoding: .utf8)
        func field(_ text: String, _ key: String) -> String? {
            text.components(separatedBy: "\"\(key)\"").dropFirst().first?.split(separator: ",").first.map(String.init)
        }
        for key in ["gradientNorm", "value", "iterations"] {
            XCTAssertNotNil(field(swift, key), key)
            XCTAssertEqual(field(swift, key), field(python, key), key)
        }
    }

    func testBrokenDeclarationIsAClearError() throws {
        let dir = try TemporaryDirectory(prefix: "external-cli")
        defer { dir.remove() }
        try dir.write("bad.toml", text: "name = \"x\"\ncommand = \"python3 x.py\"\n")
        let r = try runCLI(["list", "--solvers"], environment: ["PROBLEMSUITE_SOLVERS": dir.path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("bad.toml") && r.stderr.contains("key 'command'"), r.stderr)
    }
}
