import Foundation
import ProblemSuite
import Solvers

/// An external solver declared in a file: `solvers/*.toml` of the user's problems
/// directory, or a `[[solver]]` table (same keys) of an experiment file there
/// (`docs/oracle-protocol.md`, "External solvers"):
///
/// ```toml
/// name = "py-prunadag-v3"
/// summary = "prunAdag V3 in Python"
/// command = ["python3", "prunadag_v3.py"]   # run in this file's directory
/// time_limit = 600                          # seconds per task (default 600)
/// version = "1.2"                           # optional: enters the results' fingerprints
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
    /// The solver's own version string (`version`, optional), hashed into its results'
    /// fingerprints with its code (``codeDigest``).
    public var version: String = ""

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
        let directory = (file as NSString).deletingLastPathComponent
        return try read(table, directory: directory.isEmpty ? "." : directory)
    }

    /// Reads a declaration from a table: a whole `solvers/*.toml` file, or one
    /// `[[solver]]` table of an experiment file. The command runs in `directory`.
    public static func read(_ table: ParameterTable, directory: String) throws -> ExternalSolverDeclaration {
        let file = table.file
        try table.rejectUnknownKeys(allowed: ["name", "summary", "command", "time_limit", "parameter", "version"])
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
        var declaration = ExternalSolverDeclaration(name: name, summary: summary, command: command, directory: directory,
                                                    parameters: parameters, timeLimit: limit,
                                                    file: table.context.isEmpty ? file : "\(file) (\(table.context))")
        declaration.version = try table.optionalString("version") ?? ""
        guard declaration.version.utf8.count <= 256 else { throw table.invalid("version", "at most 256 bytes") }
        return declaration
    }

    /// The key under which ``codeDigest`` reaches the settings, the results and their
    /// fingerprints (a parameter of every external solver, default the digest).
    public static let codeDigestKey = "code_sha256"

    /// sha256 over the solver's code as the harness can see it: the command's words, the
    /// `version`, and the bytes of every command argument that names a regular file
    /// (relative to ``directory``, or absolute) — the script itself, typically. Editing
    /// the script therefore changes the fingerprint of the solver's results, so a resumed
    /// run recomputes them instead of reusing results of the old code. Code the script
    /// imports is not seen: bump `version` when it changes.
    public var codeDigest: String {
        var text = "command"
        for word in command { text += "\u{0}" + word }
        text += "\nversion\u{0}" + version + "\n"
        var isDirectory: ObjCBool = false
        for word in command.dropFirst() {
            let path = word.hasPrefix("/") ? word : (directory as NSString).appendingPathComponent(word)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let digest = try? SHA256.hexDigest(ofFile: path) else { continue }
            text += "file\u{0}" + word + "\u{0}" + digest + "\n"
        }
        return SHA256.hexDigest(of: Array(text.utf8))
    }

    /// Every declaration of a problems directory: the files `solvers/*.toml`, then the
    /// `[[solver]]` tables of `experiments/*.toml` (in file order; a solver declared the
    /// same way twice counts once). None when there are neither.
    /// - Throws: a file's error, or two different declarations of one name.
    public static func readAll(problemsDirectory: String) throws -> [ExternalSolverDeclaration] {
        let fm = FileManager.default
        func tomlFiles(_ dir: String) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".toml") }.sorted()
                .map { (dir as NSString).appendingPathComponent($0) }
        }
        var out = try tomlFiles((problemsDirectory as NSString).appendingPathComponent("solvers")).map { try read(file: $0) }
        let experiments = (problemsDirectory as NSString).appendingPathComponent("experiments")
        for file in tomlFiles(experiments) {
            // Only files that declare solvers are parsed here (the others when an experiment runs).
            guard let text = try? TOMLReading.readText(file: file), text.contains("[[solver]]") else { continue }
            let root = ParameterTable(try TOMLReading.parse(text, file: file), file: file, context: "")
            guard case .array(let items)? = root["solver"] else { throw root.invalid("solver", "an array of tables ([[solver]])") }
            for (i, item) in items.enumerated() {
                guard case .table(let t) = item else { throw root.invalid("solver", "an array of tables ([[solver]])") }
                out.append(try read(ParameterTable(t, file: file, context: "[[solver]] #\(i + 1)"), directory: experiments))
            }
        }
        var unique: [ExternalSolverDeclaration] = []
        for d in out {
            if let same = unique.first(where: { $0.name == d.name }) {
                var a = same, b = d
                a.file = ""; b.file = ""
                guard a == b else {
                    throw ProblemSuiteError.invalidRequest("external solver '\(d.name)' is declared differently in \(same.file) and \(d.file)")
                }
                continue
            }
            unique.append(d)
        }
        return unique
    }

    /// The registry entry: each task gets an ``ExternalSolver`` over a process of one
    /// shared pool.
    public func entry() -> SolverRegistry.Entry {
        let pool = ExternalSolverPool(self)
        let code = SolverParameter(Self.codeDigestKey, default: .string(codeDigest), domain: .text,
                                   summary: "sha256 of the solver's command, version and script files (set by the suite)")
        return SolverRegistry.Entry(name: name, summary: summary + " [external: \(commandLine)]",
                                    parameters: parameters + [code]) { settings in
            try ExternalSolver(pool: pool, settings: settings)
        }
    }
}
