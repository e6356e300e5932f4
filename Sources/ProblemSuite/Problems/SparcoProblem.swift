/// One Sparco sparse-recovery problem as S2MPJ supplies it (`SPARCOnLS`):
/// f(x) = ½‖A·x − b‖², ∇f(x) = Aᵀ(A·x − b), with A = M·B (measurement operator times
/// sparsity basis), built by ``SparcoFamily``.
///
/// Besides the oracle it keeps Sparco's data: the planted coefficient vector x₀
/// (``plantedCoefficients``, also ``knownSolution``), the signal, the operators M and B,
/// and S2MPJ's name and dimension. Complex problems (Sparco 8) are stacked as reals:
/// x = (Re x; Im x), b = (Re b; Im b), A as in ``ComplexAsRealOperator``.
///
/// Starting points: ``startingPoint(run:)`` follows the suite's protocol (nR random
/// nonzeros, unit norm); ``startingPoint(kind:)`` also offers S2MPJ's `ones(n)`.
/// Not thread-safe (scratch space inside), like every problem of the suite.
public final class SparcoProblem: SmoothProblem {
    /// Which starting point.
    public enum StartKind: Sendable, Equatable {
        /// The suite's protocol start of run `run` (see ``StartingPoint/random(dimension:nonzeros:seed:run:)``).
        case suiteProtocol(run: Int)
        /// S2MPJ's `pb.x0 = ones(pb.n, 1)`. For a complex problem S2MPJ's n counts complex
        /// unknowns and its ones are real, so the stacked start is (1, …, 1; 0, …, 0).
        case s2mpjOnes
    }

    public var metadata: ProblemMetadata { leastSquares.metadata }
    public var evaluations: EvaluationCounter { leastSquares.evaluations }
    /// `computeGradient` is the value-and-gradient pass with f dropped.
    public var gradientPassComputesValue: Bool { true }
    public var knownSolution: [Double]? { plantedCoefficients }

    /// Sparco's problem number (2, 3, 5, 7, 8, 9, 10, 11 or 12).
    public let number: Int
    /// Sparco's problem name (`blocksig`, `cosspike`, …).
    public let sparcoName: String
    /// S2MPJ's name of the least-squares form, `SPARCO<number>LS`.
    public var s2mpjName: String { "SPARCO\(number)LS" }
    /// S2MPJ's number of unknowns for this instance (`length(x0)`): equal to
    /// ``dimension`` except for complex problems, where S2MPJ counts complex unknowns
    /// and this suite counts their real and imaginary parts.
    public var s2mpjDimension: Int { isComplex ? dimension / 2 : dimension }
    /// Whether the data are complex, stacked as reals.
    public let isComplex: Bool
    /// Sparco's `x0`: the planted coefficients, with A·x₀ = b (see ``SparcoFamily`` for
    /// which problems satisfy this bit for bit and which up to rounding).
    public let plantedCoefficients: [Double]
    /// Sparco's `signal` (stacked as reals when complex): b = M·signal, signal = B·x₀.
    public let signal: [Double]
    /// The measurement operator M, nil when it is the identity (Sparco's `opDirac`/`opEye`).
    public let measurement: (any LinearOperator)?
    /// The sparsity basis B, nil when it is the identity.
    public let basis: (any LinearOperator)?
    /// The least-squares problem over A = M·B that evaluates f and ∇f.
    public let leastSquares: LeastSquaresProblem

    /// The operator A = M·B.
    public var operator_: any LinearOperator { leastSquares.operator_ }
    /// The right-hand side b.
    public var rhs: [Double] { leastSquares.rhs }

    /// - Precondition: shapes agree (A is m×n, b has m entries, x₀ has n, signal has B's rows).
    public init(number: Int, sparcoName: String, metadata: ProblemMetadata, operator a: any LinearOperator,
                measurement: (any LinearOperator)?, basis: (any LinearOperator)?, rhs b: [Double],
                planted x0: [Double], signal: [Double], isComplex: Bool) {
        precondition(x0.count == a.columnCount, "x0 has \(x0.count) entries, A has \(a.columnCount) columns")
        self.number = number
        self.sparcoName = sparcoName
        self.measurement = measurement
        self.basis = basis
        plantedCoefficients = x0
        self.signal = signal
        self.isComplex = isComplex
        leastSquares = LeastSquaresProblem(operator: a, rhs: b, metadata: metadata, knownSolution: x0)
    }

    @inlinable
    public func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        leastSquares.computeValue(x)
    }

    @inlinable
    public func computeGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) {
        _ = leastSquares.computeValueAndGradient(x, into: gradient)
    }

    @inlinable
    public func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        leastSquares.computeValueAndGradient(x, into: gradient)
    }

    /// The starting point of the given kind.
    public func startingPoint(kind: StartKind) -> [Double] {
        switch kind {
        case .suiteProtocol(let run):
            return startingPoint(run: run)
        case .s2mpjOnes:
            if !isComplex { return StartingPoint.ones(dimension: dimension) }
            let half = dimension / 2
            return [Double](repeating: 1, count: half) + [Double](repeating: 0, count: half)
        }
    }
}

extension SparcoProblem: MatrixExportable {
    public var operatorDescription: String { leastSquares.operatorDescription }
    public func exportMatrix(materialize: Bool) -> DenseMatrix? { leastSquares.exportMatrix(materialize: materialize) }
    public var exportRHS: [Double] { leastSquares.rhs }
}
