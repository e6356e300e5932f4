import XCTest
import Foundation
@testable import ProblemSuite
import ProblemSuiteTestSupport

/// The zip reader and the `.Z` decoder `data fetch` unpacks official downloads with.
final class ContainerReaderTests: XCTestCase {
    private func text(_ n: Int, seed: UInt64 = 7) -> [UInt8] {
        var rng = SuiteRandom(seed: seed)
        let words = ["musk", "conformation", "-198", "42", ",", "0.", "\n", "reged", " ", "1"]
        var out: [UInt8] = []
        while out.count < n { out += Array(words[rng.nextInt(below: words.count)].utf8) }
        return Array(out.prefix(n))
    }

    private func message(_ error: Error) -> String { "\(error)" }

    // MARK: Zip

    func testZipEntriesStoredAndDeflatedRoundTrip() throws {
        let a = text(5000), b = Array("-1\n1\n".utf8)
        let zip = try ArchiveFixtures.zip([.init(name: "REGED/reged0_train.data", bytes: a),
                                           .init(name: "REGED/reged0_train.targets", bytes: b, deflate: false),
                                           .init(name: "empty.txt", bytes: [])])
        XCTAssertTrue(ZipArchive.isZip(zip))
        let archive = try ZipArchive(bytes: zip, file: "fixture.zip")
        XCTAssertEqual(archive.entries.map(\.name), ["REGED/reged0_train.data", "REGED/reged0_train.targets", "empty.txt"])
        XCTAssertEqual(archive.entries.map(\.method), [8, 0, 8])
        // Found by whole name or by last path component.
        XCTAssertEqual(try archive.extract(archive.entry(named: "reged0_train.data")), a)
        XCTAssertEqual(try archive.extract(archive.entry(named: "REGED/reged0_train.targets")), b)
        XCTAssertEqual(try archive.extract(archive.entry(named: "empty.txt")), [])
        XCTAssertThrowsError(try archive.entry(named: "clean1.data.Z")) {
            XCTAssertTrue(self.message($0).contains("fixture.zip") && self.message($0).contains("no entry 'clean1.data.Z'")
                          && self.message($0).contains("REGED/reged0_train.data"), self.message($0))
        }
        let twice = try ZipArchive(bytes: try ArchiveFixtures.zip([.init(name: "a/x", bytes: [1]), .init(name: "b/x", bytes: [2])]),
                                   file: "two.zip")
        XCTAssertThrowsError(try twice.entry(named: "x")) { XCTAssertTrue(self.message($0).contains("2 entries named 'x'"), self.message($0)) }
    }

    func testBrokenZipsGiveClearErrorsNamingTheFile() throws {
        let payload = text(20_000)
        let zip = try ArchiveFixtures.zip([.init(name: "data.txt", bytes: payload)])
        // Truncated: the end record is gone.
        for cut in [zip.count / 2, zip.count - 1, 10] {
            XCTAssertThrowsError(try ZipArchive(bytes: Array(zip.prefix(cut)), file: "cut.zip")) {
                XCTAssertTrue(self.message($0).hasPrefix("cut.zip: not a readable zip archive"), self.message($0))
            }
        }
        XCTAssertThrowsError(try ZipArchive(bytes: Array("hello, not a zip at all, just some text".utf8), file: "text.zip")) {
            XCTAssertTrue(self.message($0).contains("no end-of-central-directory record"), self.message($0))
        }
        // Bad CRC: one byte of a stored entry changed.
        var stored = try ArchiveFixtures.zip([.init(name: "data.txt", bytes: payload, deflate: false)])
        stored[30 + 8 + 100] ^= 0x01
        let bad = try ZipArchive(bytes: stored, file: "crc.zip")
        XCTAssertThrowsError(try bad.extract(bad.entries[0])) {
            XCTAssertTrue(self.message($0).contains("crc.zip: entry 'data.txt': CRC-32 mismatch"), self.message($0))
        }
        // Corrupt deflate stream: bytes in the middle of the compressed data garbled.
        var garbled = zip
        for i in 60..<90 { garbled[i] = 0xff }
        let g = try ZipArchive(bytes: garbled, file: "garbled.zip")
        XCTAssertThrowsError(try g.extract(g.entries[0])) {
            XCTAssertTrue(self.message($0).hasPrefix("garbled.zip: entry 'data.txt': "), self.message($0))
        }
        // Oversize: the declared size is over the bound, refused before inflating.
        let archive = try ZipArchive(bytes: zip, file: "big.zip")
        XCTAssertThrowsError(try archive.extract(archive.entries[0], maximumBytes: 1000)) {
            XCTAssertTrue(self.message($0).contains("declares 20000 bytes, more than the limit of 1000"), self.message($0))
        }
        // A declared size smaller than the stream (a zip bomb's lie) is caught while inflating.
        var lying = zip
        let cd = (0..<4).reduce(0) { $0 | Int(zip[zip.count - 6 + $1]) << (8 * $1) }   // the end record's directory offset
        lying[cd + 24] = 0x10; lying[cd + 25] = 0; lying[cd + 26] = 0; lying[cd + 27] = 0   // 16 bytes
        let l = try ZipArchive(bytes: lying, file: "lying.zip")
        XCTAssertThrowsError(try l.extract(l.entries[0])) {
            XCTAssertTrue(self.message($0).contains("inflates to more than its declared 16 bytes"), self.message($0))
        }
        // The data cut off inside the archive: the local data run past the end.
        let short = try ZipArchive(bytes: zip, file: "short.zip")
        var entry = short.entries[0]
        entry.compressedSize += zip.count
        XCTAssertThrowsError(try short.extract(entry)) {
            XCTAssertTrue(self.message($0).contains("run past the end of the archive"), self.message($0))
        }
    }

