import XCTest
import Foundation
import ProblemSuite
@testable import Harness

/// Profiles of small hand-made result sets whose curves are known exactly.
final class ProfilesTests: XCTestCase {
    /// A result of `solver` on `problem`, run `run`, whose trace has the gradient norms
    /// `norms` at k = 0, 1, …; eps_f, eps_g (and accuracies) at p = 50.
    func record(_ problem: String, _ solver: String, run: Int = 0, norms: [Double], failed: Bool = false,
                epsF: Double = 1, epsG: Double = 1, accuracy: Double? = nil, prunedAccuracy: Double? = nil,
                seconds: Double = 1, kEqualsZero: Bool = true) -> RunRecord {
        let metadata = ProblemMetadata(name: problem, family: "test", dimension: 4, classification: "SUR1-AN-4-0", seed: 1)
        let fingerprint = Fingerprint(problem: ProblemIdentity(metadata: metadata, data: [:]), solver: solver, settings: SolverSettings(),
                                      run: run, protocolKind: .custom, pruning: [50])
        let k = norms.count - 1
        return RunRecord(key: TaskKey(problem: problem, solver: solver, run: run), fingerprint: fingerprint,
                         status: failed ? .diverged : .iterationLimit, failure: nil, family: "test", dimension: 4, settings: SolverSettings(),
                         iterations: k, stopReason: "kmax", gradientNorm: norms.last!, initialValue: 1, value: 0.5, seconds: seconds,
                         gradientEvaluations: k + 1, sparsity: 0,
                         pruning: [PruningMeasure(percentage: 50, pruned: 2, epsG: epsG, epsF: epsF, accuracy: prunedAccuracy, undecided: nil)],
                         accuracy: accuracy, undecided: nil, maxPrunableWithinOnePoint: nil,
                         trace: norms.enumerated().map { TracePoint(k: kEqualsZero ? $0.offset : $0.offset + 1, gradientNorm: $0.element, f: 0, sparsity: 0) },
                         provenance: Provenance.current(command: "test"))
    }

    var records: [RunRecord] {
        [record("P1", "a", norms: [1, 0.5, 0.05], epsF: 0.2, seconds: 4),
         record("P1", "b", norms: [1, 0.09], epsF: 0.1),
         record("P1", "c", norms: [1, 0.01], failed: true, epsF: 0),
         record("P2", "a", norms: [2, 0.1], epsF: 0),
         record("P2", "b", norms: [2, 1, 0.5, 0.15], epsF: 0),
         record("P2", "c", norms: [2, 0.19], epsF: 0.3)]
    }

    func curve(_ profiles: [Profiles.Profile], _ kind: Profiles.Kind, _ solver: String) -> Profiles.Curve? {
        profiles.first { $0.kind == kind }?.curves.first { $0.solver == solver }
    }

    func testPerformanceDataAndLogRatioProfiles() throws {
        let set = try Profiles.Set(records)
        XCTAssertEqual(set.solvers, ["a", "b", "c"])
        XCTAssertEqual(set.instances.map(\.problem), ["P1", "P2"])
        let p = try Profiles.compute(set, cost: .gradients, tolerances: [0.1], pruning: [])
        // Gradients to ‖g‖ ≤ 0.1‖g₀‖: P1 a 3, b 2, c failed; P2 a 2, b 4, c 2.
        XCTAssertEqual(curve(p, .performance, "a"), Profiles.Curve(solver: "a", x: [1, 1.5], y: [0.5, 1]))
        XCTAssertEqual(curve(p, .performance, "b"), Profiles.Curve(solver: "b", x: [1, 2], y: [0.5, 1]))
        XCTAssertEqual(curve(p, .performance, "c"), Profiles.Curve(solver: "c", x: [1], y: [0.5]), "a failed run never solves")
        XCTAssertEqual(curve(p, .data, "a"), Profiles.Curve(solver: "a", x: [2, 3], y: [0.5, 1]))
        XCTAssertEqual(curve(p, .data, "b"), Profiles.Curve(solver: "b", x: [2, 4], y: [0.5, 1]))
        let ratio = try XCTUnwrap(p.first { $0.kind == .logRatio }?.curves.first)
        XCTAssertEqual(ratio.x, [1, 2])
        XCTAssertEqual(ratio.y[0], -1)
        XCTAssertEqual(ratio.y[1], log2(1.5), accuracy: 1e-15)
        // Iterations and (pro-rata) time.
        let it = try Profiles.compute(set, cost: .iterations, tolerances: [0.1], pruning: [])
        XCTAssertEqual(curve(it, .data, "a"), Profiles.Curve(solver: "a", x: [1, 2], y: [0.5, 1]))
        XCTAssertEqual(try Profiles.cost(records[0], tolerance: 0.1, .time), 4)
        XCTAssertEqual(try Profiles.cost(records[0], tolerance: 0.6, .time), 2)
        XCTAssertEqual(try Profiles.cost(records[0], tolerance: 1e-3, .gradients), .infinity)
        // A one-sided win is capped beyond the largest finite ratio.
        let capped = Profiles.logRatio([1, 2, .infinity, .infinity], [2, .infinity, 1, .infinity], name: "x")
        XCTAssertEqual(capped.y, [-2, -1, 2])
    }

