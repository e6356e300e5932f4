import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

/// The nine Sparco problems: sizes as S2MPJ's, A's adjoint, A·x₀ = b in the form each
/// problem satisfies it, gradients, and Sparco's definitions of the planted vectors.
final class SparcoProblemTests: XCTestCase {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // file, ProblemSuiteTests, Tests
        return url.path
    }()

    /// Small instances of every problem (Sparco's parameters, shrunk), for fast tests.
    static let smallTOML = """
    family = "sparco"
    [defaults]
    seed = 3
    [[instance]]
    name = "S2"
    problem = 2
    n = 64
    levels = 3
    [[instance]]
    name = "S2A"
    problem = 2
    n = 64
    levels = 3
    haar = "analysis"
    [[instance]]
    name = "S3"
    problem = 3
    n = 64
    k = 8
    [[instance]]
    name = "S3C"
    problem = 3
    n = 32
    k = 4
    c = 3
    [[instance]]
    name = "S5"
    problem = 5
    n = 64
    m = 24
    k = 5
    [[instance]]
    name = "S7"
    problem = 7
    scale = 0.05
    [[instance]]
    name = "S8"
    problem = 8
    scale = 0.05
    [[instance]]
    name = "S9"
    problem = 9
    [[instance]]
    name = "S10"
    problem = 10
    n = 64
    [[instance]]
    name = "S11"
    problem = 11
    scale = 0.125
    [[instance]]
    name = "S12"
    problem = 12
    n = 256
    m = 64
    k = 10
    """

    private func smallEntries() throws -> [ProblemEntry] {
        try Catalogue.entries(fromTOML: TOMLReading.parse(Self.smallTOML, file: "small.toml"), file: "small.toml")
    }

    private func smallProblems() throws -> [SparcoProblem] {
        try smallEntries().map { try XCTUnwrap($0.load(LoadContext()) as? SparcoProblem) }
    }

    private func residual(_ p: SparcoProblem, _ x: [Double]) -> [Double] {
        let ax = p.operator_.apply(x)
        return zip(ax, p.rhs).map { $0 - $1 }
    }

    // MARK: - Sizes and names

    func testCatalogueDeclaresAllNineAtS2MPJSizes() throws {
        let entries = try Catalogue.entries(inFile: Self.repositoryRoot + "/Problems/sparco.toml")
        XCTAssertEqual(entries.map(\.name), SparcoFamily.problemNumbers.map { "SPARCO\($0)" })
        for e in entries {
            guard case .int(let number)? = e.metadata.parameters["problem"] else { return XCTFail("\(e.name): no problem number") }
            XCTAssertEqual(e.metadata.aliases, ["SPARCO\(number)LS"])
            let s2mpj = try XCTUnwrap(SparcoFamily.s2mpjDimensions[number])
            // S2MPJ counts problem 8's unknowns as complex numbers; stacked as reals here.
            XCTAssertEqual(e.metadata.dimension, number == 8 ? 2 * s2mpj : s2mpj, e.name)
            XCTAssertEqual(e.metadata.family, "sparco")
            XCTAssertEqual(e.metadata.optimalValue, 0)
        }
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.metadata) })
        XCTAssertEqual(byName["SPARCO11"]?.dimension, 1024)
        XCTAssertEqual(byName["SPARCO11"]?.rows, 256)
        XCTAssertEqual(byName["SPARCO3"]?.dimension, 2048)
        XCTAssertEqual(byName["SPARCO3"]?.rows, 1024)
        XCTAssertEqual(byName["SPARCO5"]?.rows, 300)
        XCTAssertEqual(byName["SPARCO7"]?.rows, 600)
        XCTAssertEqual(byName["SPARCO8"]?.rows, 1200)
        XCTAssertEqual(byName["SPARCO12"]?.rows, 2000)
        XCTAssertEqual(byName["SPARCO9"]?.dimension, 128)
    }

    func testFullSizeCheapProblemsLoadWithS2MPJDimensions() throws {
        let entries = try Catalogue.entries(inFile: Self.repositoryRoot + "/Problems/sparco.toml")
        for e in entries where ["SPARCO2", "SPARCO3", "SPARCO9", "SPARCO10", "SPARCO12"].contains(e.name) {
            let p = try XCTUnwrap(e.load(LoadContext()) as? SparcoProblem)
            XCTAssertEqual(p.s2mpjDimension, SparcoFamily.s2mpjDimensions[p.number])
            XCTAssertEqual(p.s2mpjName, "SPARCO\(p.number)LS")
            XCTAssertEqual(p.dimension, e.metadata.dimension)
            XCTAssertEqual(p.rhs.count, e.metadata.rows)
            XCTAssertLessThan(OperatorChecks.adjointMismatch(p.operator_, trials: 1), 1e-12, p.name)
            let r = residual(p, p.plantedCoefficients)
            XCTAssertLessThanOrEqual(DenseKernels.norm(r), 1e-12 * DenseKernels.norm(p.rhs), p.name)
        }
    }

    // MARK: - Operators of every problem

    func testAdjointOfEveryProblemsOperator() throws {
        for p in try smallProblems() {
            XCTAssertLessThan(OperatorChecks.adjointMismatch(p.operator_), 1e-13, p.name)
            if let m = p.measurement { XCTAssertLessThan(OperatorChecks.adjointMismatch(m), 1e-13, p.name) }
            if let b = p.basis { XCTAssertLessThan(OperatorChecks.adjointMismatch(b), 1e-13, p.name) }
        }
    }

    func testOperatorIsMeasurementTimesBasis() throws {
        for p in try smallProblems() {
            let a = p.operator_.materialized()
            switch (p.measurement, p.basis) {
            case let (m?, b?):
                let product = m.materialized().multiplied(by: b.materialized())
                XCTAssertLessThan(OperatorChecks.denseMismatch(p.operator_, reference: product), 1e-13, p.name)
            case let (m?, nil):
                XCTAssertTrue(m === p.operator_, p.name)
            case let (nil, b?):
                XCTAssertTrue(b === p.operator_, p.name)
            case (nil, nil):
                XCTFail("\(p.name): neither M nor B")
            }
            XCTAssertEqual(a.rows, p.rhs.count)
            XCTAssertEqual(a.columns, p.dimension)
        }
    }

    // MARK: - b = A·x₀

    func testPlantedVectorReproducesTheData() throws {
        for p in try smallProblems() {
            let x0 = p.plantedCoefficients
            XCTAssertEqual(p.knownSolution, x0)
            switch p.number {
            case 3, 5, 7, 8, 11, 12:
                // b computed as A·x₀ (7, 8, 11, 12) or in signal space by the same operations (3, 5).
                XCTAssertEqual(p.value(at: x0), 0, "\(p.name): f(x0) must vanish exactly")
            default:
                // 2: b = B·Bᵀ·b up to rounding; 9, 10: cumulative sum of differences.
                let r = residual(p, x0)
                XCTAssertLessThanOrEqual(DenseKernels.norm(r), 1e-13 * DenseKernels.norm(p.rhs), p.name)
                XCTAssertGreaterThan(DenseKernels.norm(p.rhs), 1, p.name)
            }
            // The signal is B·x₀ and b = M·signal.
            let signal = p.basis.map { $0.apply(x0) } ?? x0
            XCTAssertLessThanOrEqual(zip(signal, p.signal).map { abs($0 - $1) }.max()!, 1e-12 * max(1, DenseKernels.norm(p.signal)), p.name)
            let b = p.measurement.map { $0.apply(p.signal) } ?? p.signal
            XCTAssertLessThanOrEqual(zip(b, p.rhs).map { abs($0 - $1) }.max()!, 1e-12 * DenseKernels.norm(p.rhs), p.name)
        }
    }

    // MARK: - Gradients

    func testGradients() throws {
        for p in try smallProblems() {
            for x in [p.startingPoint(run: 0), p.startingPoint(kind: .s2mpjOnes)] {
                let report = GradientCheck.check(p, at: x)
                XCTAssertLessThan(report.maxRelativeError, 1e-6, p.name)
                XCTAssertTrue(report.consistent, p.name)
                // ∇f = Aᵀ(Ax − b) against the dense matrix.
                let a = p.operator_.materialized()
                let r = residual(p, x)
                let g = p.gradient(at: x)
                var worst = 0.0
                for j in 0..<p.dimension {
                    var s = 0.0
                    for i in 0..<a.rows { s += a[i, j] * r[i] }
                    worst = max(worst, abs(s - g[j]))
                }
                XCTAssertLessThan(worst, 1e-10 * max(1, DenseKernels.norm(g)), p.name)
                XCTAssertEqual(p.value(at: x), 0.5 * DenseKernels.dot(r, r), accuracy: 1e-10 * max(1, p.value(at: x)), p.name)
            }
        }
    }

    // MARK: - Sparco's definitions

    func testPlantedVectorsFollowSparco() throws {
        let problems = Dictionary(uniqueKeysWithValues: try smallProblems().map { ($0.name, $0) })
        // 2: x₀ = Bᵀ·Blocks; with the synthesis basis these are the Haar coefficients,
        // sparse (12 jumps touch at most 3 levels' worth of details each, plus 8 coarse).
        let s2 = try XCTUnwrap(problems["S2"])
        XCTAssertEqual(s2.signal, BlocksSignal.samples(64))
        XCTAssertEqual(s2.plantedCoefficients, HaarWaveletOperator(length: 64, levels: 3, direction: .analysis).apply(s2.signal))
        let s2a = try XCTUnwrap(problems["S2A"])
        XCTAssertEqual(s2a.plantedCoefficients, HaarWaveletOperator(length: 64, levels: 3, direction: .synthesis).apply(s2a.signal))
        XCTAssertLessThan(s2.plantedCoefficients.filter { abs($0) > 1e-12 }.count, s2a.plantedCoefficients.filter { abs($0) > 1e-12 }.count)

        // 3: cosine coefficients 5 and 13 (1-based) and k spikes.
        let s3 = try XCTUnwrap(problems["S3"])
        let unit = 32.0.squareRoot()
        XCTAssertEqual(s3.plantedCoefficients[4], 4 * unit)
        XCTAssertEqual(s3.plantedCoefficients[12], 2 * unit)
        XCTAssertEqual(s3.plantedCoefficients[0..<64].filter { $0 != 0 }.count, 2)
        XCTAssertEqual(s3.plantedCoefficients[64...].filter { $0 != 0 }.count, 8)
        XCTAssertEqual(s3.rhs, s3.signal)
        let s3c = try XCTUnwrap(problems["S3C"])
        XCTAssertEqual(s3c.plantedCoefficients[0..<32].filter { $0 != 0 }.count, 3)

        // 5: cosine coefficients 4, 10, 21 (1-based); unit-norm columns of M.
        let s5 = try XCTUnwrap(problems["S5"])
        XCTAssertEqual(s5.plantedCoefficients[3], 2 * unit)
        XCTAssertEqual(s5.plantedCoefficients[9], 3 * unit)
        XCTAssertEqual(s5.plantedCoefficients[20], -unit)
        XCTAssertEqual(s5.plantedCoefficients[64...].filter { $0 != 0 }.count, 5)
        let m5 = try XCTUnwrap(s5.measurement).materialized()
        XCTAssertEqual([m5.rows, m5.columns], [24, 64])
        for j in 0..<64 { XCTAssertEqual(DenseKernels.norm(m5.column(j)), 1, accuracy: 1e-14) }

        // 7: scale 0.05 → n = 128, m = 30, k = 1; sign spikes; orthonormal rows.
        let s7 = try XCTUnwrap(problems["S7"])
        XCTAssertEqual(s7.dimension, 128)
        XCTAssertEqual(s7.rhs.count, 30)
        XCTAssertEqual(s7.plantedCoefficients.filter { $0 != 0 }, s7.plantedCoefficients.filter { abs($0) == 1 })
        XCTAssertEqual(s7.plantedCoefficients.filter { $0 != 0 }.count, 1)
        XCTAssertLessThan(OperatorChecks.orthonormalityDefect(s7.operator_, columns: false), 1e-13)

        // 8: complex ±1 ± i on one support, stacked; S2MPJ's start is real ones.
        let s8 = try XCTUnwrap(problems["S8"])
        XCTAssertTrue(s8.isComplex)
        XCTAssertEqual(s8.dimension, 256)
        XCTAssertEqual(s8.s2mpjDimension, 128)
        XCTAssertEqual(s8.rhs.count, 60)
        let re = Array(s8.plantedCoefficients[0..<128]), im = Array(s8.plantedCoefficients[128...])
        XCTAssertEqual(re.indices.filter { re[$0] != 0 }, im.indices.filter { im[$0] != 0 })
        XCTAssertTrue((re + im).allSatisfy { $0 == 0 || abs($0) == 1 })
        let ones = s8.startingPoint(kind: .s2mpjOnes)
        XCTAssertEqual(ones, [Double](repeating: 1, count: 128) + [Double](repeating: 0, count: 128))

        // 9: x₀ = differences of Blocks; 12 jumps at n = 128.
        let s9 = try XCTUnwrap(problems["S9"])
        XCTAssertEqual(s9.dimension, 128)
        XCTAssertEqual(s9.plantedCoefficients.filter { $0 != 0 }.count, 12)
        // 10: differences times √(n − j).
        let s10 = try XCTUnwrap(problems["S10"])
        let b10 = BlocksSignal.samples(64)
        for j in 1..<64 { XCTAssertEqual(s10.plantedCoefficients[j], (b10[j] - b10[j - 1]) * Double(64 - j).squareRoot()) }

        // 11: scale 0.125 → n = 128, m = 32, k = 4.
        let s11 = try XCTUnwrap(problems["S11"])
        XCTAssertEqual([s11.dimension, s11.rhs.count], [128, 32])
        XCTAssertEqual(s11.plantedCoefficients.filter { $0 != 0 }.count, 4)

        // 12: magnitudes exp(linspace(log 1000, log 1, k)), random signs.
        let s12 = try XCTUnwrap(problems["S12"])
        let mags = s12.plantedCoefficients.filter { $0 != 0 }.map(abs).sorted(by: >)
        XCTAssertEqual(mags.count, 10)
        for (j, v) in mags.enumerated() {
            XCTAssertEqual(v, Foundation.exp(Foundation.log(1000) * (1 - Double(j) / 9)), accuracy: 1e-12 * v)
        }
        XCTAssertEqual(mags[0], 1000, accuracy: 1e-12)
        XCTAssertEqual(mags.last, 1)
        XCTAssertLessThan(OperatorChecks.orthonormalityDefect(s12.operator_, columns: false), 1e-13)
    }

    // MARK: - Starting points, determinism

    func testStartingPointsAndDeterminism() throws {
        let a = try smallProblems(), b = try smallProblems()
        for (p, q) in zip(a, b) {
            XCTAssertEqual(p.rhs, q.rhs, p.name)
            XCTAssertEqual(p.plantedCoefficients, q.plantedCoefficients, p.name)
            XCTAssertEqual(p.startingPoint(kind: .suiteProtocol(run: 2)), p.startingPoint(run: 2))
            let x = p.startingPoint(run: 1)
            XCTAssertEqual(DenseKernels.norm(x), 1, accuracy: 1e-14)
            if !p.isComplex { XCTAssertEqual(p.startingPoint(kind: .s2mpjOnes), [Double](repeating: 1, count: p.dimension)) }
        }
        // Another seed gives another instance.
        let other = try Catalogue.entries(fromTOML: TOMLReading.parse("""
            family = "sparco"
            [[instance]]
            name = "X"
            problem = 11
            scale = 0.125
            seed = 4
            """, file: "x.toml"), file: "x.toml")[0].load(LoadContext()) as? SparcoProblem
        let s11 = try XCTUnwrap(a.first { $0.name == "S11" })
        XCTAssertNotEqual(try XCTUnwrap(other).rhs, s11.rhs)
    }

    // MARK: - Declaration errors name the key

    func testInvalidDeclarationsNameTheKey() throws {
        let cases: [(String, String)] = [
            ("problem = 4", "problem"),
            ("problem = 3\nm = 10", "m"),
            ("problem = 12\nn = 1000", "n"),
            ("problem = 11\nk = 2000", "k"),
            ("problem = 7\nm = 3000", "m"),
            ("problem = 2\nn = 1000", "n"),
            ("problem = 2\nhaar = \"sideways\"", "haar"),
            ("problem = 5\nc = 0", "c"),
            ("problem = 7\nscale = -1.0", "scale"),
            ("problem = 9\nlevels = 3", "levels"),
            ("problem = 3\nsize = 3", "size"),
        ]
        for (body, key) in cases {
            let text = "family = \"sparco\"\n[[instance]]\nname = \"BAD\"\n" + body + "\n"
            XCTAssertThrowsError(try Catalogue.entries(fromTOML: TOMLReading.parse(text, file: "bad.toml"), file: "bad.toml"), body) { error in
                guard case let ProblemSuiteError.invalidParameter(file, _, k, _, _) = error else {
                    return XCTFail("\(body): unexpected error \(error)")
                }
                XCTAssertEqual(file, "bad.toml")
                XCTAssertEqual(k, key, body)
            }
        }
    }
}
