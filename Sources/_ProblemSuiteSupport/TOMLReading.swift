import Foundation
import TOMLKit

/// Reads a TOML file into `ParameterValue` tables, turning parse errors into
/// `ProblemSuiteError/malformedFile(file:line:column:reason:)` with line and column.
package enum TOMLReading {
    /// Largest problem or manifest file read: 16 MiB (the suite's are a few KB). Reading
    /// stops there, so a device (`/dev/zero`) or a huge file is an error, not a hang.
    package static let maximumFileSize = 16 << 20

    /// Reads and parses the TOML file at `file` (at most ``maximumFileSize`` bytes).
    package static func read(file: String) throws -> [String: ParameterValue] {
        try parse(readText(file: file), file: file)
    }

    /// The text of `file`: at most ``maximumFileSize`` bytes of UTF-8.
    package static func readText(file: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw ProblemSuiteError.malformedFile(file: file, line: nil, column: nil, reason: "cannot read file")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw ProblemSuiteError.malformedFile(file: file, line: nil, column: nil, reason: "cannot read file: \(error.localizedDescription)")
        }
        guard data.count <= maximumFileSize else {
            throw ProblemSuiteError.malformedFile(file: file, line: nil, column: nil,
                                                  reason: "larger than \(maximumFileSize) bytes, the limit for a problem file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProblemSuiteError.malformedFile(file: file, line: nil, column: nil, reason: "not valid UTF-8")
        }
        return text
    }

    package static func parse(_ text: String, file: String) throws -> [String: ParameterValue] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ProblemSuiteError.malformedFile(file: file, line: e.source.begin.line, column: e.source.begin.column,
                                                  reason: "TOML: \(e.description)")
        }
        return try convert(table, file: file, path: "")
    }

    static func convert(_ table: TOMLTable, file: String, path: String) throws -> [String: ParameterValue] {
        var out: [String: ParameterValue] = [:]
        for key in table.keys {
            guard let v = table[key] else { continue }
            let p = path.isEmpty ? key : "\(path).\(key)"
            out[key] = try convert(v, file: file, path: p)
        }
        return out
    }

    static func convert(_ v: any TOMLValueConvertible, file: String, path: String) throws -> ParameterValue {
        switch v.type {
        case .int: return .int(v.int!)
        case .double: return .double(v.double!)
        case .string: return .string(v.string!)
        case .bool: return .bool(v.bool!)
        case .table: return .table(try convert(v.table!, file: file, path: path))
        case .array:
            var items: [ParameterValue] = []
            for item in v.array! { items.append(try convert(item, file: file, path: path)) }
            return .array(items)
        default:
            throw ProblemSuiteError.invalidParameter(file: file, context: "", key: path, value: String(describing: v),
                                                     reason: "dates and times are not used by the suite")
        }
    }
}
