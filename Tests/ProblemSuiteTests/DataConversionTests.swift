import XCTest
import Foundation
@testable import ProblemSuite
import ProblemSuiteTestSupport

/// The conversions of official REGED and Musk files to LIBSVM text, and their manifest entries.
final class DataConversionTests: XCTestCase {
    private func input(_ text: String, _ name: String) -> DataConversion.Input { .init(bytes: Array(text.utf8), name: name) }
    private func convert(_ c: DataConversion, _ inputs: [String: DataConversion.Input]) throws -> String {
        String(decoding: try c.convert(inputs), as: UTF8.self)
    }

    func testRegedConversionWritesNonzeroColumnsWithTargets() throws {
        // The official layout: a space after every value; CRLF and a missing final newline accepted.
        let data = "206 0 85 \n0 0 0 \r\n12 999 -0 \n"
        let targets = "-1\n1\n-1"
        XCTAssertEqual(try convert(.regedLibSVM, ["data": input(data, "d"), "targets": input(targets, "t")]),
                       "-1 1:206 3:85\n+1\n-1 1:12 2:999\n")
    }

    func testMuskConversionDropsNamesAndMapsTheClass() throws {
        let data = "\nMUSK-188,188_1+1,42,-198,0,11,1.\nNON-MUSK-j146,j146_2+1, 0 ,5,-7,0,0.\n"
        XCTAssertEqual(try convert(.muskLibSVM, ["data": input(data, "clean1.data")]),
                       "+1 1:42 2:-198 4:11\n-1 2:5 3:-7\n")
    }

