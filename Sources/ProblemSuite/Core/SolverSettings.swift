/// Per-family solver settings, declared in the family's `Problems/*.toml` file under
/// `[settings]` and overridable per instance under `[instance.settings]`.
///
/// Defaults follow `spec/algorithms.md`: eps = 1e-4, tau_s = 1e-3, sigma = 1e-2,
/// c = 1, kmax = 1000 (classification files set 2000).
public struct SolverSettings: Codable, Sendable, Equatable {
    /// nR: number of relevant components (also the K of the k-support norm and the
    /// number of nonzeros of every starting point).
    public var relevantCount: Int = 32
    /// Stop when ‖∇f(x_k)‖₂ ≤ eps.
    public var gradientTolerance: Double = 1e-4
    /// Stop after kmax iterations.
    public var maxIterations: Int = 1000
    /// Sparsity threshold tau_s: |x_i| < tau_s counts as zero in the sparsity measures.
    public var sparsityThreshold: Double = 1e-3
    /// Adagrad/prunAdag constant sigma (initial accumulator) [reconstruction].
    public var sigma: Double = 1e-2
    /// prunAdag bounding-sequence constant c [reconstruction].
    public var boundConstant: Double = 1
    /// Frank-Wolfe k-support-norm ball radius tau.
    public var frankWolfeRadius: Double = 10
    /// FW1 step constant eta1: alpha_k = min(1, eta1/(k+1)) [reconstruction].
    public var frankWolfeEta1: Double = 2
    /// FW2 step constant eta2: alpha_k = min(1, eta2·‖g‖/‖v−x‖) [reconstruction].
    public var frankWolfeEta2: Double = 1
    /// Record f(x_k) every this many iterations in traces (harness side).
    public var recordEvery: Int = 1

    public init() {}

    /// The TOML keys of `[settings]`, with the property each sets.
    public static let keys: [String] = ["nR", "eps", "kmax", "tau_s", "sigma", "c",
                                        "fw_radius", "fw_eta1", "fw_eta2", "record_every"]

    /// These settings with the keys of `table` applied on top.
    /// - Throws: ``ProblemSuiteError/invalidParameter(file:context:key:value:reason:)``
    ///   for an unknown key or a value of the wrong type or range.
    public func applying(_ table: ParameterTable) throws -> SolverSettings {
        try table.rejectUnknownKeys(allowed: SolverSettings.keys)
        var s = self
        if let v = try table.optionalInt("nR") {
            guard v > 0 else { throw table.invalid("nR", "must be positive") }
            s.relevantCount = v
        }
        if let v = try table.optionalDouble("eps") {
            guard v >= 0 else { throw table.invalid("eps", "must be non-negative") }
            s.gradientTolerance = v
        }
        if let v = try table.optionalInt("kmax") {
            guard v >= 0 else { throw table.invalid("kmax", "must be non-negative") }
            s.maxIterations = v
        }
        if let v = try table.optionalDouble("tau_s") {
            guard v >= 0 else { throw table.invalid("tau_s", "must be non-negative") }
            s.sparsityThreshold = v
        }
        if let v = try table.optionalDouble("sigma") {
            guard v > 0 else { throw table.invalid("sigma", "must be positive") }
            s.sigma = v
        }
        if let v = try table.optionalDouble("c") {
            guard v > 0 else { throw table.invalid("c", "must be positive") }
            s.boundConstant = v
        }
        if let v = try table.optionalDouble("fw_radius") {
            guard v > 0 else { throw table.invalid("fw_radius", "must be positive") }
            s.frankWolfeRadius = v
        }
        if let v = try table.optionalDouble("fw_eta1") {
            guard v > 0 else { throw table.invalid("fw_eta1", "must be positive") }
            s.frankWolfeEta1 = v
        }
        if let v = try table.optionalDouble("fw_eta2") {
            guard v > 0 else { throw table.invalid("fw_eta2", "must be positive") }
            s.frankWolfeEta2 = v
        }
        if let v = try table.optionalInt("record_every") {
            guard v > 0 else { throw table.invalid("record_every", "must be positive") }
            s.recordEvery = v
        }
        return s
    }
}
