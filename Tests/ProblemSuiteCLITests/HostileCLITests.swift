import Foundation
import XCTest

/// Hostile inputs from the command line: each is a clear error, bounded in time and
/// memory, and one bad declaration does not take down commands that do not load it.
final class HostileCLITests: XCTestCase {
    func temporaryDirectory() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cli-hostile-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    var problemsDirectory: String {
        productsDirectory().appendingPathComponent("../../../Problems").standardizedFileURL.path
    }

    /// SPARCO `scale = 1e30` used to trap in Double→Int conversion and took `solve A1` down.
    func testOneBadInstanceDoesNotTakeDownOtherProblems() throws {
        let dir = temporaryDirectory()
        for f in ["random_least_squares.toml", "sparco.toml"] {
            try FileManager.default.copyItem(atPath: problemsDirectory + "/" + f, toPath: dir + "/" + f)
        }
        var sparco = try String(contentsOfFile: dir + "/sparco.toml", encoding: .utf8)
        // SPARCO7's `scale = 1` (its first `scale = 1` line) becomes 1e30.
        let marker = "name = \"SPARCO7\""
        let at = try XCTUnwrap(sparco.range(of: marker))
        let scale = try XCTUnwrap(sparco.range(of: "\nscale = 1\n", range: at.upperBound..<sparco.endIndex))
        sparco.replaceSubrange(scale, with: "\nscale = 1e30\n")
        try sparco.write(toFile: dir + "/sparco.toml", atomically: true, encoding: .utf8)
        let solve = try runCLI(["solve", "A1", "--solver", "adagrad", "--kmax", "3", "--problems-dir", dir])
        XCTAssertEqual(solve.status, 0, solve.stderr)
        let show = try runCLI(["show", "SPARCO7", "--problems-dir", dir])
        XCTAssertEqual(show.status, 1, show.stdout + show.stderr)
        XCTAssert(show.stderr.contains("sparco.toml") && show.stderr.contains("'scale'") && show.stderr.contains("1e+30"), show.stderr)
        let list = try runCLI(["list", "--problems-dir", dir])
        XCTAssertEqual(list.status, 0)
        XCTAssert(list.stderr.contains("left out of the catalogue") && list.stderr.contains("scale"), list.stderr)
        XCTAssertFalse(list.stdout.contains("SPARCO7 "), list.stdout)
    }

    func testReadingADeviceOrAnEndlessFileIsAClearError() throws {
        let start = Date()
        let r = try runCLI(["data", "inspect", "/dev/zero"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssert(r.stderr.contains("/dev/zero"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Backtrac"), r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
    }

    func testSettingsThatWouldNeverRunOrNeverStopAreRejected() throws {
        let dir = temporaryDirectory()
        let base = try String(contentsOfFile: problemsDirectory + "/random_least_squares.toml", encoding: .utf8)
        for (old, setting, fragment) in [("eps = 1e-4", "eps = inf", "'eps'"), ("tau_s = 1e-3", "tau_s = inf", "'tau_s'"),
                                         ("kmax = 1000", "kmax = 100000000000000", "'kmax'"), ("nR = 32", "nR = 5000", "'nR'")] {
            let text = base.replacingOccurrences(of: "\n" + old + "\n", with: "\n" + setting + "\n")
            XCTAssertNotEqual(text, base)
            try text.write(toFile: dir + "/random_least_squares.toml", atomically: true, encoding: .utf8)
            let r = try runCLI(["solve", "A1", "--solver", "adagrad", "--problems-dir", dir])
            XCTAssertEqual(r.status, 1, "\(setting): \(r.stdout)")
            XCTAssert(r.stderr.contains(fragment) && r.stderr.contains("random_least_squares.toml"), "\(setting): \(r.stderr)")
        }
    }
}
