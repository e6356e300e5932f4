import ProblemSuite
import Solvers

/// What identifies a problem instance for the harness: its declaration and, for real
/// data, the sha256 of every data file it reads.
public struct ProblemIdentity: Codable, Sendable, Equatable {
    public var name: String
    public var family: String
    /// The seed every random draw of the instance derives from.
    public var seed: UInt64
    /// The declared parameters, rendered canonically (`key=value`, sorted by key).
    public var parameters: [String]
    /// sha256 of the stored bytes of each data file read, by path relative to the data
    /// directory (empty for generated problems).
    public var data: [String: String]

    public init(metadata: ProblemMetadata, data: [String: String]) {
        name = metadata.name
        family = metadata.family
        seed = metadata.seed
        parameters = metadata.parameters.keys.sorted().map { "\($0)=\(Fingerprint.canonical(metadata.parameters[$0]!))" }
        self.data = data
    }
}

/// Which protocol a result was made under: `full` (an experiment as declared), `quick`
/// (its CI-sized `[quick]` form) or `custom` (`problemsuite run` with its own options).
public enum ProtocolKind: String, Codable, Sendable, CaseIterable {
    /// The experiment as declared, with its `[converged]` budget (the default protocol).
    case full
    /// The CI-sized `[quick]` form.
    case quick
    /// Anything else (`run`, `study`).
    case custom
    /// The experiment as declared without its `[converged]` budget: each family's own
    /// kmax (1000 for least squares, 2000 for classification).
    case fixedBudget = "fixed-budget"
}

/// The fingerprint of a result: everything that determines its numbers.
///
/// Two results with the same ``digest`` were computed from the same problem declaration
/// and data, by the same solver with the same settings (the protocol's nR, eps, kmax,
/// tau_s, record_every, and every parameter the solver declares — sigma and c for
/// prunAdag, the radius and step constants for Frank-Wolfe — with its default filled in
/// when no file sets it), for the same run, under the same protocol
/// (kind and pruning levels) and the same numerical version of the suite
/// (``SuiteVersion/numerical``). Wall time, date and machine are not part of it.
///
/// The harness compares fingerprints wherever it reuses results: `run` and `reproduce`
/// recompute a stored result whose fingerprint differs from the task's (and say how
/// many); `merge` refuses two different results for one task; `report` refuses a table
/// whose cell mixes fingerprints (other than the run index) or protocols.
public struct Fingerprint: Codable, Sendable, Equatable {
    /// sha256 (hex) of the canonical text of every field below.
    public var digest: String
    /// sha256 (hex) of the same text without the run index: equal for every run of one
    /// (problem, solver) cell made under one protocol.
    public var cellDigest: String
    public var problem: ProblemIdentity
    public var solver: String
    public var settings: SolverSettings
    public var run: Int
    public var protocolKind: ProtocolKind
    public var pruning: [Double]
    public var numericalVersion: String

    public init(problem: ProblemIdentity, solver: String, settings: SolverSettings, run: Int,
                protocolKind: ProtocolKind, pruning: [Double], numericalVersion: String = SuiteVersion.numerical) {
        self.problem = problem
        self.solver = solver
        self.settings = settings
        self.run = run
        self.protocolKind = protocolKind
        self.pruning = pruning
        self.numericalVersion = numericalVersion
        let cell = Fingerprint.cellText(problem: problem, solver: solver, settings: settings, protocolKind: protocolKind,
                                        pruning: pruning, numericalVersion: numericalVersion)
        cellDigest = SHA256.hexDigest(of: Array(cell.utf8))
        digest = SHA256.hexDigest(of: Array((cell + "run=\(run)\n").utf8))
    }

    /// Whether the stored digests are those of the stored fields (a hand-edited or
    /// corrupted fingerprint fails this).
    public var isConsistent: Bool {
        Fingerprint(problem: problem, solver: solver, settings: settings, run: run, protocolKind: protocolKind,
                    pruning: pruning, numericalVersion: numericalVersion) == self
    }

