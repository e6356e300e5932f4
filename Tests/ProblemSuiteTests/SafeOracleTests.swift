import XCTest
import ProblemSuite
import Solvers

/// f(x) = Σ ½·d_i·(x_i − c_i)² + ¼·x_i⁴, written on spans (no pointers).
private final class SafeQuartic: SafeSmoothProblem {
    let metadata: ProblemMetadata
    let evaluations = EvaluationCounter()
    let d: [Double], c: [Double]
    /// Calls of the span gradient method (when `overridesGradient`).
    var gradientCalls = 0
    let overridesGradient: Bool

    init(d: [Double], c: [Double], overridesGradient: Bool = false) {
        self.d = d
        self.c = c
        self.overridesGradient = overridesGradient
        metadata = ProblemMetadata(name: "SAFE-QUARTIC", family: "test-safe", dimension: d.count,
                                   classification: "OUR2-AN-\(d.count)-0", seed: 0)
    }

    func computeValue(_ x: Span<Double>) -> Double {
        var f = 0.0
        for i in x.indices {
            let r = x[i] - c[i], x2 = x[i] * x[i]
            f += 0.5 * d[i] * r * r + 0.25 * x2 * x2
        }
        return f
    }

    func computeValueAndGradient(_ x: Span<Double>, into gradient: inout MutableSpan<Double>) -> Double {
        var f = 0.0
        for i in x.indices {
            let r = x[i] - c[i], x2 = x[i] * x[i]
            f += 0.5 * d[i] * r * r + 0.25 * x2 * x2
            gradient[i] = d[i] * r + x2 * x[i]
        }
        return f
    }

    func computeGradient(_ x: Span<Double>, into gradient: inout MutableSpan<Double>) {
        guard overridesGradient else { _ = computeValueAndGradient(x, into: &gradient); return }
        gradientCalls += 1
        for i in x.indices { gradient[i] = d[i] * (x[i] - c[i]) + x[i] * x[i] * x[i] }
    }
}

/// The same function as ``SafeQuartic`` on arrays: the expected values.
private func quartic(_ x: [Double], d: [Double], c: [Double]) -> (Double, [Double]) {
    var f = 0.0
    var g = [Double](repeating: 0, count: x.count)
    for i in x.indices {
        let r = x[i] - c[i], x2 = x[i] * x[i]
        f += 0.5 * d[i] * r * r + 0.25 * x2 * x2
        g[i] = d[i] * r + x2 * x[i]
    }
    return (f, g)
}

/// Gradient descent with a fixed step, written with the safe ``SolverState`` accessors.
private final class SafeGradientDescent: Solver {
    let name = "safe-gd"
    let settings: SolverSettings
    let state = SolverState()
    let alpha: Double
    /// max |g_k[i]| seen through `withGradient`, per step.
    var largestGradientEntries: [Double] = []

    init(settings: SolverSettings, alpha: Double) {
        self.settings = settings
        self.alpha = alpha
    }

    func start(problem: any SmoothProblem, x0: [Double]) throws {
        largestGradientEntries = []
        try state.begin(problem: problem, x0: x0, settings: settings)
    }

    @discardableResult
    func step() -> Bool {
        guard !state.isStopped else { return true }
        let largest = state.withGradient { g in
            var m = 0.0
            for i in g.indices { m = max(m, abs(g[i])) }
            return m
        }
        largestGradientEntries.append(largest)
        let alpha = alpha
        let moved = state.updateIterate { x, g in
            var s = 0.0
            for i in x.indices {
                let step = alpha * g[i]
                x[i] -= step
                s += step * step
            }
            return s.squareRoot()
        }
        return state.finishStep(StepSummary(iteration: state.iteration, stepNorm: moved, stepLength: alpha))
    }
}

final class SafeOracleTests: XCTestCase {
    let d = [1.0, 2.0, 0.5, 3.0, 1.5, 0.25, 4.0]
    let c = [0.3, -1.2, 2.0, 0.0, -0.7, 1.1, 0.45]
    let x = [0.1, 0.9, -1.3, 2.2, 0.05, -0.4, 1.7]

