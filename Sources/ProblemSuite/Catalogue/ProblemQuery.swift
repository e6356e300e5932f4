import Foundation

/// Which problems to take: a selection by properties, in the spirit of pycutest's
/// `find_problems`. Every field left nil selects everything; the fields given must all
/// hold. One value serves `problemsuite list --select`, `problemsuite run --select`, the
/// `[select]` table of an experiment file and the API (``Catalogue/select(_:dataDirectory:)``).
///
/// The keys, as written in a table or after `--select key=value`:
///
/// | key              | value                                                      |
/// |------------------|------------------------------------------------------------|
/// | `family`         | family identifier (`sparco`)                               |
/// | `name`           | name or alias pattern, `*` and `?` wildcards               |
/// | `classification` | pattern on the classification string (`S*-R*`)             |
/// | `objective`      | objective letter: N C L Q S O                              |
/// | `constraints`    | constraint letter: U X B N L Q O                           |
/// | `smoothness`     | R or I                                                     |
/// | `derivatives`    | 0, 1 or 2                                                  |
/// | `origin`         | A (academic), M (modelling), R (real data)                 |
/// | `min_n`, `max_n` | bounds on the number of unknowns n (inclusive)             |
/// | `min_m`, `max_m` | bounds on m, the residuals or samples (a problem without m fails them) |
/// | `source`         | `generated` (no data files) or `real` (reads data files)  |
/// | `data_present`   | true: every data file is in the data directory (generated problems count as present); false: some is missing |
/// | `known_solution` | true: the optimal value is known (planted solutions)       |
public struct ProblemQuery: Sendable, Equatable {
    /// Where a problem's numbers come from.
    public enum Source: String, Sendable, CaseIterable {
        /// Generated from the seed; no data files.
        case generated
        /// Reads data files.
        case real
    }

    public var family: String?
    public var name: String?
    public var classification: String?
    public var objective: Character?
    public var constraints: Character?
    public var smoothness: Character?
    public var derivatives: Int?
    public var origin: Character?
    public var minN: Int?
    public var maxN: Int?
    public var minM: Int?
    public var maxM: Int?
    public var source: Source?
    public var dataPresent: Bool?
    public var knownSolution: Bool?

    /// The keys a table (or `--select`) may hold.
    public static let keys = ["family", "name", "classification", "objective", "constraints", "smoothness", "derivatives",
                              "origin", "min_n", "max_n", "min_m", "max_m", "source", "data_present", "known_solution"]

    public init(family: String? = nil, name: String? = nil, classification: String? = nil, objective: Character? = nil,
                constraints: Character? = nil, smoothness: Character? = nil, derivatives: Int? = nil, origin: Character? = nil,
                minN: Int? = nil, maxN: Int? = nil, minM: Int? = nil, maxM: Int? = nil, source: Source? = nil,
                dataPresent: Bool? = nil, knownSolution: Bool? = nil) {
        self.family = family; self.name = name; self.classification = classification
        self.objective = objective; self.constraints = constraints; self.smoothness = smoothness
        self.derivatives = derivatives; self.origin = origin
        self.minN = minN; self.maxN = maxN; self.minM = minM; self.maxM = maxM
        self.source = source; self.dataPresent = dataPresent; self.knownSolution = knownSolution
    }

    /// Whether no field is set (the query selects every problem).
    public var isEmpty: Bool { self == ProblemQuery() }

