/// The conversions `data fetch` applies to official files that are not in the suite's
/// form: each turns the official text files of a data set into the LIBSVM text whose
/// checksum the manifest records (`convert = "..."` on a `[[dataset.file]]`).
///
/// The output is exactly `label j:v j:v ...` with a single space between items, 1-based
/// increasing feature indices over the nonzero values only, labels written `+1` / `-1`,
/// integers written in their shortest decimal form, and one `\n` after every row (no
/// trailing space). These rules rebuild the shipped `reged0.gz` and `molecule.gz`
/// byte for byte from the official files (see docs/data.md, "Provenance").
///
/// Inputs are bounded: at most `SizeLimits/maxDataBytes` per file, values integers of
/// at most 18 digits, every row the width of the first. Every failure is
/// `ProblemSuiteError/malformedFile(file:line:column:reason:)` naming the file and line.
public enum DataConversion: String, Sendable, CaseIterable, Equatable {
    /// Causality Workbench REGED: a dense data file (one row per line, values separated
    /// by spaces) and a targets file (one label, `-1` or `1`, per line): row i with the
    /// label of line i.
    case regedLibSVM = "reged-libsvm"
    /// UCI Musk (`clean1.data`, `clean2.data`): comma-separated lines of molecule name,
    /// conformation name, the features, and the class (`1.` musk, `0.` non-musk). The two
    /// names are dropped, class 1 becomes `+1` and class 0 `-1`.
    case muskLibSVM = "musk-libsvm"

    /// The official files a conversion reads, by role (the `role` of each
    /// `[[dataset.file.source]]`).
    public var roles: [String] {
        switch self {
        case .regedLibSVM: return ["data", "targets"]
        case .muskLibSVM: return ["data"]
        }
    }

    /// One official file's bytes and its name for messages.
    public struct Input: Sendable {
        public var bytes: [UInt8]
        public var name: String
        public init(bytes: [UInt8], name: String) { self.bytes = bytes; self.name = name }
    }

