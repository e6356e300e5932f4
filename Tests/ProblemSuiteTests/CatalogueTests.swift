import XCTest
import Foundation
@testable import ProblemSuite
import ProblemSuiteTestSupport

final class CatalogueTests: XCTestCase {
    /// Solver parameters as a solver registry would declare them (the library itself
    /// knows no solver; the CLI passes its registry's declarations).
    static let declared = [
        SolverParameter("sigma", default: 0.01, domain: .positive, summary: "accumulator start"),
        SolverParameter("fw_radius", default: 10, domain: .positive, summary: "ball radius"),
    ]

    func parse(_ text: String, file: String = "test.toml",
               declared: [SolverParameter]? = CatalogueTests.declared) throws -> [ProblemEntry] {
        try Catalogue.entries(fromTOML: TOMLReading.parse(text, file: file), file: file, solverParameters: declared)
    }

    let valid = """
    family = "random-least-squares"
    [settings]
    nR = 8
    kmax = 50
    [defaults]
    n = 64
    m = 16
    s = 4
    [[instance]]
    name = "T1"
    aliases = ["TEST-ONE"]
    ensemble = "gaussian"
    seed = 11
    [[instance]]
    name = "T2"
    ensemble = "partial-dct"
    [instance.settings]
    nR = 5
    """

    func testValidFileWithDefaultsAndOverrides() throws {
        let entries = try parse(valid)
        XCTAssertEqual(entries.map(\.name), ["T1", "T2"])
        XCTAssertEqual(entries[0].metadata.aliases, ["TEST-ONE"])
        XCTAssertEqual(entries[0].metadata.dimension, 64)
        XCTAssertEqual(entries[0].metadata.rows, 16)
        XCTAssertEqual(entries[0].metadata.seed, 11)
        XCTAssertEqual(entries[0].metadata.settings.relevantCount, 8)
        XCTAssertEqual(entries[0].metadata.settings.maxIterations, 50)
        XCTAssertEqual(entries[1].metadata.settings.relevantCount, 5)
        XCTAssertEqual(entries[1].metadata.settings.maxIterations, 50)
        let p = try entries[1].load(LoadContext())
        XCTAssertEqual(p.dimension, 64)
    }

    func assertError(_ text: String, contains parts: [String], _ line: UInt = #line) {
        XCTAssertThrowsError(try parse(text, file: "Problems/bad.toml"), line: line) { error in
            let message = "\(error)"
            for part in parts { XCTAssert(message.contains(part), "'\(message)' lacks '\(part)'", line: line) }
        }
    }

    func testErrorsNameFileKeyAndLine() {
        assertError("family = \"random-least-squares\"\n[[instance]]\nname = \"X\"\nensemble = = 3\n",
                    contains: ["Problems/bad.toml:4"])
        assertError("family = \"no-such-family\"\n", contains: ["Problems/bad.toml", "'family'", "unknown family", "random-least-squares"])
        assertError("family = \"random-least-squares\"\nfamilly = 2\n", contains: ["'familly'", "unknown key", "did you mean 'family'"])
        assertError("family = \"random-least-squares\"\n[[instance]]\nname = \"X\"\nensemble = \"gaussian\"\nn_rows = 3\n",
                    contains: ["instance \"X\"", "'n_rows'", "unknown key"])
        assertError("family = \"random-least-squares\"\n[settings]\nnR = 0\n", contains: ["'nR'", "must be positive"])
        assertError("family = \"random-least-squares\"\n[settings]\neps = \"small\"\n", contains: ["'eps'", "expected a number"])
        assertError("family = \"random-least-squares\"\n[settings]\nkmx = 3\n", contains: ["'kmx'", "did you mean 'kmax'"])
        assertError("family = \"random-least-squares\"\n[[instance]]\nensemble = \"gaussian\"\n", contains: ["'name'", "required"])
        assertError("family = \"random-least-squares\"\n[[instance]]\nname = \"a b\"\nensemble = \"gaussian\"\n", contains: ["'name'"])
        assertError("family = \"random-least-squares\"\n[defaults]\nsize = 3\n", contains: ["[defaults]", "'size'"])
        assertError("family = \"random-least-squares\"\n[[instance]]\nname = \"X\"\nensemble = \"gaussian\"\n[instance.settings]\nfw_radius = -1\n",
                    contains: ["instance \"X\" [settings]", "'fw_radius'"])
        assertError("family = \"random-least-squares\"\n[settings]\nsigm = 3\n", contains: ["'sigm'", "unknown key", "did you mean 'sigma'"])
    }

