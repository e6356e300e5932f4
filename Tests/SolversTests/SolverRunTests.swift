import XCTest
import ProblemSuite
import ProblemSuiteTestSupport
@testable import Solvers

final class SolverRunTests: XCTestCase {
    func testRecordsCountsAndStopReasons() throws {
        let problem = try TestProblems.randomLeastSquares(n: 64, m: 16, s: 4)
        for name in SolverRegistry.names {
            let rec = RecordingObserver()
            let solver = try SolverRegistry.make(name, settings: testSettings(nR: 4, eps: 0, kmax: 7))
            XCTAssertEqual(solver.name, name)
            let result = try SolverRun.run(solver, on: problem, from: problem.startingPoint(run: 0), observer: rec)
            XCTAssertEqual(result.iterations, 7, name)
            XCTAssertEqual(result.stopReason, .iterationLimit, name)
            // FW2 applies the per-instance rule for eta2 (fw_eta2 = 0) at start: counted.
            XCTAssertEqual(result.gradientEvaluations, 8 + (name == "fw2" ? FrankWolfeRule.gradientCost : 0), name)
            XCTAssertEqual(result.valueEvaluations, 0, "\(name) evaluated f")
            XCTAssertEqual(rec.entries.map(\.iteration), Array(0...7), name)
            XCTAssertNil(rec.entries[0].previousStep)
            XCTAssertEqual(rec.entries.map { $0.stopReason != nil }, [Bool](repeating: false, count: 7) + [true])
            for (k, e) in rec.entries.enumerated().dropFirst() {
                let s = try XCTUnwrap(e.previousStep)
                XCTAssertEqual(s.iteration, k - 1)
                let diff = zip(e.x, rec.entries[k - 1].x).map { $0 - $1 }
                XCTAssertEqual(s.stepNorm, DenseKernels.norm(diff), accuracy: 1e-12 * max(1, s.stepNorm), name)
                XCTAssertEqual(e.gradientNorm, DenseKernels.norm(e.g), name)
            }
            XCTAssertEqual(result.x, rec.entries.last!.x)
            XCTAssertEqual(result.sparsity, SolverRun.sparsityPercentage(result.x, threshold: 1e-3))
            // Stepping a stopped solver does nothing.
            XCTAssertTrue(solver.step())
            XCTAssertEqual(solver.state.iteration, 7)
        }
    }

    /// An observer written with the public API only: x_k and g_k come as spans, lent for
    /// the call; what it computes from them equals what the copies give, bit for bit.
    func testObserversReadSpansWithoutPointers() throws {
        final class SpanObserver: SolverObserver {
            let problem: any SmoothProblem
            var values: [Double] = [], norms: [Double] = [], reported: [Double] = [], copies: [[Double]] = []
            init(problem: any SmoothProblem) { self.problem = problem }
            func observe(_ record: IterationRecord) {
                values.append(record.withIterate { problem.uncountedValue(at: $0) })
                norms.append(record.withGradient { g in
                    var s = 0.0
                    for i in g.indices { s += g[i] * g[i] }
                    return s.squareRoot()
                })
                reported.append(record.gradientNorm)
                XCTAssertEqual(record.dimension, problem.dimension)
                copies.append(record.iterateArray)
            }
        }
        let problem = try TestProblems.randomLeastSquares(n: 64, m: 16, s: 4)
        let observer = SpanObserver(problem: problem)
        let solver = try SolverRegistry.make("prunadag-v3", settings: testSettings(nR: 4, eps: 0, kmax: 5))
        let result = try SolverRun.run(solver, on: problem, from: problem.startingPoint(run: 0), observer: observer)
        XCTAssertEqual(observer.values.count, 6)
        XCTAssertEqual(observer.values, observer.copies.map { problem.uncountedValue(at: $0.span) })
        XCTAssertEqual(observer.copies.last, result.x)
        for (norm, expected) in zip(observer.norms, observer.reported) { XCTAssertEqual(norm, expected, accuracy: 1e-12 * expected) }
        XCTAssertEqual(result.valueEvaluations, 0, "the observer's evaluations are not the solver's")
    }

    func testStopsAtToleranceAndAtZeroIterations() throws {
        let problem = try TestProblems.randomLeastSquares(n: 64, m: 16, s: 4)
        let x0 = problem.startingPoint(run: 0)
        for name in SolverRegistry.names {
            let zero = try SolverRun.run(try SolverRegistry.make(name, settings: testSettings(nR: 4, eps: 0, kmax: 0)), on: problem, from: x0)
            XCTAssertEqual(zero.iterations, 0)
            XCTAssertEqual(zero.stopReason, .iterationLimit)
            XCTAssertEqual(zero.x, x0)
            let loose = try SolverRun.run(try SolverRegistry.make(name, settings: testSettings(nR: 4, eps: 1e9, kmax: 10)), on: problem, from: x0)
            XCTAssertEqual(loose.iterations, 0)
            XCTAssertEqual(loose.stopReason, .gradientTolerance)
        }
        // Adagrad on a separable quadratic reaches a modest tolerance and stops there.
        let quad = SeparableQuadratic(d: [1, 3, 0.5], c: [1, -1, 2])
        let r = try SolverRun.run(Adagrad(settings: testSettings(nR: 1, eps: 1e-6, kmax: 100_000)), on: quad, from: [0, 0, 0])
        XCTAssertEqual(r.stopReason, .gradientTolerance)
        XCTAssertLessThanOrEqual(r.gradientNorm, 1e-6)
        XCTAssertLessThan(r.iterations, 100_000)
    }

