import XCTest
import Foundation
@testable import ProblemSuite

/// Perturbed problems: gradients, reproducibility, mapping back, refusals.
final class PerturbationTests: XCTestCase {
    let all: [Perturbation] = [.permutation, .orthogonal(.signs), .orthogonal(.haar), .orthogonal(.automatic),
                               .scaling(log10Range: 1), .startingPoint(level: 0.3)]

    func problem(_ p: Perturbation, run: Int = 0) throws -> PerturbedProblem {
        let entry = try Catalogue.standard().entry(named: "A1[n=32,m=8]").perturbed(by: p)
        return try XCTUnwrap(try entry.load(LoadContext()) as? PerturbedProblem).prepared(run: run)
    }

    func testGradientsMatchFiniteDifferences() throws {
        for p in all {
            let f = try problem(p)
            var rng = SuiteRandom(seed: 3, stream: "test")
            let y = rng.normals(32)
            let g = f.gradient(at: y)
            for i in [0, 7, 31] {
                var a = y, b = y
                let h = 1e-6
                a[i] += h; b[i] -= h
                let fd = (f.value(at: a) - f.value(at: b)) / (2 * h)
                XCTAssertEqual(g[i], fd, accuracy: 1e-6 * max(1, abs(fd)), "\(p.label), component \(i)")
            }
        }
    }

    func testTheSamePointInBothVariablesAndOrthogonalInvariance() throws {
        let original = try Catalogue.standard().load("A1[n=32,m=8]")
        let x0 = original.startingPoint(run: 1)
        for p in all {
            let f = try problem(p, run: 1)
            let y0 = f.startingPoint(fromOriginal: x0)
            let back = f.originalPoint(y0)
            if case .startingPoint = p {
                let moved = zip(back, x0).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
                XCTAssertEqual(moved, 0.3, accuracy: 1e-12, "moved by exactly the level (‖x₀‖ = 1)")
                continue
            }
            for (a, b) in zip(back, x0) { XCTAssertEqual(a, b, accuracy: 1e-12, p.label) }
            XCTAssertEqual(f.value(at: y0), original.value(at: x0), accuracy: 1e-12, p.label)
            if case .orthogonal = p {
                let norm = { (v: [Double]) in v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
                XCTAssertEqual(norm(f.gradient(at: y0)), norm(original.gradient(at: x0)), accuracy: 1e-10, p.label)
            }
        }
        // Permutations and signs keep every magnitude: pruning y is pruning x.
        let s = try problem(.orthogonal(.signs), run: 1)
        XCTAssertEqual(s.startingPoint(fromOriginal: x0).map(abs).sorted(), x0.map(abs).sorted())
    }

    func testSeededPerRunAndBitReproducible() throws {
        for p in all + [.gradientNoise(level: 0.1, relative: true), .gradientNoise(level: 0.01, relative: false)] {
            let a = try problem(p, run: 2), b = try problem(p, run: 2), c = try problem(p, run: 3)
            let y = a.startingPoint(fromOriginal: try Catalogue.standard().load("A1[n=32,m=8]").startingPoint(run: 2))
            let ga = [a.gradient(at: y), a.gradient(at: y)], gb = [b.gradient(at: y), b.gradient(at: y)]
            XCTAssertEqual(ga.map { $0.map(\.bitPattern) }, gb.map { $0.map(\.bitPattern) }, p.label)
            if case .startingPoint = p { continue }
            XCTAssertNotEqual(c.gradient(at: y), ga[0], "\(p.label): another run, another draw")
        }
    }

    func testGradientNoiseHasTheDeclaredLevel() throws {
        let base = try Catalogue.standard().load("A1[n=32,m=8]")
        let noisy = try problem(.gradientNoise(level: 0.5, relative: true))
        let x = base.startingPoint(run: 0)
        let g = base.gradient(at: x)
        let gNorm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var total = 0.0
        let draws = 400
        for _ in 0..<draws {
            let d = zip(noisy.gradient(at: x), g).map { $0 - $1 }
            total += d.reduce(0) { $0 + $1 * $1 }
        }
        // E‖σξ‖² = n σ² = level²‖g‖².
        XCTAssertEqual((total / Double(draws)).squareRoot() / gNorm, 0.5, accuracy: 0.02)
        XCTAssertEqual(noisy.value(at: x), base.value(at: x), "f itself is exact")
        let absolute = try problem(.gradientNoise(level: 0, relative: false))
        XCTAssertEqual(absolute.gradient(at: x), g, "level 0 is no noise")
    }

    func testNamesLabelsAndRefusals() throws {
        let c = try Catalogue.standard()
        let e = try c.entry(named: "A1+noise:r0.01+permutation")
        XCTAssertEqual(e.name, "A1+noise:r0.01+permutation")
        XCTAssertEqual(e.metadata.parameters["perturbation"], .array([.string("noise:r0.01"), .string("permutation")]))
        for p in all + [.gradientNoise(level: 0.25, relative: false)] { XCTAssertEqual(Perturbation(label: p.label), p) }
        // A '+' inside the parameters is not a perturbation.
        XCTAssertEqual(try c.entry(named: "A4[log10_range=1e+0]+permutation").name, "A4[log10_range=1.0]+permutation")
        XCTAssertThrowsError(try c.entry(named: "A1+rotate")) { XCTAssert("\($0)".contains("'rotate' is not a perturbation"), "\($0)") }
        XCTAssertThrowsError(try c.entry(named: "A1[n=2048,m=256]").perturbed(by: .orthogonal(.haar))) {
            XCTAssert("\($0)".contains("Haar rotation of n = 2048") && "\($0)".contains("signs"), "\($0)")
        }
        XCTAssertNoThrow(try c.entry(named: "A1[n=2048,m=256]").perturbed(by: .orthogonal(.automatic)))
        func table(_ v: [String: ParameterValue]) -> ParameterTable { ParameterTable(v, file: "e.toml", context: "[[perturbation]] #1") }
        for (values, key) in [(["kind": ParameterValue.string("rotation")], "kind"), (["kind": .string("gradient-noise")], "level"),
                              (["kind": .string("gradient-noise"), "level": .double(-1)], "level"),
                              (["kind": .string("scaling"), "log10_range": .int(9)], "log10_range"),
                              (["kind": .string("orthogonal"), "method": .string("givens")], "method"),
                              (["kind": .string("permutation"), "level": .int(1)], "level")] {
            XCTAssertThrowsError(try Perturbation(table(values)), "\(values)") {
                XCTAssert("\($0)".contains("key '\(key)'") && "\($0)".contains("e.toml"), "\($0)")
            }
        }
    }
}