    func testBrokenOfficialFilesNameFileAndLine() throws {
        func fails(_ c: DataConversion, _ inputs: [String: DataConversion.Input], _ expected: String,
                   file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try c.convert(inputs), file: file, line: line) {
                XCTAssertTrue("\($0)".contains(expected), "\($0)", file: file, line: line)
            }
        }
        let targets = input("-1\n1\n", "reged0_train.targets")
        fails(.regedLibSVM, ["data": input("1 2 \n3 x \n", "reged0_train.data"), "targets": targets],
              "reged0_train.data:2: value 2 'x' is not an integer")
        fails(.regedLibSVM, ["data": input("1 2 \n3 \n", "reged0_train.data"), "targets": targets],
              "reged0_train.data:2: 1 values, but the first row has 2")
        fails(.regedLibSVM, ["data": input("1 2 \n", "reged0_train.data"), "targets": targets],
              "1 data rows, but reged0_train.targets has 2 labels")
        fails(.regedLibSVM, ["data": input("1 2 \n3 4 \n5 6 \n", "reged0_train.data"), "targets": targets],
              "reged0_train.data:3: more data rows than the 2 labels")
        fails(.regedLibSVM, ["data": input("1 2 \n3 4 \n", "reged0_train.data"), "targets": input("-1\n2\n", "t")],
              "t:2: label '2' is not -1 or 1")
        fails(.regedLibSVM, ["data": input("1 2 \n", "d")], "needs the official 'targets' file")
        fails(.regedLibSVM, ["data": input("1 12345678901234567890 \n", "d"), "targets": input("1\n", "t")],
              "d:1: value 2 '12345678901234567890' is not an integer")
        fails(.muskLibSVM, ["data": input("a,b,1,2,1.\na,b,1,2,3,0.\n", "clean1.data")],
              "clean1.data:2: 6 fields, but the first row has 5")
        fails(.muskLibSVM, ["data": input("a,b,1,2,musk\n", "clean1.data")], "clean1.data:1: class 'musk' is not 1")
        fails(.muskLibSVM, ["data": input("a,b,1\n", "clean1.data")], "clean1.data:1: 3 comma-separated fields")
        fails(.muskLibSVM, ["data": input("\n\n", "clean1.data")], "clean1.data: no data rows")
    }

    /// The conversions rebuild the shipped files byte for byte: official layouts
    /// reconstructed from the shipped LIBSVM text (the inverse of each conversion), then
    /// converted and compressed as `data fetch` does, give the manifest's sha256.
    func testConversionsRebuildTheShippedFilesExactly() throws {
        guard let data = testDataDirectory(containing: "reged0.gz", "molecule.gz") else {
            throw XCTSkip("no shared data directory with reged0.gz and molecule.gz")
        }
        let manifest = try DataManifest(path: SuitePaths.shippedManifestPath)
        for (name, conversion, columns) in [("reged0", DataConversion.regedLibSVM, 999), ("molecule", .muskLibSVM, 166)] {
            let entry = try XCTUnwrap(manifest.entry(forPath: "\(name).gz")?.file)
            XCTAssertEqual(entry.conversion, conversion)
            let text = String(decoding: try GzipReader.readAll(path: data + "/\(name).gz"), as: UTF8.self)
            var inputs: [String: DataConversion.Input] = [:]
            if conversion == .regedLibSVM {
                let (d, t) = ArchiveFixtures.regedOfficialFiles(fromLIBSVM: text, columns: columns)
                inputs = ["data": .init(bytes: d, name: "d"), "targets": .init(bytes: t, name: "t")]
            } else {
                inputs = ["data": .init(bytes: ArchiveFixtures.muskOfficialFile(fromLIBSVM: text, columns: columns), name: "d")]
            }
            let converted = try conversion.convert(inputs)
            XCTAssertEqual(entry.contentSHA256, [SHA256.hexDigest(of: converted)], name)
            XCTAssertEqual(SHA256.hexDigest(of: try GzipWriter.compress(converted, level: 9, memoryLevel: 9)), entry.sha256,
                           "\(name): zlib level 9, memLevel 9 is gzip -9 -n")
        }
    }

    /// What `data fetch` takes from a download: a zip's only file (or the named member),
    /// with `.Z` and gzip layers removed; a plain file as it is.
    func testFetcherUnpacksTheContainersAsServed() throws {
        let dir = try TemporaryDirectory(prefix: "unpack")
        defer { dir.remove() }
        let text = Array("a,b,1,2,1.\n".utf8)
        func source(_ member: String?) -> DataManifest.Source { .init(role: "data", url: "http://h/x", member: member, sha256: nil) }
        func unpack(_ bytes: [UInt8], _ member: String? = nil) throws -> ([UInt8], String) {
            try DataFetcher.unpack(path: try dir.write("download", bytes: bytes), source: source(member), work: dir.path)
        }
        XCTAssertEqual(try unpack(text).0, text)
        XCTAssertEqual(try unpack(try GzipWriter.compress(text)).0, text)
        XCTAssertEqual(try unpack(ArchiveFixtures.unixCompress(text)).0, text)
        let one = try ArchiveFixtures.zip([.init(name: "d/", bytes: [], deflate: false),
                                           .init(name: "d/clean1.data.gz", bytes: try GzipWriter.compress(text))])
        let (bytes, label) = try unpack(one)
        XCTAssertEqual(bytes, text)
        XCTAssertEqual(label, "http://h/x (d/clean1.data.gz)")
        let two = try ArchiveFixtures.zip([.init(name: "a", bytes: text), .init(name: "b", bytes: text)])
        XCTAssertEqual(try unpack(two, "b").0, text)
        XCTAssertThrowsError(try unpack(two)) { XCTAssertTrue("\($0)".contains("holds 2 files; the manifest's source needs member"), "\($0)") }
        XCTAssertThrowsError(try unpack(text, "a")) {
            XCTAssertTrue("\($0)".contains("http://h/x: expected a zip archive holding 'a'"), "\($0)")
        }
        var badGzip = try GzipWriter.compress(text)
        badGzip[badGzip.count - 6] ^= 0xff   // the CRC
        XCTAssertThrowsError(try unpack(badGzip)) { XCTAssertTrue("\($0)".hasPrefix("http://h/x: "), "\($0)") }
    }

    func testManifestConversionEntriesAreValidated() throws {
        func manifest(_ file: String) throws -> DataManifest {
            try DataManifest(values: TOMLReading.parse("""
            [[dataset]]
            name = "toy"
            task = "binary-classification"
            page = "http://example.org/"
            citation = "none"
            [[dataset.file]]
            path = "toy.gz"
            url = "http://example.org/"
            sha256 = "\(String(repeating: "a", count: 64))"
            format = "libsvm"
            rows = 2
            columns = 2
            \(file)
            """, file: "m.toml"), file: "m.toml")
        }
        let ok = try manifest("""
        convert = "reged-libsvm"
        [[dataset.file.source]]
        role = "data"
        url = "http://example.org/x.zip"
        member = "x.data"
        sha256 = "\(String(repeating: "B", count: 64))"
        [[dataset.file.source]]
        role = "targets"
        url = "http://example.org/x.zip"
        """)
        let file = ok.dataSets[0].files[0]
        XCTAssertEqual(file.conversion, .regedLibSVM)
        XCTAssertTrue(file.fetchable)
        XCTAssertEqual(file.sources.map(\.role), ["data", "targets"])
        XCTAssertEqual(file.sources[0].sha256, String(repeating: "b", count: 64))
        XCTAssertNil(file.sources[1].member)
        for (text, expected) in [
            ("convert = \"bzip\"", "unknown conversion (known: reged-libsvm, musk-libsvm)"),
            ("convert = \"musk-libsvm\"", "needs a [[dataset.file.source]] with role = \"data\""),
            ("convert = \"musk-libsvm\"\n[[dataset.file.source]]\nrole = \"data\"\nurl = \"u\"\n[[dataset.file.source]]\nrole = \"targets\"\nurl = \"u\"",
             "role \"targets\" is not read by musk-libsvm"),
            ("[[dataset.file.source]]\nrole = \"data\"\nurl = \"u\"", "sources need a conversion"),
            ("convert = \"musk-libsvm\"\nfetch = false\n[[dataset.file.source]]\nrole = \"data\"\nurl = \"u\"", "contradicts convert"),
            ("convert = \"musk-libsvm\"\n[[dataset.file.source]]\nrole = \"data\"\nurl = \"u\"\nsha256 = \"12\"", "64 hexadecimal digits"),
            ("convert = \"musk-libsvm\"\n[[dataset.file.source]]\nrole = \"data\"\nurl = \"u\"\nmd5 = \"12\"", "md5"),
        ] {
            XCTAssertThrowsError(try manifest(text), text) { XCTAssertTrue("\($0)".contains(expected), "\($0)") }
        }
    }
}
