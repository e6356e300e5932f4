/// Streams a plain or gzipped text file as blocks of whole lines, for the parsers.
enum LineBlocks {
    /// Size of the text buffer (grown if a single line is longer): 4 MiB.
    static let chunkSize = 1 << 22

    /// Calls `body(start, end)` with consecutive byte ranges that each hold whole lines
    /// (every range but possibly the last ends just after a `\n`).
    static func read(path: String, _ body: (UnsafePointer<UInt8>, UnsafePointer<UInt8>) throws -> Void) throws {
        let reader = try GzipReader(path: path)
        var capacity = chunkSize
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0
        while true {
            if filled == capacity {
                // One line longer than the buffer: grow.
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                bigger.update(from: buffer, count: filled)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n = try reader.read(into: UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled))
            filled += n
            let base = UnsafePointer(buffer)
            if n == 0 {
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
