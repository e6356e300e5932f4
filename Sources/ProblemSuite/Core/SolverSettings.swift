/// The settings of a run, declared in the family's `Problems/*.toml` file under
/// `[settings]`, overridable per instance under `[instance.settings]` and per experiment.
///
/// Two kinds of key share the `[settings]` table:
/// - the protocol's settings, fields of this struct, the same for every solver: `nR`,
///   `eps`, `kmax`, `tau_s`, `record_every` (``keys``). Defaults follow
///   `spec/algorithms.md`: nR = 32, eps = 1e-4, kmax = 1000 (classification files set
///   2000), tau_s = 1e-3, record_every = 1;
/// - the solvers' own parameters (``parameters``): prunAdag's `sigma` and `c`, the
///   Frank-Wolfe `fw_radius`, `fw_eta1`, `fw_eta2`, or any key a user's solver declares.
///   Each solver declares its keys, defaults and rules as ``SolverParameter``s in its own
///   file; this struct only carries the values written in the files. Which keys are
///   allowed is decided by the solvers a catalogue or harness knows
///   (``applying(_:declared:)``), and a solver reads its values with ``resolving(_:)``.
///
/// Encoded (in result JSON) as one flat object under the files' keys (`nR`, `eps`, `kmax`,
/// `tau_s`, `record_every`, then each parameter key), so that a result and the file it
/// came from use one vocabulary.
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
    /// Record f(x_k) every this many iterations in traces (harness side).
    public var recordEvery: Int = 1
    /// The solvers' parameters written in the files, by key (numbers stored as doubles).
    /// A solver's values with defaults filled in: ``resolving(_:)``.
    public var parameters: [String: ParameterValue] = [:]
    /// Where each parameter was written (`file ([settings])`), for error messages; not
    /// part of equality or of the encoded form.
    public var parameterOrigins: [String: String] = [:]

    public init() {}

    /// The protocol's keys, in the files' vocabulary.
    public static let keys: [String] = ["nR", "eps", "kmax", "tau_s", "record_every"]

    public static func == (a: SolverSettings, b: SolverSettings) -> Bool {
        a.relevantCount == b.relevantCount && a.gradientTolerance == b.gradientTolerance
            && a.maxIterations == b.maxIterations && a.sparsityThreshold == b.sparsityThreshold
            && a.recordEvery == b.recordEvery && a.parameters == b.parameters
    }

    /// These settings with the keys of `table` applied on top.
    /// - Parameter declared: the parameters of every solver that may run with these
    ///   settings; a key neither a protocol setting nor declared is an error, and so is a
    ///   value outside any declaration of its key. `nil` (a catalogue that knows no
    ///   solvers) accepts any valid key with a finite number, a boolean or a string, to
    ///   be checked when a solver resolves it.
    /// - Throws: `ProblemSuiteError/invalidParameter(file:context:key:value:reason:)`
    ///   for an unknown key or a value of the wrong type or range.
    public func applying(_ table: ParameterTable, declared: [SolverParameter]? = nil) throws -> SolverSettings {
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
        if let v = try integer("record_every", 1...maxK, "must be in 1...\(maxK)") { s.recordEvery = v }

        let origin = table.context.isEmpty ? table.file : "\(table.file) (\(table.context))"
        for key in table.values.keys.sorted() where !SolverSettings.keys.contains(key) {
            let value = table.values[key]!
            if let declared {
                let matching = declared.filter { $0.key == key }
                if matching.isEmpty {
                    let allowed = SolverSettings.keys + Set(declared.map(\.key)).sorted()
                    let close = NameSuggestion.closest(to: key, among: allowed, limit: 1)
                    let hint = close.isEmpty ? "" : "; did you mean '\(close[0])'?"
                    throw table.invalid(key, "unknown key: neither a protocol setting (\(SolverSettings.keys.joined(separator: ", "))) nor a parameter of a known solver (\(Set(declared.map(\.key)).sorted().joined(separator: ", ")))\(hint)")
                }
                var canonical = value
                for d in matching {
                    guard let accepted = d.domain.accept(value) else {
                        throw table.invalid(key, "must be \(d.domain.rule)")
                    }
                    canonical = accepted
                }
                s.parameters[key] = canonical
            } else {
                guard SolverParameter.isValidKey(key) else {
                    throw table.invalid(key, "not a valid key (letters, digits, '_' and '-', starting with a letter)")
                }
                switch value {
                case .int(let v): s.parameters[key] = .double(Double(v))
                case .double(let v):
                    guard v.isFinite else { throw table.invalid(key, "must be a finite number") }
                    s.parameters[key] = value
                case .bool: s.parameters[key] = value
                case .string(let v):
                    guard v.count <= SolverParameter.maxTextLength else {
                        throw table.invalid(key, "a string of at most \(SolverParameter.maxTextLength) characters")
                    }
                    s.parameters[key] = value
                case .array, .table:
                    throw table.invalid(key, "a solver parameter is a number, a boolean or a string (found: \(value.typeName))")
                }
            }
            s.parameterOrigins[key] = origin
        }
        return s
    }

    /// The values of a solver's declared parameters: the one written in the files, or
    /// the declaration's default. Keys the solver does not declare are ignored (they
    /// belong to other solvers).
    /// - Throws: `ProblemSuiteError/invalidParameter(file:context:key:value:reason:)`
    ///   naming where the value was written, when it is outside the declaration's domain.
    public func resolving(_ declared: [SolverParameter]) throws -> SolverParameterValues {
        var out: [String: ParameterValue] = [:]
        for d in declared {
            guard let written = parameters[d.key] else { out[d.key] = d.defaultValue; continue }
            guard let v = d.domain.accept(written) else {
                throw ProblemSuiteError.invalidParameter(file: parameterOrigins[d.key] ?? "settings", context: "[settings]",
                                                         key: d.key, value: written.description, reason: "must be \(d.domain.rule)")
            }
            out[d.key] = v
        }
        return SolverParameterValues(values: out)
    }

    /// These settings with ``parameters`` replaced by a solver's resolved values (every
    /// declared key, defaults filled in, other solvers' keys dropped): what a run of
    /// that solver records and fingerprints.
    /// - Throws: as ``resolving(_:)``.
    public func restricted(to declared: [SolverParameter]) throws -> SolverSettings {
        var s = self
        s.parameters = try resolving(declared).values
        s.parameterOrigins = s.parameterOrigins.filter { s.parameters[$0.key] != nil }
        return s
    }

    // MARK: Codable (one flat object)

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(relevantCount, forKey: Key("nR"))
        try c.encode(gradientTolerance, forKey: Key("eps"))
        try c.encode(maxIterations, forKey: Key("kmax"))
        try c.encode(sparsityThreshold, forKey: Key("tau_s"))
        try c.encode(recordEvery, forKey: Key("record_every"))
        for key in parameters.keys.sorted() { try c.encode(parameters[key]!, forKey: Key(key)) }
    }

    /// Reads the flat object; protocol keys absent take their defaults, every other key
    /// is a parameter (a number read back as an integer is stored as a double again).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var s = SolverSettings()
        if let v = try c.decodeIfPresent(Int.self, forKey: Key("nR")) { s.relevantCount = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: Key("eps")) { s.gradientTolerance = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: Key("kmax")) { s.maxIterations = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: Key("tau_s")) { s.sparsityThreshold = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: Key("record_every")) { s.recordEvery = v }
        for key in c.allKeys where !SolverSettings.keys.contains(key.stringValue) {
            let v = try c.decode(ParameterValue.self, forKey: key)
            if case .int(let i) = v { s.parameters[key.stringValue] = .double(Double(i)) } else { s.parameters[key.stringValue] = v }
        }
        self = s
    }
}
