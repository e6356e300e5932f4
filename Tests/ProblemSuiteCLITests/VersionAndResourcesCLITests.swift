import Foundation
import XCTest

/// `problemsuite --version`, and a binary moved away from the source tree finding its
/// problem files and manifest in the resource bundles beside it.
final class VersionAndResourcesCLITests: XCTestCase {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // file, ProblemSuiteCLITests, Tests
        return url.path
    }()

    func temporaryDirectory() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cli-moved-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    func testVersionPrintsSuiteVersionAndCommit() throws {
        let r = try runCLI(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssert(line.hasPrefix("0.1.0 (commit "), line)
        XCTAssert(line.contains("numerical version 2"), line)
        // Built from a git checkout (a clone or a worktree): a full commit hash.
        if FileManager.default.fileExists(atPath: Self.repositoryRoot + "/.git") {
            XCTAssertNotNil(line.range(of: #"commit [0-9a-f]{40},"#, options: .regularExpression), line)
        }
    }

    /// The binary and its `*.resources` directories copied elsewhere: `list` and `data list`
    /// run from another directory with no override read the copies beside the binary.
    func testMovedBinaryReadsTheResourcesBesideIt() throws {
        #if !os(Linux)
        throw XCTSkip("resource bundles sit beside the executable on Linux only")
        #else
        let fm = FileManager.default
        let products = productsDirectory()
        let dir = try temporaryDirectory()
        try fm.copyItem(at: products.appendingPathComponent("problemsuite"), to: URL(fileURLWithPath: dir + "/problemsuite"))
        let bundles = try fm.contentsOfDirectory(atPath: products.path).filter { $0.hasSuffix(".resources") }
        XCTAssert(bundles.contains { $0.hasSuffix("_ProblemSuiteProblemFiles.resources") }, "\(bundles)")
        XCTAssert(bundles.contains { $0.hasSuffix("_ProblemSuiteDataManifest.resources") }, "\(bundles)")
        for b in bundles { try fm.copyItem(atPath: products.path + "/" + b, toPath: dir + "/" + b) }
        // Mark the copies: the moved binary shows no SPARCO problem once sparco.toml is gone
        // from its bundle (the build directory's bundle still has it).
        let copied = try XCTUnwrap(bundles.first { $0.hasSuffix("_ProblemSuiteProblemFiles.resources") })
        try fm.removeItem(atPath: dir + "/" + copied + "/sparco.toml")

        let run = { (arguments: [String]) throws -> CLIResult in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: dir + "/problemsuite")
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            var env = ProcessInfo.processInfo.environment
            env["PROBLEMSUITE_PROBLEMS"] = nil
            env["PROBLEMSUITE_MANIFEST"] = nil
            process.environment = env
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLIResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                             stderr: String(decoding: e, as: UTF8.self))
        }
        let list = try run(["list"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssert(list.stdout.contains("\nA1 "), list.stdout)
        XCTAssertFalse(list.stdout.contains("SPARCO"), list.stdout)
        let data = try run(["data", "list"])
        XCTAssertEqual(data.status, 0, data.stderr)
        XCTAssert(data.stdout.contains("data set") && data.stdout.contains("a9a"), data.stdout)
        #endif
    }
}
