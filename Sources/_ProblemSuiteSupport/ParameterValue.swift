/// A declared parameter value, decoupled from the TOML library.
///
/// Codable as the plain JSON value (`256`, `0.7`, `"gaussian"`, `true`, `[1, 2]`,
/// `{"k": 1}`), not as a tagged enum. Decoding tries integer, then boolean, string
/// (before floating point, so that a string `"inf"` stays a string under a decoder that
/// reads non-finite numbers from strings), floating point, array and table, so an integer stays an integer and a
/// non-integral double a double. JSON itself does not tell `1.0` from `1`: a double with
/// an integral value is written `1` by `JSONEncoder` and read back as `.int(1)`, which
/// every numeric accessor (`ParameterTable/optionalDouble(_:)`) accepts alike.
public enum ParameterValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case array([ParameterValue])
    case table([String: ParameterValue])

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return "\"\(v)\""
        case .bool(let v): return String(v)
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .table(let t): return "{" + t.keys.sorted().map { "\($0) = \(t[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .table(let v): try c.encode(v)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode([ParameterValue].self) { self = .array(v) }
        else if let v = try? c.decode([String: ParameterValue].self) { self = .table(v) }
        else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a parameter value (number, string, boolean, array or table)")
        }
    }

    package var typeName: String {
        switch self {
        case .int: return "integer"
        case .double: return "float"
        case .string: return "string"
        case .bool: return "boolean"
        case .array: return "array"
        case .table: return "table"
        }
    }
}

/// A table of declared parameters with typed accessors whose errors name the file,
/// the context (for example `instance "A1"`) and the key.
public struct ParameterTable: Sendable {
    public var values: [String: ParameterValue]
    /// The file the table came from, for error messages.
    public var file: String
    /// Where in the file, for error messages (`[settings]`, `instance "A1"`).
    public var context: String

    public init(_ values: [String: ParameterValue], file: String, context: String) {
        self.values = values
        self.file = file
        self.context = context
    }

    public subscript(key: String) -> ParameterValue? { values[key] }

    /// The error for `key` with `reason`. The value is quoted as declared, cut to its
    /// first ``quotedValueLimit`` characters.
    public func invalid(_ key: String, _ reason: String) -> ProblemSuiteError {
        var value = values[key]?.description ?? "(absent)"
        if value.count > ParameterTable.quotedValueLimit {
            value = String(value.prefix(ParameterTable.quotedValueLimit)) + "…"
        }
        return .invalidParameter(file: file, context: context, key: key, value: value, reason: reason)
    }

    /// Longest value quoted in an error message: 200 characters.
    public static let quotedValueLimit = 200

    /// Throws for the first key (alphabetically) not in `allowed`, suggesting the closest.
    public func rejectUnknownKeys(allowed: [String]) throws {
        for key in values.keys.sorted() where !allowed.contains(key) {
            let close = NameSuggestion.closest(to: key, among: allowed, limit: 1)
            let hint = close.isEmpty ? "" : "; did you mean '\(close[0])'?"
            throw invalid(key, "unknown key (allowed: \(allowed.joined(separator: ", ")))\(hint)")
        }
    }

    public func optionalInt(_ key: String) throws -> Int? {
        guard let v = values[key] else { return nil }
        if case .int(let i) = v { return i }
        throw invalid(key, "expected an integer, found a \(v.typeName)")
    }

    public func optionalDouble(_ key: String) throws -> Double? {
        guard let v = values[key] else { return nil }
        switch v {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: throw invalid(key, "expected a number, found a \(v.typeName)")
        }
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let v = values[key] else { return nil }
        if case .string(let s) = v { return s }
        throw invalid(key, "expected a string, found a \(v.typeName)")
    }

    public func optionalBool(_ key: String) throws -> Bool? {
        guard let v = values[key] else { return nil }
        if case .bool(let b) = v { return b }
        throw invalid(key, "expected a boolean, found a \(v.typeName)")
    }

    public func int(_ key: String, default value: Int? = nil) throws -> Int {
        if let v = try optionalInt(key) { return v }
        if let value { return value }
        throw invalid(key, "required key is missing")
    }

    public func double(_ key: String, default value: Double? = nil) throws -> Double {
        if let v = try optionalDouble(key) { return v }
        if let value { return value }
        throw invalid(key, "required key is missing")
    }

    public func string(_ key: String, default value: String? = nil) throws -> String {
        if let v = try optionalString(key) { return v }
        if let value { return value }
        throw invalid(key, "required key is missing")
    }

    /// A positive integer, or the default.
    public func positiveInt(_ key: String, default value: Int? = nil) throws -> Int {
        let v = try int(key, default: value)
        guard v > 0 else { throw invalid(key, "must be positive") }
        return v
    }

    /// The integer array under `key`, or nil.
    public func optionalIntArray(_ key: String) throws -> [Int]? {
        guard let v = values[key] else { return nil }
        guard case .array(let a) = v else { throw invalid(key, "expected an array of integers, found a \(v.typeName)") }
        return try a.map {
            guard case .int(let i) = $0 else { throw invalid(key, "expected an array of integers") }
            return i
        }
    }

    /// The number array under `key`, or nil.
    public func optionalDoubleArray(_ key: String) throws -> [Double]? {
        guard let v = values[key] else { return nil }
        guard case .array(let a) = v else { throw invalid(key, "expected an array of numbers, found a \(v.typeName)") }
        return try a.map {
            switch $0 {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: throw invalid(key, "expected an array of numbers")
            }
        }
    }

    /// The sub-table under `key`, as a table with a nested context.
    public func optionalTable(_ key: String) throws -> ParameterTable? {
        guard let v = values[key] else { return nil }
        guard case .table(let t) = v else { throw invalid(key, "expected a table, found a \(v.typeName)") }
        return ParameterTable(t, file: file, context: context.isEmpty ? "[\(key)]" : "\(context) [\(key)]")
    }

    /// The seed under `key` (a non-negative integer) or the default.
    public func seed(_ key: String = "seed", default value: UInt64) throws -> UInt64 {
        guard let v = try optionalInt(key) else { return value }
        guard v >= 0 else { throw invalid(key, "a seed must be a non-negative integer") }
        return UInt64(v)
    }
}