    /// Reads a query from a table (an experiment's `[select]`, or `--select` pairs).
    /// - Throws: `ProblemSuiteError/invalidParameter(file:context:key:value:reason:)`
    ///   naming the file, the table and the key, for an unknown key (with the closest),
    ///   a value of the wrong type, a letter outside the scheme, a negative bound or an
    ///   empty range.
    public init(_ t: ParameterTable) throws {
        self.init()
        try t.rejectUnknownKeys(allowed: ProblemQuery.keys)
        func letter(_ key: String, _ allowed: Set<Character>) throws -> Character? {
            guard let s = try t.optionalString(key) else { return nil }
            guard s.count == 1, let c = s.uppercased().first, allowed.contains(c) else {
                throw t.invalid(key, "expected one of \(allowed.map(String.init).sorted().joined(separator: ", "))")
            }
            return c
        }
        func bound(_ key: String) throws -> Int? {
            guard let v = try t.optionalInt(key) else { return nil }
            guard v >= 0 else { throw t.invalid(key, "must be a non-negative integer") }
            return v
        }
        family = try t.optionalString("family")
        name = try t.optionalString("name")
        if let c = try t.optionalString("classification") {
            guard !c.isEmpty else { throw t.invalid("classification", "an empty pattern matches nothing") }
            classification = c
        }
        objective = try letter("objective", ProblemClassification.objectiveLetters)
        constraints = try letter("constraints", ProblemClassification.constraintLetters)
        smoothness = try letter("smoothness", ProblemClassification.smoothnessLetters)
        origin = try letter("origin", ProblemClassification.originLetters)
        if let d = try t.optionalInt("derivatives") {
            guard (0...2).contains(d) else { throw t.invalid("derivatives", "must be 0, 1 or 2") }
            derivatives = d
        }
        minN = try bound("min_n"); maxN = try bound("max_n"); minM = try bound("min_m"); maxM = try bound("max_m")
        if let lo = minN, let hi = maxN, lo > hi { throw t.invalid("max_n", "is below min_n = \(lo): the range is empty") }
        if let lo = minM, let hi = maxM, lo > hi { throw t.invalid("max_m", "is below min_m = \(lo): the range is empty") }
        if let s = try t.optionalString("source") {
            guard let v = Source(rawValue: s) else { throw t.invalid("source", "expected generated or real") }
            source = v
        }
        dataPresent = try t.optionalBool("data_present")
        knownSolution = try t.optionalBool("known_solution")
    }

    /// Reads `key=value` pairs (the command line's `--select`), each value read by
    /// `ParameterValue/literal(_:)` (integer, number, boolean, else string).
    /// - Throws: a pair without `=`, or the table's errors (``init(_:)``), naming
    ///   `option` as the file.
    public init(pairs: [String], option: String = "--select") throws {
        var values: [String: ParameterValue] = [:]
        for pair in pairs {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw ProblemSuiteError.invalidRequest("\(option) \(pair): expected key=value (keys: \(ProblemQuery.keys.joined(separator: ", ")))")
            }
            let key = String(pair[..<eq]).trimmingCharacters(in: .whitespaces)
            let text = String(pair[pair.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            values[key] = ParameterValue.literal(text)
        }
        try self.init(ParameterTable(values, file: option, context: ""))
    }

    /// Whether `entry` has every property asked for. `dataDirectory` is where
    /// ``dataPresent`` looks for data files (nil: no data are present).
    public func matches(_ entry: ProblemEntry, dataDirectory: String?) -> Bool {
        let m = entry.metadata
        if let family, m.family != family { return false }
        if let name, !([m.name] + m.aliases).contains(where: { Catalogue.wildcard(name, matches: $0) }) { return false }
        if let classification, !Catalogue.wildcard(classification, matches: m.classification) { return false }
        if objective != nil || constraints != nil || smoothness != nil || derivatives != nil || origin != nil {
            guard let c = m.classificationFields else { return false }
            if let objective, c.objective != objective { return false }
            if let constraints, c.constraints != constraints { return false }
            if let smoothness, c.smoothness != smoothness { return false }
            if let derivatives, c.derivatives != derivatives { return false }
            if let origin, c.origin != origin { return false }
        }
        if let minN, m.dimension < minN { return false }
        if let maxN, m.dimension > maxN { return false }
        if minM != nil || maxM != nil {
            guard let rows = m.rows else { return false }
            if let minM, rows < minM { return false }
            if let maxM, rows > maxM { return false }
        }
        if let source, (entry.requiredFiles.isEmpty ? Source.generated : .real) != source { return false }
        if let dataPresent, Catalogue.missingFiles(of: entry, dataDirectory: dataDirectory).isEmpty != dataPresent { return false }
        if let knownSolution, (m.optimalValue != nil) != knownSolution { return false }
        return true
    }

    /// The query as `key=value` pairs, sorted (for reports and experiment records).
    public var pairs: [String] {
        var out: [String] = []
        func add(_ k: String, _ v: Any?) { if let v { out.append("\(k)=\(v)") } }
        add("classification", classification); add("constraints", constraints); add("data_present", dataPresent)
        add("derivatives", derivatives); add("family", family); add("known_solution", knownSolution)
        add("max_m", maxM); add("max_n", maxN); add("min_m", minM); add("min_n", minN); add("name", name)
        add("objective", objective); add("origin", origin); add("smoothness", smoothness); add("source", source?.rawValue)
        return out
    }
}

extension Catalogue {
    /// The entries with every property `query` asks for, in catalogue order (never a
    /// rejected declaration). `dataDirectory` serves `data_present`.
    public func select(_ query: ProblemQuery, dataDirectory: String? = nil) -> [ProblemEntry] {
        entries.filter { query.matches($0, dataDirectory: dataDirectory) }
    }
}
