import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming reader of a plain or gzip-compressed file.
///
/// The two are told apart by the first two bytes: `1f 8b` is gzip, anything else is read
/// as plain bytes. Gzip is inflated through the system zlib in chunks, so a file is never
/// decompressed whole into memory: a caller pulls bytes with ``read(into:)`` or
/// ``forEachChunk(_:)`` and parses as they come.
///
/// - Multi-member gzip files (`cat a.gz b.gz`) are read as the concatenation of their
///   members, as `gunzip` does.
/// - A truncated stream, a corrupt deflate stream, a bad CRC or length check, and bytes
///   after the last member that are not another gzip member are errors
///   (`ProblemSuiteError/malformedFile(file:line:column:reason:)`) naming the file.
///
/// - At most ``maximumBytes`` (decompressed) bytes are delivered (default
///   `SizeLimits/maxDataBytes`, 1 GiB): a stream that inflates past it (a "gzip bomb",
///   or an endless plain file such as `/dev/zero`) is an error as soon as the bound is
///   passed, after at most one byte beyond it, never an allocation of its full size.
///
/// Not thread-safe; one reader per thread. The file is closed by ``close()`` or when the
/// reader is released.
package final class GzipReader {
    /// The path the reader was opened with (used in every error message).
    package let path: String
    /// Whether the file is gzip-compressed (decided by its first two bytes).
    package private(set) var isCompressed: Bool = false
    /// Decompressed bytes handed out so far.
    package private(set) var bytesDelivered: Int = 0
    /// Default input buffer size: 1 MiB, large enough that zlib and `read(2)` calls are rare.
    package static let defaultBufferSize = 1 << 20
    /// The most (decompressed) bytes this reader delivers before it throws.
    package let maximumBytes: Int
    /// The size in bytes of a plain (uncompressed) regular file, from `fstat`; nil for a
    /// gzip file or anything that is not a regular file (a device, a pipe).
    package private(set) var plainFileSize: Int?

    private var fd: Int32
    private var input: UnsafeMutablePointer<UInt8>
    private let inputCapacity: Int
    /// Valid input bytes are input[inputStart ..< inputEnd].
    private var inputStart = 0
    private var inputEnd = 0
    private var fileAtEnd = false
    private var stream: UnsafeMutablePointer<z_stream>?
    /// True between the end of one gzip member and the start of the next (or of EOF).
    private var betweenMembers = false
    private var finished = false

    /// Opens `path` and sniffs its first bytes.
    /// - Parameters:
    ///   - bufferSize: size of the compressed-input buffer (default 1 MiB).
    ///   - maximumBytes: the most decompressed bytes to deliver (default
    ///     `SizeLimits/maxDataBytes`); reading past it throws.
    /// - Throws: `ProblemSuiteError/malformedFile(file:line:column:reason:)` if the file
    ///   cannot be opened or read, or its gzip header cannot be initialised.
    package init(path: String, bufferSize: Int = GzipReader.defaultBufferSize,
                maximumBytes: Int = SizeLimits.maxDataBytes) throws {
        self.path = path
        self.maximumBytes = max(maximumBytes, 0)
        self.inputCapacity = max(bufferSize, 64)
        self.input = .allocate(capacity: inputCapacity)
        self.fd = open(path, O_RDONLY)
        if fd < 0 {
            // Every stored property is set, so deinit frees the buffer.
            let reason = String(cString: strerror(errno))
            throw ProblemSuiteError.malformedFile(file: path, line: nil, column: nil,
                                                  reason: "cannot be opened: \(reason)")
        }
        // Fill until we have two bytes or EOF, to decide plain versus gzip. On a throw,
        // deinit closes the file and frees the buffer.
        while inputEnd < 2 && !fileAtEnd { try fillInput() }
        if inputEnd >= 2 && input[0] == 0x1f && input[1] == 0x8b {
            isCompressed = true
            try startInflater()
        } else {
            var info = stat()
            if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG { plainFileSize = Int(info.st_size) }
        }
    }

    deinit {
        closeDescriptor()
        if let stream {
            inflateEnd(stream)
            stream.deallocate()
        }
        input.deallocate()
    }

    /// Closes the file early (reads after this return 0 bytes).
    package func close() {
        closeDescriptor()
        finished = true
    }

    /// Whether `path` starts with the gzip magic bytes `1f 8b`.
    /// - Throws: if the file cannot be opened.
    package static func isGzip(path: String) throws -> Bool {
        try GzipReader(path: path, bufferSize: 64).isCompressed
    }

    /// Reads the whole (decompressed) file into memory. For small files (manifests,
    /// fixtures); parsers of large files should stream with ``forEachChunk(_:)``.
    /// - Parameter maximumBytes: the most bytes read (default `SizeLimits/maxDataBytes`).
    package static func readAll(path: String, maximumBytes: Int = SizeLimits.maxDataBytes) throws -> [UInt8] {
        let reader = try GzipReader(path: path, maximumBytes: maximumBytes)
        var out: [UInt8] = []
        try reader.forEachChunk { out.append(contentsOf: $0) }
        return out
    }

    /// Reads up to `buffer.count` decompressed bytes into `buffer`.
    /// - Returns: the number of bytes written; 0 only at the end of the data.
    /// - Throws: on a read error, a truncated or corrupt gzip stream, or data beyond
    ///   ``maximumBytes``.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0, !finished, let base = buffer.baseAddress else { return 0 }
        // Ask for at most one byte more than the bound allows: getting it proves the data
        // go on past the bound, without inflating (or buffering) more.
        let allowed = maximumBytes - bytesDelivered
        let want = min(buffer.count, allowed + 1)
        let n = isCompressed ? try inflateInto(base.assumingMemoryBound(to: UInt8.self), want)
                             : try copyPlainInto(base.assumingMemoryBound(to: UInt8.self), want)
        if n > allowed {
            throw fail(isCompressed
                ? "decompresses to more than \(maximumBytes) bytes, the limit for one data file (a gzip bomb, or not a data file of the suite)"
                : "holds more than \(maximumBytes) bytes, the limit for one data file (an endless device such as /dev/zero, or not a data file of the suite)")
        }
        bytesDelivered += n
        return n
    }

    /// Reads exactly `count` bytes.
    /// - Throws: `ProblemSuiteError/malformedFile(file:line:column:reason:)` naming
    ///   the file if the data end first (`what` describes the expected content).
    package func readExactly(_ count: Int, what: String = "data") throws -> [UInt8] {
        precondition(count >= 0)
        let start = bytesDelivered
        return try [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            var got = 0
            while got < count {
                let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buf)[got...]))
                if n == 0 {
                    throw ProblemSuiteError.malformedFile(
                        file: path, line: nil, column: nil,
                        reason: "unexpected end of data at byte \(start + got): expected \(count) bytes of \(what), found \(got)")
                }
                got += n
            }
            initialized = count
        }
    }

    /// Whether any decompressed bytes remain (reads ahead if needed; the byte is kept).
    package func atEnd() throws -> Bool {
        if finished { return true }
        // Peek one byte through a one-byte read into a lookahead slot.
        if peeked != nil { return false }
        var byte: UInt8 = 0
        let n = try withUnsafeMutableBytes(of: &byte) { try read(into: $0) }
        if n == 0 { return true }
        bytesDelivered -= 1
        peeked = byte
        return false
    }
    private var peeked: UInt8?

    /// Calls `body` with consecutive chunks of decompressed bytes until the end.
    /// - Parameter chunkSize: bytes per chunk (default 1 MiB).
    package func forEachChunk(chunkSize: Int = GzipReader.defaultBufferSize,
                             _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 1), alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = try read(into: chunk)
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
    }

    // MARK: - Internals

    private func fail(_ reason: String) -> ProblemSuiteError {
        .malformedFile(file: path, line: nil, column: nil, reason: reason)
    }

    private func closeDescriptor() {
        if fd >= 0 { _ = Glibc_close(fd); fd = -1 }
    }

    /// Moves unread input to the front and reads more from the file.
    private func fillInput() throws {
        if inputStart > 0 {
            let live = inputEnd - inputStart
            if live > 0 { (input).update(from: input + inputStart, count: live) }
            inputStart = 0
            inputEnd = live
        }
        guard !fileAtEnd, inputEnd < inputCapacity, fd >= 0 else { return }
        while true {
            let n = Glibc_read(fd, input + inputEnd, inputCapacity - inputEnd)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read error: \(String(cString: strerror(errno)))")
            }
            if n == 0 { fileAtEnd = true }
            inputEnd += n
            return
        }
    }

    private func copyPlainInto(_ out: UnsafeMutablePointer<UInt8>, _ capacity: Int) throws -> Int {
        var written = 0
        if let byte = peeked { out[0] = byte; peeked = nil; written = 1 }
        // Serve buffered bytes first (the sniffed prefix), then read straight into `out`.
        if inputEnd > inputStart && written < capacity {
            let k = min(inputEnd - inputStart, capacity - written)
            (out + written).update(from: input + inputStart, count: k)
            inputStart += k
            written += k
        }
        while written < capacity && !fileAtEnd && fd >= 0 {
            let n = Glibc_read(fd, out + written, capacity - written)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("read error: \(String(cString: strerror(errno)))")
            }
            if n == 0 { fileAtEnd = true; break }
            written += n
        }
        return written
    }

    private func startInflater() throws {
        let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        s.initialize(to: z_stream())
        // windowBits 15 + 16: gzip wrapper only (zlib checks the header, CRC-32 and ISIZE).
        let rc = inflateInit2_(s, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        if rc != Z_OK {
            s.deallocate()
            throw fail("zlib could not be initialised (code \(rc))")
        }
        stream = s
    }

    private func inflateInto(_ out: UnsafeMutablePointer<UInt8>, _ capacity: Int) throws -> Int {
        guard let s = stream else { return 0 }
        var written = 0
        if let byte = peeked { out[0] = byte; peeked = nil; written = 1 }
        while written < capacity {
            if betweenMembers {
                // After a member: EOF ends the data, another 1f 8b starts a member, anything
                // else is trailing garbage.
                if inputEnd - inputStart < 2 && !fileAtEnd { try fillInput() }
                if inputEnd == inputStart && fileAtEnd { finished = true; closeDescriptor(); break }
                if inputEnd - inputStart >= 2 && input[inputStart] == 0x1f && input[inputStart + 1] == 0x8b {
                    inflateReset(s)
                    betweenMembers = false
                } else {
                    throw fail("corrupt gzip file: \(inputEnd - inputStart)+ bytes of trailing data after the gzip stream (at compressed byte offset \(compressedOffset))")
                }
            }
            if inputStart == inputEnd {
                try fillInput()
                if inputStart == inputEnd {
                    throw fail("truncated gzip file: the compressed stream ends early (after \(bytesDelivered + written) decompressed bytes)")
                }
            }
            s.pointee.next_in = input + inputStart
            s.pointee.avail_in = UInt32(inputEnd - inputStart)
            s.pointee.next_out = out + written
            let room = min(capacity - written, Int(UInt32.max))
            s.pointee.avail_out = UInt32(room)
            let rc = inflate(s, Z_NO_FLUSH)
            let consumed = (inputEnd - inputStart) - Int(s.pointee.avail_in)
            inputStart += consumed
            consumedTotal += consumed
            let produced = room - Int(s.pointee.avail_out)
            written += produced
            switch rc {
            case Z_OK:
                continue
            case Z_STREAM_END:
                betweenMembers = true
            case Z_BUF_ERROR:
                // No progress possible: input exhausted mid-stream (handled above by refill)
                // or output full. Loop; if input is at EOF the refill check throws.
                if produced == 0 && consumed == 0 && inputStart == inputEnd && fileAtEnd {
                    throw fail("truncated gzip file: the compressed stream ends early (after \(bytesDelivered + written) decompressed bytes)")
                }
            case Z_DATA_ERROR:
                let msg = s.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw fail("corrupt gzip file: \(msg) (at compressed byte offset \(compressedOffset))")
            case Z_MEM_ERROR:
                throw fail("zlib ran out of memory while inflating")
            default:
                let msg = s.pointee.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw fail("gzip inflate failed: \(msg)")
            }
        }
        return written
    }

    private var consumedTotal = 0
    private var compressedOffset: Int { consumedTotal }
}

// Unambiguous names for the libc calls (the class has its own `read`/`close`).
@inline(__always) private func Glibc_read(_ fd: Int32, _ buf: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    #if canImport(Darwin)
    return Darwin.read(fd, buf, count)
    #elseif canImport(Musl)
    return Musl.read(fd, buf, count)
    #else
    return Glibc.read(fd, buf, count)
    #endif
}

@inline(__always) private func Glibc_close(_ fd: Int32) -> Int32 {
    #if canImport(Darwin)
    return Darwin.close(fd)
    #elseif canImport(Musl)
    return Musl.close(fd)
    #else
    return Glibc.close(fd)
    #endif
}
