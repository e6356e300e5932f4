import CZlib

/// In-memory gzip compression through the system zlib.
///
/// Used to write small gzip files (test fixtures, cached artefacts); the output is a
/// single gzip member with no file name and a zero time stamp, like `gzip -n`, so equal
/// inputs give equal bytes.
package enum GzipWriter {
    /// Compresses `bytes` into one gzip member.
    /// - Parameters:
    ///   - level: zlib level 0-9 (default 6, gzip's default).
    ///   - memoryLevel: zlib memLevel 1-9 (default 8, zlib's default). Level 9 with
    ///     memLevel 9 gives the same bytes as GNU `gzip -9 -n` (checked on every LIBSVM
    ///     file of the manifest), which is how the data files were stored.
    /// - Complexity: O(n).
    package static func compress(_ bytes: [UInt8], level: Int32 = 6, memoryLevel: Int32 = 8) throws -> [UInt8] {
        let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        s.initialize(to: z_stream())
        defer { s.deallocate() }
        // windowBits 15 + 16: a gzip wrapper.
        let rc = deflateInit2_(s, level, Z_DEFLATED, 15 + 16, memoryLevel, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            throw ProblemSuiteError.invalidRequest("zlib deflate could not be initialised (code \(rc))")
        }
        defer { deflateEnd(s) }
        let bound = Int(deflateBound(s, UInt(bytes.count))) + 32
        var out = [UInt8](repeating: 0, count: bound)
        let status: Int32 = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                s.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                s.pointee.avail_in = UInt32(input.count)
                s.pointee.next_out = output.baseAddress
                s.pointee.avail_out = UInt32(output.count)
                return deflate(s, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw ProblemSuiteError.invalidRequest("zlib deflate failed (code \(status))")
        }
        out.removeLast(Int(s.pointee.avail_out))
        return out
    }
}