    // MARK: Unix compress (.Z)

    func testUnixCompressRoundTripsAcrossWidthsAndClears() throws {
        var rng = SuiteRandom(seed: 3)
        let random = (0..<60_000).map { _ in UInt8(rng.nextInt(below: 256)) }
        let cases: [([UInt8], Int)] = [
            ([], 16), ([65], 16), (Array("abababababababababab".utf8), 16),   // KwKwK codes
            (text(300_000), 16), (text(100_000), 12), (random, 10), (random, 9), (text(50_000), 9),
        ]
        for (input, bits) in cases {
            let z = ArchiveFixtures.unixCompress(input, maxBits: bits)
            XCTAssertTrue(UnixCompress.isCompressed(z))
            XCTAssertEqual(try UnixCompress.decompress(z, file: "t.Z"), input, "\(input.count) bytes, \(bits) bits")
        }
    }

    /// The fixture encoder against an independent decoder (`gzip -d` reads `.Z`), so
    /// that encoder and decoder do not share a mistake.
    func testFixtureEncoderAgreesWithGzip() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip") else { throw XCTSkip("no /usr/bin/gzip") }
        let dir = try TemporaryDirectory(prefix: "lzw")
        defer { dir.remove() }
        var rng = SuiteRandom(seed: 5)
        let random = (0..<40_000).map { _ in UInt8(rng.nextInt(below: 256)) }
        for (k, (input, bits)) in [(text(400_000), 16), (random, 10), (text(30_000), 9)].enumerated() {
            let path = try dir.write("f\(k).Z", bytes: ArchiveFixtures.unixCompress(input, maxBits: bits))
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
            p.arguments = ["-dc", path]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            XCTAssertEqual([UInt8](data), input, "case \(k)")
        }
    }

    func testGarbageAndBoundsInUnixCompressData() throws {
        let good = ArchiveFixtures.unixCompress(text(10_000))
        XCTAssertEqual(try UnixCompress.decompress(good, file: "g.Z").count, 10_000)
        // Garbage codes after a good header.
        var rng = SuiteRandom(seed: 9)
        var failures = 0
        for _ in 0..<20 {
            let garbage = [0x1f, 0x9d, 0x90] + (0..<2000).map { _ in UInt8(rng.nextInt(below: 256)) }
            do { _ = try UnixCompress.decompress(garbage, file: "garbage.Z") } catch {
                failures += 1
                XCTAssertTrue(message(error).hasPrefix("garbage.Z: corrupt .Z (compress) data: "), message(error))
            }
        }
        XCTAssertEqual(failures, 20, "random codes soon point beyond the table")
        for (bytes, what) in [([0x1f, 0x9d] as [UInt8], "no 1f 9d header"), ([0x1f, 0x9d, 0x88], "out of range"),
                              ([0x1f, 0x9d, 0xf0], "reserved flag bits"), ([0x1f, 0x8b, 0x08], "no 1f 9d header")] {
            XCTAssertThrowsError(try UnixCompress.decompress(bytes, file: "h.Z")) {
                XCTAssertTrue(self.message($0).contains(what), self.message($0))
            }
        }
        // The first code must be a byte: 9 bits of 0x1ff.
        XCTAssertThrowsError(try UnixCompress.decompress([0x1f, 0x9d, 0x90, 0xff, 0x01], file: "first.Z")) {
            XCTAssertTrue(self.message($0).contains("the first code is 511"), self.message($0))
        }
        // The output bound.
        let big = ArchiveFixtures.unixCompress([UInt8](repeating: 0x41, count: 100_000))
        XCTAssertThrowsError(try UnixCompress.decompress(big, file: "bomb.Z", maximumBytes: 50_000)) {
            XCTAssertTrue(self.message($0).contains("more than 50000 bytes"), self.message($0))
        }
        // Truncated data: a prefix decodes to a prefix (compress has no length or check
        // field), never to other bytes; the result's checksum is what catches it.
        let cut = try UnixCompress.decompress(Array(good.prefix(good.count / 2)), file: "cut.Z")
        XCTAssertLessThan(cut.count, 10_000)
        XCTAssertEqual(cut, Array(text(10_000).prefix(cut.count)))
    }
}
