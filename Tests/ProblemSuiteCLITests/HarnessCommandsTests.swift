import Foundation
import XCTest

final class HarnessCommandsTests: XCTestCase {
    func temporaryDirectory() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cli-harness-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    /// The CI-sized paper experiments run end to end, report, and match the committed reference.
    func testReproduceQuickRandomLeastSquaresAndSparcoThenCheck() throws {
        let out = temporaryDirectory()
        let r = try runCLI(["reproduce", "random-least-squares", "sparco", "--quick", "--jobs", "2", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("== random-least-squares") && r.stdout.contains("== sparco"), r.stdout)
        XCTAssert(r.stdout.contains("84 runs done"), r.stdout)   // 6 problems × 7 solvers × 2 runs
        XCTAssert(r.stdout.contains("70 runs done"), r.stdout)   // 5 problems × 7 solvers × 2 runs
        for e in ["random-least-squares", "sparco"] {
            let index = try String(contentsOfFile: "\(out)/\(e)/report/index.html", encoding: .utf8)
            XCTAssert(index.contains("<table>") && index.contains(".svg"), e)
        }
        XCTAssert(r.stdout.contains("\(out)/sparco/report/index.html"), "prints where the report is")
        let reference = productsDirectory().appendingPathComponent("../../../Data/reference/random_least_squares_quick.csv").standardizedFileURL.path
        let check = try runCLI(["check", "\(out)/random-least-squares", "--reference", reference, "--rtol", "1e-9"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssert(check.stdout.contains("0 regressions"), check.stdout)
        // Against another experiment's results the check fails and names the missing cells.
        let wrong = try runCLI(["check", "\(out)/sparco", "--reference", reference])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssert(wrong.stdout.contains("MISSING"), wrong.stdout)
    }

    func testRunResumesAndShardsMerge() throws {
        let out = temporaryDirectory()
        let args = ["run", "--problems", "A6", "--solvers", "adagrad", "fw1", "--runs", "2", "--kmax", "10", "--quiet"]
        let first = try runCLI(args + ["--out", out, "--shard", "1/2"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssert(first.stdout.contains("2 runs done, 0 already stored"), first.stdout)
        let second = try runCLI(args + ["--out", out, "--report"])
        XCTAssert(second.stdout.contains("2 runs done, 2 already stored"), second.stdout)
        XCTAssert(second.stdout.contains("report: \(out)/report/index.html"), second.stdout)
        let other = temporaryDirectory(), merged = temporaryDirectory()
        _ = try runCLI(args + ["--out", other, "--shard", "2/2"])
        let m = try runCLI(["merge", out, other, "--out", merged])
        XCTAssert(m.stdout.contains("merged 4 results"), m.stdout)
        XCTAssertEqual(try runCLI(["report", merged]).status, 0)
    }

    func testBadOptionsAreRejected() throws {
        for (args, fragment) in [(["run", "--jobs", "0"], "--jobs"), (["run", "--shard", "3/2"], "shard"),
                                 (["run", "--solvers", "adagrd"], "adagrad"), (["run", "--pruning", "120"], "pruning"),
                                 (["reproduce", "no-such-experiment"], "unknown experiment"),
                                 (["report", "/nonexistent-dir"], "no results")] {
            let r = try runCLI(args + ["--quiet"].filter { _ in args[0] != "report" })
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssert(r.stderr.contains(fragment), "\(args): \(r.stderr)")
        }
    }
}
