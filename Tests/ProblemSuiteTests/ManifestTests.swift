import XCTest
@testable import ProblemSuite
import ProblemSuiteTestSupport

final class ManifestTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory(prefix: "manifest") }
    override func tearDown() { dir.remove() }

    // MARK: SHA-256

    func testSHA256KnownVectors() {
        // FIPS 180-4 / NIST example vectors.
        XCTAssertEqual(SHA256.hexDigest(of: []), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hexDigest(of: Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hexDigest(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hexDigest(of: Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8)),
                       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        XCTAssertEqual(SHA256.hexDigest(of: [UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testSHA256StreamingEqualsOneShotAtEveryLengthAndSplit() throws {
        var rng = SuiteRandom(seed: 1)
        let bytes = (0..<300).map { _ in UInt8(rng.nextInt(below: 256)) }
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300] {
            let message = Array(bytes.prefix(length))
            let whole = SHA256.hexDigest(of: message)
            for split in [0, 1, length / 3, length] where split <= length {
                var h = SHA256()
                h.update(Array(message[..<split]))
                h.update(Array(message[split...]))
                XCTAssertEqual(h.hexDigest(), whole, "length \(length) split \(split)")
            }
        }
        let path = try dir.write("f.bin", bytes: bytes)
        XCTAssertEqual(try SHA256.hexDigest(ofFile: path), SHA256.hexDigest(of: bytes))
        XCTAssertThrowsError(try SHA256.hexDigest(ofFile: dir.file("none")))
    }

    // MARK: Manifest

    func testRepositoryManifestDescribesEveryDataSet() throws {
        let manifest = try DataManifest.standard()
        XCTAssertEqual(Set(manifest.dataSets.map(\.name)), ["a9a", "w8a", "reged0", "molecule", "mnist", "gisette"])
        for set in manifest.dataSets {
            XCTAssertFalse(set.citation.isEmpty)
            XCTAssertTrue(set.page.hasPrefix("http"))
            for f in set.files {
                XCTAssertEqual(f.sha256.count, 64)
                XCTAssertTrue(f.url.hasPrefix("http"))
                XCTAssertNotEqual(f.shapeDescription, "-", f.path)
            }
        }
        let gisette = try manifest.dataSet(named: "GISETTE")
        XCTAssertNotNil(gisette.note)
        XCTAssertTrue(manifest.obtainHint(forPath: "gisette/gisette_train.data").contains("data fetch gisette"))
        // REGED0 and MOLECULE are built from their official files by `data fetch`.
        for (path, name) in [("reged0.gz", "reged0"), ("molecule.gz", "molecule")] {
            XCTAssertTrue(manifest.obtainHint(forPath: path).contains("data fetch \(name)"), manifest.obtainHint(forPath: path))
            let file = try XCTUnwrap(manifest.entry(forPath: path)?.file)
            XCTAssertNotNil(file.conversion, path)
            XCTAssertEqual(file.contentSHA256.count, 1, path)
            XCTAssertTrue(!file.sources.isEmpty && file.sources.allSatisfy { $0.url.hasPrefix("http") }, path)
        }
        // Every problem file path of the classification family is in the manifest.
        let catalogue = try Catalogue.standard()
        for e in catalogue.entries { for f in e.requiredFiles { XCTAssertNotNil(manifest.entry(forPath: f), f) } }
        XCTAssertThrowsError(try manifest.dataSet(named: "a9")) { XCTAssertTrue("\($0)".contains("a9a"), "\($0)") }
    }

    private func manifestText(path: String = "x.gz", url: String = "http://h/x", sha: String, extra: String = "") -> String {
        """
        [[dataset]]
        name = "toy"
        task = "binary-classification"
        page = "http://h/"
        citation = "nobody"
        [[dataset.file]]
        path = "\(path)"
        url = "\(url)"
        sha256 = "\(sha)"
        format = "libsvm"
        rows = 3
        columns = 4
        \(extra)
        """
    }

    private func manifest(_ text: String) throws -> DataManifest {
        try DataManifest(path: try dir.write("m\(text.hashValue).toml", text: text))
    }

    func testMalformedManifestsAreErrorsNamingTheKey() {
        let sha = String(repeating: "a", count: 64)
        let cases: [(String, String)] = [
            (manifestText(sha: "abc"), "sha256"),
            (manifestText(sha: sha, extra: "colour = 1"), "colour"),
            (manifestText(path: "../x", sha: sha), "path"),
            (manifestText(sha: sha).replacingOccurrences(of: "format = \"libsvm\"", with: "format = \"csv\""), "format"),
            (manifestText(sha: sha).replacingOccurrences(of: "rows = 3", with: "rows = -3"), "rows"),
            (manifestText(sha: sha).replacingOccurrences(of: "format = \"libsvm\"", with: "format = \"idx\""), "dimensions"),
            (manifestText(sha: sha, extra: "labels = { \"a\" = 1 }"), "a"),
            (manifestText(sha: sha) + "\n" + manifestText(path: "y.gz", sha: sha), "name"),
        ]
        for (text, key) in cases {
            XCTAssertThrowsError(try manifest(text)) { error in
                guard case let ProblemSuiteError.invalidParameter(file, _, k, _, _) = error else {
                    return XCTFail("unexpected \(error)")
                }
                XCTAssertTrue(file.hasSuffix(".toml"))
                XCTAssertEqual(k, key, "\(error)")
            }
        }
    }

    // MARK: Verification

    private let toyText = "+1 1:1 2:0.5\n-1 4:2\n+1 3:1\n"

    func testVerifierChecksChecksumShapeAndLabels() throws {
        let data = try TemporaryDirectory(prefix: "data")
        defer { data.remove() }
        let gz = try GzipWriter.compress(Array(toyText.utf8))
        try data.write("x.gz", bytes: gz)
        let good = try manifest(manifestText(sha: SHA256.hexDigest(of: gz), extra: "labels = { \"+1\" = 2, \"-1\" = 1 }"))
        let s = DataVerifier.status(good, dataDirectory: data.path, checkShape: true)
        XCTAssertEqual(s.count, 1)
        XCTAssertTrue(s[0].isGood, "\(s[0].problems)")
        XCTAssertEqual(s[0].shape, "3 x 4")
        XCTAssertEqual(s[0].checksumMatch, "sha256")

        // Wrong checksum.
        let badSum = try manifest(manifestText(sha: String(repeating: "0", count: 64)))
        let b = DataVerifier.status(badSum, dataDirectory: data.path, checkShape: true)[0]
        XCTAssertEqual(b.checksumOK, false)
        XCTAssertFalse(b.isGood)
        // Right checksum, wrong declared shape and labels.
        let wrongShape = try manifest(manifestText(sha: SHA256.hexDigest(of: gz), extra: "labels = { \"+1\" = 1, \"-1\" = 2 }")
            .replacingOccurrences(of: "rows = 3", with: "rows = 4"))
        let w = DataVerifier.status(wrongShape, dataDirectory: data.path, checkShape: true)[0]
        XCTAssertEqual(w.checksumOK, true)
        XCTAssertEqual(w.shapeOK, false)
        XCTAssertEqual(w.problems.count, 2, "\(w.problems)")
        // Declared fewer columns than the file uses: a parse error with line and column.
        let narrow = try manifest(manifestText(sha: SHA256.hexDigest(of: gz)).replacingOccurrences(of: "columns = 4", with: "columns = 3"))
        let n = DataVerifier.status(narrow, dataDirectory: data.path, checkShape: true)[0]
        XCTAssertEqual(n.shapeOK, false)
        XCTAssertTrue(n.problems.joined().contains("x.gz:2:4"), "\(n.problems)")
        // Content checksum: the uncompressed file under the .gz name is accepted.
        try data.write("x.gz", text: toyText)
        let content = try manifest(manifestText(sha: SHA256.hexDigest(of: gz),
                                                extra: "content_sha256 = [\"\(SHA256.hexDigest(of: Array(toyText.utf8)))\"]"))
        let c = DataVerifier.status(content, dataDirectory: data.path, checkShape: true)[0]
        XCTAssertTrue(c.isGood, "\(c.problems)")
        XCTAssertEqual(c.checksumMatch, "content")
        // Missing.
        try FileManager.default.removeItem(atPath: data.file("x.gz"))
        let m = DataVerifier.status(good, dataDirectory: data.path, checkShape: true)[0]
        XCTAssertFalse(m.present)
        XCTAssertNil(m.checksumOK)
    }

    // MARK: Fetching

    func testFetchFromALocalHTTPServer() throws {
        let served = try TemporaryDirectory(prefix: "served")
        defer { served.remove() }
        let gz = try GzipWriter.compress(Array(toyText.utf8))
        try served.write("x.gz", bytes: gz)
        try served.write("x.txt", text: toyText)
        let server: LocalHTTPServer
        do { server = try LocalHTTPServer(directory: served.path) } catch { throw XCTSkip("no local HTTP server: \(error)") }
        defer { server.stop() }
        let data = try TemporaryDirectory(prefix: "data")
        defer { data.remove() }

        // 1. The file as stored: downloaded, checked, written under its path.
        let m1 = try manifest(manifestText(path: "sub/x.gz", url: server.baseURL + "/x.gz", sha: SHA256.hexDigest(of: gz)))
        let set = try m1.dataSet(named: "toy")
        var log: [String] = []
        let o1 = try DataFetcher.fetch(set, into: data.path) { log.append($0) }
        XCTAssertEqual(o1.map(\.action), ["downloaded"])
        XCTAssertEqual(try SHA256.hexDigest(ofFile: data.file("sub/x.gz")), SHA256.hexDigest(of: gz))
        XCTAssertTrue(DataVerifier.status(m1, dataDirectory: data.path, checkShape: true)[0].isGood)
        // Present and good: kept.
        XCTAssertEqual(try DataFetcher.fetch(set, into: data.path).map(\.action), ["already present"])
        // No temporary files left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.file("sub")), ["x.gz"])

        // 2. Served uncompressed, recognised by its content checksum, gzipped into place.
        let m2 = try manifest(manifestText(path: "y.gz", url: server.baseURL + "/x.txt", sha: String(repeating: "1", count: 64),
                                           extra: "content_sha256 = [\"\(SHA256.hexDigest(of: Array(toyText.utf8)))\"]"))
        XCTAssertEqual(try DataFetcher.fetch(m2.dataSet(named: "toy"), into: data.path).map(\.action), ["downloaded and compressed"])
        XCTAssertTrue(try GzipReader.isGzip(path: data.file("y.gz")))
        XCTAssertEqual(try GzipReader.readAll(path: data.file("y.gz")), Array(toyText.utf8))

        // 3. Wrong checksum: an error, and nothing written.
        let m3 = try manifest(manifestText(path: "z.gz", url: server.baseURL + "/x.gz", sha: String(repeating: "2", count: 64)))
        XCTAssertThrowsError(try DataFetcher.fetch(m3.dataSet(named: "toy"), into: data.path)) { error in
            XCTAssertTrue("\(error)".contains("expected 2222"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: data.file("z.gz")))

        // 4. Not found on the server: an error naming the URL.
        let m4 = try manifest(manifestText(path: "w.gz", url: server.baseURL + "/absent.gz", sha: String(repeating: "3", count: 64)))
        XCTAssertThrowsError(try DataFetcher.fetch(m4.dataSet(named: "toy"), into: data.path)) { error in
            XCTAssertTrue("\(error)".contains("absent.gz"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path).sorted(), ["sub", "y.gz"])

        // 5. A page URL (fetch = false) is refused with the data set's note.
        let m5 = try manifest(manifestText(path: "v.gz", url: server.baseURL + "/", sha: String(repeating: "4", count: 64),
                                           extra: "fetch = false"))
        XCTAssertThrowsError(try DataFetcher.fetch(m5.dataSet(named: "toy"), into: data.path)) { error in
            XCTAssertTrue("\(error)".contains("cannot be downloaded"), "\(error)")
        }
    }

    // MARK: Real data

    func testRealDataDirectoryVerifiesWhenPresent() throws {
        guard let data = testDataDirectory(containing: "SHA256SUMS") else {
            throw XCTSkip("no shared data directory (see SuitePaths.dataDirectory)")
        }
        let manifest = try DataManifest.standard()
        // Checksums and shapes of the LIBSVM files (the full check of every file, MNIST
        // included, is `problemsuite data verify`, run by DataCommandTests).
        for s in DataVerifier.status(manifest, dataDirectory: data, checkShape: true, only: ["a9a", "reged0", "molecule", "w8a"]) where s.present {
            XCTAssertTrue(s.isGood, "\(s.path): \(s.problems)")
        }
    }
}
