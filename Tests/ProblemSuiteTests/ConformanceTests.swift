import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

/// Checks generated for every problem the catalogue declares, so that a new family is
/// tested the moment it is registered (benchopt-style). Problems whose data files are
/// missing from the data directory are reported and skipped.
final class ConformanceTests: XCTestCase {
    func loadable() throws -> [(ProblemEntry, any SmoothProblem)] {
        let catalogue = try Catalogue.standard()
        let dataDir = SuitePaths.dataDirectory()
        let context = LoadContext(dataDirectory: dataDir, cacheDirectory: SuitePaths.cacheDirectory())
        var out: [(ProblemEntry, any SmoothProblem)] = []
        for e in catalogue.entries {
            let missing = Catalogue.missingFiles(of: e, dataDirectory: dataDir)
            if !missing.isEmpty {
                print("conformance: skipping \(e.name): missing \(missing.joined(separator: ", ")) in \(dataDir)")
                continue
            }
            out.append((e, try e.load(context)))
            // Loading again gives the same problem, bit for bit.
            let again = try e.load(context), first = out.last!.1
            let x = first.startingPoint(run: 3)
            XCTAssertEqual(first.value(at: x).bitPattern, again.value(at: x).bitPattern, "\(e.name) reloads differently")
        }
        return out
    }

    func testEveryProblemConforms() throws {
        let problems = try loadable()
        XCTAssertGreaterThanOrEqual(problems.count, 6)
        for (entry, p) in problems {
            let label = entry.name
            XCTAssertEqual(p.dimension, entry.metadata.dimension, label)
            XCTAssertEqual(p.name, entry.name, label)
            XCTAssertFalse(entry.metadata.classification.isEmpty, label)
            let x0 = p.startingPoint(run: 0)
            XCTAssertEqual(x0.count, p.dimension, label)
            XCTAssertEqual(DenseKernels.norm(x0), 1, accuracy: 1e-12, label)
            // Gradient against finite differences, and the three entry points agree.
            let report = GradientCheck.check(p, at: x0, randomDirections: 3, coordinates: 3)
            XCTAssertTrue(report.consistent, "\(label): value, gradient and valueAndGradient disagree")
            XCTAssertLessThan(report.maxRelativeError, 1e-5, "\(label): gradient check")
            // Same point, same bits.
            var g1 = [Double](), g2 = [Double]()
            let f1 = p.valueAndGradient(at: x0, into: &g1), f2 = p.valueAndGradient(at: x0, into: &g2)
            XCTAssertEqual(f1.bitPattern, f2.bitPattern, label)
            XCTAssertEqual(g1.map(\.bitPattern), g2.map(\.bitPattern), label)
            XCTAssert(f1.isFinite && g1.allSatisfy(\.isFinite), label)
            if let xs = p.knownSolution {
                XCTAssertEqual(xs.count, p.dimension, label)
                if let fstar = entry.metadata.optimalValue {
                    XCTAssertEqual(p.value(at: xs), fstar, accuracy: 1e-8 * max(1, f1), label)
                }
            }
        }
    }
}
