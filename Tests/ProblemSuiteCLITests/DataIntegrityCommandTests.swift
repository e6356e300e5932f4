import XCTest
import Foundation
import ProblemSuite
import ProblemSuiteTestSupport

/// Checksums before loads, as the commands show them; and the option checks of the
/// problem commands (negative values, bounds, runtime errors without usage text).
final class DataIntegrityCommandTests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var environment: [String: String] = [:]

    /// Ten LIBSVM rows, 4 features, both labels.
    private let text = (0..<10).map { "\($0 % 2 == 0 ? "+1" : "-1") 1:\($0) 2:0.5 4:\(10 - $0)" }.joined(separator: "\n") + "\n"

    /// A data directory with toy.svm, a manifest listing it with its sha256, a problem
    /// directory declaring classification instance TOY on it, and a fresh cache.
    override func setUpWithError() throws {
        dir = try TemporaryDirectory(prefix: "integrity-cli")
        try dir.write("data/toy.svm", text: text)
        let manifest = try dir.write("manifest.toml", text: toyManifest(for: text, rows: 10))
        try dir.write("problems/toy.toml", text: """
        family = "classification"
        [settings]
        nR = 2
        [[instance]]
        name = "TOY"
        file = "toy.svm"
        rows = 10
        features = 4
        """)
        try FileManager.default.createDirectory(atPath: dir.file("cache"), withIntermediateDirectories: true)
        environment = ["PROBLEMSUITE_MANIFEST": manifest, "PROBLEMSUITE_CACHE": dir.file("cache"),
                       "PROBLEMSUITE_DATA": dir.file("data"), "PROBLEMSUITE_PROBLEMS": dir.file("problems")]
    }

    override func tearDown() { dir.remove() }

    private func run(_ arguments: [String]) throws -> CLIResult {
        try runCLI(arguments, environment: environment)
    }

    private func corrupt() throws {
        // The first 2:0.5 becomes 2:0.6: still a valid file, same size, other sha256.
        var bytes = Array(text.utf8)
        let at = try XCTUnwrap(text.range(of: "0.5")).upperBound.utf16Offset(in: text) - 1
        bytes[at] = UInt8(ascii: "6")
        try dir.write("data/toy.svm", bytes: bytes)
    }

    func testListShowsVerifiedThenChecksumMismatch() throws {
        var r = try run(["list"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("TOY") && r.stdout.contains("verified"), r.stdout)
        try corrupt()
        r = try run(["list"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("CHECKSUM MISMATCH"), r.stdout)
        XCTAssertTrue(r.stdout.contains("TOY: checksum mismatch in toy.svm"), r.stdout)
        r = try run(["list", "--json"])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.first?["dataState"] as? String, "mismatch")
        XCTAssertEqual(rows.first?["checksumMismatches"] as? [String], ["toy.svm"])
        XCTAssertEqual(rows.first?["dataAvailable"] as? Bool, true)
        // Missing.
        try FileManager.default.removeItem(atPath: dir.file("data/toy.svm"))
        r = try run(["list"])
        XCTAssertTrue(r.stdout.contains("missing"), r.stdout)
    }

    func testLoadingACorruptedFileFailsUnlessAllowed() throws {
        var r = try run(["eval", "TOY", "--min-time", "0.001"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try corrupt()
        r = try run(["eval", "TOY", "--min-time", "0.001"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        let found = SHA256.hexDigest(of: Array(try Data(contentsOf: URL(fileURLWithPath: dir.file("data/toy.svm")))))
        XCTAssertTrue(r.stderr.contains("toy.svm: checksum mismatch"), r.stderr)
        XCTAssertTrue(r.stderr.contains(found) && r.stderr.contains(SHA256.hexDigest(of: Array(text.utf8))), r.stderr)
        XCTAssertTrue(r.stderr.contains("--allow-checksum-mismatch"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Usage:"), r.stderr)
        for command in [["check-gradient", "TOY"], ["solve", "TOY", "--solver", "adagrad", "--kmax", "1"],
                        ["export", "TOY", "--out", dir.file("out")]] {
            r = try run(command)
            XCTAssertEqual(r.status, 1, command.joined(separator: " ") + ": " + r.stderr)
            XCTAssertTrue(r.stderr.contains("checksum mismatch"), r.stderr)
        }
        r = try run(["eval", "TOY", "--min-time", "0.001", "--allow-checksum-mismatch"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("warning:") && r.stderr.contains("checksum mismatch"), r.stderr)
    }

    /// export writes a classification problem's features and labels (issue #18): the
    /// rows of the train and test parts add up to the file's, labels are ±1.
    func testExportWritesClassificationData() throws {
        let r = try run(["export", "TOY", "--out", dir.file("out")])
        XCTAssertEqual(r.status, 0, r.stderr)
        func shape(_ name: String) throws -> String {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/" + name)))
            let header = String(decoding: data[10..<min(data.count, 128)], as: UTF8.self)
            return header.components(separatedBy: "'shape': (")[1].components(separatedBy: ")")[0]
        }
        let train = try shape("X_train.npy"), labels = try shape("y_train.npy")
        XCTAssertTrue(train.hasSuffix(", 4"), train)
        XCTAssertEqual(train.components(separatedBy: ",")[0] + ",", labels)
        var rows = Int(train.components(separatedBy: ",")[0])!
        if FileManager.default.fileExists(atPath: dir.file("out/X_test.npy")) {
            rows += Int(try shape("y_test.npy").components(separatedBy: ",")[0])!
        }
        XCTAssertEqual(rows, 10)
        let y = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/y_train.npy")))
        y.withUnsafeBytes { raw in
            let start = 10 + (Int(raw[8]) | Int(raw[9]) << 8)
            for off in stride(from: start, to: raw.count, by: 8) {
                let v = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: off, as: UInt64.self)))
                XCTAssertTrue(v == 1 || v == -1, "label \(v)")
            }
        }
    }

    func testDataVerifyFillsTheCacheThatShowReads() throws {
        var r = try run(["show", "TOY"])
        XCTAssertTrue(r.stdout.contains("toy.svm (unchecked)"), r.stdout)
        r = try run(["data", "verify"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        r = try run(["show", "TOY", "--json"])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["fileStates"] as? [String: String], ["toy.svm": "verified"])
        try corrupt()
        // Same size, new modification time: no longer taken from the cache.
        r = try run(["show", "TOY"])
        XCTAssertTrue(r.stdout.contains("toy.svm (unchecked)"), r.stdout)
        r = try run(["data", "verify"])
        XCTAssertEqual(r.status, 1)
        r = try run(["show", "TOY"])
        XCTAssertTrue(r.stdout.contains("toy.svm (CHECKSUM MISMATCH)"), r.stdout)
    }

    // MARK: - Option checks

    func testNegativeValuesReachTheRangeChecks() throws {
        let cases: [([String], String)] = [
            (["check-gradient", "A1", "--seed", "-1"], "--seed must be non-negative, got -1"),
            (["check-gradient", "A1", "--directions", "-5"], "--directions must be at least 1, got -5"),
            (["check-gradient", "A1", "--directions", "0"], "--directions must be at least 1, got 0"),
            (["solve", "A1", "--solver", "adagrad", "--kmax", "-5"], "--kmax must be non-negative, got -5"),
            (["eval", "A1", "--seed", "-3"], "--seed must be non-negative, got -3"),
            (["bench", "--min-time", "inf"], "--min-time must be above 0 and at most 3600 seconds, got inf"),
            (["bench", "--min-time", "1e9"], "at most 3600 seconds"),
            (["bench", "--rounds", "-2"], "--rounds must be between 1 and 100, got -2"),
            (["eval", "A1", "--min-time", "inf"], "--min-time must be between 0 and 3600 seconds, got inf"),
        ]
        for (arguments, message) in cases {
            let r = try runCLI(arguments)
            XCTAssertEqual(r.status, 64, arguments.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains(message), arguments.joined(separator: " ") + ": " + r.stderr)
            XCTAssertFalse(r.stderr.contains("Missing value"), r.stderr)
        }
    }

    func testCheckGradientReportsTheDirectionsItUsed() throws {
        let r = try runCLI(["check-gradient", "A1", "--directions", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("over 6 directions (2 random, 4 coordinates"), r.stdout)
        let d = try runCLI(["check-gradient", "A1"])
        XCTAssertTrue(d.stdout.contains("over 10 directions (6 random, 4 coordinates"), d.stdout)
    }

    func testRuntimeErrorExitsOneWithoutUsage() throws {
        let r = try runCLI(["picture", "A1"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("Error: A1 is not a sparse-coding problem"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Usage:"), r.stderr)
    }
}
