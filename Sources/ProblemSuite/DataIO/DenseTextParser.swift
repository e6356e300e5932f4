/// Parser of dense whitespace-separated numeric text, one sample per line, plain or
/// gzipped: the UCI/NIPS 2003 layout of GISETTE (`gisette_train.data`) and of label
/// files (`gisette_train.labels`, one number per line).
///
/// Blank lines and `#` comments are skipped, CRLF is accepted. Every row must have the
/// same number of values (the `columns` given, or the first row's); a row of another
/// length, a malformed number or a count other than `rows` is a
/// ``ProblemSuiteError/malformedFile(file:line:column:reason:)`` with line and column.
public enum DenseTextParser {
    /// Reads a dense matrix.
    /// - Parameters:
    ///   - columns: the required row length (nil: the first row's).
    ///   - rows: the required number of rows (nil: any).
    public static func parseMatrix(path: String, columns: Int? = nil, rows: Int? = nil) throws -> DenseMatrix {
        var state = DenseTextState(file: path, columns: columns)
        try LineBlocks.read(path: path) { start, end in try state.parseLines(start, end) }
        return try state.finish(rows: rows)
    }

    /// Parses dense text held in memory; `name` stands for the file in messages.
    public static func parseMatrix(bytes: [UInt8], name: String, columns: Int? = nil, rows: Int? = nil) throws -> DenseMatrix {
        var state = DenseTextState(file: name, columns: columns)
        try bytes.withUnsafeBufferPointer { buf in
            if let b = buf.baseAddress { try state.parseLines(b, b + buf.count) }
        }
        return try state.finish(rows: rows)
    }

    /// Reads a label file: one number per line.
    public static func parseLabels(path: String, rows: Int? = nil) throws -> [Double] {
        try parseMatrix(path: path, columns: 1, rows: rows).storage
    }
}

struct DenseTextState {
    let file: String
    var columns: Int?
    var values: [Double] = []
    var rowCount = 0
    var line = 0

    init(file: String, columns: Int?) {
        self.file = file
        self.columns = columns
    }

    mutating func parseLines(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) throws {
        var p = start
        while p < end {
            var q = p
            while q < end && q.pointee != 10 { q += 1 }
            line += 1
            try parseLine(p, q)
            p = q + 1
        }
    }

    mutating func parseLine(_ lineStart: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>) throws {
        var e = lineEnd
        if e > lineStart && (e - 1).pointee == 13 { e -= 1 }
        var p = lineStart
        var count = 0
        while true {
            while p < e && ParserState.isSpace(p.pointee) { p += 1 }
            if p == e || p.pointee == UInt8(ascii: "#") { break }
            let tokenStart = p
            guard let v = DecimalParsing.parseDouble(&p, e),
                  p == e || ParserState.isSpace(p.pointee) || p.pointee == UInt8(ascii: "#") else {
                throw ProblemSuiteError.malformedFile(file: file, line: line, column: tokenStart - lineStart + 1,
                                                      reason: "malformed number \(ParserState.token(tokenStart, e))")
            }
            if let columns, count == columns {
                throw ProblemSuiteError.malformedFile(file: file, line: line, column: tokenStart - lineStart + 1,
                                                      reason: "row has more than \(columns) values")
            }
            values.append(v)
            count += 1
        }
        if count == 0 { return }
        if let columns {
            guard count == columns else {
                throw ProblemSuiteError.malformedFile(file: file, line: line, column: nil,
                                                      reason: "row has \(count) values, expected \(columns)")
            }
        } else {
            columns = count
        }
        rowCount += 1
    }

    func finish(rows: Int?) throws -> DenseMatrix {
        if let rows, rows != rowCount {
            throw ProblemSuiteError.malformedFile(file: file, line: nil, column: nil,
                                                  reason: "holds \(rowCount) rows, expected \(rows)")
        }
        return DenseMatrix(rows: rowCount, columns: columns ?? 0, storage: values)
    }
}
