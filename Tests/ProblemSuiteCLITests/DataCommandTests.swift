import XCTest
import Foundation
import ProblemSuite
import ProblemSuiteTestSupport

/// Runs the built `problemsuite` binary (beside the test bundle) on data commands.
final class DataCommandTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory(prefix: "datacmd") }
    override func tearDown() { dir.remove() }

    /// Runs the CLI (``runCLI(_:environment:directory:)``); returns (exit status, stdout, stderr).
    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let r = try runCLI(arguments, environment: environment)
        return (r.status, r.stdout, r.stderr)
    }

    private let text = "+1 1:1 2:0.5\n-1 4:2\n+1 3:1e1\n"

    private func writeManifest(sha: String, path: String = "toy.gz", url: String = "http://127.0.0.1:9/toy.gz", rows: Int = 3) throws -> String {
        try dir.write("manifest.toml", text: """
        [[dataset]]
        name = "toy"
        task = "binary-classification"
        page = "http://example.org/"
        citation = "none"
        [[dataset.file]]
        path = "\(path)"
        url = "\(url)"
        sha256 = "\(sha)"
        format = "libsvm"
        rows = \(rows)
        columns = 4
        """)
    }

    func testInspectPrintsStatisticsAsJSON() throws {
        let path = try dir.write("toy.gz", bytes: try GzipWriter.compress(Array(text.utf8)))
        let (status, out, err) = try run(["data", "inspect", path, "--features", "5", "--json", "--time", "--repeat", "2"])
        XCTAssertEqual(status, 0, err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        XCTAssertEqual(json["rows"] as? Int, 3)
        XCTAssertEqual(json["columns"] as? Int, 5)
        XCTAssertEqual(json["nonzeros"] as? Int, 4)
        XCTAssertEqual(json["valueSum"] as? Double, 13.5)
        XCTAssertEqual(json["density"] as? Double, 4.0 / 15)
        XCTAssertEqual(json["storage"] as? String, "dense")
        XCTAssertEqual(json["labelCounts"] as? [String: Int], ["1": 2, "-1": 1])
        XCTAssertEqual(json["runs"] as? Int, 2)
        XCTAssertNotNil(json["medianSeconds"] as? Double)

        let bad = try dir.write("bad.svm", text: "+1 1:1\n-1 2:q\n")
        let (s2, _, e2) = try run(["data", "inspect", bad])
        XCTAssertNotEqual(s2, 0)
        XCTAssertTrue(e2.contains("bad.svm:2:6"), e2)
    }

    func testListVerifyAndFailures() throws {
        let gz = try GzipWriter.compress(Array(text.utf8))
        let data = try TemporaryDirectory(prefix: "datacmd-data")
        defer { data.remove() }
        let manifest = try writeManifest(sha: SHA256.hexDigest(of: gz))
        // Missing: listed and reported, verify does not fail.
        var (status, out, err) = try run(["data", "list", "--manifest", manifest, "--data-dir", data.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("missing"), out)
        (status, out, err) = try run(["data", "verify", "--manifest", manifest, "--data-dir", data.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("MISSING"), out)
        // Present and right.
        try data.write("toy.gz", bytes: gz)
        (status, out, err) = try run(["data", "verify", "--manifest", manifest], environment: ["PROBLEMSUITE_DATA": data.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("1 ok, 0 failed, 0 missing"), out)
        (status, out, _) = try run(["data", "list", "--manifest", manifest, "--data-dir", data.path, "--json"])
        XCTAssertTrue(out.contains("\"checksumOK\" : true"), out)
        // Wrong shape: verify fails.
        let wrong = try writeManifest(sha: SHA256.hexDigest(of: gz), rows: 4)
        (status, out, _) = try run(["data", "verify", "--manifest", wrong, "--data-dir", data.path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(out.contains("FAILED") && out.contains("3 rows, expected 4"), out)
        // Wrong checksum: verify fails.
        try data.write("toy.gz", bytes: gz + [0])
        (status, out, _) = try run(["data", "verify", "--manifest", manifest, "--data-dir", data.path])
        XCTAssertEqual(status, 1)
        XCTAssertTrue(out.contains("checksum mismatch"), out)
        // Unknown data set.
        (status, _, err) = try run(["data", "fetch", "nothing", "--manifest", manifest, "--data-dir", data.path])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(err.contains("toy"), err)
    }

    func testFetchFromALoopbackServer() throws {
        let served = try TemporaryDirectory(prefix: "datacmd-served")
        defer { served.remove() }
        let gz = try GzipWriter.compress(Array(text.utf8))
        try served.write("toy.gz", bytes: gz)
        let server: LocalHTTPServer
        do { server = try LocalHTTPServer(directory: served.path) } catch { throw XCTSkip("no local HTTP server: \(error)") }
        defer { server.stop() }
        let data = try TemporaryDirectory(prefix: "datacmd-data")
        defer { data.remove() }
        let manifest = try writeManifest(sha: SHA256.hexDigest(of: gz), path: "deep/toy.gz", url: server.baseURL + "/toy.gz")
        let (status, out, err) = try run(["data", "fetch", "toy", "--manifest", manifest, "--data-dir", data.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("sha256 ok"), out)
        XCTAssertEqual(try SHA256.hexDigest(ofFile: data.file("deep/toy.gz")), SHA256.hexDigest(of: gz))
        let (s2, out2, _) = try run(["data", "verify", "--manifest", manifest, "--data-dir", data.path])
        XCTAssertEqual(s2, 0)
        XCTAssertTrue(out2.contains("1 ok"), out2)
    }

    /// `data verify` on the real data directory, when it is found (as the CLI finds it).
    func testVerifyPassesOnTheRealDataDirectory() throws {
        guard let data = testDataDirectory(containing: "SHA256SUMS") else {
            throw XCTSkip("no shared data directory (see SuitePaths.dataDirectory)")
        }
        let (status, out, err) = try run(["data", "verify", "--data-dir", data])
        XCTAssertEqual(status, 0, out + err)
        XCTAssertTrue(out.contains(" 0 failed"), out)
        XCTAssertTrue(out.contains("OK       a9a.gz"), out)
        // The problem whose data are missing is listed as such.
        let (_, list, _) = try run(["list", "--data-dir", data])
        XCTAssertTrue(list.contains("GISETTE") , list)
    }
}