    /// Converts the official files (keyed by role) to LIBSVM text.
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` when a role is missing, and
    ///   `ProblemSuiteError/malformedFile(file:line:column:reason:)` for bad content.
    /// - Complexity: O(total input size).
    public func convert(_ inputs: [String: Input]) throws -> [UInt8] {
        for role in roles where inputs[role] == nil {
            throw ProblemSuiteError.invalidRequest("conversion \(rawValue) needs the official '\(role)' file")
        }
        switch self {
        case .regedLibSVM: return try DataConversion.reged(data: inputs["data"]!, targets: inputs["targets"]!)
        case .muskLibSVM: return try DataConversion.musk(inputs["data"]!)
        }
    }

    // MARK: - REGED

    static func reged(data: Input, targets: Input) throws -> [UInt8] {
        var labels: [Bool] = []   // true: +1
        for (number, line) in lines(of: targets.bytes) {
            let fields = split(line, separator: nil)
            if fields.isEmpty { continue }
            guard fields.count == 1 else {
                throw malformed(targets.name, number, "expected one label per line, found \(fields.count) fields")
            }
            switch text(fields[0]) {
            case "1", "+1": labels.append(true)
            case "-1": labels.append(false)
            case let other: throw malformed(targets.name, number, "label '\(other)' is not -1 or 1")
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(data.bytes.count * 2)
        var width = -1
        var row = 0
        for (number, line) in lines(of: data.bytes) {
            let fields = split(line, separator: nil)
            if fields.isEmpty { continue }
            if width < 0 { width = fields.count }
            guard fields.count == width else {
                throw malformed(data.name, number, "\(fields.count) values, but the first row has \(width)")
            }
            guard row < labels.count else {
                throw malformed(data.name, number, "more data rows than the \(labels.count) labels of \(targets.name)")
            }
            try appendRow(&out, positive: labels[row], values: fields[...], file: data.name, line: number)
            row += 1
        }
        guard row == labels.count else {
            throw ProblemSuiteError.malformedFile(file: data.name, line: nil, column: nil,
                                                  reason: "\(row) data rows, but \(targets.name) has \(labels.count) labels")
        }
        guard row > 0 else { throw ProblemSuiteError.malformedFile(file: data.name, line: nil, column: nil, reason: "no data rows") }
        return out
    }

    // MARK: - Musk

    static func musk(_ data: Input) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.bytes.count * 2)
        var width = -1
        var rows = 0
        for (number, line) in lines(of: data.bytes) {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let fields = split(line, separator: UInt8(ascii: ","))
            if width < 0 {
                guard fields.count >= 4 else {
                    throw malformed(data.name, number, "\(fields.count) comma-separated fields; expected two names, the features and the class")
                }
                width = fields.count
            }
            guard fields.count == width else {
                throw malformed(data.name, number, "\(fields.count) fields, but the first row has \(width)")
            }
            let positive: Bool
            switch text(fields[width - 1]) {
            case "1", "1.", "1.0": positive = true
            case "0", "0.", "0.0": positive = false
            case let other: throw malformed(data.name, number, "class '\(other)' is not 1 (musk) or 0 (non-musk)")
            }
            try appendRow(&out, positive: positive, values: fields[2..<(width - 1)], file: data.name, line: number)
            rows += 1
        }
        guard rows > 0 else { throw ProblemSuiteError.malformedFile(file: data.name, line: nil, column: nil, reason: "no data rows") }
        return out
    }

    // MARK: - Shared

    /// Appends `label j:v ...` over the nonzero integer values, then a newline.
    static func appendRow(_ out: inout [UInt8], positive: Bool, values: ArraySlice<ArraySlice<UInt8>>,
                          file: String, line: Int) throws {
        out.append(contentsOf: positive ? [0x2b, 0x31] : [0x2d, 0x31])   // "+1" / "-1"
        for (offset, field) in values.enumerated() {
            guard let value = integer(field) else {
                throw malformed(file, line, "value \(offset + 1) '\(text(field))' is not an integer")
            }
            if value == 0 { continue }
            out.append(0x20)
            out.append(contentsOf: String(offset + 1).utf8)
            out.append(0x3a)
            out.append(contentsOf: String(value).utf8)
        }
        out.append(0x0a)
    }

    /// A decimal integer, optionally signed, optionally with a trailing `.` (the UCI files
    /// write the class as `1.`); at most 18 digits, so it never overflows.
    static func integer(_ field: ArraySlice<UInt8>) -> Int? {
        var digits = field
        if digits.last == UInt8(ascii: ".") { digits = digits.dropLast() }
        var negative = false
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for d in digits {
            guard d >= 0x30 && d <= 0x39 else { return nil }
            value = value * 10 + Int(d - 0x30)
        }
        return negative ? -value : value
    }

    /// The lines of `bytes` (split at `\n`, a `\r` before it dropped), numbered from 1.
    static func lines(of bytes: [UInt8]) -> [(Int, ArraySlice<UInt8>)] {
        var out: [(Int, ArraySlice<UInt8>)] = []
        var start = 0
        var number = 1
        for i in 0...bytes.count {
            guard i == bytes.count || bytes[i] == 0x0a else { continue }
            var line = bytes[start..<i]
            if line.last == 0x0d { line = line.dropLast() }
            if !(i == bytes.count && line.isEmpty) { out.append((number, line)) }
            start = i + 1
            number += 1
        }
        return out
    }

    /// Fields separated by `separator` (each trimmed of spaces and tabs), or by runs of
    /// spaces and tabs when `separator` is nil.
    static func split(_ line: ArraySlice<UInt8>, separator: UInt8?) -> [ArraySlice<UInt8>] {
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let separator else {
            return line.split(whereSeparator: blank)
        }
        return line.split(separator: separator, omittingEmptySubsequences: false).map { field in
            var f = field
            while let c = f.first, blank(c) { f = f.dropFirst() }
            while let c = f.last, blank(c) { f = f.dropLast() }
            return f
        }
    }

    static func text(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix(40), as: UTF8.self)
    }

    static func malformed(_ file: String, _ line: Int, _ reason: String) -> ProblemSuiteError {
        .malformedFile(file: file, line: line, column: nil, reason: reason)
    }
}
