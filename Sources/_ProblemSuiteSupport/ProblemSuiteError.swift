/// Every error the suite throws. Each case names what a user needs to fix it:
/// the file, the line or key, and the offending value.
///
/// ``description`` never contains raw control characters: every text it quotes (file
/// names, keys, values, reasons, which may come from problem or data files) goes through
/// ``escaped(_:)``, so that a hostile file cannot move the cursor, clear the terminal or
/// forge further lines of output.
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
        ProblemSuiteError.escaped(rawDescription)
    }

    /// `text` with control characters escaped: newline, carriage return and tab as `\n`,
    /// `\r`, `\t`; other C0/C1 controls and DEL as hex (ESC is `\x1b`), and the Unicode bidirectional overrides and isolates
    /// (U+202A–U+202E, U+2066–U+2069) as `\u{202e}`. Printable text, including non-ASCII
    /// letters, is unchanged.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for u in text.unicodeScalars {
            guard needsEscape(u) else { out.unicodeScalars.append(u); continue }
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(u.value, radix: 16)
                out += u.value <= 0xFF ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{\(hex)}"
            }
        }
        return out
    }

    @inline(__always) static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// The message before escaping.
    package var rawDescription: String {
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
