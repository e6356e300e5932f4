import XCTest
import Foundation
@testable import ProblemSuite
import ProblemSuiteTestSupport

/// ``DataIntegrity``: manifest checksums before a load, and the checksum cache.
final class DataIntegrityTests: XCTestCase {
    private var data: TemporaryDirectory!
    private var cache: TemporaryDirectory!
    private var manifestPath: String!
    private var savedManifestVariable: String?

    private let text = "+1 1:1 2:0.5\n-1 4:2\n+1 3:1e1\n"
    /// A fixed modification time (whole seconds), so that restoring it is exact.
    private let fixedDate = Date(timeIntervalSince1970: 1_700_000_000)

    override func setUpWithError() throws {
        data = try TemporaryDirectory(prefix: "integrity-data")
        cache = try TemporaryDirectory(prefix: "integrity-cache")
        try data.write("toy.svm", text: text)
        manifestPath = try data.write("manifest.toml", text: toyManifest(for: text, rows: 3))
        // digests(of:context:) reads the standard manifest: point it at the test's.
        savedManifestVariable = ProcessInfo.processInfo.environment["PROBLEMSUITE_MANIFEST"]
        setenv("PROBLEMSUITE_MANIFEST", manifestPath, 1)
    }

    override func tearDown() {
        if let savedManifestVariable { setenv("PROBLEMSUITE_MANIFEST", savedManifestVariable, 1) }
        else { unsetenv("PROBLEMSUITE_MANIFEST") }
        data.remove()
        cache.remove()
    }

    private func entry(_ files: [String] = ["toy.svm"]) -> ProblemEntry {
        let metadata = ProblemMetadata(name: "TOY", family: "test", dimension: 4, classification: "OURX-RN-4-0", seed: 0)
        return ProblemEntry(metadata: metadata, sourceFile: "test.toml", requiredFiles: files) { _ in
            throw ProblemSuiteError.invalidRequest("loader reached")
        }
    }

    private func context(_ policy: ChecksumPolicy = .verify, cache: Bool = true) -> LoadContext {
        LoadContext(dataDirectory: data.path, cacheDirectory: cache ? self.cache.path : nil, checksums: policy)
    }

    /// Overwrites the file with `bytes` and sets its modification time to `fixedDate`.
    private func rewrite(_ bytes: [UInt8], name: String = "toy.svm") throws {
        try data.write(name, bytes: bytes)
        try FileManager.default.setAttributes([.modificationDate: fixedDate], ofItemAtPath: data.file(name))
    }

