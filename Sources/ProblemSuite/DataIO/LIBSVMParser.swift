#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parser of LIBSVM / SVMlight files, plain or gzip-compressed (streamed, never
/// decompressed whole).
///
/// Format, one sample per line: `label [qid:N] index:value index:value ... [# comment]`.
/// - Labels are numbers; the coding (±1, 0/1, 1/2, other two-class codes, or multi-class)
///   is detected afterwards (``LabelCoding``).
/// - Indices are 1-based positive integers, in any order (a row is sorted if needed);
///   a repeated index in one row is an error. Stored as 0-based columns.
/// - `qid:` tokens are ignored; `#` starts a comment; blank and comment-only lines are
///   skipped; CRLF line ends are accepted; values may use scientific notation.
/// - Explicit zero values are dropped (they are zeros).
/// - The column count is `featureCount` when given (a file need not use its highest
///   feature, as `a9a.t` shows), else the largest index seen. An index above a given
///   `featureCount` is an error.
///
/// Bounded input: a line longer than `SizeLimits/maxLineLength` (16 MiB), a file of
/// more than `SizeLimits/maxDataBytes` (decompressed) bytes, or, when the caller declares
/// `rows`, a sample beyond that count stops the parse with an error naming the file and
/// line (so `/dev/zero`, a binary file or a gzip bomb fails fast with bounded memory).
///
/// Every malformed line is a `ProblemSuiteError/malformedFile(file:line:column:reason:)`
/// with the 1-based line and byte column; gzip errors name the file (``GzipReader``).
/// No input crashes the parser.
///
/// Speed: bytes are parsed in place from 4 MiB chunks, numbers by
/// ``DecimalParsing/parseDouble(_:_:)`` (no `String` per line or token).
public enum LIBSVMParser {
    /// Parses the file at `path`.
    /// - Parameters:
    ///   - featureCount: the number of features d (nil: the largest index in the file).
    ///   - rows: the number of samples the caller expects (nil: any). A sample beyond it
    ///     is an error at once (the file is not read further); fewer is not an error here
    ///     (compare ``LabelledDataSet/rowCount``).
    ///   - storage: nil picks dense or CSR by density (``FeatureMatrix/denseThreshold``);
    ///     `"dense"` or `"csr"` forces one.
    public static func parse(path: String, featureCount: Int? = nil, rows: Int? = nil, storage: String? = nil) throws -> LabelledDataSet {
        try parse(path: path, featureCount: featureCount, rows: rows, storage: storage, chunkSize: LineBlocks.chunkSize)
    }

    /// As ``parse(path:featureCount:rows:storage:)`` with a chosen text-buffer size (tests
    /// use tiny ones to put chunk boundaries everywhere) and line and byte limits.
    static func parse(path: String, featureCount: Int?, rows: Int? = nil, storage: String?, chunkSize: Int,
                      maxLineLength: Int = SizeLimits.maxLineLength,
                      maximumBytes: Int = SizeLimits.maxDataBytes) throws -> LabelledDataSet {
        var state = ParserState(file: path, featureCount: featureCount, rowLimit: rows)
        do {
            try LineBlocks.read(path: path, chunkSize: chunkSize, maxLineLength: maxLineLength,
                                maximumBytes: maximumBytes) { start, end in try state.parseLines(start, end) }
        } catch let long as LineBlocks.LineTooLong {
            throw long.error(file: path, lineNumber: state.line + 1)
        }
        return try state.finish(storage: storage)
    }

    /// Parses LIBSVM text held in memory; `name` stands for the file in messages.
    public static func parse(bytes: [UInt8], name: String, featureCount: Int? = nil, rows: Int? = nil,
                             storage: String? = nil) throws -> LabelledDataSet {
        var state = ParserState(file: name, featureCount: featureCount, rowLimit: rows)
        try bytes.withUnsafeBufferPointer { buf in
            if let b = buf.baseAddress { try state.parseLines(b, b + buf.count) }
        }
        return try state.finish(storage: storage)
    }
}

/// The growing CSR arrays and position of one parse.
struct ParserState {
    let file: String
    let featureCount: Int?
    /// The declared number of samples: one more is an error.
    let rowLimit: Int?
    var labels: [Double] = []
    var rowStart: [Int] = [0]
    var columns: [Int32] = []
    var values: [Double] = []
    var maxIndex = 0
    var line = 0

