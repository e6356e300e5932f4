import Foundation
import XCTest

/// `list --select`, `run --select` and `run --param` / `NAME[key=value]`.
final class SelectionCommandTests: XCTestCase {
    func testListSelectsByClassificationFields() throws {
        let r = try runCLI(["list", "--select", "objective=S", "--select", "origin=A", "--select", "min_n=2048", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        XCTAssertFalse(rows.isEmpty)
        for row in rows {
            let c = try XCTUnwrap(row["classification"] as? String)
            XCTAssert(c.hasPrefix("SUR1-AN-"), c)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(row["n"] as? Int), 2048)
        }
        let bad = try runCLI(["list", "--select", "origin=Z"])
        XCTAssertEqual(bad.status, 64)
        XCTAssert(bad.stderr.contains("key 'origin'"), bad.stderr)
    }

    func testRunWithParametersRecordsTheSizes() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("param-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try runCLI(["run", "--problems", "A*", "--select", "source=generated", "--param", "n=128", "--param", "m=32",
                            "--solvers", "adagrad", "--runs", "1", "--kmax", "5", "--quiet", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let stored = try FileManager.default.contentsOfDirectory(atPath: out + "/results").sorted()
        XCTAssertEqual(stored, (1...6).map { "A\($0)[m=32,n=128]" })
        let bad = try runCLI(["run", "--problems", "A1", "--param", "m=2048", "--out", out, "--quiet"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssert(bad.stderr.contains("key 'm'") && bad.stderr.contains("must be smaller than n"), bad.stderr)
        let show = try runCLI(["show", "A1[n=64,m=16]"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssert(show.stdout.contains("A1[m=16,n=64]") && show.stdout.contains("SUR1-AN-64-0"), show.stdout)
    }
}