    func testBadStartsThrowAndRestartIsIdentical() throws {
        let problem = try TestProblems.randomLeastSquares(n: 64, m: 16, s: 4)
        for name in SolverRegistry.names {
            let solver = try SolverRegistry.make(name, settings: testSettings(nR: 4, eps: 0, kmax: 12))
            XCTAssertThrowsError(try solver.start(problem: problem, x0: [1, 2, 3])) { error in
                XCTAssert("\(error)".contains("3 entries"), "\(error)")
            }
            var bad = problem.startingPoint(run: 0); bad[5] = .nan
            XCTAssertThrowsError(try solver.start(problem: problem, x0: bad))
            let first = try iterateBits(solver, problem, problem.startingPoint(run: 1))
            let again = try iterateBits(solver, problem, problem.startingPoint(run: 1))
            XCTAssertEqual(first, again, "\(name): restart differs")
        }
    }

    func testDivergenceStopsAsNonFinite() throws {
        // Adagrad with a huge scale on a stiff quadratic overflows; the run must stop, not loop.
        let problem = SeparableQuadratic(d: [1e300, 1], c: [0, 0])
        let solver = Adagrad(settings: testSettings(nR: 1, eps: 0, kmax: 1000), parameters: .init(sigma: 1e-2, scale: 1e300))
        let r = try SolverRun.run(solver, on: problem, from: [1, 1])
        XCTAssertEqual(r.stopReason, .nonFinite)
        XCTAssertLessThan(r.iterations, 1000)
    }
}

final class SolverRegistryTests: XCTestCase {
    func testNamesAndLookup() throws {
        XCTAssertEqual(SolverRegistry.names, ["adagrad", "prunadag-v1", "prunadag-v2", "prunadag-v3", "prunadag-v4",
                                              "relevant-only", "relevant-only-plain", "fw1", "fw2"])
        XCTAssertEqual(try SolverRegistry.entry(named: "PrunAdag-V3").name, "prunadag-v3")
        XCTAssertEqual(try SolverRegistry.make("FW2", settings: SolverSettings()).name, "fw2")
        XCTAssertThrowsError(try SolverRegistry.entry(named: "prunadag-v5")) { error in
            let text = "\(error)"
            XCTAssert(text.contains("unknown solver 'prunadag-v5'") && text.contains("did you mean 'prunadag-v"), text)
        }
        XCTAssertThrowsError(try SolverRegistry.entry(named: "adagrd")) { error in
            XCTAssert("\(error)".contains("'adagrad'"), "\(error)")
        }
    }

    func testSettingsReachTheSolvers() throws {
        var s = testSettings(nR: 3, radius: 7)
        s.parameters["sigma"] = .double(0.5); s.parameters["c"] = .double(2)
        s.parameters["fw_eta1"] = .double(3); s.parameters["fw_eta2"] = .double(0.25)
        let p = try XCTUnwrap(try SolverRegistry.make("prunadag-v2", settings: s) as? PrunAdag)
        XCTAssertEqual(p.parameters, PrunAdag.Parameters(relevantCount: 3, sigma: 0.5, boundConstant: 2))
        XCTAssertEqual(p.variant, .v2)
        let f = try XCTUnwrap(try SolverRegistry.make("fw1", settings: s) as? FrankWolfe)
        XCTAssertEqual(f.parameters, FrankWolfe.Parameters(supportSize: 3, radius: 7, eta1: 3, eta2: 0.25))
        XCTAssertEqual(f.rule, .linear)
        let a = try XCTUnwrap(try SolverRegistry.make("adagrad", settings: s) as? Adagrad)
        XCTAssertEqual(a.parameters.sigma, 0.5)
        // Each solver's settings hold exactly its own resolved parameters.
        XCTAssertEqual(a.settings.parameters, ["sigma": .double(0.5)])
        XCTAssertEqual(Set(f.settings.parameters.keys), ["fw_radius", "fw_eta1", "fw_eta2"])
        XCTAssertEqual(p.settings.parameters, ["sigma": .double(0.5), "c": .double(2)])
        // Defaults fill what no file sets.
        let d = try XCTUnwrap(try SolverRegistry.make("prunadag-v3", settings: testSettings(nR: 3)) as? PrunAdag)
        XCTAssertEqual(d.parameters, PrunAdag.Parameters(relevantCount: 3, sigma: 1e-2, boundConstant: 1))
        XCTAssertEqual(d.settings.parameters, ["sigma": .double(1e-2), "c": .double(1)])
    }
}
