import Foundation
import XCTest
import ProblemSuite

/// `problemsuite ksvd` and `problemsuite picture` on a small declared instance built from
/// the real MNIST files (skipped when they are absent).
final class SparseCodingCommandsTests: XCTestCase {
    func mnistDirectory() throws -> String {
        let dir = SuitePaths.dataDirectory()
        for f in ["mnist/train-images-idx3-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz"]
        where !FileManager.default.fileExists(atPath: dir + "/" + f) {
            throw XCTSkip("\(f) not in \(dir)")
        }
        return dir
    }

    func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testKSVDReportsEveryIteration() throws {
        let data = try mnistDirectory()
        let r = try runCLI(["ksvd", "--data-dir", data, "--training-count", "300", "--atoms", "30", "--sparsity", "3",
                            "--iterations", "2", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["reports"] as? [Any])?.count, 2)
        let error = try XCTUnwrap(object["relative_error"] as? Double)
        XCTAssertGreaterThan(error, 0)
        XCTAssertLessThan(error, 1)
        let bad = try runCLI(["ksvd", "--data-dir", data, "--update", "svd"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--update"), bad.stderr)
    }

    func testPictureWritesPNGAndPGM() throws {
        let data = try mnistDirectory()
        let dir = try temporaryDirectory()
        try """
        family = "mnist-sparse-coding"
        [settings]
        nR = 8
        [[instance]]
        name = "TINY"
        image = 1
        atoms = 20
        sparsity = 3
        iterations = 1
        training_count = 100
        """.write(toFile: dir + "/tiny.toml", atomically: true, encoding: .utf8)
        let env = ["PROBLEMSUITE_CACHE": dir + "/cache"]
        let png = try runCLI(["picture", "TINY", "--problems-dir", dir, "--data-dir", data, "--solve", "omp",
                              "--prune", "0,50", "--scale", "2", "--out", dir + "/f.png"], environment: env)
        XCTAssertEqual(png.status, 0, png.stderr)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: dir + "/f.png"))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertTrue(png.stdout.contains("pruned  50.0%"), png.stdout)
        let pgm = try runCLI(["picture", "TINY", "--problems-dir", dir, "--data-dir", data, "--out", dir + "/f.pgm"],
                             environment: env)
        XCTAssertEqual(pgm.status, 0, pgm.stderr)
        XCTAssertTrue(String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: dir + "/f.pgm")).prefix(2), as: UTF8.self) == "P5")
        // A solution file of the wrong length is refused with its path named.
        try NPYWriter.write([1, 2, 3], shape: [3], to: dir + "/x.npy")
        let wrong = try runCLI(["picture", "TINY", "--problems-dir", dir, "--data-dir", data, "--x", dir + "/x.npy",
                                "--out", dir + "/g.png"], environment: env)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("x.npy"), wrong.stderr)
    }
}
