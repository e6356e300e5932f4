import Foundation
import XCTest

final class BenchCommandTests: XCTestCase {
    func testListNamesEveryKernelWithItsPeer() throws {
        let r = try runCLI(["bench", "--list"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for k in ["ls-dense-fg-4096x8192", "partial-dct-fg-2000x8192", "logistic-dense-fg-4200x5000", "logistic-sparse-fg-a9a",
                  "libsvm-load-a9a", "libsvm-load-w8a", "libsvm-load-reged0", "omp-mnist", "ksvd-mnist", "solve-prunadag-v3-A1"] {
            XCTAssert(r.stdout.contains(k), "missing \(k)")
        }
        XCTAssert(r.stdout.contains("ls_gradient.py 4096 8192") && r.stdout.contains("dct_gradient.py 2000 8192"))
    }

    /// One JSON line per kernel, in the peers' format, with bytes and GB/s for the
    /// memory-bound kernel.
    func testJSONLinesInThePeersFormat() throws {
        let r = try runCLI(["bench", "ls-dense-fg-1024x4096", "partial-dct-fg-2000x8192", "--min-time", "0.01", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(lines.count, 2)
        let dense = try XCTUnwrap(lines[0])
        XCTAssertEqual(dense["kernel"] as? String, "ls-dense-fg-1024x4096")
        XCTAssertEqual(dense["bytes_per_call"] as? Double, Double(8 * 1024 * 4096))
        let median = try XCTUnwrap(dense["median_s"] as? Double), best = try XCTUnwrap(dense["best_s"] as? Double)
        XCTAssert(best > 0 && best <= median)
        XCTAssertEqual(dense["gb_s"] as! Double, 8 * 1024 * 4096 / median / 1e9, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(lines[1])["kernel"] as? String, "partial-dct-fg-2000x8192")
    }

    func testUnknownKernelSuggestsTheClosest() throws {
        let r = try runCLI(["bench", "ls-dense-fg-4096x819"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssert(r.stderr.contains("unknown kernel") && r.stderr.contains("ls-dense-fg-4096x8192"), r.stderr)
    }
}
