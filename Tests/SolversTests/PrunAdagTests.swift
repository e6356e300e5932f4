import XCTest
import ProblemSuite
import ProblemSuiteTestSupport
@testable import Solvers

final class PrunAdagTests: XCTestCase {
    static let variants: [(String, PrunAdag.Variant)] = [
        ("prunadag-v1", .v1), ("prunadag-v2", .v2), ("prunadag-v3", .v3), ("prunadag-v4", .v4), ("relevant-only", .relevantOnly),
        ("relevant-only-plain", .relevantOnlyPlain),
    ]

    func testWithAllComponentsRelevantEveryVersionIsAdagradBitForBit() throws {
        let problem = try TestProblems.randomLeastSquares()
        let x0 = problem.startingPoint(run: 0)
        for nR in [problem.dimension, problem.dimension + 10] {
            let settings = testSettings(nR: nR, eps: 0, kmax: 60)
            let reference = try iterateBits(Adagrad(settings: settings), problem, x0)
            XCTAssertEqual(reference.count, 61)
            for (name, variant) in Self.variants {
                let run = try iterateBits(PrunAdag(name: name, variant: variant, settings: settings), problem, x0)
                XCTAssertEqual(run, reference, "\(name) with nR = \(nR) differs from Adagrad")
            }
        }
        // With nR < n the versions do differ from Adagrad (the test above can fail).
        let smaller = try iterateBits(PrunAdag(name: "v1", variant: .v1, settings: testSettings(nR: 8, eps: 0, kmax: 5)), problem, x0)
        let adagrad = try iterateBits(Adagrad(settings: testSettings(nR: 8, eps: 0, kmax: 5)), problem, x0)
        XCTAssertNotEqual(smaller, adagrad)
    }

    /// A direct transcription of spec/algorithms.md, one iteration on plain arrays, with R
    /// from a full sort. The solver must reproduce it bit for bit.
    func referenceStep(x: inout [Double], g: [Double], v: inout [Double], u: inout [Double], k: Int,
                       nR: Int, c: Double, variant: PrunAdag.Variant) -> (a: Int, d: Int) {
        let n = x.count
        let ranked = g.indices.sorted { abs(g[$0]) != abs(g[$1]) ? abs(g[$0]) > abs(g[$1]) : $0 < $1 }
        var inR = [Bool](repeating: false, count: n)
        for i in ranked.prefix(nR) { inR[i] = true }
        let theta = 1 / Double(k + 1)
        var gR = 0.0, xC = 0.0
        for i in 0..<n where inR[i] { gR += g[i] * g[i] }
        for i in 0..<n where !inR[i] { xC += x[i] * x[i] }
        let rho = min(1, gR.squareRoot() / max(xC.squareRoot(), Double.leastNormalMagnitude))
        let xk = x, vk = v
        var nA = 0, nD = 0
        for i in 0..<n {
            let w = (vk[i] + g[i] * g[i]).squareRoot()
            let s = -g[i] / w
            let a = variant.lowerBound == .rescaled ? c * theta * rho * abs(xk[i]) : c * theta * abs(xk[i])
            let b = variant.upperBound == .magnitude ? abs(xk[i]) : Double.infinity
            var acceptable = false
            if !inR[i] && variant.usesAcceptableSet && xk[i] != 0 && s.sign != xk[i].sign && s != 0 {
                acceptable = a <= abs(s) && abs(s) <= b
            }
            if inR[i] || acceptable {
                x[i] = xk[i] + s
                v[i] = vk[i] + g[i] * g[i]
                if acceptable { nA += 1 }
            } else {
                u[i] = u[i] + xk[i] * xk[i]
                let delta = abs(xk[i]) / u[i].squareRoot()
                let step = min(a, delta, abs(xk[i]))
                if xk[i] > 0 { x[i] = xk[i] - step } else if xk[i] < 0 { x[i] = xk[i] + step }
                nD += 1
            }
        }
        return (nA, nD)
    }

