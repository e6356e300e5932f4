import XCTest
@testable import Harness

final class ClaimsTests: XCTestCase {
    func cell(_ p: String, _ s: String, _ m: String, _ l: Double? = nil, _ v: Double) -> Cell {
        Cell(problem: p, family: "f", solver: s, measure: m, level: l, statistic: Statistic([v]))
    }

    /// Sparse-coding cells where `moderate` is the most robust at 30–60 % and `aggressive`
    /// at ≥ 80 % (every other solver 10× worse).
    func sparseCoding(moderate: String, aggressive: String) -> [Cell] {
        var cells: [Cell] = []
        for p in ["P1", "P2", "P3"] {
            for s in ["prunadag-v1", "prunadag-v3", "prunadag-v4", "adagrad"] {
                for l in [30.0, 50, 80, 90] {
                    let best = l < 80 ? moderate : aggressive
                    for m in ["eps_f", "eps_g"] { cells.append(cell(p, s, m, l, s == best ? 1e-3 : 1e-2)) }
                }
            }
        }
        return cells
    }

    func claim(_ id: Int, _ cells: [String: [Cell]]) -> Claims.Claim {
        Claims.evaluate(cells: cells).first { $0.id == id }!
    }

    func testSparseCodingClaimHoldsFailsOrIsMixed() {
        let holds = claim(5, ["sparse-coding": sparseCoding(moderate: "prunadag-v1", aggressive: "prunadag-v4")])
        XCTAssertEqual(holds.verdict, .holds, Claims.text([holds]))
        XCTAssertEqual(holds.checks.count, 4)
        XCTAssert(holds.checks[0].evidence.contains("3 of 3 problems"), holds.checks[0].evidence)
        let fails = claim(5, ["sparse-coding": sparseCoding(moderate: "adagrad", aggressive: "adagrad")])
        XCTAssertEqual(fails.verdict, .fails)
        XCTAssert(fails.checks[0].evidence.contains("best adagrad 0.001"), fails.checks[0].evidence)
        let mixed = claim(5, ["sparse-coding": sparseCoding(moderate: "prunadag-v1", aggressive: "adagrad")])
        XCTAssertEqual(mixed.verdict, .mixed)
        // Ties share the first place: eps = 0 for V1 and Adagrad makes V1 "the lowest".
        var tied = sparseCoding(moderate: "prunadag-v1", aggressive: "prunadag-v4")
        for i in tied.indices where tied[i].solver == "adagrad" || tied[i].solver == "prunadag-v1" { tied[i].statistic = Statistic([0]) }
        XCTAssertEqual(claim(5, ["sparse-coding": tied]).checks.map(\.holds), [true, false, true, false])
    }

    func testAbsentExperimentIsNotEvaluatedAndSaysWhich() {
        let all = Claims.evaluate(cells: ["sparse-coding": sparseCoding(moderate: "prunadag-v1", aggressive: "prunadag-v3")],
                                  leftOut: ["sparse-coding": ["MNISTSC4"]])
        XCTAssertEqual(all.map(\.id), [1, 2, 3, 4, 5, 6])
        let six = all[5]
        XCTAssertEqual(six.verdict, .notEvaluated)
        XCTAssertEqual(six.note, "not evaluated (no results for classification)")
        XCTAssertEqual(all[4].note, "left out of the results: MNISTSC4")
        // A claim whose solvers are all absent is not evaluated either (never a silent holds).
        let none = claim(3, ["random-least-squares": [cell("A1", "adagrad", "iterations", nil, 10)]])
        XCTAssertEqual(none.verdict, .notEvaluated)
        XCTAssert(none.checks.allSatisfy { $0.holds == nil })
    }

    /// Figure 4's checks read iterations and the converged fraction.
    func testConvergenceClaim() {
        func cells(v3Converged: Double, fwIterations: Double) -> [Cell] {
            var out: [Cell] = []
            for p in ["A1", "A2", "A3"] {
                let iters: [String: Double] = ["adagrad": 500, "prunadag-v1": 600, "prunadag-v2": 900, "prunadag-v3": 800,
                                               "prunadag-v4": 950, "fw1": fwIterations, "fw2": fwIterations]
                for (s, k) in iters { out.append(cell(p, s, "iterations", nil, k)) }
                out.append(cell(p, "prunadag-v3", "converged", nil, v3Converged))
            }
            return out
        }
        XCTAssertEqual(claim(3, ["random-least-squares": cells(v3Converged: 1, fwIterations: 1000)]).verdict, .holds)
        let c = claim(3, ["random-least-squares": cells(v3Converged: 0.5, fwIterations: 100)])
        XCTAssertEqual(c.verdict, .mixed)
        XCTAssertEqual(c.checks.map(\.holds), [true, true, false, false])
        // A shared first place is not "fastest": every solver at the same budget (none
        // converged, as on SPARCO9 at kmax 20000) does not make V1 the fastest version.
        var tied = cells(v3Converged: 1, fwIterations: 1000)
        for i in tied.indices where tied[i].measure == "iterations" && tied[i].solver.hasPrefix("prunadag") {
            tied[i].statistic = Statistic([2000])
        }
        let t = claim(3, ["random-least-squares": tied])
        XCTAssertEqual(t.checks[0].holds, false, t.checks[0].evidence)
        XCTAssertEqual(Claims.strictlyFirst("fw2", in: [("fw2", 5), ("adagrad", 5)]), false)
        XCTAssertEqual(Claims.strictlyFirst("fw2", in: [("fw2", 4), ("adagrad", 5)]), true)
        XCTAssertNil(Claims.strictlyFirst("fw2", in: [("adagrad", 5)]))
        // The JSON holds the verdict as plain text.
        let json = String(decoding: try! JSONEncoder().encode([c]), as: UTF8.self)
        XCTAssert(json.contains("\"verdict\":\"mixed\""), json)
    }
}
