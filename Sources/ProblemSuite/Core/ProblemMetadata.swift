/// What the catalogue and the reports know about a problem, as structured data
/// (not only in the name string).
public struct ProblemMetadata: Codable, Sendable, Equatable {
    /// Catalogue name, unique across the suite (for example `A1`, `SPARCO3`).
    public var name: String
    /// Other names that load the same problem (for example S2MPJ's `SPARCO3LS`).
    public var aliases: [String]
    /// Family identifier, as written in the family's `Problems/*.toml` file.
    public var family: String
    /// Number of unknowns n.
    public var dimension: Int
    /// Number of residuals or samples m, when the problem has one.
    public var rows: Int?
    /// Classification string in the CUTEst/S2MPJ scheme `XXXr-XY-n-m` (see
    /// ``ProblemClassification``): objective (S sum of squares, O other), constraints
    /// (U none), smoothness (R regular), derivatives provided (1: gradients), origin
    /// (A academic, M modelling, R real data), internal variables (N none), n, and the
    /// number of constraints (0). ``classificationFields`` parses it.
    public var classification: String
    /// The seed every random draw of this instance derives from.
    public var seed: UInt64
    /// The instance's declared parameters (sizes, ensemble, signal, ...), for provenance.
    public var parameters: [String: ParameterValue]
    /// Per-instance solver settings (nR, eps, kmax, ...), from the family's file.
    public var settings: SolverSettings
    /// The optimal value when it is known (0 for consistent least squares).
    public var optimalValue: Double?
    /// One line for humans.
    public var summary: String

    public init(name: String, aliases: [String] = [], family: String, dimension: Int, rows: Int? = nil,
                classification: String, seed: UInt64, parameters: [String: ParameterValue] = [:],
                settings: SolverSettings = SolverSettings(), optimalValue: Double? = nil, summary: String = "") {
        self.name = name
        self.aliases = aliases
        self.family = family
        self.dimension = dimension
        self.rows = rows
        self.classification = classification
        self.seed = seed
        self.parameters = parameters
        self.settings = settings
        self.optimalValue = optimalValue
        self.summary = summary
    }

    /// The CUTEst/S2MPJ classification string of an unconstrained problem of this suite
    /// (``ProblemClassification``, no internal variables, no constraints).
    /// - Parameters:
    ///   - objective: `S` (sum of squares), `Q` (quadratic) or `O` (other).
    ///   - origin: `A` (academic), `M` (modelling), `R` (real data).
    ///   - smoothness: `R` (regular, the default) or `I` (irregular).
    ///   - derivatives: the highest derivative order provided, default 1 (the suite's
    ///     oracle gives gradients, no Hessians).
    public static func classify(objective: Character, origin: Character, dimension: Int,
                                smoothness: Character = "R", derivatives: Int = 1) -> String {
        ProblemClassification(objective: objective, smoothness: smoothness, derivatives: derivatives,
                              origin: origin, variables: dimension).description
    }

    /// The former form, whose 4th character was a "degree" (`2`, `X`): it now writes
    /// the scheme's derivative order (1) and ignores `degree`.
    @available(*, deprecated, message: "the 4th character is the derivative order provided; use classify(objective:origin:dimension:)")
    public static func classify(objective: Character, degree: Character, origin: Character, dimension: Int) -> String {
        classify(objective: objective, origin: origin, dimension: dimension)
    }

    /// ``classification`` parsed (nil if it does not follow the scheme, which a family of
    /// another package may not).
    public var classificationFields: ProblemClassification? { try? ProblemClassification.parse(classification) }
}
