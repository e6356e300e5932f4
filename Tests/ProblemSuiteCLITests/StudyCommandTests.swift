import XCTest
import Foundation

final class StudyCommandTests: XCTestCase {
    /// `study` runs an experiment under its budget, prints the table and the family's
    /// budget, and writes study.csv / study.json; a second call reuses the stored runs.
    func testStudyWritesTableCSVAndJSONAndResumes() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("study-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try runCLI(["study", "relevant-vs-optimisable", "--kmax", "30", "--runs", "1", "--out", out, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssert(r.stdout.contains("median k") && r.stdout.contains("relevant-only-plain"), r.stdout)
        XCTAssert(r.stdout.contains("random-least-squares: "), r.stdout)
        let csv = try String(contentsOfFile: out + "/study/relevant-vs-optimisable/study.csv", encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + 6)   // A3 × 6 solvers
        XCTAssert(csv.contains("random-least-squares,A3,prunadag-v1,30,1,"), csv)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/study/relevant-vs-optimisable/study.json"))) as? [String: Any]
        XCTAssertEqual((json?["rows"] as? [Any])?.count, 6)
        let again = try runCLI(["study", "relevant-vs-optimisable", "--kmax", "30", "--runs", "1", "--out", out, "--quiet"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssert(again.stdout.contains("0 runs done, 6 already stored"), again.stdout)
        let bad = try runCLI(["study", "--kmax", "0", "--out", out])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssert(bad.stderr.contains("--kmax must lie in 1..."), bad.stderr)
    }
}
