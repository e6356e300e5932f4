import Foundation
import XCTest
import ProblemSuite

/// The problem files and the data manifest ship as package resources (`Bundle.module`),
/// so that a built binary or a dependent package works without the source checkout.
final class ShippedResourcesTests: XCTestCase {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // file, ProblemSuiteTests, Tests
        return url.path
    }()

    /// The shipped directory is the resource bundle's, not the source tree's `Problems/`.
    func testShippedProblemsDirectoryIsTheResourceBundle() {
        let dir = URL(fileURLWithPath: SuitePaths.shippedProblemsDirectory).standardizedFileURL.path
        XCTAssertNotEqual(dir, URL(fileURLWithPath: Self.repositoryRoot + "/Problems").standardizedFileURL.path)
        XCTAssert(dir.contains("ProblemSuiteProblemFiles"), dir)
    }

    func testShippedCatalogueListsEveryFamilyAndA1() throws {
        let catalogue = try Catalogue(directory: SuitePaths.shippedProblemsDirectory, strict: true)
        let names = Set(catalogue.entries.map(\.name))
        for name in ["A1", "A6", "SPARCO12", "GISETTE"] { XCTAssert(names.contains(name), "\(name) missing from \(names.sorted())") }
        // The same declarations as the source tree's Problems/.
        let source = try Catalogue(directory: Self.repositoryRoot + "/Problems", strict: true)
        XCTAssertEqual(catalogue.entries.map(\.name), source.entries.map(\.name))
    }

    func testShippedExperimentFilesExistAndMatchTheSources() throws {
        let fm = FileManager.default
        let shipped = SuitePaths.shippedProblemsDirectory + "/experiments"
        let source = Self.repositoryRoot + "/Problems/experiments"
        let expected = try fm.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".toml") }.sorted()
        XCTAssertEqual(expected, ["classification.toml", "perturbed.toml", "random_least_squares.toml", "relevant_vs_optimisable.toml",
                                  "sparco.toml", "sparse_coding.toml"])
        for name in expected {
            XCTAssertEqual(fm.contents(atPath: shipped + "/" + name), fm.contents(atPath: source + "/" + name), name)
        }
        // The resource target's Swift file is not a resource.
        XCTAssertFalse(fm.fileExists(atPath: SuitePaths.shippedProblemsDirectory + "/ProblemFiles.swift"))
    }

    func testShippedManifestIsTheSourceManifest() throws {
        let path = SuitePaths.shippedManifestPath
        XCTAssertEqual(FileManager.default.contents(atPath: path),
                       FileManager.default.contents(atPath: Self.repositoryRoot + "/Data/datasets.toml"))
        let manifest = try DataManifest(path: path)
        XCTAssertFalse(manifest.dataSets.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("reference").path))
    }

    /// The environment variables still take precedence over the shipped files.
    func testOverridesComeFirst() {
        XCTAssertEqual(SuitePaths.problemsDirectory(explicit: "/x"), "/x")
        XCTAssertEqual(DataManifest.standardPath(explicit: "/y.toml"), "/y.toml")
    }
}