    func testMatchesDirectTranscriptionOfTheSpec() throws {
        let problem = try TestProblems.randomLeastSquares(n: 128, m: 48)
        let x0 = problem.startingPoint(run: 2)
        for (name, variant) in Self.variants {
            let settings = testSettings(nR: 8, eps: 0, kmax: 40)
            let solver = try PrunAdag(name: name, variant: variant, settings: settings)
            let rec = RecordingObserver()
            _ = try SolverRun.run(solver, on: problem, from: x0, observer: rec)
            var x = x0
            var v = [Double](repeating: 1e-2, count: x0.count), u = v  // sigma's default
            var sawAcceptable = false
            for k in 0..<40 {
                let g = problem.gradient(at: x)
                XCTAssertEqual(g.map(\.bitPattern), rec.entries[k].g.map(\.bitPattern), "\(name) k \(k): gradient")
                let (nA, nD) = referenceStep(x: &x, g: g, v: &v, u: &u, k: k, nR: 8, c: 1, variant: variant)
                let step = try XCTUnwrap(rec.entries[k + 1].previousStep)
                XCTAssertEqual(step.acceptable, nA, "\(name) k \(k): |A|")
                XCTAssertEqual(step.decreasable, nD, "\(name) k \(k): |D|")
                XCTAssertEqual(step.relevant, 8)
                XCTAssertEqual(x.map(\.bitPattern), rec.entries[k + 1].x.map(\.bitPattern), "\(name) k \(k): iterate")
                sawAcceptable = sawAcceptable || nA > 0
            }
            XCTAssertEqual(solver.optimisableAccumulator, v, name)
            XCTAssertEqual(solver.decreasableAccumulator, u, name)
            XCTAssertEqual(sawAcceptable, variant.usesAcceptableSet, "\(name): acceptable set never (or wrongly) used")
        }
    }

    /// Runs `variant` and calls `check(k, x_k, x_{k+1}, classes, v_{k-1}, v_k, u_{k-1}, u_k)` after every step.
    func eachStep(_ variant: PrunAdag.Variant, problem: any SmoothProblem, nR: Int = 8, kmax: Int = 80,
                  _ check: (Int, [Double], [Double], [UInt8], [Double], [Double], [Double], [Double]) -> Void) throws {
        let solver = try PrunAdag(name: "t", variant: variant, settings: testSettings(nR: nR, eps: 0, kmax: kmax))
        try solver.start(problem: problem, x0: problem.startingPoint(run: 1))
        while !solver.state.isStopped {
            let x = solver.state.currentIterate, v = solver.optimisableAccumulator, u = solver.decreasableAccumulator
            let k = solver.state.iteration
            solver.step()
            check(k, x, solver.state.currentIterate, solver.lastClass, v, solver.optimisableAccumulator, u, solver.decreasableAccumulator)
        }
    }

    func testDecreasableMagnitudesNeverGrowAndAccumulatorsNeverDecrease() throws {
        let problem = try TestProblems.randomLeastSquares()
        for (name, variant) in Self.variants {
            var shrunk = 0
            try eachStep(variant, problem: problem) { k, x, y, cls, v0, v1, u0, u1 in
                for i in x.indices {
                    XCTAssertGreaterThanOrEqual(v1[i], v0[i], "\(name) k \(k) i \(i): v decreased")
                    XCTAssertGreaterThanOrEqual(u1[i], u0[i], "\(name) k \(k) i \(i): u decreased")
                    if cls[i] == PrunAdag.decreasableClass {
                        XCTAssertLessThanOrEqual(abs(y[i]), abs(x[i]), "\(name) k \(k) i \(i): decreasable grew")
                        XCTAssertGreaterThanOrEqual(y[i] * x[i], 0, "\(name) k \(k) i \(i): decreasable flipped")
                        XCTAssertEqual(v1[i], v0[i], "\(name) k \(k) i \(i): v moved on D")
                        if abs(y[i]) < abs(x[i]) { shrunk += 1 }
                    } else {
                        XCTAssertEqual(u1[i], u0[i], "\(name) k \(k) i \(i): u moved outside D")
                    }
                }
            }
            XCTAssertGreaterThan(shrunk, 100, "\(name): the decreasable step never acted")
        }
    }

