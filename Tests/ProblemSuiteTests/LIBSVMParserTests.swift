import XCTest
@testable import ProblemSuite
import ProblemSuiteTestSupport

final class LIBSVMParserTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory(prefix: "libsvm") }
    override func tearDown() { dir.remove() }

    private func parse(_ text: String, features: Int? = nil, storage: String? = "csr") throws -> LabelledDataSet {
        try LIBSVMParser.parse(bytes: Array(text.utf8), name: "mem.svm", featureCount: features, storage: storage)
    }

    private func rows(_ data: LabelledDataSet) -> [[Int: Double]] {
        (0..<data.rowCount).map { i in
            var r: [Int: Double] = [:]
            data.features.forEachNonzero(inRow: i) { j, v in r[j] = v }
            return r
        }
    }

    // MARK: Accepted input

    func testEdgeCasesOfTheFormat() throws {
        let text = """
        # a comment line
        +1 1:0.5 3:2 # trailing comment\r
        -1 qid:7 4:1e-3 2:-1.5E+2 1:.25\r

        \t  0 5:0 2:7
        1
        -1 10:3.0e0 9:1
        """
        let data = try parse(text)
        XCTAssertEqual(data.rowCount, 5)
        XCTAssertEqual(data.columnCount, 10)
        XCTAssertEqual(data.labels, [1, -1, 0, 1, -1])
        XCTAssertEqual(rows(data)[0], [0: 0.5, 2: 2])
        XCTAssertEqual(rows(data)[1], [0: 0.25, 1: -150, 3: 0.001])   // sorted, qid ignored
        XCTAssertEqual(rows(data)[2], [1: 7])                          // explicit zero dropped
        XCTAssertEqual(rows(data)[3], [:])                             // label only
        XCTAssertEqual(rows(data)[4], [8: 1, 9: 3])
        XCTAssertEqual(data.features.nonzeroCount, 8)
        // Columns within each row are increasing in the CSR arrays.
        guard case .sparse(let csr) = data.features else { return XCTFail("expected CSR") }
        for i in 0..<csr.rows {
            let cols = csr.columnIndices[csr.rowStart[i]..<csr.rowStart[i + 1]]
            XCTAssertEqual(Array(cols), cols.sorted())
        }
    }

    func testFeatureCountWiderThanTheFile() throws {
        let data = try parse("1 1:1\n-1 2:1\n", features: 123)
        XCTAssertEqual(data.columnCount, 123)
    }

    func testLabelCodings() throws {
        XCTAssertEqual(try parse("1 1:1\n-1 1:2\n").labelCoding, .signs)
        let zeroOne = try parse("0 1:1\n1 1:2\n1 1:3\n")
        XCTAssertEqual(zeroOne.labelCoding, .twoClass(negative: 0, positive: 1))
        XCTAssertEqual(try zeroOne.signLabels(), [-1, 1, 1])
        let oneTwo = try parse("2 1:1\n1 1:2\n")
        XCTAssertEqual(oneTwo.labelCoding, .twoClass(negative: 1, positive: 2))
        XCTAssertEqual(try oneTwo.signLabels(), [1, -1])
        XCTAssertEqual(try parse("-1 1:1\n-1 1:2\n").signLabels(), [-1, -1])
        let multi = try parse("3 1:1\n7 1:1\n0 1:1\n3 1:1\n")
        XCTAssertEqual(multi.labelCoding, .multiClass([0, 3, 7]))
        XCTAssertEqual(multi.labels, [3, 7, 0, 3])   // kept for MNIST-like use
        XCTAssertEqual(multi.labelCounts.map(\.count), [1, 2, 1])
        XCTAssertThrowsError(try multi.signLabels()) { XCTAssertTrue("\($0)".contains("3 distinct values"), "\($0)") }
    }

    func testStorageChosenByDensity() throws {
        // 2 of 3 entries per row nonzero: dense; 1 of 10: CSR.
        XCTAssertEqual(try parse("1 1:1 2:1\n-1 2:1 3:1\n", storage: nil).features.storageName, "dense")
        XCTAssertEqual(try parse("1 1:1\n-1 10:1\n", storage: nil).features.storageName, "csr")
        let forced = try parse("1 1:1\n-1 10:1\n", storage: "dense")
        XCTAssertEqual(forced.features.denseMatrix[1, 9], 1)
        XCTAssertEqual(forced.features.valueSum, 2)
        XCTAssertThrowsError(try parse("1 1:1\n", storage: "diagonal"))
    }

    func testFilesPlainGzippedAndAcrossChunkBoundaries() throws {
        var rng = SuiteRandom(seed: 3)
        var text = ""
        for i in 0..<300 {
            text += i % 2 == 0 ? "+1" : "-1"
            for j in rng.sortedSample(1 + rng.nextInt(below: 20), from: 60) {
                text += " \(j + 1):\(Double(rng.nextInt(below: 2000)) / 64 - 10)"
            }
            text += i % 7 == 0 ? "\r\n" : "\n"
        }
        text += "+1 60:1"   // no final newline
        let expected = try parse(text)
        let plain = try dir.write("d.svm", text: text)
        let gz = try dir.write("d.svm.gz", bytes: try GzipWriter.compress(Array(text.utf8)))
        for path in [plain, gz] {
            for chunk in [7, 64, 1000, 1 << 22] {
                let data = try LIBSVMParser.parse(path: path, featureCount: nil, storage: "csr", chunkSize: chunk)
                XCTAssertEqual(data.features, expected.features, "chunk \(chunk)")
                XCTAssertEqual(data.labels, expected.labels)
            }
        }
        XCTAssertEqual(expected.rowCount, 301)
    }

    // MARK: Errors

    private func assertError(_ text: String, features: Int? = nil, line: Int, column: Int?, _ fragment: String,
                             file: StaticString = #filePath, testLine: UInt = #line) {
        XCTAssertThrowsError(try parse(text, features: features), file: file, line: testLine) { error in
            guard case let ProblemSuiteError.malformedFile(f, l, c, reason) = error else {
                return XCTFail("unexpected \(error)", file: file, line: testLine)
            }
            XCTAssertEqual(f, "mem.svm", file: file, line: testLine)
            XCTAssertEqual(l, line, "\(error)", file: file, line: testLine)
            XCTAssertEqual(c, column, "\(error)", file: file, line: testLine)
            XCTAssertTrue(reason.contains(fragment), "\(reason)", file: file, line: testLine)
        }
    }

    func testEveryMalformedLineNamesLineAndColumn() {
        assertError("1 1:1\nabc 1:1\n", line: 2, column: 1, "numeric label")
        assertError("1x 1:1\n", line: 1, column: 1, "numeric label")
        assertError("1 1:1\n\n-1 2\n", line: 3, column: 5, "expected ':'")
        assertError("1 1:1 2:\n", line: 1, column: 9, "malformed value")
        assertError("1 1:1 2:abc\n", line: 1, column: 9, "malformed value")
        assertError("1 1:1e\n", line: 1, column: 5, "malformed value")
        assertError("1 1:inf\n", line: 1, column: 5, "malformed value")
        assertError("1 1:nan\n", line: 1, column: 5, "malformed value")
        assertError("1 1:1e999\n", line: 1, column: 5, "malformed value")
        assertError("1 1:2x\n", line: 1, column: 6, "after the value")
        assertError("1 1:2:3\n", line: 1, column: 6, "after the value")
        assertError("1 0:1\n", line: 1, column: 3, "1-based")
        assertError("1 -3:1\n", line: 1, column: 3, "feature index")
        assertError("1 x:1\n", line: 1, column: 3, "feature index")
        assertError("1 99999999999:1\n", line: 1, column: 3, "too large")
        assertError("1 2:1 2:3\n", line: 1, column: 7, "twice")
        assertError("1 5:1 2:1 5:3\n", line: 1, column: nil, "twice")
        assertError("1 1:1 124:1\n", features: 123, line: 1, column: 7, "exceeds")
        assertError("1 qid: 1:1\n", line: 1, column: 7, "qid")
        assertError("1 qid:3x 1:1\n", line: 1, column: 8, "qid")
        assertError("1 1:1\n\u{0}\n", line: 2, column: 1, "numeric label")
    }

    func testFileErrorsNameTheFile() throws {
        let good = try GzipWriter.compress(Array(String(repeating: "+1 1:1 2:3.5\n", count: 2000).utf8))
        let cut = try dir.write("cut.gz", bytes: Array(good.prefix(good.count / 2)))
        XCTAssertThrowsError(try LIBSVMParser.parse(path: cut)) { error in
            XCTAssertTrue("\(error)".contains(cut) && "\(error)".contains("truncated"), "\(error)")
        }
        XCTAssertThrowsError(try LIBSVMParser.parse(path: dir.file("absent.gz"))) { error in
            XCTAssertTrue("\(error)".contains("absent.gz"), "\(error)")
        }
        let bad = try dir.write("bad.svm", text: "+1 1:1\n+1 1:1\n-1 3:x\n")
        XCTAssertThrowsError(try LIBSVMParser.parse(path: bad)) { error in
            XCTAssertEqual("\(error)", "\(bad):3:6: malformed value for feature 3: 'x'")
        }
    }

    /// Random bytes and random mutations of a valid file: parse or throw, never crash.
    func testNoCrashOnArbitraryInput() {
        var rng = SuiteRandom(seed: 99)
        let alphabet = Array("+-0123456789.:eE qid#\t\r\n x".utf8)
        let valid = Array("+1 1:0.5 3:2\n-1 qid:1 2:1e-3\n0 7:8\n".utf8)
        for trial in 0..<600 {
            var bytes: [UInt8]
            if trial % 2 == 0 {
                bytes = (0..<rng.nextInt(below: 60)).map { _ in
                    rng.nextInt(below: 4) == 0 ? UInt8(rng.nextInt(below: 256)) : alphabet[rng.nextInt(below: alphabet.count)]
                }
            } else {
                bytes = valid
                for _ in 0..<(1 + rng.nextInt(below: 3)) {
                    bytes[rng.nextInt(below: bytes.count)] = alphabet[rng.nextInt(below: alphabet.count)]
                }
            }
            do {
                let data = try LIBSVMParser.parse(bytes: bytes, name: "fuzz", featureCount: nil, storage: nil)
                XCTAssertEqual(data.labels.count, data.rowCount)
            } catch let error as ProblemSuiteError {
                XCTAssertTrue("\(error)".hasPrefix("fuzz"), "\(error)")
            } catch {
                XCTFail("unexpected error type \(error)")
            }
        }
    }

    // MARK: Numbers

    func testDecimalParsingIsCorrectlyRounded() {
        var rng = SuiteRandom(seed: 5)
        var samples = ["0", "-0", "1", "+1", "-1", ".5", "5.", "1e0", "1E+2", "1e-2", "0.1", "0.3", "123456789012345678",
                       "1234567890123456789012", "9007199254740993", "2.2250738585072014e-308", "4.9e-324",
                       "1.7976931348623157e308", "0.000000000000000000000000000001", "3.14159265358979323846264338"]
        for _ in 0..<3000 {
            let digits = 1 + rng.nextInt(below: 22)
            var s = rng.nextInt(below: 2) == 0 ? "-" : ""
            for k in 0..<digits { s += String(rng.nextInt(below: 10)); if k == rng.nextInt(below: digits) { s += "." } }
            if rng.nextInt(below: 3) == 0 { s += "e\(rng.nextInt(below: 60) - 30)" }
            samples.append(s)
        }
        for s in samples {
            guard let expected = Double(s) else { continue }
            XCTAssertEqual(DecimalParsing.parse(s)?.bitPattern, expected.bitPattern, s)
        }
        for bad in ["", "-", ".", "e5", "1e", "1e+", "inf", "nan", "0x10", "1..2", "--1", "1e400"] {
            XCTAssertNil(DecimalParsing.parse(bad), bad)
        }
    }

    // MARK: Real files

    func testRealLIBSVMFilesWhenPresent() throws {
        guard let data = testDataDirectory(containing: "molecule.gz") else {
            throw XCTSkip("the data directory (see SuitePaths.dataDirectory) does not hold the LIBSVM files")
        }
        // Shapes, nonzeros, value sums and label counts as scikit-learn reports them.
        let cases: [(String, Int, Int, Int, Double, [Double: Int])] = [
            ("a9a.gz", 32561, 123, 451592, 451592, [-1: 24720, 1: 7841]),
            ("a9a.t.gz", 16281, 123, -1, -1, [-1: 12435, 1: 3846]),
            ("w8a.gz", 49749, 300, 579586, 579586, [-1: 48270, 1: 1479]),
            ("reged0.gz", 500, 999, 497524, 167114863, [-1: 441, 1: 59]),
            ("molecule.gz", 476, 166, -1, -1, [-1: 269, 1: 207]),
        ]
        for (file, rows, cols, nnz, sum, labels) in cases {
            let path = data + "/" + file
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let set = try LIBSVMParser.parse(path: path, featureCount: cols)
            XCTAssertEqual(set.rowCount, rows, file)
            XCTAssertEqual(set.columnCount, cols, file)
            if nnz >= 0 { XCTAssertEqual(set.features.nonzeroCount, nnz, file) }
            if sum >= 0 { XCTAssertEqual(set.features.valueSum, sum, file) }
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: set.labelCounts.map { ($0.label, $0.count) }), labels, file)
            XCTAssertEqual(set.labelCoding, .signs)
        }
    }
}
