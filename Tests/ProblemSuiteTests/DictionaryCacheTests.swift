import Foundation
import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

/// The K-SVD dictionary cache: hit after build, and rebuild (never use) on a corrupt,
/// truncated or stale file, on a parameter change and on a data change.
final class DictionaryCacheTests: XCTestCase {
    var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory(prefix: "dictionary-cache-test") }
    override func tearDown() { dir.remove() }

    /// A gzipped IDX image file of `count` random 6×6 images.
    func writeImages(count: Int = 40, seed: UInt64 = 1, name: String = "data/train.gz") throws {
        var rng = SuiteRandom(seed: seed, stream: "cache-test/images")
        var bytes: [UInt8] = [0, 0, 8, 3]
        for d in [count, 6, 6] { bytes += [0, 0, UInt8(d >> 8), UInt8(d & 0xff)] }
        for _ in 0..<(count * 36) { bytes.append(UInt8(rng.nextInt(below: 256))) }
        try dir.write(name, bytes: try GzipWriter.compress(bytes))
    }

    func spec(iterations: Int = 2) -> DictionarySpec {
        DictionarySpec(trainingFile: "train.gz", trainingCount: 30,
                       ksvd: KSVDOptions(atoms: 8, sparsity: 2, iterations: iterations, seed: 5))
    }

    var data: String { dir.file("data") }
    var cache: String { dir.file("cache") }

    func testBuildThenHit() throws {
        try writeImages()
        let first = try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: cache)
        XCTAssertEqual(first.status, .built(reason: "not cached"))
        XCTAssertEqual(first.dictionary.count, 8 * 36)
        XCTAssertEqual(first.header.reports.count, 2)
        let path = try XCTUnwrap(first.path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        let second = try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: cache)
        XCTAssertEqual(second.status, .hit)
        XCTAssertEqual(second.dictionary.map(\.bitPattern), first.dictionary.map(\.bitPattern))
        XCTAssertEqual(second.header, first.header)
        // Without a cache directory nothing is stored, and the result is the same.
        let uncached = try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: nil)
        XCTAssertEqual(uncached.status, .built(reason: "no cache directory"))
        XCTAssertEqual(uncached.dictionary.map(\.bitPattern), first.dictionary.map(\.bitPattern))
    }

    func rebuildReason(after damage: (String) throws -> Void) throws -> String {
        try writeImages()
        let first = try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: cache)
        let path = try XCTUnwrap(first.path)
        try damage(path)
        let again = try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: cache)
        XCTAssertEqual(again.dictionary.map(\.bitPattern), first.dictionary.map(\.bitPattern), "rebuilt dictionary differs")
        // The file was replaced by a valid one.
        XCTAssertEqual(try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: cache).status, .hit)
        guard case .built(let reason) = again.status else {
            XCTFail("a damaged cache file was used")
            return ""
        }
        return reason
    }

    func testFlippedPayloadByteIsDetected() throws {
        let reason = try rebuildReason { path in
            var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
            bytes[bytes.count - 3] ^= 0x10
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        XCTAssertTrue(reason.contains("checksum mismatch"), reason)
    }

    func testTruncatedFileIsDetected() throws {
        let reason = try rebuildReason { path in
            let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
            try Data(bytes.dropLast(8)).write(to: URL(fileURLWithPath: path))
        }
        XCTAssertTrue(reason.contains("corrupt"), reason)
    }

    func testGarbageFileIsDetected() throws {
        let reason = try rebuildReason { path in
            try Data("not a dictionary".utf8).write(to: URL(fileURLWithPath: path))
        }
        XCTAssertTrue(reason.contains("bad magic"), reason)
    }

    func testStaleFileIsDetected() throws {
        // A valid file for other parameters, put where this key's file belongs.
        try writeImages()
        let other = try DictionaryCache.dictionary(spec(iterations: 1), dataDirectory: data, cacheDirectory: cache)
        let reason = try rebuildReason { path in
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: other.path!, toPath: path)
        }
        XCTAssertTrue(reason.contains("stale"), reason)
    }

    func testParametersAndDataChangeTheKey() throws {
        try writeImages()
        let first = try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: cache)
        let more = try DictionaryCache.dictionary(spec(iterations: 3), dataDirectory: data, cacheDirectory: cache)
        XCTAssertEqual(more.status, .built(reason: "not cached"))
        XCTAssertNotEqual(more.path, first.path)
        try writeImages(seed: 2)  // new data under the same file name
        let newData = try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: cache)
        XCTAssertEqual(newData.status, .built(reason: "not cached"))
        XCTAssertNotEqual(newData.header.dataChecksum, first.header.dataChecksum)
        XCTAssertNotEqual(newData.dictionary, first.dictionary)
    }

    func testMissingTrainingFileIsReported() {
        XCTAssertThrowsError(try DictionaryCache.dictionary(spec(), dataDirectory: data, cacheDirectory: cache)) { error in
            XCTAssertTrue("\(error)".contains("train.gz"), "\(error)")
        }
    }
}