    init(file: String, featureCount: Int?, rowLimit: Int? = nil) {
        self.file = file
        self.featureCount = featureCount
        self.rowLimit = rowLimit
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

    /// Parses every line in [start, end) (the last one may lack its newline).
    mutating func parseLines(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) throws {
        var p = start
        while p < end {
            var q = p
            if let hit = memchr(p, 10, end - p) {
                q = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
            } else {
                q = end
            }
            line += 1
            try parseLine(p, q)
            p = q + 1
        }
    }

    func error(_ lineStart: UnsafePointer<UInt8>, _ at: UnsafePointer<UInt8>, _ reason: String) -> ProblemSuiteError {
        .malformedFile(file: file, line: line, column: at - lineStart + 1, reason: reason)
    }

    /// The token at `p` (up to whitespace, at most 40 bytes) for messages.
    static func token(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
        var q = p
        while q < end && !isSpace(q.pointee) && q - p < 40 { q += 1 }
        if q == p { return "end of line" }
        let text = String(decoding: UnsafeBufferPointer(start: p, count: q - p), as: UTF8.self)
        return "'" + text + (q < end && !isSpace(q.pointee) ? "...'" : "'")
    }

    mutating func parseLine(_ lineStart: UnsafePointer<UInt8>, _ lineEnd: UnsafePointer<UInt8>) throws {
        var e = lineEnd
        if e > lineStart && (e - 1).pointee == 13 { e -= 1 }
        var p = lineStart
        while p < e && ParserState.isSpace(p.pointee) { p += 1 }
        if p == e || p.pointee == UInt8(ascii: "#") { return }
        if let rowLimit, labels.count >= rowLimit {
            throw error(lineStart, p, "more samples than the \(rowLimit) declared (rows = \(rowLimit))")
        }
        let labelStart = p
        guard let label = DecimalParsing.parseDouble(&p, e),
              p == e || ParserState.isSpace(p.pointee) || p.pointee == UInt8(ascii: "#") else {
            throw error(lineStart, labelStart, "expected a numeric label, found \(ParserState.token(labelStart, e))")
        }
        let rowBegin = values.count
        var last = 0
        var sorted = true
        while true {
            while p < e && ParserState.isSpace(p.pointee) { p += 1 }
            if p == e || p.pointee == UInt8(ascii: "#") { break }
            let tokenStart = p
            if e - p >= 4 && p[0] == UInt8(ascii: "q") && p[1] == UInt8(ascii: "i") && p[2] == UInt8(ascii: "d") && p[3] == UInt8(ascii: ":") {
                p += 4
                guard p < e && ParserState.isDigit(p.pointee) else {
                    throw error(lineStart, p, "expected an integer after 'qid:', found \(ParserState.token(p, e))")
                }
                while p < e && ParserState.isDigit(p.pointee) { p += 1 }
                guard p == e || ParserState.isSpace(p.pointee) || p.pointee == UInt8(ascii: "#") else {
                    throw error(lineStart, p, "malformed qid token \(ParserState.token(tokenStart, e))")
                }
                continue
            }
            var index = 0
            guard ParserState.isDigit(p.pointee) else {
                throw error(lineStart, p, "expected a feature index (a positive integer), found \(ParserState.token(p, e))")
            }
            while p < e && ParserState.isDigit(p.pointee) {
                index = index * 10 + Int(p.pointee &- 48)
                if index > Int(Int32.max) {
                    throw error(lineStart, tokenStart, "feature index \(ParserState.token(tokenStart, e)) is too large (at most \(Int32.max))")
                }
                p += 1
            }
            guard p < e && p.pointee == UInt8(ascii: ":") else {
                throw error(lineStart, p, "expected ':' after feature index \(index), found \(ParserState.token(p, e))")
            }
            p += 1
            let valueStart = p
            guard let value = DecimalParsing.parseDouble(&p, e) else {
                throw error(lineStart, valueStart, "malformed value for feature \(index): \(ParserState.token(valueStart, e))")
            }
            guard p == e || ParserState.isSpace(p.pointee) || p.pointee == UInt8(ascii: "#") else {
                throw error(lineStart, p, "unexpected \(ParserState.token(p, e)) after the value of feature \(index)")
            }
            if index == 0 {
                throw error(lineStart, tokenStart, "feature indices are 1-based; found index 0")
            }
            if let featureCount, index > featureCount {
                throw error(lineStart, tokenStart, "feature index \(index) exceeds the number of features \(featureCount)")
            }
            if index == last {
                throw error(lineStart, tokenStart, "feature index \(index) appears twice in this line")
            }
            if index < last { sorted = false }
            last = index
            if index > maxIndex { maxIndex = index }
            if value != 0 {
                columns.append(Int32(index - 1))
                values.append(value)
            }
        }
        if !sorted { try sortRow(from: rowBegin, lineStart) }
        labels.append(label)
        rowStart.append(values.count)
    }

    /// Sorts the current row's entries by column; a repeated index is an error.
    mutating func sortRow(from begin: Int, _ lineStart: UnsafePointer<UInt8>) throws {
        let order = (begin..<values.count).sorted { columns[$0] < columns[$1] }
        let c = order.map { columns[$0] }, v = order.map { values[$0] }
        for k in 1..<max(c.count, 1) where c[k] == c[k - 1] {
            throw ProblemSuiteError.malformedFile(file: file, line: line, column: nil,
                                                  reason: "feature index \(c[k] + 1) appears twice in this line")
        }
        columns.replaceSubrange(begin..., with: c)
        values.replaceSubrange(begin..., with: v)
    }

    func finish(storage: String?) throws -> LabelledDataSet {
        let d = featureCount ?? maxIndex
        let csr = CSRMatrix(rows: labels.count, columns: d, rowStart: rowStart, columnIndices: columns, values: values)
        let features: FeatureMatrix
        switch storage {
        case nil: features = FeatureMatrix.choosing(csr)
        case "dense":
            guard SizeLimits.product(labels.count, d) != nil else {
                throw ProblemSuiteError.malformedFile(file: file, line: nil, column: nil,
                                                      reason: "\(labels.count)×\(d) dense storage would exceed the suite's limit of \(SizeLimits.maxDenseEntries) entries; use csr")
            }
            features = .dense(csr.dense())
        case "csr", "sparse": features = .sparse(csr)
        default: throw ProblemSuiteError.invalidRequest("unknown storage '\(storage!)' (use dense or csr)")
        }
        return LabelledDataSet(source: file, features: features, labels: labels)
    }
}
