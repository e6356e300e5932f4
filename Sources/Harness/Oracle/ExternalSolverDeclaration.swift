import Foundation
import ProblemSuite
import Solvers

/// An external solver declared in a file: `solvers/*.toml` of the user's problems
/// directory (`docs/protocol.md`, "External solvers"):
///
/// ```toml
/// name = "py-prunadag-v3"
/// summary = "prunAdag V3 in Python"
/// command = ["python3", "prunadag_v3.py"]   # run in this file's directory
/// time_limit = 600                          # seconds per task (default 600)
///
/// [[parameter]]
/// key = "sigma"
/// default = 0.01
/// domain = "positive"          # positive | non-negative | integer | boolean | text
/// summary = "initial accumulator value"
/// ```
public struct ExternalSolverDeclaration: Sendable, Equatable {
    public var name: String
    public var summary: String
    /// The program and its arguments (the program is looked up on PATH).
    public var command: [String]
    /// The working directory of the process: the declaring file's directory.
    public var directory: String
    public var parameters: [SolverParameter]
    /// Seconds a task may take, hello included; past it the task fails and the process is killed.
    public var timeLimit: Int
    /// The declaring file, for messages.
    public var file: String

    /// Default per-task time limit: 600 s. Bounds: 1 s ... 1 day.
    public static let defaultTimeLimit = 600
    public static let timeLimitRange = 1...86_400

    public init(name: String, summary: String, command: [String], directory: String,
                parameters: [SolverParameter] = [], timeLimit: Int = defaultTimeLimit, file: String = "") {
        self.name = name.lowercased()
        self.summary = summary
        self.command = command
        self.directory = directory
        self.parameters = parameters
        self.timeLimit = timeLimit
        self.file = file
    }

    /// The command as one line, for messages.
    public var commandLine: String { command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ") }

    /// Reads one declaration file.
    /// - Throws: ``ProblemSuiteError`` naming the file and key for a missing or bad key.
    public static func read(file: String) throws -> ExternalSolverDeclaration {
        let table = ParameterTable(try TOMLReading.read(file: file), file: file, context: "")
        try table.rejectUnknownKeys(allowed: ["name", "summary", "command", "time_limit", "parameter"])
        let name = try table.string("name")
        let summary = try table.optionalString("summary") ?? "external solver (\(file))"
        guard case .array(let parts)? = table["command"], !parts.isEmpty else {
            throw table.invalid("command", "an array of strings, the program first (for instance [\"python3\", \"solver.py\"])")
        }
        let command = try parts.map { v -> String in
            guard case .string(let s) = v, !s.isEmpty, s.utf8.count <= 4096 else {
                throw table.invalid("command", "every element is a non-empty string of at most 4096 bytes")
            }
            return s
        }
        let limit = try table.int("time_limit", default: defaultTimeLimit)
        guard timeLimitRange.contains(limit) else {
            throw table.invalid("time_limit", "seconds in \(timeLimitRange.lowerBound)...\(timeLimitRange.upperBound)")
        }
        var parameters: [SolverParameter] = []
        if let list = table["parameter"] {
            guard case .array(let items) = list else { throw table.invalid("parameter", "an array of tables ([[parameter]])") }
            for (i, item) in items.enumerated() {
                guard case .table(let t) = item else { throw table.invalid("parameter", "an array of tables ([[parameter]])") }
                let p = ParameterTable(t, file: file, context: "[[parameter]] #\(i + 1)")
                try p.rejectUnknownKeys(allowed: ["key", "default", "domain", "summary"])
                let key = try p.string("key")
                guard SolverParameter.isValidKey(key), !SolverSettings.keys.contains(key) else {
                    throw p.invalid("key", "letters, digits, '_' and '-', starting with a letter, and not a protocol key (\(SolverSettings.keys.joined(separator: ", ")))")
                }
                let domainName = try p.string("domain", default: "positive")
                let domain: SolverParameter.Domain
                switch domainName {
                case "positive": domain = .positive
                case "non-negative": domain = .nonNegative
                case "integer": domain = .integer(Int(Int32.min)...Int(Int32.max))
                case "boolean": domain = .boolean
                case "text": domain = .text
                default: throw p.invalid("domain", "one of positive, non-negative, integer, boolean, text")
                }
                guard let raw = p["default"], let value = domain.accept(raw) else {
                    throw p.invalid("default", "a default value that is \(domain.rule)")
                }
                parameters.append(SolverParameter(key, default: value, domain: domain, summary: try p.string("summary", default: "")))
            }
        }
        let directory = (file as NSString).deletingLastPathComponent
        return ExternalSolverDeclaration(name: name, summary: summary, command: command,
                                         directory: directory.isEmpty ? "." : directory,
                                         parameters: parameters, timeLimit: limit, file: file)
    }

    /// Every declaration in `problemsDirectory/solvers/*.toml`, sorted by file name; none
    /// when there is no such directory.
    public static func readAll(problemsDirectory: String) throws -> [ExternalSolverDeclaration] {
        let dir = (problemsDirectory as NSString).appendingPathComponent("solvers")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return try names.filter { $0.hasSuffix(".toml") }.sorted().map {
            try read(file: (dir as NSString).appendingPathComponent($0))
        }
    }

    /// The registry entry: each task gets an ``ExternalSolver`` over a process of one
    /// shared pool.
    public func entry() -> SolverRegistry.Entry {
        let pool = ExternalSolverPool(self)
        return SolverRegistry.Entry(name: name, summary: summary + " [external: \(commandLine)]", parameters: parameters) { settings in
            ExternalSolver(pool: pool, settings: settings)
        }
    }
}