    func testThreeEntryPointsAgreeWithTheFormula() {
        for overrides in [false, true] {
            let p = SafeQuartic(d: d, c: c, overridesGradient: overrides)
            let (f, g) = quartic(x, d: d, c: c)

            XCTAssertEqual(p.value(at: x).bitPattern, f.bitPattern)
            XCTAssertEqual(p.gradient(at: x).map(\.bitPattern), g.map(\.bitPattern))
            var g2: [Double] = []
            XCTAssertEqual(p.valueAndGradient(at: x, into: &g2).bitPattern, f.bitPattern)
            XCTAssertEqual(g2.map(\.bitPattern), g.map(\.bitPattern))
            // One count per entry point, as for a pointer problem.
            XCTAssertEqual(p.evaluations.values, 2)
            XCTAssertEqual(p.evaluations.gradients, 2)
            // The conformer's own span gradient is the one called when it has one.
            XCTAssertEqual(p.gradientCalls, overrides ? 1 : 0)

            // The pointer requirements (what the built-in solvers and the harness call).
            let fp = x.withUnsafeBufferPointer { p.computeValue($0) }
            XCTAssertEqual(fp.bitPattern, f.bitPattern)
            var g3 = [Double](repeating: .nan, count: x.count)
            let fg = x.withUnsafeBufferPointer { xp in g3.withUnsafeMutableBufferPointer { p.computeValueAndGradient(xp, into: $0) } }
            XCTAssertEqual(fg.bitPattern, f.bitPattern)
            XCTAssertEqual(g3.map(\.bitPattern), g.map(\.bitPattern))
        }
    }

    func testSpanEntryPoints() {
        let p = SafeQuartic(d: d, c: c)
        let (f, g) = quartic(x, d: d, c: c)
        let xs = ContiguousArray(x)
        var gs = ContiguousArray<Double>(repeating: .nan, count: x.count)
        XCTAssertEqual(p.value(at: xs.span).bitPattern, f.bitPattern)
        do {
            var out = gs.mutableSpan
            p.gradient(at: xs.span, into: &out)
        }
        XCTAssertEqual(gs.map(\.bitPattern), g.map(\.bitPattern))
        gs = ContiguousArray(repeating: .nan, count: x.count)
        do {
            var out = gs.mutableSpan
            XCTAssertEqual(p.valueAndGradient(at: xs.span, into: &out).bitPattern, f.bitPattern)
        }
        XCTAssertEqual(gs.map(\.bitPattern), g.map(\.bitPattern))
        XCTAssertEqual(p.evaluations.values, 2)
        XCTAssertEqual(p.evaluations.gradients, 2)
        // Uncounted forms (for a problem evaluating another inside its oracle).
        XCTAssertEqual(p.uncountedValue(at: xs.span).bitPattern, f.bitPattern)
        gs = ContiguousArray(repeating: .nan, count: x.count)
        do {
            var out = gs.mutableSpan
            XCTAssertEqual(p.uncountedValueAndGradient(at: xs.span, into: &out).bitPattern, f.bitPattern)
        }
        XCTAssertEqual(gs.map(\.bitPattern), g.map(\.bitPattern))
        XCTAssertEqual(p.evaluations.values, 2)
        XCTAssertEqual(p.evaluations.gradients, 2)
    }

    func testGradientCheckPasses() {
        for overrides in [false, true] {
            let report = GradientCheck.check(SafeQuartic(d: d, c: c, overridesGradient: overrides), at: x)
            XCTAssertTrue(report.consistent)
            XCTAssertLessThan(report.maxRelativeError, 1e-6)
        }
    }

    func testSafeSolverRunsThroughSolverRun() throws {
        let p = SafeQuartic(d: d, c: c)
        var settings = SolverSettings()
        settings.gradientTolerance = 1e-8
        settings.maxIterations = 5000
        let alpha = 0.05
        let solver = SafeGradientDescent(settings: settings, alpha: alpha)
        let result = try SolverRun.run(solver, on: p, from: x)
        XCTAssertEqual(result.stopReason, .gradientTolerance)
        XCTAssertLessThanOrEqual(result.gradientNorm, 1e-8)
        XCTAssertEqual(result.gradientEvaluations, result.iterations + 1)
        XCTAssertEqual(result.valueEvaluations, 0)
        XCTAssertEqual(solver.largestGradientEntries.count, result.iterations)

        // The same iteration on arrays gives the same bits.
        var xr = x
        var (_, g) = quartic(xr, d: d, c: c)
        for _ in 0..<result.iterations {
            for i in xr.indices { xr[i] -= alpha * g[i] }
            g = quartic(xr, d: d, c: c).1
        }
        XCTAssertEqual(result.x.map(\.bitPattern), xr.map(\.bitPattern))
        XCTAssertEqual(solver.state.withIterate { $0.count }, x.count)
        XCTAssertEqual(solver.state.withIterate { xs in xs.indices.map { xs[$0].bitPattern } }, xr.map(\.bitPattern))
        XCTAssertEqual(solver.state.withGradient { gs in gs.indices.map { gs[$0].bitPattern } }, g.map(\.bitPattern))
    }
}
