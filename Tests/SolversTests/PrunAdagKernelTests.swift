import XCTest
import ProblemSuite
import Solvers

/// prunAdag's entry loop has an AVX2 form (CSparseKernels/vector_avx2.c) chosen at run
/// time; it must give the bits of the Swift loop: iterates, gradients, classes and set sizes.
final class PrunAdagKernelTests: XCTestCase {
    override func tearDown() {
        DenseKernels.forcePortable(false)
        super.tearDown()
    }

    struct Trace: Equatable {
        var iterates: [[UInt64]] = [], sizes: [[Int?]] = [], classes: [UInt8] = []
    }

    func run(_ name: String, _ problem: any SmoothProblem, kmax: Int) throws -> Trace {
        var settings = problem.metadata.settings
        settings.maxIterations = kmax
        let solver = try SolverRegistry.make(name, settings: settings)
        let observer = RecordingObserver()
        _ = try SolverRun.run(solver, on: problem, from: problem.startingPoint(run: 1), observer: observer)
        var t = Trace()
        t.iterates = observer.entries.map { $0.x.map(\.bitPattern) }
        t.sizes = observer.entries.map { [$0.previousStep?.relevant, $0.previousStep?.acceptable, $0.previousStep?.decreasable] }
        t.classes = (solver as? PrunAdag)?.lastClass ?? []
        return t
    }

    func testAVX2LoopGivesTheSwiftLoopsBits() throws {
        DenseKernels.forcePortable(false)
        guard DenseKernels.usesAVX2 else { throw XCTSkip("no AVX2 on this machine (or PROBLEMSUITE_PORTABLE_KERNELS=1)") }
        let catalogue = try Catalogue.standard()
        // n = 257 and 1021: a scalar tail after the 4-wide part.
        let problems: [any SmoothProblem] = [try catalogue.load("A1"), try catalogue.load("SPARCO7"),
                                             try TestProblems.randomLeastSquares(n: 257, m: 64),
                                             try TestProblems.randomLeastSquares(ensemble: "orthogonal", n: 1021, m: 255, s: 20, nR: 20)]
        var sawAcceptable = false
        for problem in problems {
            for name in ["prunadag-v1", "prunadag-v2", "prunadag-v3", "prunadag-v4", "relevant-only"] {
                DenseKernels.forcePortable(true)
                let portable = try run(name, problem, kmax: 120)
                DenseKernels.forcePortable(false)
                let avx2 = try run(name, problem, kmax: 120)
                XCTAssertEqual(portable.iterates.count, avx2.iterates.count, "\(problem.name) \(name)")
                XCTAssert(portable == avx2, "\(problem.name) \(name): the AVX2 loop differs from the Swift loop")
                sawAcceptable = sawAcceptable || portable.sizes.contains { ($0[1] ?? 0) > 0 }
            }
        }
        XCTAssertTrue(sawAcceptable, "the runs should exercise the acceptable set")
    }
}
