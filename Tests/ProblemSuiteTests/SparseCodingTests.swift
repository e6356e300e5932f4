import Foundation
import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

/// The MNIST sparse-coding family: declarations, parameter errors, loading a small
/// instance from the real data (when present), pruning and the figure writers.
final class SparseCodingTests: XCTestCase {
    func testCatalogueDeclaresTheMNISTInstances() throws {
        let catalogue = try Catalogue.standard()
        let entries = catalogue.entries.filter { $0.metadata.family == SparseCodingFamily.identifier }
        XCTAssertGreaterThanOrEqual(entries.count, 3)
        for e in entries {
            XCTAssertEqual(e.metadata.dimension, 1000, e.name)
            XCTAssertEqual(e.metadata.rows, 784, e.name)
            XCTAssertEqual(e.metadata.settings.relevantCount, 100, e.name)
            XCTAssertEqual(e.requiredFiles, ["mnist/train-images-idx3-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz"], e.name)
        }
        XCTAssertEqual(Set(entries.map { $0.metadata.parameters["image"] }).count, entries.count, "one image per instance")
    }

    func table(_ values: [String: ParameterValue]) -> ParameterTable {
        ParameterTable(values, file: "sparse_coding.toml", context: "instance \"T\"")
    }

    /// export's view (issue #18): the matrix is the dictionary D (length × K, atom k in
    /// column k), the right-hand side the image.
    func testExportsTheDictionaryAndTheImage() throws {
        let atoms: [Double] = [1, 2, 3, 4, 5, 6]   // K = 2 atoms of length 3
        let image: [Double] = [7, 8, 9]
        let meta = ProblemMetadata(name: "SC", family: SparseCodingFamily.identifier, dimension: 2, rows: 3,
                                   classification: "SUR2-RN-2-0", seed: 0, parameters: [:], settings: SolverSettings(),
                                   optimalValue: nil, summary: "")
        let p = SparseCodingProblem(atoms: atoms, count: 2, length: 3, image: image, metadata: meta)
        let exportable = try XCTUnwrap(p as Any as? any MatrixExportable)
        let d = try XCTUnwrap(exportable.exportMatrix(materialize: false))
        XCTAssertEqual([d.rows, d.columns], [3, 2])
        XCTAssertEqual(d.storage, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(exportable.exportRHS, image)
    }

    func testParameterErrorsNameTheKey() {
        let cases: [([String: ParameterValue], String)] = [
            ([:], "image"),
            (["image": .int(-1)], "image"),
            (["image": .int(0), "update": .string("svd")], "update"),
            (["image": .int(0), "atoms": .int(100), "training_count": .int(50)], "training_count"),
            (["image": .int(0), "atomz": .int(10)], "atomz"),
            (["image": .int(0), "sparsity": .int(2000)], "sparsity"),
        ]
        for (values, key) in cases {
            XCTAssertThrowsError(try SparseCodingFamily.parameters(table(values)), key) { error in
                guard case .invalidParameter(let file, _, let k, _, _) = error as? ProblemSuiteError else {
                    return XCTFail("unexpected error \(error)")
                }
                XCTAssertEqual(file, "sparse_coding.toml")
                XCTAssertEqual(k, key)
            }
        }
    }

    /// A small instance (20 atoms on 200 images) from the real MNIST files, when present.
    func testSmallInstanceLoadsFromRealData() throws {
        let dataDir = SuitePaths.dataDirectory()
        let needed = [DictionarySpec.defaultTrainingFile, SparseCodingFamily.defaultTestFile]
        guard needed.allSatisfy({ FileManager.default.fileExists(atPath: dataDir + "/" + $0) }) else {
            throw XCTSkip("MNIST files not in \(dataDir)")
        }
        let cache = try TemporaryDirectory(prefix: "sparse-coding-test")
        defer { cache.remove() }
        let instance: [String: ParameterValue] = ["name": .string("SMALL"), "image": .int(3), "atoms": .int(20),
                                                  "sparsity": .int(3), "iterations": .int(2), "training_count": .int(200)]
        let file: [String: ParameterValue] = ["family": .string(SparseCodingFamily.identifier),
                                              "settings": .table(["nR": .int(10)]), "instance": .array([.table(instance)])]
        let entry = try XCTUnwrap(try Catalogue.entries(fromTOML: file, file: "test.toml").first)
        let context = LoadContext(dataDirectory: dataDir, cacheDirectory: cache.path)
        let problem = try XCTUnwrap(try entry.load(context) as? SparseCodingProblem)
        XCTAssertEqual(problem.dimension, 20)
        XCTAssertEqual(problem.image.count, 784)
        XCTAssertTrue(problem.image.allSatisfy { $0 >= 0 && $0 <= 1 })
        let norm2 = problem.image.reduce(0) { $0 + $1 * $1 }
        XCTAssertEqual(problem.value(at: [Double](repeating: 0, count: 20)), norm2 / 2, accuracy: 1e-12)
        let report = GradientCheck.check(problem, at: problem.startingPoint(run: 0), randomDirections: 2, coordinates: 2)
        XCTAssertLessThan(report.maxRelativeError, 1e-6)
        // The second load reads the cache: same bits.
        let again = try XCTUnwrap(try entry.load(context) as? SparseCodingProblem)
        XCTAssertEqual(again.atoms.map { $0.bitPattern }, problem.atoms.map { $0.bitPattern })
        // A better fit with OMP than with nothing, and the figure has one tile per percentage.
        let omp = BatchOMP(dictionary: problem.atoms, atoms: 20, length: 784)
        var x = [Double](repeating: 0, count: 20)
        for (a, v) in omp.code(signal: problem.image, sparsity: 5) { x[a] = v }
        XCTAssertLessThan(problem.value(at: x), norm2 / 2)
        let errors = SparseCodingFigure.relativeErrors(problem: problem, solution: x, percentages: [0, 100])
        XCTAssertLessThan(errors[0], 1)
        XCTAssertEqual(errors[1], 1, accuracy: 1e-12)
        let image = SparseCodingFigure.render(problem: problem, solution: x, percentages: [0, 50, 90], scale: 2, gap: 3)
        XCTAssertEqual(image.width, 4 * 56 + 5 * 3)
        XCTAssertEqual(image.height, 56 + 6)
    }

    func testPruningZeroesTheSmallestComponents() {
        let x = [0.5, -3, 0.1, 2, -0.2, 0, 1, -1, 4, 0.3]
        XCTAssertEqual(SparseCodingFigure.pruned(x, percent: 0), x)
        XCTAssertEqual(SparseCodingFigure.pruned(x, percent: 30), [0.5, -3, 0, 2, 0, 0, 1, -1, 4, 0.3])
        XCTAssertEqual(SparseCodingFigure.pruned(x, percent: 90), [0, 0, 0, 0, 0, 0, 0, 0, 4, 0])
        XCTAssertEqual(SparseCodingFigure.pruned(x, percent: 100), [Double](repeating: 0, count: 10))
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    func testPNGAndPGMStructure() throws {
        var image = GrayImage(width: 5, height: 3, value: 255)
        image.paste([0, 0.5, 1, 2], rows: 2, columns: 2, x: 1, y: 1)
        XCTAssertEqual(Array(image.pixels[6...7]), [0, 128])
        XCTAssertEqual(Array(image.pixels[11...12]), [255, 255])
        let pgm = image.pgmData()
        XCTAssertEqual(Array(pgm.prefix(11)), Array("P5\n5 3\n255\n".utf8))
        XCTAssertEqual(pgm.count, 11 + 15)
        let png = try image.pngData()
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // Walk the chunks: lengths, CRCs, IHDR fields, and IEND last.
        var at = 8
        var types: [String] = []
        while at < png.count {
            let length = png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self)
            let crc = png[(at + 8 + length)..<(at + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            XCTAssertEqual(crc, Self.crc32(png[(at + 4)..<(at + 8 + length)]), type)
            if type == "IHDR" {
                XCTAssertEqual(Array(png[(at + 8)..<(at + 21)]), [0, 0, 0, 5, 0, 0, 0, 3, 8, 0, 0, 0, 0])
            }
            types.append(type)
            at += 12 + length
        }
        XCTAssertEqual(types, ["IHDR", "IDAT", "IEND"])
    }
}
