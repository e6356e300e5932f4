/// Parser of dense whitespace-separated numeric text, one sample per line, plain or
/// gzipped: the UCI/NIPS 2003 layout of GISETTE (`gisette_train.data`) and of label
/// files (`gisette_train.labels`, one number per line).
///
/// Blank lines and `#` comments are skipped, CRLF is accepted. Every row must have the
/// same number of values (the `columns` given, or the first row's); a row of another
/// length, a malformed number or a count other than `rows` is a
/// `ProblemSuiteError/malformedFile(file:line:column:reason:)` with line and column.
///
/// Bounded input: a line longer than `SizeLimits/maxLineLength` (16 MiB), a file of more
/// than `SizeLimits/maxDataBytes` (decompressed) bytes, a row beyond the declared `rows`
/// (reported at that row, not after reading the rest), or a matrix of more than
/// `SizeLimits/maxDenseEntries` values is an error naming the file and line.
package enum DenseTextParser {
    /// Reads a dense matrix.
    /// - Parameters:
    ///   - columns: the required row length (nil: the first row's).
    ///   - rows: the required number of rows (nil: any).
    public static func parseMatrix(path: String, columns: Int? = nil, rows: Int? = nil) throws -> DenseMatrix {
        try parseMatrix(path: path, columns: columns, rows: rows, maxLineLength: SizeLimits.maxLineLength)
    }

    /// As ``parseMatrix(path:columns:rows:)`` with a chosen line limit (for tests).
    static func parseMatrix(path: String, columns: Int?, rows: Int?, maxLineLength: Int) throws -> DenseMatrix {
        var state = DenseTextState(file: path, columns: columns, rowLimit: rows)
        do {
            try LineBlocks.read(path: path, maxLineLength: maxLineLength) { start, end in try state.parseLines(start, end) }
        } catch let long as LineBlocks.LineTooLong {
            throw long.error(file: path, lineNumber: state.line + 1)
        }
        return try state.finish(rows: rows)
    }

    /// Parses dense text held in memory; `name` stands for the file in messages.
    public static func parseMatrix(bytes: [UInt8], name: String, columns: Int? = nil, rows: Int? = nil) throws -> DenseMatrix {
        var state = DenseTextState(file: name, columns: columns, rowLimit: rows)
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
    /// The declared number of rows: one more is an error.
    let rowLimit: Int?
    var values: [Double] = []
    var rowCount = 0
    var line = 0

    init(file: String, columns: Int?, rowLimit: Int? = nil) {
        self.file = file
        self.columns = columns
        self.rowLimit = rowLimit
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
            if count == 0, let rowLimit, rowCount >= rowLimit {
                throw ProblemSuiteError.malformedFile(file: file, line: line, column: tokenStart - lineStart + 1,
                                                      reason: "more rows than the \(rowLimit) declared")
            }
            if values.count >= SizeLimits.maxDenseEntries {
                throw ProblemSuiteError.malformedFile(file: file, line: line, column: tokenStart - lineStart + 1,
                                                      reason: "more than \(SizeLimits.maxDenseEntries) values, the suite's limit for a dense matrix")
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
