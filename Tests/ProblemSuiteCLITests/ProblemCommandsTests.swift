import Foundation
import XCTest

final class ProblemCommandsTests: XCTestCase {
    func testListShowsTheRandomLeastSquaresFamily() throws {
        let r = try runCLI(["list", "--family", "random-least-squares"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for name in ["A1", "A2", "A3", "A4", "A5", "A6"] { XCTAssert(r.stdout.contains("\n\(name) "), r.stdout) }
        XCTAssert(r.stdout.contains("SUR1-AN-1024-0"))
        XCTAssert(r.stdout.contains("generated"))
        XCTAssert(r.stdout.contains("6 problems"))
    }

    func testListFamiliesAndSolvers() throws {
        let f = try runCLI(["list", "--families"])
        XCTAssertEqual(f.status, 0, f.stderr)
        for id in ["random-least-squares", "sparco", "classification", "mnist-sparse-coding"] { XCTAssert(f.stdout.contains(id), f.stdout) }
        let s = try runCLI(["list", "--solvers", "--json"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.compactMap { $0["name"] as? String }, ["adagrad", "prunadag-v1", "prunadag-v2", "prunadag-v3", "prunadag-v4",
                                                                   "relevant-only", "relevant-only-plain", "fw1", "fw2"])
        // Each solver lists the parameters it owns, with plain default values.
        func keys(_ row: [String: Any]) -> [String] { (row["parameters"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String } }
        XCTAssertEqual(keys(rows[0]), ["sigma"])
        XCTAssertEqual(keys(rows[3]), ["sigma", "c"])
        XCTAssertEqual(keys(rows[8]), ["fw_radius", "fw_eta1", "fw_eta2"])
        XCTAssertEqual((rows[8]["parameters"] as? [[String: Any]])?.first?["default"] as? Double, 0)   // 0 = the per-instance rule
        let table = try runCLI(["list", "--solvers"])
        XCTAssert(table.stdout.contains("fw_radius = 0.0, fw_eta1 = 2.0, fw_eta2 = 0.0"), table.stdout)
    }

    /// `solve --set` takes the protocol's keys and the chosen solver's own parameters,
    /// checked against its declarations; another solver's key is refused, not ignored.
    func testSolveSetChecksTheSolversOwnParameters() throws {
        let ok = try runCLI(["solve", "A1", "--solver", "prunadag-v3", "--set", "c=2", "--set", "sigma=0.02", "--kmax", "2", "--json"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let other = try runCLI(["solve", "A1", "--solver", "adagrad", "--set", "c=2", "--kmax", "2"])
        XCTAssertNotEqual(other.status, 0)
        XCTAssert(other.stderr.contains("'c'") && other.stderr.contains("unknown key") && other.stderr.contains("sigma"), other.stderr)
        let bad = try runCLI(["solve", "A1", "--solver", "fw2", "--set", "fw_radius=-1", "--kmax", "2"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssert(bad.stderr.contains("command line (--set): key 'fw_radius' = -1: must be a finite number ≥ 0"), bad.stderr)
    }

    func testListJSONAndFilters() throws {
        let r = try runCLI(["list", "--name", "A?", "--max-n", "1024", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(rows.compactMap { $0["name"] as? String }, ["A1", "A2", "A3", "A4", "A5", "A6"])
        XCTAssertEqual(rows.first?["n"] as? Int, 1024)
        XCTAssertEqual(rows.first?["dataAvailable"] as? Bool, true)
    }

    func testShowAndUnknownNameSuggestion() throws {
        let r = try runCLI(["show", "a6"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("partial-dct"), r.stdout)
        let bad = try runCLI(["show", "A66"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssert(bad.stderr.contains("unknown problem 'A66'") && bad.stderr.contains("'A6'"), bad.stderr)
    }

    func testEvalPrintsValueGradientNormAndTime() throws {
        let r = try runCLI(["eval", "A1", "--seed", "2", "--min-time", "0.01", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(o["problem"] as? String, "A1")
        XCTAssertEqual(o["run"] as? Int, 2)
        XCTAssertGreaterThan(o["f"] as! Double, 0)
        XCTAssertGreaterThan(o["gradientNorm"] as! Double, 0)
        XCTAssertGreaterThan(o["valueAndGradientSeconds"] as! Double, 0)
        let bad = try runCLI(["eval", "A1", "--seed", "-3"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssert(bad.stderr.contains("--seed"), bad.stderr)
    }

    func testCheckGradientPasses() throws {
        let r = try runCLI(["check-gradient", "A6"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssert(r.stdout.contains("ok"), r.stdout)
    }

    /// The exported .npy files are valid NumPy files whose data reproduce f(x0).
    func testExportWritesNPYThatReproducesTheProblem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runCLI(["export", "A6", "--seed", "1", "--out", dir, "--dense"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = try readNPY(dir + "/A.npy"), b = try readNPY(dir + "/b.npy")
        let x0 = try readNPY(dir + "/x0.npy"), xs = try readNPY(dir + "/x_star.npy")
        XCTAssertEqual(a.shape, [256, 1024])
        XCTAssertEqual(b.shape, [256])
        XCTAssertEqual(x0.shape, [1024])
        // b = A·x*, and f(x0) matches the JSON description.
        var f = 0.0
        for i in 0..<256 {
            var axs = 0.0, ax0 = 0.0
            for j in 0..<1024 { axs += a.values[i * 1024 + j] * xs.values[j]; ax0 += a.values[i * 1024 + j] * x0.values[j] }
            XCTAssertEqual(axs, b.values[i], accuracy: 1e-12)
            f += 0.5 * (ax0 - b.values[i]) * (ax0 - b.values[i])
        }
        let desc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/problem.json"))) as! [String: Any]
        XCTAssertEqual(desc["valueAtStart"] as! Double, f, accuracy: 1e-10 * f)
        XCTAssertEqual(desc["run"] as? Int, 1)
        // The solvers' parameters are resolved into the settings a peer script reads, and
        // listed per solver (only its own keys).
        let settings = try XCTUnwrap((desc["metadata"] as? [String: Any])?["settings"] as? [String: Any])
        XCTAssertEqual(settings["sigma"] as? Double, 0.01)
        XCTAssertEqual(settings["c"] as? Double, 1)
        XCTAssertEqual(settings["fw_eta1"] as? Double, 2)   // written in random_least_squares.toml
        XCTAssertEqual(settings["fw_eta2"] as? Double, 0)   // default: the per-instance rule
        let solvers = try XCTUnwrap(desc["solvers"] as? [String: [String: Any]])
        XCTAssertEqual(Set(solvers["adagrad"]?.keys.map { $0 } ?? []), ["nR", "eps", "kmax", "tau_s", "record_every", "sigma"])
        XCTAssertEqual(solvers["fw2"]?["fw_radius"] as? Double, 0)
    }

    /// A minimal .npy reader (version 1.0, '<f8', C order) written independently of the exporter.
    func readNPY(_ path: String) throws -> (shape: [Int], values: [Double]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(Array(data.prefix(8)), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0, "header must be 64-byte aligned")
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssert(header.contains("'descr': '<f8'") && header.contains("'fortran_order': False"), header)
        let shapeText = header.components(separatedBy: "'shape': (")[1].components(separatedBy: ")")[0]
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        XCTAssertEqual(data.count, 10 + headerLength + 8 * count)
        var values = [Double](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for i in 0..<count {
                values[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 10 + headerLength + 8 * i, as: UInt64.self)))
            }
        }
        return (shape, values)
    }
}