    /// Without declarations (a catalogue built with no solver registry) a solver key is
    /// kept as written, a number canonical as a double, for the registry to check later;
    /// protocol keys are still checked.
    func testUndeclaredSolverKeysWaitForTheRegistry() throws {
        let text = "family = \"random-least-squares\"\n[settings]\nmy_step = 2\n[[instance]]\nname = \"X\"\nensemble = \"gaussian\"\nn = 64\nm = 16\ns = 4\n"
        let entry = try parse(text, declared: nil)[0]
        XCTAssertEqual(entry.metadata.settings.parameters, ["my_step": .double(2)])
        XCTAssertThrowsError(try parse(text, declared: [])) { XCTAssert("\($0)".contains("'my_step'"), "\($0)") }
        XCTAssertThrowsError(try parse(text.replacingOccurrences(of: "my_step = 2", with: "kmax = -1"), declared: nil))
    }

    func testDuplicateNamesAcrossFilesAreRejected() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cat-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try valid.write(toFile: dir + "/a.toml", atomically: true, encoding: .utf8)
        try valid.replacingOccurrences(of: "\"T1\"", with: "\"T3\"").write(toFile: dir + "/b.toml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Catalogue(directory: dir, strict: true)) { error in
            XCTAssert("\(error)".contains("already declared in \(dir)/a.toml"), "\(error)")
        }
        // Non-strict (the default): only the duplicate declarations (b's T3, whose alias
        // TEST-ONE is a's, and b's T2) are rejected; a's stay usable.
        let c = try Catalogue(directory: dir)
        XCTAssertEqual(c.entries.map(\.name), ["T1", "T2"])
        XCTAssertEqual(c.rejected.map(\.name), ["T3", "T2"])
        XCTAssertEqual(c.rejected.first?.file, dir + "/b.toml")
        XCTAssertEqual(try c.entry(named: "T2").sourceFile, dir + "/a.toml")
        XCTAssertThrowsError(try c.entry(named: "T3")) { error in
            XCTAssert("\(error)".contains("'name' = \"TEST-ONE\": already declared in \(dir)/a.toml"), "\(error)")
        }
        XCTAssertThrowsError(try c.throwIfRejected())
    }

    func testShippedProblemFilesAreAllValid() throws {
        let c = try Catalogue.standard(strict: true)
        XCTAssertEqual(c.rejected.count, 0)
    }

    func testStandardCatalogueLookupFilterAndSuggestions() throws {
        let c = try Catalogue.standard()
        XCTAssertEqual(c.filter(family: "random-least-squares").map(\.name), ["A1", "A2", "A3", "A4", "A5", "A6"])
        XCTAssertEqual(c.filter(pattern: "a?").map(\.name).prefix(6), ["A1", "A2", "A3", "A4", "A5", "A6"])
        XCTAssertEqual(try c.entry(named: "a3").name, "A3")
        XCTAssertThrowsError(try c.entry(named: "A7")) { error in
            guard case ProblemSuiteError.unknownProblem(_, let suggestions) = error else { return XCTFail("\(error)") }
            XCTAssert(suggestions.contains("A1"), "\(suggestions)")
        }
        XCTAssertTrue(Catalogue.wildcard("SPARCO*", matches: "sparco12"))
        XCTAssertFalse(Catalogue.wildcard("A?", matches: "A10"))
        XCTAssertTrue(Catalogue.wildcard("*", matches: ""))
    }

    func testNameSuggestion() {
        XCTAssertEqual(NameSuggestion.distance("kitten", "sitting"), 3)
        XCTAssertEqual(NameSuggestion.closest(to: "sparco3", among: ["SPARCO3", "SPARCO5", "A1"]).first, "SPARCO3")
        XCTAssertEqual(NameSuggestion.closest(to: "zzzzzzzz", among: ["A1"]), [])
    }
}