    /// The canonical text hashed into ``cellDigest``: one `key=value` line per field,
    /// numbers in round-trip form, so the digest is the same on every platform.
    static func cellText(problem: ProblemIdentity, solver: String, settings s: SolverSettings, protocolKind: ProtocolKind,
                         pruning: [Double], numericalVersion: String) -> String {
        var lines = ["numerical-version=\(numericalVersion)", "protocol=\(protocolKind.rawValue)",
                     "pruning=" + pruning.map(number).joined(separator: ","),
                     "problem=\(problem.name)", "family=\(problem.family)", "seed=\(problem.seed)"]
        lines += problem.parameters.map { "parameter.\($0)" }
        lines += problem.data.keys.sorted().map { "data.\($0)=\(problem.data[$0]!)" }
        lines += ["solver=\(solver)", "nR=\(s.relevantCount)", "eps=\(number(s.gradientTolerance))", "kmax=\(s.maxIterations)",
                  "tau_s=\(number(s.sparsityThreshold))", "record_every=\(s.recordEvery)"]
        // The solver's own parameters (resolved by the plan: every key it declares, defaults filled in).
        lines += s.parameters.keys.sorted().map { "solver.\($0)=\(canonical(s.parameters[$0]!))" }
        return lines.map { sanitize($0) }.joined(separator: "\n") + "\n"
    }

    /// A double as its exact bit pattern in hexadecimal beside a readable form, so that
    /// two values that print alike but differ in the last bit hash differently.
    static func number(_ v: Double) -> String {
        "\(v)#" + String(v.bitPattern, radix: 16)
    }

    /// Newlines inside a value would let two different declarations share a text.
    static func sanitize(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A parameter value in canonical text form (tables sorted by key).
    static func canonical(_ v: ParameterValue) -> String {
        switch v {
        case .int(let i): return "int:\(i)"
        case .double(let d): return "double:" + number(d)
        case .string(let s): return "string:" + sanitize(s).replacingOccurrences(of: ",", with: "\\,")
        case .bool(let b): return "bool:\(b)"
        case .array(let a): return "[" + a.map(canonical).joined(separator: ",") + "]"
        case .table(let t): return "{" + t.keys.sorted().map { "\($0)=\(canonical(t[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// The fields that differ between two fingerprints, for messages.
    public func differences(from other: Fingerprint) -> [String] {
        var out: [String] = []
        if problem.name != other.problem.name { out.append("problem \(other.problem.name) → \(problem.name)") }
        if problem.seed != other.problem.seed { out.append("seed \(other.problem.seed) → \(problem.seed)") }
        if problem.parameters != other.problem.parameters { out.append("problem parameters") }
        if problem.data != other.problem.data { out.append("data files (sha256)") }
        if solver != other.solver { out.append("solver \(other.solver) → \(solver)") }
        let a = Fingerprint.cellText(problem: problem, solver: "", settings: settings, protocolKind: .full, pruning: [], numericalVersion: "")
        let b = Fingerprint.cellText(problem: problem, solver: "", settings: other.settings, protocolKind: .full, pruning: [], numericalVersion: "")
        if a != b {
            let la = Set(a.split(separator: "\n")), lb = b.split(separator: "\n")
            for line in lb where !la.contains(line) {
                let key = line.split(separator: "=").first.map(String.init) ?? String(line)
                let now = a.split(separator: "\n").first { $0.hasPrefix(key + "=") }
                out.append("\(key) \(Fingerprint.readable(String(line))) → \(now.map { Fingerprint.readable(String($0)) } ?? "?")")
            }
        }
        if run != other.run { out.append("run \(other.run) → \(run)") }
        if protocolKind != other.protocolKind { out.append("protocol \(other.protocolKind.rawValue) → \(protocolKind.rawValue)") }
        if pruning != other.pruning { out.append("pruning levels") }
        if numericalVersion != other.numericalVersion { out.append("numerical version \(other.numericalVersion) → \(numericalVersion)") }
        return out
    }

    static func readable(_ line: String) -> String {
        var value = line.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        for prefix in ["int:", "double:", "string:", "bool:"] where value.hasPrefix(prefix) { value.removeFirst(prefix.count) }
        return value.split(separator: "#").first.map(String.init) ?? value
    }
}
