import Foundation

/// The suite's problems, read from the family files under `Problems/`.
///
/// Each `Problems/*.toml` file declares one family:
/// ```toml
/// family = "random-least-squares"   # the identifier of one of the catalogue's families
/// description = "..."               # optional
/// [settings]                        # protocol settings and solver parameters for every instance
/// nR = 32
/// [defaults]                        # instance keys shared by every instance
/// n = 1024
/// [[instance]]
/// name = "A1"
/// aliases = ["RLS-GAUSSIAN"]        # optional
/// ensemble = "gaussian"
/// [instance.settings]               # optional per-instance overrides
/// ```
/// A malformed file, an unknown family or key, or a duplicate name is an error naming
/// the file and the key.
///
/// One bad declaration does not take the catalogue down. By default (`strict: false`)
/// an instance that fails validation, a whole file that cannot be used (TOML syntax
/// error, unknown family, bad `[settings]` or `[defaults]`), or a name already declared
/// elsewhere is recorded in ``rejected`` with its error and left out of ``entries``;
/// everything else stays usable. Then:
/// - ``entry(named:)`` and ``load(_:context:)`` of a rejected name throw that
///   declaration's own error (not "unknown problem");
/// - ``filter(family:minDimension:maxDimension:pattern:)`` never returns a rejected one;
/// - a duplicate name is an error for the later declaration only; the first stays.
/// `Catalogue(directory:strict: true)` (or ``throwIfRejected()``) throws the first
/// rejection instead, for tests and checks of the problem files.
public struct Catalogue: Sendable {
    /// Every entry: families in ``families`` order, then in file and declaration order.
    public private(set) var entries: [ProblemEntry]
    /// The families whose files this catalogue reads (default ``FamilyRegistry/standard``).
    /// A file naming any other family is rejected (recorded in ``rejected``), not fatal.
    public let families: [any ProblemFamily.Type]
    /// Declarations that failed validation, in file and declaration order (empty in a
    /// strict catalogue).
    public private(set) var rejected: [RejectedDeclaration]
    /// The directory the entries were read from.
    public let directory: String
    /// The solver parameters `[settings]` tables may hold besides the protocol's keys
    /// (``SolverSettings/applying(_:declared:)``); `nil`: any well-formed key, checked when
    /// a solver resolves it. The command line and the harness pass their registry's
    /// (`SolverRegistry.parameterDeclarations`).
    public let solverParameters: [SolverParameter]?

    static let fileKeys = ["family", "description", "settings", "defaults", "instance"]