    func testPruningAndAccuracyLostProfiles() throws {
        let p = try Profiles.compute(try Profiles.Set(records), tolerances: [])
        // eps_f at 50 %: P1 a 0.2, b 0.1, c failed; P2 a 0, b 0 (ties at the floor), c 0.3.
        XCTAssertEqual(curve(p, .pruningF, "a"), Profiles.Curve(solver: "a", x: [1, 2], y: [0.5, 1]))
        XCTAssertEqual(curve(p, .pruningF, "b"), Profiles.Curve(solver: "b", x: [1], y: [1]))
        XCTAssertEqual(curve(p, .pruningF, "c")?.y, [0.5])
        XCTAssertEqual(curve(p, .pruningF, "c")?.x[0] ?? 0, 0.3 / Profiles.measureFloor, accuracy: 1)
        XCTAssertEqual(curve(p, .pruningG, "a"), Profiles.Curve(solver: "a", x: [1], y: [1]), "eps_g all 1: ties")
        XCTAssertEqual(curve(p, .pruningG, "c"), Profiles.Curve(solver: "c", x: [1], y: [0.5]), "except the failed run")
        XCTAssertNil(p.first { $0.kind == .accuracyLost }, "no accuracies, no accuracy profile")
        let classified = [record("C", "a", norms: [1, 0.5], accuracy: 90, prunedAccuracy: 88),
                          record("C", "b", norms: [1, 0.5], accuracy: 91, prunedAccuracy: 90.5)]
        let q = try Profiles.compute(try Profiles.Set(classified), tolerances: [])
        XCTAssertEqual(curve(q, .accuracyLost, "a"), Profiles.Curve(solver: "a", x: [1.5], y: [1]))
        XCTAssertEqual(curve(q, .accuracyLost, "b"), Profiles.Curve(solver: "b", x: [0], y: [1]))
        XCTAssertThrowsError(try Profiles.compute(try Profiles.Set(records), tolerances: [], pruning: [30])) {
            XCTAssert("\($0)".contains("pruning level 30"), "\($0)")
        }
    }

    func testIncompleteConflictingAndBrokenResults() throws {
        let extra = record("P3", "a", norms: [1, 0.01])
        let set = try Profiles.Set(records + [extra])
        XCTAssertEqual(set.incomplete.map(\.problem), ["P3"])
        XCTAssertEqual(set.instances.count, 2)
        XCTAssertEqual(try Profiles.Set(records + [extra], solvers: ["a"]).instances.count, 3)
        XCTAssertThrowsError(try Profiles.Set(records, solvers: ["zz"])) { XCTAssert("\($0)".contains("zz"), "\($0)") }
        // The same task twice with another fingerprint (another run index in it) is refused.
        var other = records[0]
        other.fingerprint = Fingerprint(problem: other.fingerprint.problem, solver: "a", settings: SolverSettings(), run: 0,
                                        protocolKind: .quick, pruning: [50])
        XCTAssertThrowsError(try Profiles.Set(records + [other])) { XCTAssert("\($0)".contains("different fingerprints"), "\($0)") }
        // Identical duplicates (one result in two directories) are one.
        XCTAssertEqual(try Profiles.Set(records + [records[0]]).instances.count, 2)
        let broken = record("P1", "a", norms: [1, 0.1], kEqualsZero: false)
        XCTAssertThrowsError(try Profiles.cost(broken, tolerance: 0.5, .gradients)) { XCTAssert("\($0)".contains("k = 0"), "\($0)") }
    }

    func testWrittenCurvesAndCharts() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try Profiles.compute(try Profiles.Set(records), tolerances: [0.1])
        let files = try Profiles.write(p, to: dir)
        XCTAssert(files.contains("performance-tau1e-01.svg") && files.contains("pruning-eps_f-p50.csv"), "\(files)")
        let csv = try String(contentsOfFile: dir + "/performance-tau1e-01.csv", encoding: .utf8)
        XCTAssertEqual(csv, "profile,parameter,solver,x,y\nperformance,0.1,a,1,0.5\nperformance,0.1,a,1.5,1\nperformance,0.1,b,1,0.5\nperformance,0.1,b,2,1\nperformance,0.1,c,1,0.5\n")
        let svg = try String(contentsOfFile: dir + "/performance-tau1e-01.svg", encoding: .utf8)
        XCTAssert(svg.hasPrefix("<svg") && svg.contains("polyline"), svg)
    }
}
