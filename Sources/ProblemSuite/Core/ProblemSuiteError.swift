/// Every error the suite throws. Each case names what a user needs to fix it:
/// the file, the line or key, and the offending value.
public enum ProblemSuiteError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A file could not be read or parsed; `line` is 1-based when known.
    case malformedFile(file: String, line: Int?, column: Int?, reason: String)
    /// A declared parameter is unknown, of the wrong type, or out of range.
    case invalidParameter(file: String, context: String, key: String, value: String, reason: String)
    /// No problem of that name; `suggestions` are the closest catalogue names.
    case unknownProblem(name: String, suggestions: [String])
    /// A problem's data file is not in the data directory.
    case missingData(problem: String, file: String, hint: String)
    /// A file's checksum or shape is not the manifest's.
    case dataMismatch(file: String, reason: String)
    /// A request that cannot be met (bad size, bad option combination).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case let .malformedFile(file, line, column, reason):
            var at = file
            if let line { at += ":\(line)" }
            if let column { at += ":\(column)" }
            return "\(at): \(reason)"
        case let .invalidParameter(file, context, key, value, reason):
            let ctx = context.isEmpty ? "" : " (\(context))"
            return "\(file)\(ctx): key '\(key)' = \(value): \(reason)"
        case let .unknownProblem(name, suggestions):
            if suggestions.isEmpty { return "unknown problem '\(name)'" }
            return "unknown problem '\(name)'; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
        case let .missingData(problem, file, hint):
            return "\(problem): data file '\(file)' is missing. \(hint)"
        case let .dataMismatch(file, reason):
            return "\(file): \(reason)"
        case let .invalidRequest(text):
            return text
        }
    }
}