    /// Reads every `*.toml` file directly under `directory` (sorted by name).
    /// - Parameters:
    ///   - families: the families the files may name (default ``FamilyRegistry/standard``;
    ///     add your own: `FamilyRegistry.standard + [MyFamily.self]`). Entries are ordered
    ///     by family in this order.
    ///   - solverParameters: the solver parameters the files may set (see
    ///     ``solverParameters``; default `nil`, any well-formed key).
    ///   - strict: throw the first invalid declaration instead of recording it in
    ///     ``rejected`` (default false).
    /// - Throws: if the directory cannot be listed, or two families share an identifier;
    ///   with `strict`, the first rejection.
    public init(directory: String, families: [any ProblemFamily.Type] = FamilyRegistry.standard,
                solverParameters: [SolverParameter]? = nil, strict: Bool = false) throws {
        try FamilyRegistry.validate(families)
        self.directory = directory
        self.families = families
        self.solverParameters = solverParameters
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else {
            throw ProblemSuiteError.malformedFile(file: directory, line: nil, column: nil,
                                                  reason: "cannot list the problem directory")
        }
        entries = []
        rejected = []
        var seen: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".toml") {
            let path = directory + "/" + name
            let (fileEntries, fileRejected) = Catalogue.declarations(inFile: path, families: families, solverParameters: solverParameters)
            rejected += fileRejected
            for entry in fileEntries {
                let keys = [entry.name] + entry.metadata.aliases
                if let key = keys.first(where: { seen[$0.uppercased()] != nil }) {
                    rejected.append(RejectedDeclaration(
                        name: entry.name, aliases: entry.metadata.aliases, file: path,
                        error: .invalidParameter(file: path, context: "instance \"\(entry.name)\"", key: "name",
                                                 value: "\"\(key)\"", reason: "already declared in \(seen[key.uppercased()]!)")))
                    continue
                }
                for key in keys { seen[key.uppercased()] = path }
                entries.append(entry)
            }
        }
        if strict { try throwIfRejected() }
        let rank = Dictionary(uniqueKeysWithValues: families.enumerated().map { ($1.identifier, $0) })
        entries = entries.enumerated().sorted { a, b in
            let ra = rank[a.element.metadata.family] ?? Int.max, rb = rank[b.element.metadata.family] ?? Int.max
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    /// The catalogue of the default problem directory (see ``SuitePaths/problemsDirectory(explicit:)``).
    public static func standard(directory: String? = nil, families: [any ProblemFamily.Type] = FamilyRegistry.standard,
                                solverParameters: [SolverParameter]? = nil, strict: Bool = false) throws -> Catalogue {
        try Catalogue(directory: SuitePaths.problemsDirectory(explicit: directory), families: families,
                      solverParameters: solverParameters, strict: strict)
    }

    /// Throws the error of the first rejected declaration, if any.
    public func throwIfRejected() throws {
        if let first = rejected.first { throw first.error }
    }

    /// The entries declared by one family file.
    /// - Throws: the first invalid declaration's error (strict).
    public static func entries(inFile path: String,
                               families: [any ProblemFamily.Type] = FamilyRegistry.standard,
                               solverParameters: [SolverParameter]? = nil) throws -> [ProblemEntry] {
        let (entries, rejected) = declarations(inFile: path, families: families, solverParameters: solverParameters)
        if let first = rejected.first { throw first.error }
        return entries
    }

    /// The valid entries of one family file and its rejected declarations. A file that
    /// cannot be read is one rejection without a name; a file that is not valid TOML is
    /// one rejection per instance name found by a line scan (``declaredNames(inText:)``),
    /// so that looking up one of its problems reports the syntax error, or one without a
    /// name if none is found.
    public static func declarations(inFile path: String, families: [any ProblemFamily.Type] = FamilyRegistry.standard,
                                    solverParameters: [SolverParameter]? = nil)
        -> (entries: [ProblemEntry], rejected: [RejectedDeclaration]) {
        let text: String
        do {
            text = try TOMLReading.readText(file: path)
        } catch {
            return ([], [RejectedDeclaration(name: nil, file: path, error: ProblemSuiteError.wrapping(error, file: path))])
        }
        do {
            return declarations(fromTOML: try TOMLReading.parse(text, file: path), file: path, families: families,
                                solverParameters: solverParameters)
        } catch {
            let e = ProblemSuiteError.wrapping(error, file: path)
            let named = declaredNames(inText: text).map { RejectedDeclaration(name: $0.name, aliases: $0.aliases, file: path, error: e) }
            return ([], named.isEmpty ? [RejectedDeclaration(name: nil, file: path, error: e)] : named)
        }
    }

    /// Best-effort names (and aliases) of the instances of a file that does not parse:
    /// every line `name = "..."`, with the `aliases = ["...", ...]` line that follows it
    /// on one line. Only used to attach a syntax error to the names it hides.
    /// - Complexity: O(length of `text`).
    static func declaredNames(inText text: String) -> [(name: String, aliases: [String])] {
        func quoted(_ s: Substring) -> [String] {
            s.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        var out: [(name: String, aliases: [String])] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...]
            if key == "name", let name = quoted(value).first, !name.isEmpty {
                out.append((name, []))
            } else if key == "aliases", !out.isEmpty {
                out[out.count - 1].aliases = quoted(value.split(separator: "]").first ?? value)
            }
        }
        return out
    }

    /// The entries of an already-parsed family file (`file` is used in messages).
    /// - Throws: the first invalid declaration's error (strict).
    public static func entries(fromTOML top: [String: ParameterValue], file path: String,
                               families: [any ProblemFamily.Type] = FamilyRegistry.standard,
                               solverParameters: [SolverParameter]? = nil) throws -> [ProblemEntry] {
        let (entries, rejected) = declarations(fromTOML: top, file: path, families: families, solverParameters: solverParameters)
        if let first = rejected.first { throw first.error }
        return entries
    }

