import Foundation

/// The suite's problems, read from the family files under `Problems/`.
///
/// Each `Problems/*.toml` file declares one family:
/// ```toml
/// family = "random-least-squares"   # a FamilyRegistry identifier
/// description = "..."               # optional
/// [settings]                        # solver settings for every instance (SolverSettings.keys)
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
public struct Catalogue: Sendable {
    /// Every entry: families in ``FamilyRegistry/families`` order (the built-in ones
    /// first), then in file and declaration order.
    public private(set) var entries: [ProblemEntry]
    /// The directory the entries were read from.
    public let directory: String

    static let fileKeys = ["family", "description", "settings", "defaults", "instance"]

    /// Reads every `*.toml` file directly under `directory` (sorted by name).
    public init(directory: String) throws {
        self.directory = directory
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else {
            throw ProblemSuiteError.malformedFile(file: directory, line: nil, column: nil,
                                                  reason: "cannot list the problem directory")
        }
        entries = []
        var seen: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".toml") {
            let path = directory + "/" + name
            for entry in try Catalogue.entries(inFile: path) {
                for key in [entry.name] + entry.metadata.aliases {
                    if let other = seen[key.uppercased()] {
                        throw ProblemSuiteError.invalidParameter(file: path, context: "instance \"\(entry.name)\"", key: "name",
                                                                 value: "\"\(key)\"", reason: "already declared in \(other)")
                    }
                    seen[key.uppercased()] = path
                }
                entries.append(entry)
            }
        }
        let rank = Dictionary(uniqueKeysWithValues: FamilyRegistry.families.enumerated().map { ($1.identifier, $0) })
        entries = entries.enumerated().sorted { a, b in
            let ra = rank[a.element.metadata.family] ?? Int.max, rb = rank[b.element.metadata.family] ?? Int.max
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    /// The catalogue of the default problem directory (see ``SuitePaths/problemsDirectory(explicit:)``).
    public static func standard(directory: String? = nil) throws -> Catalogue {
        try Catalogue(directory: SuitePaths.problemsDirectory(explicit: directory))
    }

    /// The entries declared by one family file.
    public static func entries(inFile path: String) throws -> [ProblemEntry] {
        try entries(fromTOML: TOMLReading.read(file: path), file: path)
    }

    /// The entries of an already-parsed family file (`file` is used in messages).
    public static func entries(fromTOML top: [String: ParameterValue], file path: String) throws -> [ProblemEntry] {
        let root = ParameterTable(top, file: path, context: "")
        try root.rejectUnknownKeys(allowed: fileKeys)
        let familyID = try root.string("family")
        guard let family = FamilyRegistry.family(familyID) else {
            throw root.invalid("family", "unknown family (known: \(FamilyRegistry.families.map { $0.identifier }.joined(separator: ", ")))")
        }
        var settings = SolverSettings()
        if let s = try root.optionalTable("settings") { settings = try settings.applying(s) }
        let defaults = try root.optionalTable("defaults")?.values ?? [:]
        let allowed = family.instanceKeys
        if !defaults.isEmpty {
            try ParameterTable(defaults, file: path, context: "[defaults]").rejectUnknownKeys(allowed: allowed)
        }
        guard let instanceValue = root["instance"] else { return [] }
        guard case .array(let instances) = instanceValue else {
            throw root.invalid("instance", "expected [[instance]] tables")
        }
        var out: [ProblemEntry] = []
        for (index, item) in instances.enumerated() {
            guard case .table(var values) = item else {
                throw root.invalid("instance", "item \(index + 1) is not a table")
            }
            let probe = ParameterTable(values, file: path, context: "instance #\(index + 1)")
            let name = try probe.string("name")
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw probe.invalid("name", "a name uses letters, digits, '-', '_' and '.' only")
            }
            let context = "instance \"\(name)\""
            let table = ParameterTable(values, file: path, context: context)
            var aliases: [String] = []
            if let a = table["aliases"] {
                guard case .array(let items) = a else { throw table.invalid("aliases", "expected an array of strings") }
                aliases = try items.map {
                    guard case .string(let s) = $0 else { throw table.invalid("aliases", "expected an array of strings") }
                    return s
                }
            }
            var instanceSettings = settings
            if let s = try table.optionalTable("settings") { instanceSettings = try settings.applying(s) }
            values["name"] = nil; values["aliases"] = nil; values["settings"] = nil
            var merged = defaults
            for (k, v) in values { merged[k] = v }
            let declaration = InstanceDeclaration(
                name: name, aliases: aliases,
                parameters: ParameterTable(merged, file: path, context: context),
                settings: instanceSettings, file: path)
            out.append(try family.entry(for: declaration))
        }
        return out
    }

    /// The entry called `name` (or with that alias), ignoring case.
    /// - Throws: ``ProblemSuiteError/unknownProblem(name:suggestions:)`` with the closest names.
    public func entry(named name: String) throws -> ProblemEntry {
        let key = name.uppercased()
        if let e = entries.first(where: { $0.name.uppercased() == key || $0.metadata.aliases.contains { $0.uppercased() == key } }) {
            return e
        }
        let names = entries.flatMap { [$0.name] + $0.metadata.aliases }
        throw ProblemSuiteError.unknownProblem(name: name, suggestions: NameSuggestion.closest(to: name, among: names))
    }

    /// Entries matching every given filter: family identifier, dimension range, and
    /// name pattern (`*` and `?` wildcards, case-insensitive; matches aliases too).
    public func filter(family: String? = nil, minDimension: Int? = nil, maxDimension: Int? = nil,
                       pattern: String? = nil) -> [ProblemEntry] {
        entries.filter { e in
            if let family, e.metadata.family != family { return false }
            if let minDimension, e.metadata.dimension < minDimension { return false }
            if let maxDimension, e.metadata.dimension > maxDimension { return false }
            if let pattern {
                let names = [e.name] + e.metadata.aliases
                if !names.contains(where: { Catalogue.wildcard(pattern, matches: $0) }) { return false }
            }
            return true
        }
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
        return try e.load(context)
    }
}
