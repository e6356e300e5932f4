import XCTest
import ProblemSuite
import Solvers
import ProblemSuiteTestSupport

/// The trace's f(x_k) comes from the solver's gradient pass: equal bit for bit to
/// `problem.value(at: x_k)`, with the gradients and iterates of the run unchanged, and
/// counted apart from the solver's evaluations.
final class TracedValueTests: XCTestCase {
    /// Keeps every record's iterate, gradient and value.
    final class ValueObserver: SolverObserver {
        let wants: Bool
        var xs: [[UInt64]] = [], gs: [[UInt64]] = [], values: [Double?] = []
        init(wants: Bool) { self.wants = wants }
        var wantsValues: Bool { wants }
        func observe(_ record: IterationRecord) {
            xs.append(record.iterateArray.map(\.bitPattern))
            gs.append(record.gradientArray.map(\.bitPattern))
            values.append(record.value)
        }
    }

    func check(_ problem: any SmoothProblem, solver name: String, kmax: Int) throws {
        var settings = problem.metadata.settings
        settings.maxIterations = kmax
        let x0 = problem.startingPoint(run: 0)
        let plain = ValueObserver(wants: false), traced = ValueObserver(wants: true)
        let a = try SolverRun.run(try SolverRegistry.make(name, settings: settings), on: problem, from: x0, observer: plain)
        problem.evaluations.reset()
        let b = try SolverRun.run(try SolverRegistry.make(name, settings: settings), on: problem, from: x0, observer: traced)
        let label = "\(problem.name) \(name)"
        XCTAssertEqual(a.x.map(\.bitPattern), b.x.map(\.bitPattern), label)
        XCTAssertEqual(plain.xs, traced.xs, label)
        XCTAssertEqual(plain.gs, traced.gs, label)
        XCTAssertTrue(plain.values.allSatisfy { $0 == nil }, "\(label): values not asked for")
        XCTAssertEqual(b.valueEvaluations, 0, "\(label): the solver stays objective-function free")
        XCTAssertEqual(b.gradientEvaluations, a.gradientEvaluations, label)
        XCTAssertEqual(problem.evaluations.tracedValues, b.gradientEvaluations, "\(label): one traced value per gradient pass")
        XCTAssertEqual(problem.evaluations.values, 0, label)
        XCTAssertGreaterThan(traced.values.count, 2, label)
        for (k, (v, x)) in zip(traced.values, traced.xs).enumerated() {
            let direct = problem.value(at: x.map(Double.init(bitPattern:)))
            XCTAssertEqual(try XCTUnwrap(v, "\(label) k = \(k)").bitPattern, direct.bitPattern, "\(label) k = \(k)")
        }
    }

    func testTracedValuesAreTheValuesBitForBit() throws {
        let catalogue = try Catalogue.standard()
        for name in ["A1", "A6", "SPARCO3", "SPARCO7"] {
            let problem = try catalogue.load(name)
            XCTAssertTrue(problem.gradientPassComputesValue, name)
            for solver in ["adagrad", "prunadag-v3"] { try check(problem, solver: solver, kmax: 40) }
        }
    }

    func testProblemWhoseGradientPassDoesNotGiveValuesStillGetsNone() throws {
        let p = SeparableQuadratic(d: [1, 2, 3, 4], c: [1, -1, 0.5, 2])
        XCTAssertFalse(p.gradientPassComputesValue)
        let o = ValueObserver(wants: true)
        _ = try SolverRun.run(try SolverRegistry.make("adagrad", settings: testSettings(nR: 2, kmax: 5)), on: p,
                              from: [0, 0, 0, 0], observer: o)
        XCTAssertTrue(o.values.allSatisfy { $0 == nil })
        XCTAssertEqual(p.evaluations.tracedValues, 0)
    }
}
