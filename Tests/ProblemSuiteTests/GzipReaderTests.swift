import XCTest
@testable import ProblemSuite
import ProblemSuiteTestSupport

final class GzipReaderTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory(prefix: "gzip") }
    override func tearDown() { dir.remove() }

    /// Bytes that compress unevenly (text with a pseudo-random tail), `count` long.
    private func sample(_ count: Int) -> [UInt8] {
        var rng = SuiteRandom(seed: 7)
        return (0..<count).map { i in i % 3 == 0 ? UInt8(rng.nextInt(below: 256)) : UInt8(65 + i % 26) }
    }

    private func readAll(_ path: String, bufferSize: Int, chunk: Int) throws -> [UInt8] {
        let reader = try GzipReader(path: path, bufferSize: bufferSize)
        var out: [UInt8] = []
        try reader.forEachChunk(chunkSize: chunk) { out.append(contentsOf: $0) }
        return out
    }

    func testPlainAndGzipGiveTheSameBytes() throws {
        let bytes = sample(300_000)
        let plain = try dir.write("plain.txt", bytes: bytes)
        let gz = try dir.write("data.gz", bytes: try GzipWriter.compress(bytes))
        XCTAssertFalse(try GzipReader.isGzip(path: plain))
        XCTAssertTrue(try GzipReader.isGzip(path: gz))
        // Tiny and large buffers, so chunk boundaries fall everywhere.
        for (buffer, chunk) in [(64, 7), (1000, 4096), (1 << 20, 1 << 20)] {
            XCTAssertEqual(try readAll(plain, bufferSize: buffer, chunk: chunk), bytes)
            XCTAssertEqual(try readAll(gz, bufferSize: buffer, chunk: chunk), bytes)
        }
    }

    func testSmallAndEmptyFiles() throws {
        for bytes: [UInt8] in [[], [0x1f], [0x1f, 0x8a, 1], Array("a".utf8)] {
            let path = try dir.write("small", bytes: bytes)
            XCTAssertEqual(try GzipReader.readAll(path: path), bytes)
        }
        let emptyGz = try dir.write("empty.gz", bytes: try GzipWriter.compress([]))
        XCTAssertEqual(try GzipReader.readAll(path: emptyGz), [])
    }

    func testMultiMemberGzipIsConcatenated() throws {
        let a = sample(5000), b = Array("second member\n".utf8), c = sample(77)
        let joined = try GzipWriter.compress(a) + GzipWriter.compress(b) + GzipWriter.compress(c, level: 1)
        let path = try dir.write("multi.gz", bytes: joined)
        XCTAssertEqual(try readAll(path, bufferSize: 64, chunk: 100), a + b + c)
        XCTAssertEqual(try GzipReader.readAll(path: path), a + b + c)
    }

    func testSystemGzipOutputIsRead() throws {
        let gzip = "/usr/bin/gzip"
        guard FileManager.default.isExecutableFile(atPath: gzip) else { throw XCTSkip("no gzip") }
        let bytes = sample(10_000)
        let path = try dir.write("sys", bytes: bytes)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: gzip)
        p.arguments = ["-9", "-n", path]
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(try GzipReader.readAll(path: path + ".gz"), bytes)
    }

    private func assertMalformed(_ path: String, containing text: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try readAll(path, bufferSize: 256, chunk: 1000), file: file, line: line) { error in
            guard case let ProblemSuiteError.malformedFile(f, _, _, reason) = error else {
                return XCTFail("unexpected error \(error)", file: file, line: line)
            }
            XCTAssertEqual(f, path, file: file, line: line)
            XCTAssertTrue(reason.contains(text), "reason: \(reason)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(path), file: file, line: line)
        }
    }

    func testTruncatedGzipIsAnErrorNamingTheFile() throws {
        let full = try GzipWriter.compress(sample(50_000))
        for cut in [3, 10, full.count / 2, full.count - 4, full.count - 1] {
            let path = try dir.write("cut\(cut).gz", bytes: Array(full.prefix(cut)))
            assertMalformed(path, containing: "truncated gzip")
        }
        let half = try dir.write("half.gz", bytes: Array(full.prefix(full.count / 2)))
        assertMalformed(half, containing: "truncated")
    }

    func testCorruptGzipIsAnErrorNamingTheFile() throws {
        let bytes = sample(20_000)
        var gz = try GzipWriter.compress(bytes)
        // A flipped CRC byte (trailer): the data inflate but the check fails.
        var badCRC = gz
        badCRC[badCRC.count - 6] ^= 0xff
        assertMalformed(try dir.write("crc.gz", bytes: badCRC), containing: "corrupt")
        // A bad compression method in the header.
        var badHeader = gz
        badHeader[2] = 7
        assertMalformed(try dir.write("header.gz", bytes: badHeader), containing: "corrupt")
        // Garbage after the last member.
        gz += Array("trailing junk".utf8)
        assertMalformed(try dir.write("junk.gz", bytes: gz), containing: "trailing")
    }

    func testMissingFileIsAnError() {
        let path = dir.file("nope.gz")
        XCTAssertThrowsError(try GzipReader(path: path)) { error in
            XCTAssertTrue("\(error)".contains(path))
            XCTAssertTrue("\(error)".contains("cannot be opened"))
        }
    }

    func testReadExactlyAndAtEnd() throws {
        let path = try dir.write("x.gz", bytes: try GzipWriter.compress(Array(0..<10)))
        let reader = try GzipReader(path: path)
        XCTAssertEqual(try reader.readExactly(4), [0, 1, 2, 3])
        XCTAssertFalse(try reader.atEnd())
        XCTAssertEqual(try reader.readExactly(6), [4, 5, 6, 7, 8, 9])
        XCTAssertTrue(try reader.atEnd())
        XCTAssertThrowsError(try reader.readExactly(1, what: "more")) { error in
            XCTAssertTrue("\(error)".contains("unexpected end of data"))
        }
    }
}
