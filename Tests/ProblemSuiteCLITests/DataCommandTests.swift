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

    /// A manifest whose one file is converted from official sources served by `baseURL`.
    private func writeConvertManifest(name: String, convert: String, sha: String, content: String, rows: Int, columns: Int,
                                      sources: [(role: String, file: String, member: String?, sha: String?)],
                                      baseURL: String) throws -> String {
        let sourceTables = sources.map { s in
            "[[dataset.file.source]]\nrole = \"\(s.role)\"\nurl = \"\(baseURL)/\(s.file)\"\n"
                + (s.member.map { "member = \"\($0)\"\n" } ?? "") + (s.sha.map { "sha256 = \"\($0)\"\n" } ?? "")
        }.joined()
        return try dir.write("convert-\(name).toml", text: """
        [[dataset]]
        name = "\(name)"
        task = "binary-classification"
        page = "http://example.org/"
        citation = "none"
        [[dataset.file]]
        path = "\(name).gz"
        url = "http://example.org/"
        convert = "\(convert)"
        sha256 = "\(sha)"
        content_sha256 = ["\(content)"]
        format = "libsvm"
        rows = \(rows)
        columns = \(columns)
        \(sourceTables)
        """)
    }

    /// Official-layout fixtures (a REGED-like zip of data and targets, a Musk-like zip
    /// holding a `.Z`) served by the local server, converted by `data fetch`, compared
    /// with the expected LIBSVM text; broken downloads fail naming the file, and leave
    /// nothing behind.
    func testFetchConvertsOfficialFilesFromALoopbackServer() throws {
        let served = try TemporaryDirectory(prefix: "datacmd-official")
        defer { served.remove() }
        let regedText = "-1 1:206 3:85\n+1 2:7\n-1 1:12 2:999 3:4\n"
        let (regedData, regedTargets) = ArchiveFixtures.regedOfficialFiles(fromLIBSVM: regedText, columns: 3)
        XCTAssertEqual(String(decoding: regedData, as: UTF8.self), "206 0 85 \n0 7 0 \n12 999 4 \n")
        try served.write("reged_text.zip", bytes: ArchiveFixtures.zip([
            .init(name: "reged/", bytes: [], deflate: false),
            .init(name: "reged/toy_train.data", bytes: regedData), .init(name: "reged/toy_train.targets", bytes: regedTargets)]))
        let muskText = "+1 1:42 2:-198 4:11\n-1 2:5 3:-7\n"
        let muskData = ArchiveFixtures.muskOfficialFile(fromLIBSVM: muskText, columns: 4)
        let muskZip = try ArchiveFixtures.zip([.init(name: "clean1.info", bytes: Array("about".utf8)),
                                               .init(name: "clean1.data.Z", bytes: ArchiveFixtures.unixCompress(muskData), deflate: false)])
        try served.write("musk.zip", bytes: muskZip)
        try served.write("musk-cut.zip", bytes: Array(muskZip.prefix(muskZip.count - 30)))
        try served.write("garbage.zip", bytes: try ArchiveFixtures.zip([.init(name: "clean1.data.Z", bytes: [0x1f, 0x9d, 0x90, 0xff, 0x01, 7, 7, 7])]))
        let server: LocalHTTPServer
        do { server = try LocalHTTPServer(directory: served.path) } catch { throw XCTSkip("no local HTTP server: \(error)") }
        defer { server.stop() }
        let data = try TemporaryDirectory(prefix: "datacmd-data")
        defer { data.remove() }

        func digests(_ text: String) throws -> (String, String) {
            (SHA256.hexDigest(of: try GzipWriter.compress(Array(text.utf8), level: 9, memoryLevel: 9)), SHA256.hexDigest(of: Array(text.utf8)))
        }
        let (rSha, rContent) = try digests(regedText)
        let reged = try writeConvertManifest(
            name: "toyreged", convert: "reged-libsvm", sha: rSha, content: rContent, rows: 3, columns: 3,
            sources: [("data", "reged_text.zip", "toy_train.data", SHA256.hexDigest(of: regedData)),
                      ("targets", "reged_text.zip", "toy_train.targets", SHA256.hexDigest(of: regedTargets))],
            baseURL: server.baseURL)
        var (status, out, err) = try run(["data", "fetch", "toyreged", "--manifest", reged, "--data-dir", data.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertTrue(out.contains("toy_train.data): sha256 ok") && out.contains("converted (reged-libsvm); sha256 ok"), out)
        XCTAssertEqual(try GzipReader.readAll(path: data.file("toyreged.gz")), Array(regedText.utf8))
        (status, out, _) = try run(["data", "verify", "--manifest", reged, "--data-dir", data.path])
        XCTAssertEqual(status, 0, out)
        XCTAssertTrue(out.contains("1 ok, 0 failed"), out)

        let (mSha, mContent) = try digests(muskText)
        let musk = try writeConvertManifest(name: "toymusk", convert: "musk-libsvm", sha: mSha, content: mContent, rows: 2, columns: 4,
                                            sources: [("data", "musk.zip", "clean1.data.Z", nil)], baseURL: server.baseURL)
        (status, out, err) = try run(["data", "fetch", "toymusk", "--manifest", musk, "--data-dir", data.path])
        XCTAssertEqual(status, 0, err)
        XCTAssertEqual(try GzipReader.readAll(path: data.file("toymusk.gz")), Array(muskText.utf8))

        // Failures: nothing is written, no temporary file or folder is left.
        func failsCleanly(_ manifest: String, _ name: String, _ expected: [String], line: UInt = #line) throws {
            let before = try FileManager.default.contentsOfDirectory(atPath: data.path).sorted()
            let (status, _, err) = try run(["data", "fetch", name, "--manifest", manifest, "--data-dir", data.path, "--force"])
            XCTAssertNotEqual(status, 0, line: line)
            for e in expected { XCTAssertTrue(err.contains(e), "\(e) not in: \(err)", line: line) }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path).sorted(), before, line: line)
        }
        try FileManager.default.removeItem(atPath: data.file("toymusk.gz"))
        // A truncated archive.
        try failsCleanly(try writeConvertManifest(name: "toymusk", convert: "musk-libsvm", sha: mSha, content: mContent, rows: 2, columns: 4,
                                                  sources: [("data", "musk-cut.zip", "clean1.data.Z", nil)], baseURL: server.baseURL),
                         "toymusk", ["musk-cut.zip: not a readable zip archive"])
        // Garbage LZW inside a good archive.
        try failsCleanly(try writeConvertManifest(name: "toymusk", convert: "musk-libsvm", sha: mSha, content: mContent, rows: 2, columns: 4,
                                                  sources: [("data", "garbage.zip", "clean1.data.Z", nil)], baseURL: server.baseURL),
                         "toymusk", ["garbage.zip (clean1.data.Z): corrupt .Z (compress) data"])
        // A member the archive does not hold; a missing download.
        try failsCleanly(try writeConvertManifest(name: "toymusk", convert: "musk-libsvm", sha: mSha, content: mContent, rows: 2, columns: 4,
                                                  sources: [("data", "musk.zip", "clean2.data.Z", nil)], baseURL: server.baseURL),
                         "toymusk", ["no entry 'clean2.data.Z'", "clean1.data.Z"])
        try failsCleanly(try writeConvertManifest(name: "toymusk", convert: "musk-libsvm", sha: mSha, content: mContent, rows: 2, columns: 4,
                                                  sources: [("data", "absent.zip", "clean1.data.Z", nil)], baseURL: server.baseURL),
                         "toymusk", ["absent.zip failed"])
        // An official file with another sha256 than the manifest's.
        try failsCleanly(try writeConvertManifest(
            name: "toyreged", convert: "reged-libsvm", sha: rSha, content: rContent, rows: 3, columns: 3,
            sources: [("data", "reged_text.zip", "toy_train.data", String(repeating: "0", count: 64)),
                      ("targets", "reged_text.zip", "toy_train.targets", nil)], baseURL: server.baseURL),
                         "toyreged", ["the official data file has sha256 \(SHA256.hexDigest(of: regedData)), expected 0000", "toyreged.gz was not written"])
        // A conversion result that is not the recorded one (the present good file is kept).
        try failsCleanly(try writeConvertManifest(name: "toyreged", convert: "reged-libsvm", sha: mSha, content: mContent, rows: 3, columns: 3,
                                                  sources: [("data", "reged_text.zip", "toy_train.data", nil),
                                                            ("targets", "reged_text.zip", "toy_train.targets", nil)], baseURL: server.baseURL),
                         "toyreged", ["conversion of the official files gave sha256 \(rSha)", "expected \(mSha)", "was not written"])
        XCTAssertEqual(try GzipReader.readAll(path: data.file("toyreged.gz")), Array(regedText.utf8))
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
