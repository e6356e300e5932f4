import Foundation
import XCTest

/// `problemsuite profile` over two result directories, and the report's profile section.
final class ProfileCommandTests: XCTestCase {
    func testProfileAcrossDirectoriesAndInTheReport() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (dir, problem) in [("one", "A1[n=64,m=16]"), ("two", "A6[n=64,m=16]")] {
            let r = try runCLI(["run", "--problems", problem, "--solvers", "adagrad", "fw1", "--runs", "2", "--kmax", "30",
                                "--pruning", "10,50", "--quiet", "--out", root + "/" + dir, "--report"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let index = try String(contentsOfFile: root + "/one/report/index.html", encoding: .utf8)
        XCTAssert(index.contains("<h2>Profiles</h2>") && index.contains("profiles/performance-tau1e-01.svg")
                  && index.contains("profiles/pruning-eps_f-p50.svg"), index)
        let p = try runCLI(["profile", root, "--tolerances", "1e-1", "--cost", "iterations", "--out", root + "/profiles", "--json"])
        XCTAssertEqual(p.status, 0, p.stderr)
        let out = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(out["instances"] as? Int, 4, "two problems × two runs, from two directories")
        XCTAssertEqual(out["solvers"] as? [String], ["adagrad", "fw1"])
        let kinds = Set((out["profiles"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
        XCTAssertEqual(kinds, ["performance", "data", "log-ratio", "pruning-eps_f", "pruning-eps_g"])
        XCTAssert(FileManager.default.fileExists(atPath: root + "/profiles/data-tau1e-01.svg"))
        let bad = try runCLI(["profile", root, "--tolerances", "2"])
        XCTAssertEqual(bad.status, 64)
        XCTAssert(bad.stderr.contains("(0, 1]"), bad.stderr)
        let noLevel = try runCLI(["profile", root, "--pruning", "30", "--out", root + "/p2"])
        XCTAssertNotEqual(noLevel.status, 0)
        XCTAssert(noLevel.stderr.contains("pruning level 30"), noLevel.stderr)
    }
}