    func testMagnitudeBoundedVersionsNeverFlipAcceptableSigns() throws {
        let problem = try TestProblems.randomLeastSquares()
        for (name, variant) in [("v3", PrunAdag.Variant.v3), ("v4", .v4)] {
            var acceptableSteps = 0
            try eachStep(variant, problem: problem, kmax: 120) { k, x, y, cls, _, _, _, _ in
                for i in x.indices where cls[i] == PrunAdag.acceptableClass {
                    acceptableSteps += 1
                    XCTAssertGreaterThanOrEqual(y[i] * x[i], 0, "\(name) k \(k) i \(i): acceptable sign flipped")
                    XCTAssertLessThanOrEqual(abs(y[i]), abs(x[i]), "\(name) k \(k) i \(i): acceptable grew")
                }
            }
            XCTAssertGreaterThan(acceptableSteps, 0, "\(name): no acceptable component ever: test is vacuous")
        }
    }

    func testRelevantOnlyHasEmptyAcceptableSet() throws {
        let problem = try TestProblems.randomLeastSquares()
        var finals: [[UInt64]] = []
        for name in ["relevant-only", "relevant-only-plain"] {
            let rec = RecordingObserver()
            let solver = try SolverRegistry.make(name, settings: testSettings(nR: 8, eps: 0, kmax: 50))
            let result = try SolverRun.run(solver, on: problem, from: problem.startingPoint(run: 0), observer: rec)
            for e in rec.entries.dropFirst() {
                let s = try XCTUnwrap(e.previousStep)
                XCTAssertEqual(s.acceptable, 0, name)
                XCTAssertEqual(s.relevant, 8, name)
                XCTAssertEqual(s.decreasable, problem.dimension - 8, name)
            }
            finals.append(result.x.map(\.bitPattern))
        }
        // The two readings of the decreasable lower bound are different solvers.
        XCTAssertNotEqual(finals[0], finals[1])
        // V1 on the same run does use A (so the check above can fail).
        let rec1 = RecordingObserver()
        _ = try SolverRun.run(try SolverRegistry.make("prunadag-v1", settings: testSettings(nR: 8, eps: 0, kmax: 50)),
                              on: problem, from: problem.startingPoint(run: 0), observer: rec1)
        XCTAssertGreaterThan(rec1.entries.compactMap { $0.previousStep?.acceptable }.reduce(0, +), 0)
    }

    func testSetSizesAddUpAndRelevantIsTheTopOfTheGradient() throws {
        let problem = try TestProblems.randomLeastSquares(n: 64, m: 16, s: 4)
        let solver = try PrunAdag(name: "v2", variant: .v2, settings: testSettings(nR: 5, eps: 0, kmax: 10))
        try solver.start(problem: problem, x0: problem.startingPoint(run: 0))
        for _ in 0..<10 {
            let g = solver.state.currentGradient
            solver.step()
            let top = TopKSelector.largestMagnitudes(g, count: 5)
            XCTAssertEqual(solver.relevantMask.indices.filter { solver.relevantMask[$0] }, top)
            let s = try XCTUnwrap(solver.state.lastStep)
            XCTAssertEqual(s.relevant! + s.acceptable! + s.decreasable!, 64)
        }
    }

    func testBadParametersThrow() throws {
        let problem = SeparableQuadratic(d: [1, 2], c: [0, 0])
        var p = try PrunAdag.Parameters(settings: testSettings(nR: 1))
        p.sigma = 0
        XCTAssertThrowsError(try PrunAdag(name: "x", variant: .v1, settings: testSettings(nR: 1), parameters: p).start(problem: problem, x0: [1, 1]))
        p = try PrunAdag.Parameters(settings: testSettings(nR: 1)); p.boundConstant = -1
        XCTAssertThrowsError(try PrunAdag(name: "x", variant: .v1, settings: testSettings(nR: 1), parameters: p).start(problem: problem, x0: [1, 1]))
    }
}
