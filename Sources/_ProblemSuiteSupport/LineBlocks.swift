/// Streams a plain or gzipped text file as blocks of whole lines, for the parsers.
///
/// Bounded: a line longer than `maxLineLength` (default `SizeLimits/maxLineLength`,
/// 16 MiB) throws ``LineTooLong`` (the parser turns it into an error naming the file and
/// line) instead of growing the buffer without end, and the file's (decompressed) bytes
/// are bounded by ``GzipReader/maximumBytes``. So a binary file, `/dev/zero` or a gzip
/// bomb ends with an error after at most 16 MiB of buffer.
package enum LineBlocks {
    /// Size of the text buffer (grown if a single line is longer): 4 MiB.
    package static let chunkSize = 1 << 22

    /// Thrown when a line exceeds the limit; `bytes` is the limit.
    package struct LineTooLong: Error {
        package var limit: Int
        /// The error for `file`, whose `lineNumber` is the long line (1-based).
        package func error(file: String, lineNumber: Int) -> ProblemSuiteError {
            .malformedFile(file: file, line: lineNumber, column: nil,
                           reason: "line is longer than \(limit) bytes, the limit for a text data file (a binary file, or a file without line ends?)")
        }
    }

    /// Calls `body(start, end)` with consecutive byte ranges that each hold whole lines
    /// (every range but possibly the last ends just after a `\n`).
    /// - Throws: ``LineTooLong`` for a line over `maxLineLength` bytes (without its `\n`),
    ///   the reader's errors, and `body`'s.
    package static func read(path: String, chunkSize: Int = LineBlocks.chunkSize,
                     maxLineLength: Int = SizeLimits.maxLineLength,
                     maximumBytes: Int = SizeLimits.maxDataBytes,
                     _ body: (UnsafePointer<UInt8>, UnsafePointer<UInt8>) throws -> Void) throws {
        let reader = try GzipReader(path: path, maximumBytes: maximumBytes)
        var capacity = max(min(chunkSize, maxLineLength + 1), 1)
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0
        while true {
            if filled == capacity {
                // One line longer than the buffer: grow, up to the line limit (+1 for its `\n`).
                guard capacity <= maxLineLength else { throw LineTooLong(limit: maxLineLength) }
                let grown = min(capacity * 2, maxLineLength + 1)
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
                bigger.update(from: buffer, count: filled)
                buffer.deallocate()
                buffer = bigger
                capacity = grown
            }
            let n = try reader.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled))
            filled += n
            let base = UnsafePointer(buffer)
            if n == 0 {
                if filled > maxLineLength { throw LineTooLong(limit: maxLineLength) }
                if filled > 0 { try body(base, base + filled) }
                return
            }
            var cut = base + filled
            while cut > base && (cut - 1).pointee != 10 { cut -= 1 }
            if cut > base {
                try body(base, cut)
                let rest = base + filled - cut
                if rest > 0 { buffer.update(from: cut, count: rest) }
                filled = rest
            }
        }
    }
}
