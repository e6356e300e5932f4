import XCTest
@testable import ProblemSuite
import ProblemSuiteTestSupport

final class IDXReaderTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory(prefix: "idx") }
    override func tearDown() { dir.remove() }

    private func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((v >> $0) & 0xff) } }

    private func idx(type: UInt8 = 8, dims: [Int], payload: [UInt8]) -> [UInt8] {
        [0, 0, type, UInt8(dims.count)] + dims.flatMap(be32) + payload
    }

    func testImagesAndLabelsPlainAndGzipped() throws {
        let pixels: [UInt8] = (0..<(3 * 2 * 4)).map { UInt8($0 * 10) }
        let images = idx(dims: [3, 2, 4], payload: pixels)
        XCTAssertEqual(Array(images.prefix(4)), [0, 0, 8, 3])   // magic 2051
        let labels = idx(dims: [3], payload: [7, 0, 9])
        for gz in [false, true] {
            let ip = try dir.write("img\(gz)", bytes: gz ? try GzipWriter.compress(images) : images)
            let lp = try dir.write("lab\(gz)", bytes: gz ? try GzipWriter.compress(labels) : labels)
            let (a, l) = try IDXReader.readLabelledImages(images: ip, labels: lp)
            XCTAssertEqual(a.dimensions, [3, 2, 4])
            XCTAssertEqual(a.count, 3)
            XCTAssertEqual(a.itemSize, 8)
            XCTAssertEqual(a.data, pixels)
            XCTAssertEqual(Array(a.item(1)), Array(pixels[8..<16]))
            XCTAssertEqual(l, [7, 0, 9])
        }
    }

    private func assertFails(_ bytes: [UInt8], rank: Int? = nil, _ text: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try dir.write("bad\(line).idx", bytes: bytes)
        XCTAssertThrowsError(try IDXReader.read(path: path, expectedRank: rank), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(path), message, file: file, line: line)
            XCTAssertTrue(message.contains(text), message, file: file, line: line)
        }
    }

    func testEveryHeaderAndCountCheck() throws {
        try assertFails([1, 0, 8, 1] + be32(1) + [0], "two zero bytes")
        try assertFails(idx(type: 0x0d, dims: [1], payload: [0, 0, 0, 0]), "element type")
        try assertFails(idx(dims: [2], payload: [1, 2]), rank: 3, "expected 3")
        try assertFails([0, 0, 8, 0], "dimensions")
        try assertFails(idx(dims: [2, 0], payload: []), "size 0")
        try assertFails(idx(dims: [4, 3], payload: Array(repeating: 1, count: 11)), "truncated")
        try assertFails(idx(dims: [2], payload: [1, 2, 3]), "after the payload")
        try assertFails([0, 0, 8], "magic")
        try assertFails([0, 0, 8, 2] + be32(5), "dimension sizes")
        try assertFails(idx(dims: [65536, 65536, 65536], payload: []), "payload over")
    }

    func testCountMismatchAndBadLabel() throws {
        let ip = try dir.write("i", bytes: idx(dims: [2, 1, 1], payload: [1, 2]))
        let lp = try dir.write("l", bytes: idx(dims: [3], payload: [1, 2, 3]))
        XCTAssertThrowsError(try IDXReader.readLabelledImages(images: ip, labels: lp)) { error in
            XCTAssertTrue("\(error)".contains("3 labels"), "\(error)")
        }
        let bad = try dir.write("l2", bytes: idx(dims: [2], payload: [1, 12]))
        XCTAssertThrowsError(try IDXReader.readLabelledImages(images: ip, labels: bad)) { error in
            XCTAssertTrue("\(error)".contains("label 2 is 12"), "\(error)")
        }
    }

    /// The real MNIST files, when the data directory holds them.
    func testRealMNISTWhenPresent() throws {
        guard let data = testDataDirectory(containing: "mnist/t10k-labels-idx1-ubyte.gz") else {
            throw XCTSkip("the data directory (see SuitePaths.dataDirectory) does not hold mnist/")
        }
        let (images, labels) = try IDXReader.readLabelledImages(
            images: data + "/mnist/t10k-images-idx3-ubyte.gz",
            labels: data + "/mnist/t10k-labels-idx1-ubyte.gz")
        XCTAssertEqual(images.dimensions, [10000, 28, 28])
        var counts = [Int](repeating: 0, count: 10)
        for l in labels { counts[Int(l)] += 1 }
        XCTAssertEqual(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }
}