    func testVerifiedFileReturnsItsDigestAndIsCached() throws {
        let digests = try DataIntegrity.digests(of: entry(), context: context())
        XCTAssertEqual(digests, ["toy.svm": SHA256.hexDigest(of: Array(text.utf8))])
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path), .verified)
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "toy.svm", dataDirectory: data.path, cacheDirectory: nil), .unchecked)
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "nothing.svm", dataDirectory: data.path, cacheDirectory: cache.path), .missing)
        let lines = try String(contentsOfFile: cache.file(DataIntegrity.cacheFileName), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(lines[0].split(separator: "\t").count, 6)
        XCTAssertTrue(lines[0].hasPrefix(URL(fileURLWithPath: data.file("toy.svm")).standardizedFileURL.path + "\t"), String(lines[0]))
        // No cache directory: just hash.
        XCTAssertEqual(try DataIntegrity.digests(of: entry(), context: context(cache: false)), digests)
        // A generated problem needs nothing.
        XCTAssertEqual(try DataIntegrity.digests(of: entry([]), context: context()), [:])
    }

    func testCorruptedByteIsAMismatchNamingFileAndBothDigests() throws {
        var bytes = Array(text.utf8)
        bytes[3] ^= 0x01
        try data.write("toy.svm", bytes: bytes)
        let expected = SHA256.hexDigest(of: Array(text.utf8)), found = SHA256.hexDigest(of: bytes)
        XCTAssertThrowsError(try DataIntegrity.digests(of: entry(), context: context())) { error in
            guard case ProblemSuiteError.dataMismatch(let file, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, data.file("toy.svm"))
            XCTAssertTrue(reason.contains(expected) && reason.contains(found), reason)
            XCTAssertTrue(reason.contains("--allow-checksum-mismatch"), reason)
            XCTAssertTrue("\(error)".hasPrefix(data.file("toy.svm") + ": checksum mismatch"), "\(error)")
        }
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path), .mismatch)
        // loadVerified stops before the loader runs.
        XCTAssertThrowsError(try entry().loadVerified(context())) { error in
            guard case ProblemSuiteError.dataMismatch = error else { return XCTFail("\(error)") }
        }
        // Allowed: the digest of what is there, and the loader runs.
        XCTAssertEqual(try DataIntegrity.digests(of: entry(), context: context(.allowMismatch)), ["toy.svm": found])
        XCTAssertThrowsError(try entry().loadVerified(context(.allowMismatch))) { error in
            XCTAssertEqual(error as? ProblemSuiteError, .invalidRequest("loader reached"))
        }
    }

    func testMissingFileAndUnlistedFile() throws {
        XCTAssertThrowsError(try DataIntegrity.digests(of: entry(["gone.svm"]), context: context(.allowMismatch))) { error in
            guard case ProblemSuiteError.missingData(let problem, let file, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, "TOY")
            XCTAssertEqual(file, data.file("gone.svm"))
        }
        // Not in the manifest: hashed, returned, not checked.
        try data.write("extra.txt", text: "1\n")
        XCTAssertEqual(try DataIntegrity.digests(of: entry(["extra.txt"]), context: context()),
                       ["extra.txt": SHA256.hexDigest(of: Array("1\n".utf8))])
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "extra.txt", dataDirectory: data.path, cacheDirectory: cache.path), .unchecked)
    }

    func testCacheHitDoesNotRereadAndSizeOrTimeChangeInvalidates() throws {
        try rewrite(Array(text.utf8))
        let manifest = try DataManifest(path: manifestPath)
        var c = try DataIntegrity.check(file: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path, manifest: manifest)
        XCTAssertEqual(c.state, .verified)
        XCTAssertEqual(c.match, "sha256")
        XCTAssertFalse(c.cached)
        // Same size and modification time, other content: the cached verdict is used.
        var bytes = Array(text.utf8)
        bytes[3] ^= 0x01
        try rewrite(bytes)
        c = try DataIntegrity.check(file: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path, manifest: manifest)
        XCTAssertEqual(c.state, .verified)
        XCTAssertTrue(c.cached)
        XCTAssertNoThrow(try DataIntegrity.digests(of: entry(), context: context()))
        // rehash (data verify) sees the change.
        c = try DataIntegrity.check(file: "toy.svm", entry: manifest.entry(forPath: "toy.svm")!.file, dataDirectory: data.path,
                                    cacheDirectory: cache.path, rehash: true)
        XCTAssertEqual(c.state, .mismatch)
        try rewrite(Array(text.utf8))
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path), .mismatch)
        // A new modification time invalidates the line.
        try FileManager.default.setAttributes([.modificationDate: fixedDate.addingTimeInterval(1)], ofItemAtPath: data.file("toy.svm"))
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path), .unchecked)
        XCTAssertNoThrow(try DataIntegrity.digests(of: entry(), context: context()))
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path), .verified)
        // A new size invalidates it (the time restored).
        try rewrite(Array(text.utf8) + [0x0a])
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path), .unchecked)
        XCTAssertThrowsError(try DataIntegrity.digests(of: entry(), context: context()))
    }

    func testCorruptCacheLinesAreIgnoredAndDropped() throws {
        try rewrite(Array(text.utf8))
        let absolute = URL(fileURLWithPath: data.file("toy.svm")).standardizedFileURL.path
        let size = text.utf8.count, ns = Int64(fixedDate.timeIntervalSince1970) * 1_000_000_000
        let manifest = try DataManifest(path: manifestPath)
        let expectation = DataIntegrity.expectation(of: manifest.entry(forPath: "toy.svm")!.file)
        // Well-formed but lying lines would be trusted; malformed ones must not be.
        let bad = [
            "\(absolute)\t\(size)\t\(ns)\t\(String(repeating: "a", count: 63))\tverified\t\(expectation)",   // short digest
            "\(absolute)\t\(size)\t\(ns)\t\(String(repeating: "a", count: 64))\tVERIFIED\t\(expectation)",   // unknown verdict
            "\(absolute)\tbig\t\(ns)\t\(String(repeating: "a", count: 64))\tverified\t\(expectation)",       // size
            "\(absolute)\t\(size)\t\(ns)\t\(String(repeating: "a", count: 64))\tverified",                   // truncated
            "garbage",
        ]
        try cache.write(DataIntegrity.cacheFileName, text: bad.joined(separator: "\n") + "\n")
        XCTAssertEqual(DataIntegrity.cachedState(ofFile: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path), .unchecked)
        let c = try DataIntegrity.check(file: "toy.svm", dataDirectory: data.path, cacheDirectory: cache.path, manifest: manifest)
        XCTAssertFalse(c.cached)
        XCTAssertEqual(c.sha256, SHA256.hexDigest(of: Array(text.utf8)))
        let lines = try String(contentsOfFile: cache.file(DataIntegrity.cacheFileName), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines, ["\(absolute)\t\(size)\t\(ns)\t\(c.sha256!)\tverified\t\(expectation)"])
        // A verdict made against another manifest entry is not used.
        var other = manifest.entry(forPath: "toy.svm")!.file
        other.sha256 = String(repeating: "0", count: 64)
        let d = try DataIntegrity.check(file: "toy.svm", entry: other, dataDirectory: data.path, cacheDirectory: cache.path)
        XCTAssertFalse(d.cached)
        XCTAssertEqual(d.state, .mismatch)
    }

    func testConcurrentWritersLeaveAWellFormedCache() throws {
        let names = (0..<16).map { "f\($0).txt" }
        for (i, n) in names.enumerated() { try data.write(n, text: String(repeating: "x", count: i + 1)) }
        let dir = data.path, cacheDir = cache.path
        DispatchQueue.concurrentPerform(iterations: names.count * 4) { k in
            _ = try? DataIntegrity.check(file: names[k % names.count], dataDirectory: dir, cacheDirectory: cacheDir, manifest: nil)
        }
        let lines = try String(contentsOfFile: cache.file(DataIntegrity.cacheFileName), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, names.count)
        for line in lines { XCTAssertNotNil(DataIntegrity.parse(line), String(line)) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }
}
