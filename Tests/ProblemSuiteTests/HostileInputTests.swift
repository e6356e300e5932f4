import XCTest
import Foundation
@testable import ProblemSuite
import ProblemSuiteTestSupport

/// Hostile inputs (issue "Results you can trust", "Bounded, crash-free input handling"):
/// each must end in a clear error naming the file, key (or line) and value, quickly and
/// with bounded memory, never a trap, a hang or an unbounded allocation.
final class HostileInputTests: XCTestCase {
    // MARK: Helpers

    func parse(_ text: String, file: String = "Problems/hostile.toml") throws -> [ProblemEntry] {
        try Catalogue.entries(fromTOML: TOMLReading.parse(text, file: file), file: file)
    }

    /// Asserts that `text` is rejected with an invalid-parameter error for `key` whose
    /// message holds every part (and the file name).
    func assertRejected(_ text: String, key: String, contains parts: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text), file: file, line: line) { error in
            guard case let ProblemSuiteError.invalidParameter(f, _, k, _, _) = error else {
                return XCTFail("not an invalid-parameter error: \(error)", file: file, line: line)
            }
            XCTAssertEqual(f, "Problems/hostile.toml", file: file, line: line)
            XCTAssertEqual(k, key, "\(error)", file: file, line: line)
            let message = "\(error)"
            for part in parts { XCTAssert(message.contains(part), "'\(message)' lacks '\(part)'", file: file, line: line) }
        }
    }

    func rls(_ instance: String, settings: String = "nR = 4") -> String {
        "family = \"random-least-squares\"\n[settings]\n\(settings)\n[[instance]]\nname = \"H\"\nensemble = \"gaussian\"\n\(instance)\n"
    }

    func sparco(_ instance: String, settings: String = "nR = 4") -> String {
        "family = \"sparco\"\n[settings]\n\(settings)\n[[instance]]\nname = \"S\"\n\(instance)\n"
    }

    func classification(_ instance: String, settings: String = "nR = 2") -> String {
        "family = \"classification\"\n[settings]\n\(settings)\n[[instance]]\nname = \"C\"\nfile = \"x.gz\"\n\(instance)\n"
    }

    func sparseCoding(_ instance: String, settings: String = "nR = 2") -> String {
        "family = \"mnist-sparse-coding\"\n[settings]\n\(settings)\n[[instance]]\nname = \"M\"\nimage = 0\n\(instance)\n"
    }

    // MARK: 1. Sizes

    func testHugeSizesAreRejectedBeforeAllocating() {
        assertRejected(rls("n = 1000000000000"), key: "n",
                       contains: ["Problems/hostile.toml", "instance \"H\"", "'n' = 1000000000000", "size limit"])
        assertRejected(rls("n = 4611686018427387904"), key: "n", contains: ["4611686018427387904"])
        assertRejected(rls("n = 9223372036854775807\nm = 9223372036854775806"), key: "n")
        assertRejected(rls("n = 67108864\nm = 65536"), key: "m", contains: ["65536×67108864", "dense entries"])
        assertRejected(rls("n = 1024\nm = 256\ns = 100000000000"), key: "s")
        // The partial DCT is never stored: only n's own limit applies.
        XCTAssertNoThrow(try parse(rls("ensemble = \"partial-dct\"\nn = 1048576\nm = 256").replacingOccurrences(of: "ensemble = \"gaussian\"\n", with: "")))

        assertRejected(sparco("problem = 7\nscale = 1e9"), key: "scale", contains: ["instance \"S\"", "'scale' = 1000000000.0", "size limit"])
        assertRejected(sparco("problem = 11\nscale = 1e30"), key: "scale", contains: ["1e+30"])
        assertRejected(sparco("problem = 8\nscale = 1e300"), key: "scale")
        assertRejected(sparco("problem = 7\nscale = inf"), key: "scale")
        assertRejected(sparco("problem = 7\nscale = nan"), key: "scale")
        assertRejected(sparco("problem = 7\nn = 1000000000000"), key: "n")
        assertRejected(sparco("problem = 5\nm = 33554432"), key: "m", contains: ["dense entries"])
        assertRejected(sparco("problem = 11\nn = 67108864\nm = 67108864"), key: "m", contains: ["dense entries"])
        assertRejected(sparco("problem = 2\nlevels = 100"), key: "levels", contains: ["2^levels"])
        assertRejected(sparco("problem = 2\nlevels = 4611686018427387904"), key: "levels")
        assertRejected(sparco("problem = 12\nk = 9223372036854775807"), key: "k")
        // A tiny scale rounds every size up to 1: valid, and cheap.
        XCTAssertNoThrow(try parse(sparco("problem = 7\nscale = 1e-300", settings: "nR = 1")))

        assertRejected(classification("rows = 6000\nfeatures = 100000000"), key: "features", contains: ["100000000"])
        assertRejected(classification("rows = 100000000000\nfeatures = 10"), key: "rows")
        assertRejected(classification("source = \"dense-text\"\nlabels_file = \"l\"\nrows = 60000000\nfeatures = 60000"),
                       key: "features", contains: ["dense entries"])
        assertRejected(classification("rows = 10\nfeatures = 10\nsamples = 4611686018427387904"), key: "samples")
        assertRejected(classification("rows = 10\nfeatures = 10\ntrain_fraction = nan"), key: "train_fraction")

        assertRejected(sparseCoding("iterations = 1000000000"), key: "iterations")
        assertRejected(sparseCoding("atoms = 4611686018427387904"), key: "atoms")
        assertRejected(sparseCoding("training_count = 100000000"), key: "training_count")
        assertRejected(sparseCoding("sparsity = 4611686018427387904"), key: "sparsity")
    }

    func testScaledHelpersNeverTrap() {
        XCTAssertNil(SizeLimits.scaled(2560, by: 1e9))
        XCTAssertNil(SizeLimits.scaled(2560, by: .infinity))
        XCTAssertNil(SizeLimits.scaled(2560, by: .nan))
        XCTAssertEqual(SizeLimits.scaled(2560, by: 0.5), 1280)
        XCTAssertNil(SizeLimits.product(Int.max, 2))
        XCTAssertNil(SizeLimits.product(1 << 20, 1 << 20))
        XCTAssertEqual(SizeLimits.product(1 << 15, 1 << 15), 1 << 30)
    }

    // MARK: 2. One bad declaration does not take the catalogue down

    func testCatalogueRecordsRejectedDeclarations() throws {
        let dir = try TemporaryDirectory(prefix: "hostile-catalogue")
        defer { dir.remove() }
        try dir.write("a_rls.toml", text: rls("n = 64\nm = 16\ns = 4"))
        try dir.write("b_sparco.toml", text: """
            family = "sparco"
            [settings]
            nR = 4
            [[instance]]
            name = "GOOD9"
            problem = 9
            [[instance]]
            name = "BAD7"
            problem = 7
            scale = 1e9
            """)
        try dir.write("c_syntax.toml", text: "family = \"sparco\"\n[[instance]]\nname = = 3\n")
        try dir.write("d_family.toml", text: "family = \"no-such\"\n[[instance]]\nname = \"ORPHAN\"\n")
        try dir.write("e_settings.toml", text: rls("n = 64\nm = 16", settings: "eps = inf").replacingOccurrences(of: "\"H\"", with: "\"H2\""))
        // Not valid TOML (a key twice): the names are found by a line scan, so looking one
        // up (or its alias) reports the syntax error rather than "unknown problem".
        try dir.write("f_dupkey.toml", text: "family = \"sparco\"\n[[instance]]\nname = \"DUPKEY\"\naliases = [\"DK\", \"DK2\"]\nproblem = 7\nscale = 2\nscale = 1\n")

        let c = try Catalogue(directory: dir.path)
        XCTAssertEqual(c.entries.map(\.name), ["H", "GOOD9"])
        XCTAssertEqual(c.rejected.map(\.name), ["BAD7", nil, "ORPHAN", "H2", "DUPKEY"])
        XCTAssertEqual(c.rejected.map(\.file), ["b_sparco", "c_syntax", "d_family", "e_settings", "f_dupkey"].map { dir.file($0 + ".toml") })

        // Loading a good instance works; a rejected name throws its own error.
        XCTAssertEqual(try c.load("H").dimension, 64)
        XCTAssertEqual(try c.load("GOOD9").dimension, 128)
        XCTAssertThrowsError(try c.load("bad7")) { error in
            guard case let ProblemSuiteError.invalidParameter(file, context, key, value, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, dir.file("b_sparco.toml"))
            XCTAssertEqual(context, "instance \"BAD7\"")
            XCTAssertEqual(key, "scale")
            XCTAssertEqual(value, "1000000000.0")
        }
        XCTAssertThrowsError(try c.entry(named: "ORPHAN")) { error in
            XCTAssert("\(error)".contains("unknown family"), "\(error)")
        }
        XCTAssertThrowsError(try c.entry(named: "H2")) { error in
            XCTAssert("\(error)".contains("'eps' = inf"), "\(error)")
        }
        XCTAssertEqual(c.rejected.last?.aliases, ["DK", "DK2"])
        for name in ["DUPKEY", "dk2"] {
            XCTAssertThrowsError(try c.entry(named: name)) { error in
                guard case let ProblemSuiteError.malformedFile(file, line, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(file, dir.file("f_dupkey.toml"))
                XCTAssertEqual(line, 7)
            }
        }
        XCTAssertThrowsError(try c.entry(named: "NOPE")) { error in
            guard case ProblemSuiteError.unknownProblem = error else { return XCTFail("\(error)") }
        }
        // Patterns and filters never return a rejected declaration.
        XCTAssertEqual(c.filter(pattern: "*").map(\.name), ["H", "GOOD9"])
        XCTAssertEqual(c.filter(family: "sparco").map(\.name), ["GOOD9"])
        if case ProblemSuiteError.malformedFile(let f, let line, _, _) = c.rejected[1].error {
            XCTAssertEqual(f, dir.file("c_syntax.toml"))
            XCTAssertEqual(line, 3)
        } else { XCTFail("\(c.rejected[1].error)") }

        // Strict: the first rejection is thrown.
        XCTAssertThrowsError(try Catalogue(directory: dir.path, strict: true)) { error in
            XCTAssert("\(error)".contains("'scale'"), "\(error)")
        }
        XCTAssertThrowsError(try c.throwIfRejected())
    }

    func testOversizedOrEndlessProblemFileIsAnError() throws {
        let dir = try TemporaryDirectory(prefix: "hostile-toml")
        defer { dir.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.file("zero.toml"), withDestinationPath: "/dev/zero")
        let start = Date()
        let c = try Catalogue(directory: dir.path)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual(c.rejected.count, 1)
        XCTAssert("\(c.rejected[0].error)".contains("larger than \(TOMLReading.maximumFileSize) bytes"), "\(c.rejected[0].error)")
    }

    // MARK: 3. Settings

    func testNonFiniteAndUnboundedSettingsAreRejected() {
        for (key, value) in [("eps", "inf"), ("tau_s", "inf"), ("eps", "nan"), ("tau_s", "nan"), ("sigma", "inf"),
                             ("sigma", "nan"), ("c", "inf"), ("fw_radius", "inf"), ("fw_eta1", "inf"),
                             ("fw_eta2", "nan"), ("fw_eta2", "-inf")] {
            assertRejected(rls("", settings: "\(key) = \(value)"), key: key, contains: ["[settings]", "'\(key)' = \(value)"])
        }
        assertRejected(rls("", settings: "kmax = 10000001"), key: "kmax", contains: ["10000000"])
        assertRejected(rls("", settings: "kmax = 9223372036854775807"), key: "kmax")
        assertRejected(rls("", settings: "record_every = 100000000"), key: "record_every")
        assertRejected(rls("", settings: "nR = 4611686018427387904"), key: "nR")
        XCTAssertNoThrow(try parse(rls("n = 64\nm = 16\ns = 4", settings: "kmax = 10000000\nrecord_every = 10000000")))
    }

    func testRelevantCountAboveTheDimensionIsRejected() {
        assertRejected(rls("n = 64\nm = 16\ns = 4", settings: "nR = 65"), key: "nR",
                       contains: ["instance \"H\" [settings]", "'nR' = 65", "dimension n = 64"])
        XCTAssertNoThrow(try parse(rls("n = 64\nm = 16\ns = 4", settings: "nR = 64")))
        // Per-instance settings, and the default nR = 32 against a small n.
        assertRejected(rls("n = 16\nm = 8\ns = 2\n[instance.settings]\nnR = 17"), key: "nR")
        assertRejected(rls("n = 16\nm = 8\ns = 2", settings: "kmax = 10"), key: "nR", contains: ["nR = 32"])
        assertRejected(sparco("problem = 9", settings: "nR = 129"), key: "nR", contains: ["n = 128"])
        XCTAssertNoThrow(try parse(sparco("problem = 3", settings: "nR = 2048")))  // 2n unknowns
        assertRejected(classification("rows = 10\nfeatures = 3", settings: "nR = 4"), key: "nR")
        XCTAssertNoThrow(try parse(classification("rows = 10\nfeatures = 3\nbias = true", settings: "nR = 4")))
        assertRejected(sparseCoding("atoms = 20\ntraining_count = 50", settings: "nR = 21"), key: "nR")
    }

    // MARK: 4. One vocabulary

    func testSettingsAndParametersEncodeWithTheFileKeysAndPlainValues() throws {
        let entry = try parse(rls("n = 64\nm = 16\ns = 4\nlog10_range = 0.5\n", settings: "nR = 4\nfw_eta2 = 0.25"))[0]
        var metadata = entry.metadata
        metadata.parameters["flags"] = .array([.bool(true), .string("x"), .int(-3), .double(2.5)])
        metadata.parameters["table"] = .table(["k": .int(1), "inner": .table(["z": .double(-0.125)])])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(metadata)
        let json = String(decoding: data, as: UTF8.self)
        for key in SolverSettings.keys { XCTAssert(json.contains("\"\(key)\":"), "\(key) missing from \(json)") }
        for old in ["relevantCount", "gradientTolerance", "frankWolfeEta2", "recordEvery", "\"_0\"", "{\"int\""] {
            XCTAssertFalse(json.contains(old), "\(old) in \(json)")
        }
        XCTAssert(json.contains("\"m\":16"), json)
        XCTAssert(json.contains("\"n\":64"), json)
        XCTAssert(json.contains("\"ensemble\":\"gaussian\""), json)
        XCTAssert(json.contains("\"log10_range\":0.5"), json)
        XCTAssert(json.contains("\"flags\":[true,\"x\",-3,2.5]"), json)
        XCTAssert(json.contains("\"table\":{\"inner\":{\"z\":-0.125},\"k\":1}"), json)
        XCTAssert(json.contains("\"fw_eta2\":0.25"), json)

        let back = try JSONDecoder().decode(ProblemMetadata.self, from: data)
        XCTAssertEqual(back, metadata)
        XCTAssertEqual(back.parameters["m"], .int(16))
        XCTAssertEqual(back.parameters["log10_range"], .double(0.5))
        XCTAssertEqual(back.settings, metadata.settings)

        let settingsJSON = try JSONSerialization.jsonObject(with: encoder.encode(metadata.settings)) as? [String: Any]
        // The protocol keys and the solver parameter written in the file, flat.
        XCTAssertEqual(Set(settingsJSON?.keys.map { $0 } ?? []), Set(SolverSettings.keys + ["fw_eta2"]))
        XCTAssertEqual(settingsJSON?["fw_eta2"] as? Double, 0.25)
        XCTAssertEqual(settingsJSON?["nR"] as? Int, 4)
    }

    // MARK: 5. Data readers

    func testOverlongLinesAreErrorsNamingFileAndLine() throws {
        let dir = try TemporaryDirectory(prefix: "hostile-data")
        defer { dir.remove() }
        let long = "1 1:1\n-1 2:1\n1 " + String(repeating: "1:1 ", count: 300) + "\n"
        let path = try dir.write("long.svm", text: long)
        XCTAssertThrowsError(try LIBSVMParser.parse(path: path, featureCount: nil, storage: nil, chunkSize: 16, maxLineLength: 256)) { error in
            XCTAssertEqual(error as? ProblemSuiteError, .malformedFile(
                file: path, line: 3, column: nil,
                reason: "line is longer than 256 bytes, the limit for a text data file (a binary file, or a file without line ends?)"))
        }
        // Within the limit, the same lines parse (the check does not cut legitimate lines).
        XCTAssertNoThrow(try LIBSVMParser.parse(path: try dir.write("ok.svm", text: "1 1:1\n-1 2:1\n"), featureCount: nil, storage: nil,
                                                chunkSize: 4, maxLineLength: 6))
        let dense = try dir.write("long.txt", text: "1 2\n3 4\n" + String(repeating: "5 ", count: 200) + "\n")
        XCTAssertThrowsError(try DenseTextParser.parseMatrix(path: dense, columns: nil, rows: nil, maxLineLength: 100)) { error in
            guard case let ProblemSuiteError.malformedFile(file, line, _, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, dense)
            XCTAssertEqual(line, 3)
            XCTAssert(reason.contains("longer than 100 bytes"), reason)
        }
    }

    func testDevZeroEndsWithAClearErrorQuickly() throws {
        let start = Date()
        XCTAssertThrowsError(try LIBSVMParser.parse(path: "/dev/zero", featureCount: 10)) { error in
            guard case let ProblemSuiteError.malformedFile(file, line, _, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "/dev/zero")
            XCTAssertEqual(line, 1)
            XCTAssert(reason.contains("longer than \(SizeLimits.maxLineLength) bytes"), reason)
        }
        XCTAssertThrowsError(try DenseTextParser.parseMatrix(path: "/dev/zero")) { error in
            XCTAssert("\(error)".hasPrefix("/dev/zero:1: line is longer than"), "\(error)")
        }
        XCTAssertThrowsError(try IDXReader.read(path: "/dev/zero")) { error in
            XCTAssert("\(error)".hasPrefix("/dev/zero: unsupported IDX element type 0x0"), "\(error)")
        }
        XCTAssertThrowsError(try GzipReader.readAll(path: "/dev/zero", maximumBytes: 1 << 20)) { error in
            XCTAssert("\(error)".contains("holds more than 1048576 bytes"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }

    func testDeclaredRowCountStopsReading() throws {
        let dir = try TemporaryDirectory(prefix: "hostile-rows")
        defer { dir.remove() }
        let svm = try dir.write("rows.svm", text: "1 1:1\n-1 2:1\n\n# c\n1 1:2\n-1 2:2\n")
        XCTAssertEqual(try LIBSVMParser.parse(path: svm, featureCount: 2, rows: 4).rowCount, 4)
        XCTAssertThrowsError(try LIBSVMParser.parse(path: svm, featureCount: 2, rows: 2)) { error in
            XCTAssertEqual(error as? ProblemSuiteError, .malformedFile(file: svm, line: 5, column: 1,
                                                                      reason: "more samples than the 2 declared (rows = 2)"))
        }
        let txt = try dir.write("rows.txt", text: "1 2\n3 4\n5 6\n")
        XCTAssertThrowsError(try DenseTextParser.parseMatrix(path: txt, columns: 2, rows: 2)) { error in
            XCTAssertEqual(error as? ProblemSuiteError, .malformedFile(file: txt, line: 3, column: 1, reason: "more rows than the 2 declared"))
        }
        XCTAssertThrowsError(try DenseTextParser.parseLabels(path: txt, rows: 1))
    }

    /// An IDX header (magic for `rank` unsigned-byte dimensions, then the sizes).
    func idxHeader(_ dims: [UInt32]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 8, UInt8(dims.count)]
        for d in dims { out += [UInt8(d >> 24), UInt8((d >> 16) & 0xFF), UInt8((d >> 8) & 0xFF), UInt8(d & 0xFF)] }
        return out
    }

    func testIDXHeadersAreCheckedBeforeAllocating() throws {
        let dir = try TemporaryDirectory(prefix: "hostile-idx")
        defer { dir.remove() }
        // Product overflows Int (2^32-1 to the 8th).
        let overflow = try dir.write("overflow.idx", bytes: idxHeader(Array(repeating: 0xFFFF_FFFF, count: 8)))
        XCTAssertThrowsError(try IDXReader.read(path: overflow)) { error in
            XCTAssert("\(error)".contains("give a payload over \(IDXReader.maximumPayload) bytes"), "\(error)")
        }
        // Above the limit without overflow, gzip-compressed (no file size to compare).
        let big = try dir.write("big.idx.gz", bytes: try GzipWriter.compress(idxHeader([60000, 1000, 1000]) + [1, 2, 3]))
        XCTAssertThrowsError(try IDXReader.read(path: big)) { error in
            XCTAssert("\(error)".contains("payload over"), "\(error)")
        }
        // Within the limit but disagreeing with the file's size: an error before reading.
        let short = try dir.write("short.idx", bytes: idxHeader([10_000, 28, 28]) + [UInt8](repeating: 7, count: 100))
        XCTAssertThrowsError(try IDXReader.read(path: short)) { error in
            XCTAssertEqual("\(error)", "\(short): IDX payload is truncated: the header declares dimensions 10000 x 28 x 28 (7840016 bytes with the header), but the file holds 116 bytes")
        }
        let long = try dir.write("long.idx", bytes: idxHeader([2, 2]) + [UInt8](repeating: 1, count: 5))
        XCTAssertThrowsError(try IDXReader.read(path: long)) { error in
            XCTAssert("\(error)".contains("bytes after the payload: the header declares dimensions 2 x 2 (16 bytes with the header), but the file holds 17 bytes"), "\(error)")
        }
        let ok = try dir.write("ok.idx", bytes: idxHeader([2, 2]) + [1, 2, 3, 4])
        XCTAssertEqual(try IDXReader.read(path: ok).data, [1, 2, 3, 4])
    }

    func testGzipBombFailsAtTheBound() throws {
        let dir = try TemporaryDirectory(prefix: "hostile-bomb")
        defer { dir.remove() }
        // 64 MiB of zeros compress to about 64 KiB.
        let bomb = try dir.write("bomb.gz", bytes: try GzipWriter.compress([UInt8](repeating: 0, count: 64 << 20), level: 9))
        let start = Date()
        XCTAssertThrowsError(try GzipReader.readAll(path: bomb, maximumBytes: 1 << 20)) { error in
            XCTAssertEqual("\(error)", "\(bomb): decompresses to more than 1048576 bytes, the limit for one data file (a gzip bomb, or not a data file of the suite)")
        }
        // A streaming reader stops at the bound, having delivered no more than it.
        let reader = try GzipReader(path: bomb, maximumBytes: 3 << 20)
        var seen = 0
        XCTAssertThrowsError(try reader.forEachChunk { seen += $0.count })
        XCTAssertEqual(seen, 3 << 20)
        // Exactly at the bound is fine.
        XCTAssertEqual(try GzipReader.readAll(path: bomb, maximumBytes: 64 << 20).count, 64 << 20)
        // The parsers: zeros without line ends stop at the line limit (16 MiB), not at 64 MiB.
        XCTAssertThrowsError(try LIBSVMParser.parse(path: bomb, featureCount: nil, storage: nil, chunkSize: 1 << 16,
                                                    maxLineLength: 1 << 20)) { error in
            XCTAssert("\(error)".hasPrefix("\(bomb):1: line is longer than 1048576 bytes"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }

    func testForcedDenseStorageIsBounded() throws {
        // Two rows and feature 2^31 − 1: CSR is tiny; dense would be 32 GiB.
        let text = "1 2147483647:1\n-1 1:1\n"
        XCTAssertThrowsError(try LIBSVMParser.parse(bytes: Array(text.utf8), name: "wide.svm", storage: "dense")) { error in
            XCTAssert("\(error)".contains("dense storage would exceed"), "\(error)")
        }
        let auto = try LIBSVMParser.parse(bytes: Array(text.utf8), name: "wide.svm")
        XCTAssertEqual(auto.features.storageName, "csr")
    }

    func testCorruptDictionaryCacheSizesAreNotATrap() throws {
        let dir = try TemporaryDirectory(prefix: "hostile-cache")
        defer { dir.remove() }
        let spec = DictionarySpec(trainingFile: "t", trainingCount: 10,
                                  ksvd: KSVDOptions(atoms: 4, sparsity: 1, iterations: 1, update: .exact, seed: 1))
        let header = DictionaryCache.Header(key: "k", spec: spec, dataChecksum: "", atoms: 4, length: Int.max / 2,
                                            payloadSHA256: "", reports: [], trainingSeconds: 0, avx2: false)
        let path = dir.file("d.bin")
        try DictionaryCache.write(header: header, payload: [1, 2, 3], to: path)
        guard case .failure(let problem) = DictionaryCache.read(path: path, key: "k") else { return XCTFail("read a corrupt cache") }
        XCTAssert(problem.reason.contains("is corrupt: sizes 4×4611686018427387903"), problem.reason)
    }

    // MARK: 6. Control characters in messages

    func testErrorMessagesEscapeControlCharacters() throws {
        XCTAssertEqual(ProblemSuiteError.escaped("a\u{1B}[2Jb\nc\td\r\u{7F}\u{0}\u{9B}\u{202E}é"),
                       "a\\x1b[2Jb\\nc\\td\\r\\x7f\\x00\\x9b\\u{202e}é")
        XCTAssertEqual(ProblemSuiteError.escaped("plain ✓ text"), "plain ✓ text")

        // A key, a value and a name from a problem file.
        let text = "family = \"random-least-squares\"\n[[instance]]\nname = \"A\\u001B[31mRED\"\nensemble = \"gaussian\"\n"
        XCTAssertThrowsError(try parse(text)) { error in
            let message = "\(error)"
            XCTAssertFalse(message.unicodeScalars.contains { $0.value < 0x20 }, message)
            XCTAssert(message.contains("\"A\\x1b[31mRED\""), message)
        }
        XCTAssertThrowsError(try parse("family = \"random-least-squares\"\n[settings]\n\"k\\nmax\" = 3\n")) { error in
            XCTAssert("\(error)".contains("key 'k\\nmax'"), "\(error)")
        }
        // Content of a data file.
        XCTAssertThrowsError(try LIBSVMParser.parse(bytes: Array("1 \u{1B}]0;pwned\u{07}:1\n".utf8), name: "evil\n.svm")) { error in
            let message = "\(error)"
            XCTAssertFalse(message.unicodeScalars.contains { $0.value < 0x20 }, message)
            XCTAssert(message.hasPrefix("evil\\n.svm:1:3: "), message)
            XCTAssert(message.contains("'\\x1b]0;pwned\\x07:1'"), message)
        }
        // Values quoted in errors are cut to a bounded length.
        let huge = String(repeating: "x", count: 10_000)
        XCTAssertThrowsError(try parse(rls("", settings: "eps = \"\(huge)\""))) { error in
            XCTAssertLessThan("\(error)".count, 400)
        }
    }
}
