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
    /// Classification string in the CUTEst/S2MPJ style, `XXXr-XX-n-m`:
    /// objective (S sum of squares, O other), constraints (U none), regularity
    /// (R smooth), degree (2 quadratic, X higher), origin (A academic, M modelling,
    /// R real data), internal variables (N none), then n and the number of constraints.
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

    /// The CUTEst-style classification string for an unconstrained smooth problem.
    /// - Parameters:
    ///   - objective: `S` (sum of squares) or `O` (other).
    ///   - degree: `2` (quadratic) or `X` (higher or unknown).
    ///   - origin: `A` (academic), `M` (modelling), `R` (real data).
    public static func classify(objective: Character, degree: Character, origin: Character, dimension: Int) -> String {
        "\(objective)UR\(degree)-\(origin)N-\(dimension)-0"
    }
}
