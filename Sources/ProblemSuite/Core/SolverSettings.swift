/// Per-family solver settings, declared in the family's `Problems/*.toml` file under
/// `[settings]` and overridable per instance under `[instance.settings]`.
///
/// Defaults follow `spec/algorithms.md`: eps = 1e-4, tau_s = 1e-3, sigma = 1e-2,
/// c = 1, kmax = 1000 (classification files set 2000).
///
/// Encoded (in result JSON) under the problem files' keys (`nR`, `eps`, `kmax`, `tau_s`,
/// `sigma`, `c`, `fw_radius`, `fw_eta1`, `fw_eta2`, `record_every`), so that a result
/// and the file it came from use one vocabulary.
///
/// Every value is validated by ``applying(_:)``: numbers finite (no `inf`, no `nan`) and
/// in range, `kmax` and `record_every` at most ``SizeLimits/maxIterations``, `nR` at most
/// ``SizeLimits/maxDimension`` (each family also checks `nR` against the instance's
/// dimension).
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

    /// The problem files' keys (see ``keys``), not the Swift property names.
    enum CodingKeys: String, CodingKey {
        case relevantCount = "nR"
        case gradientTolerance = "eps"
        case maxIterations = "kmax"
        case sparsityThreshold = "tau_s"
        case sigma
        case boundConstant = "c"
        case frankWolfeRadius = "fw_radius"
        case frankWolfeEta1 = "fw_eta1"
        case frankWolfeEta2 = "fw_eta2"
        case recordEvery = "record_every"
    }

    /// The TOML keys of `[settings]`, with the property each sets.
    public static let keys: [String] = ["nR", "eps", "kmax", "tau_s", "sigma", "c",
                                        "fw_radius", "fw_eta1", "fw_eta2", "record_every"]

    /// These settings with the keys of `table` applied on top.
    /// - Throws: ``ProblemSuiteError/invalidParameter(file:context:key:value:reason:)``
    ///   for an unknown key or a value of the wrong type or range.
    public func applying(_ table: ParameterTable) throws -> SolverSettings {
        try table.rejectUnknownKeys(allowed: SolverSettings.keys)
        var s = self
        /// A finite number accepted by `ok`, else an error naming the key with `rule`.
        func number(_ key: String, _ rule: String, _ ok: (Double) -> Bool) throws -> Double? {
            guard let v = try table.optionalDouble(key) else { return nil }
            guard v.isFinite else { throw table.invalid(key, "must be a finite number (\(rule))") }
            guard ok(v) else { throw table.invalid(key, rule) }
            return v
        }
        /// An integer in `range`, else an error naming the key with `rule`.
        func integer(_ key: String, _ range: ClosedRange<Int>, _ rule: String) throws -> Int? {
            guard let v = try table.optionalInt(key) else { return nil }
            guard range.contains(v) else { throw table.invalid(key, rule) }
            return v
        }
        let maxK = SizeLimits.maxIterations
        if let v = try integer("nR", 1...SizeLimits.maxDimension, "must be positive and at most \(SizeLimits.maxDimension)") {
            s.relevantCount = v
        }
        if let v = try number("eps", "must be non-negative", { $0 >= 0 }) { s.gradientTolerance = v }
        if let v = try integer("kmax", 0...maxK, "must be in 0...\(maxK) (a larger budget would grow traces without bound)") {
            s.maxIterations = v
        }
        if let v = try number("tau_s", "must be non-negative", { $0 >= 0 }) { s.sparsityThreshold = v }
        if let v = try number("sigma", "must be positive", { $0 > 0 }) { s.sigma = v }
        if let v = try number("c", "must be positive", { $0 > 0 }) { s.boundConstant = v }
        if let v = try number("fw_radius", "must be positive", { $0 > 0 }) { s.frankWolfeRadius = v }
        if let v = try number("fw_eta1", "must be positive", { $0 > 0 }) { s.frankWolfeEta1 = v }
        if let v = try number("fw_eta2", "must be positive", { $0 > 0 }) { s.frankWolfeEta2 = v }
        if let v = try integer("record_every", 1...maxK, "must be in 1...\(maxK)") { s.recordEvery = v }
        return s
    }
}