    /// The valid entries of an already-parsed family file and its rejected declarations,
    /// in declaration order. An error in the file's own keys (family, `[settings]`,
    /// `[defaults]`) rejects every instance of the file (each under its name when it has
    /// one, so that looking it up reports the file's error).
    public static func declarations(fromTOML top: [String: ParameterValue], file path: String,
                                    families: [any ProblemFamily.Type] = FamilyRegistry.standard,
                                    solverParameters: [SolverParameter]? = nil)
        -> (entries: [ProblemEntry], rejected: [RejectedDeclaration]) {
        let root = ParameterTable(top, file: path, context: "")
        let family: any ProblemFamily.Type
        var settings = SolverSettings()
        let defaults: [String: ParameterValue]
        do {
            try root.rejectUnknownKeys(allowed: fileKeys)
            let familyID = try root.string("family")
            guard let f = FamilyRegistry.family(familyID, in: families) else {
                throw root.invalid("family", "unknown family (known: \(families.map { $0.identifier }.joined(separator: ", ")))")
            }
            family = f
            if let s = try root.optionalTable("settings") { settings = try settings.applying(s, declared: solverParameters) }
            defaults = try root.optionalTable("defaults")?.values ?? [:]
            if !defaults.isEmpty {
                try ParameterTable(defaults, file: path, context: "[defaults]").rejectUnknownKeys(allowed: family.instanceKeys)
            }
        } catch {
            let e = ProblemSuiteError.wrapping(error, file: path)
            var out: [RejectedDeclaration] = []
            if case .array(let items)? = top["instance"] {
                for case .table(let t) in items {
                    if case .string(let name)? = t["name"] { out.append(RejectedDeclaration(name: name, file: path, error: e)) }
                }
            }
            return ([], out.isEmpty ? [RejectedDeclaration(name: nil, file: path, error: e)] : out)
        }
        guard let instanceValue = root["instance"] else { return ([], []) }
        guard case .array(let instances) = instanceValue else {
            return ([], [RejectedDeclaration(name: nil, file: path, error: root.invalid("instance", "expected [[instance]] tables"))])
        }
        var out: [ProblemEntry] = []
        var rejected: [RejectedDeclaration] = []
        for (index, item) in instances.enumerated() {
            var name: String? = nil
            var aliases: [String] = []
            do {
                guard case .table(var values) = item else {
                    throw root.invalid("instance", "item \(index + 1) is not a table")
                }
                let probe = ParameterTable(values, file: path, context: "instance #\(index + 1)")
                let declared = try probe.string("name")
                name = declared
                guard !declared.isEmpty, declared.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw probe.invalid("name", "a name uses letters, digits, '-', '_' and '.' only")
                }
                let context = "instance \"\(declared)\""
                let table = ParameterTable(values, file: path, context: context)
                if let a = table["aliases"] {
                    guard case .array(let items) = a else { throw table.invalid("aliases", "expected an array of strings") }
                    aliases = try items.map {
                        guard case .string(let s) = $0 else { throw table.invalid("aliases", "expected an array of strings") }
                        return s
                    }
                }
                var instanceSettings = settings
                if let s = try table.optionalTable("settings") { instanceSettings = try settings.applying(s, declared: solverParameters) }
                values["name"] = nil; values["aliases"] = nil; values["settings"] = nil
                var merged = defaults
                for (k, v) in values { merged[k] = v }
                let declaration = InstanceDeclaration(
                    name: declared, aliases: aliases,
                    parameters: ParameterTable(merged, file: path, context: context),
                    settings: instanceSettings, file: path)
                var entry = try family.entry(for: declaration)
                entry.declaration = declaration
                entry.family = family
                out.append(entry)
            } catch {
                rejected.append(RejectedDeclaration(name: name, aliases: aliases, file: path,
                                                    error: ProblemSuiteError.wrapping(error, file: path)))
            }
        }
        return (out, rejected)
    }

    /// The entry called `name` (or with that alias), ignoring case.
    /// - Throws: the declaration's own error if `name` was rejected (``rejected``), else
    ///   `ProblemSuiteError/unknownProblem(name:suggestions:)` with the closest names.
    ///
    /// A name with parameters, `A1[n=8192,m=2048]`, is the instance with those
    /// parameters instead of the declared ones (``LoadTimeParameters``,
    /// ``ProblemEntry/withParameters(_:)``).
    ///
    /// A name with perturbations, `A1+noise:r0.01`, is the instance under them
    /// (``Perturbation/label``, ``ProblemEntry/perturbed(by:)``).
    public func entry(named name: String) throws -> ProblemEntry {
        // Perturbations follow the name and its parameters (`A1[s=1e+1]+permutation`).
        let afterParameters = name.lastIndex(of: "]").map { name.index(after: $0) } ?? name.startIndex
        if let plus = name[afterParameters...].firstIndex(of: "+") {
            var entry = try self.entry(named: String(name[..<plus]))
            for label in name[name.index(after: plus)...].split(separator: "+", omittingEmptySubsequences: false) {
                guard let p = Perturbation(label: String(label)) else {
                    throw ProblemSuiteError.invalidRequest("problem name \(name): '\(label)' is not a perturbation (labels: permutation, orthogonal:signs|haar|auto, noise:r<level>|a<level>, scaling:<c>, start:<level>)")
                }
                entry = try entry.perturbed(by: p)
            }
            return entry
        }
        let (base, parameters) = try LoadTimeParameters.split(name)
        if !parameters.isEmpty { return try entry(named: base).withParameters(parameters) }
        let key = name.uppercased()
        if let e = entries.first(where: { $0.name.uppercased() == key || $0.metadata.aliases.contains { $0.uppercased() == key } }) {
            return e
        }
        if let r = rejected.first(where: { r in ([r.name].compactMap { $0 } + r.aliases).contains { $0.uppercased() == key } }) {
            throw r.error
        }
        let names = entries.flatMap { [$0.name] + $0.metadata.aliases }
        throw ProblemSuiteError.unknownProblem(name: name, suggestions: NameSuggestion.closest(to: name, among: names))
    }

    /// Entries matching every given filter: family identifier, dimension range, and
    /// name pattern (`*` and `?` wildcards, case-insensitive; matches aliases too).
    /// The same as ``select(_:dataDirectory:)`` with those fields of a ``ProblemQuery``.
    public func filter(family: String? = nil, minDimension: Int? = nil, maxDimension: Int? = nil,
                       pattern: String? = nil) -> [ProblemEntry] {
        select(ProblemQuery(family: family, name: pattern, minN: minDimension, maxN: maxDimension))
    }

    /// Glob-style match with `*` and `?`, ignoring case.
    public static func wildcard(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.lowercased()), t = Array(text.lowercased())
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) { pi += 1; ti += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// The data files of `entry` missing from `dataDirectory`.
    public static func missingFiles(of entry: ProblemEntry, dataDirectory: String?) -> [String] {
        guard !entry.requiredFiles.isEmpty else { return [] }
        guard let dir = dataDirectory else { return entry.requiredFiles }
        return entry.requiredFiles.filter { !FileManager.default.fileExists(atPath: dir + "/" + $0) }
    }

    /// Loads the problem called `name`.
    /// - Throws: unknown names (with suggestions), missing data (naming the file), or
    ///   the family's own errors.
    public func load(_ name: String, context: LoadContext = LoadContext()) throws -> any SmoothProblem {
        let e = try entry(named: name)
        if let missing = Catalogue.missingFiles(of: e, dataDirectory: context.dataDirectory).first {
            throw ProblemSuiteError.missingData(
                problem: e.name, file: (context.dataDirectory.map { $0 + "/" } ?? "") + missing,
                hint: DataManifest.standardHint(forPath: missing))
        }
        return try e.loadVerified(context).problem
    }
}

/// A declaration the catalogue left out, with the error that rejected it.
public struct RejectedDeclaration: Sendable, Equatable, CustomStringConvertible {
    /// The instance's name, when the declaration got as far as one (nil for a file that
    /// could not be parsed, or an instance without a usable name).
    public var name: String?
    /// The instance's aliases, when they could be read.
    public var aliases: [String]
    /// The problem file.
    public var file: String
    /// Why it was rejected (names the file, the instance, the key and the value).
    public var error: ProblemSuiteError

    public init(name: String?, aliases: [String] = [], file: String, error: ProblemSuiteError) {
        self.name = name
        self.aliases = aliases
        self.file = file
        self.error = error
    }

    public var description: String { error.description }
}

extension ProblemSuiteError {
    /// `error` itself when it is a suite error, else a ``malformedFile(file:line:column:reason:)``
    /// of `file` carrying its description.
    static func wrapping(_ error: any Error, file: String) -> ProblemSuiteError {
        (error as? ProblemSuiteError) ?? .malformedFile(file: file, line: nil, column: nil, reason: "\(error)")
    }
}
