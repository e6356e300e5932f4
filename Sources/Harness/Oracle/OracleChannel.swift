import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ProblemSuite

/// One end of an oracle-protocol connection: a file descriptor read from and one written
/// to (a child's stdout and stdin, or this process's stdin and stdout).
///
/// Reads wait at most until a deadline (``deadline``; `nil` waits as long as it takes):
/// a peer that hangs gives ``OracleError/timedOut(_:)``, never a hang of this side. A
/// closed peer gives ``OracleError/closed(_:)``, on reads (end of input) and writes
/// (a broken pipe: SIGPIPE is ignored by ``ignoreBrokenPipeSignal()``).
///
/// Not thread-safe: one connection is used by one thread at a time.
public final class OracleChannel {
    public let input: Int32
    public let output: Int32
    /// When the current wait gives up; `nil` waits without limit.
    public var deadline: ContinuousClock.Instant?
    /// What is waited for, in timeout messages ("solver 'x', task y").
    public var peerName: String

    private var header = [UInt8](repeating: 0, count: OracleProtocol.headerSize)

    public init(input: Int32, output: Int32, peerName: String = "peer") {
        self.input = input
        self.output = output
        self.peerName = peerName
    }

    /// Ignores SIGPIPE process-wide, so that writing to a closed pipe is an error (EPIPE)
    /// reported as ``OracleError/closed(_:)`` instead of killing the process.
    public static func ignoreBrokenPipeSignal() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    // MARK: Writing

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let r = Glibc_write(output, bytes.baseAddress! + done, bytes.count - done)
            if r < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EPIPE { throw OracleError.closed("\(peerName) stopped reading (broken pipe)") }
                throw OracleError.system("writing to \(peerName): \(String(cString: strerror(e)))")
            }
            done += r
        }
    }

    /// Sends one message: the header, then the payload parts in order.
    public func send(_ kind: OracleKind, code: UInt8 = 0, problem: UInt16 = 0, parts: [UnsafeRawBufferPointer] = []) throws {
        let length = parts.reduce(0) { $0 + $1.count }
        let h = OracleHeader(kind, code: code, problem: problem, length: length).bytes
        do {
            try h.withUnsafeBytes { (b) in try write(b) }
        }
        for p in parts where p.count > 0 { try write(p) }
    }

    /// Sends a message whose payload is `bytes`.
    public func send(_ kind: OracleKind, code: UInt8 = 0, problem: UInt16 = 0, bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { (b) in try send(kind, code: code, problem: problem, parts: [b]) }
    }

    /// Sends a message whose payload is a vector of doubles (raw little-endian float64).
    public func send(_ kind: OracleKind, code: UInt8 = 0, problem: UInt16 = 0, vector: UnsafeBufferPointer<Double>) throws {
        try send(kind, code: code, problem: problem, parts: [UnsafeRawBufferPointer(vector)])
    }

    /// Sends UTF-8 text (an error or an end note), cut to ``OracleProtocol/maxTextBytes``.
    public func send(_ kind: OracleKind, code: UInt8 = 0, text: String) throws {
        try send(kind, code: code, bytes: Array(text.utf8.prefix(OracleProtocol.maxTextBytes)))
    }

    /// Sends a JSON object.
    public func send<T: Encodable>(_ kind: OracleKind, json value: T) throws {
        let data: Data
        do {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            data = try e.encode(value)
        } catch {
            throw OracleError.system("encoding a \(kind) message: \(error)")
        }
        try send(kind, bytes: [UInt8](data))
    }

    // MARK: Reading

    /// Fills `buffer` completely.
    /// - Returns: `false` when the input ended before the first byte and `atBoundary` is
    ///   set (a clean end); an end anywhere else throws ``OracleError/closed(_:)``.
    @discardableResult
    public func read(into buffer: UnsafeMutableRawBufferPointer, what: String, atBoundary: Bool = false) throws -> Bool {
        var done = 0
        let clock = ContinuousClock()
        while done < buffer.count {
            if let deadline {
                let left = deadline - clock.now
                if left <= .zero {
                    throw OracleError.timedOut("\(peerName) sent nothing for the time limit while \(what) was expected")
                }
                let (s, atto) = left.components
                let ms = Int32(clamping: s * 1000 + atto / 1_000_000_000_000_000 + 1)
                var p = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                let r = poll(&p, 1, ms)
                if r < 0 {
                    if errno == EINTR { continue }
                    throw OracleError.system("waiting for \(peerName): \(String(cString: strerror(errno)))")
                }
                if r == 0 { continue }  // the loop re-checks the deadline
            }
            let r = Glibc_read(input, buffer.baseAddress! + done, buffer.count - done)
            if r < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw OracleError.system("reading from \(peerName): \(String(cString: strerror(errno)))")
            }
            if r == 0 {
                if done == 0 && atBoundary { return false }
                throw OracleError.closed("\(peerName) closed its output in the middle of \(what) (\(done) of \(buffer.count) bytes)")
            }
            done += r
        }
        return true
    }

    /// Reads one header; `nil` at a clean end of input (when `endAllowed`).
    public func readHeader(what: String = "a message", endAllowed: Bool = false) throws -> OracleHeader? {
        let got = try header.withUnsafeMutableBytes { (b) throws -> Bool in
            try read(into: b, what: what, atBoundary: endAllowed)
        }
        guard got else { return nil }
        return try header.withUnsafeBytes { (b) in try OracleHeader(parsing: b) }
    }

    /// Reads a payload of `length` bytes (already checked against its limit) as bytes.
    public func readBytes(_ length: UInt64, what: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(length))
        try out.withUnsafeMutableBytes { (b) in try read(into: b, what: what) }
        return out
    }

    /// Reads and drops `length` bytes (a refused request's payload), in chunks.
    public func discard(_ length: UInt64, what: String) throws {
        var left = length
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while left > 0 {
            let m = Int(min(left, UInt64(chunk.count)))
            try chunk.withUnsafeMutableBytes { (b) in try read(into: UnsafeMutableRawBufferPointer(rebasing: b[0..<m]), what: what) }
            left -= UInt64(m)
        }
    }

    /// Reads a payload as UTF-8 text (invalid bytes replaced), at most the text limit.
    public func readText(_ header: OracleHeader, what: String) throws -> String {
        guard header.length <= UInt64(OracleProtocol.maxTextBytes) else {
            throw OracleError.malformed("\(what) of \(header.length) bytes: text payloads are at most \(OracleProtocol.maxTextBytes) bytes")
        }
        return String(decoding: try readBytes(header.length, what: what), as: UTF8.self)
    }

    /// Reads a vector payload into `into` (resized to its length), after checking that the
    /// length is exactly `count` doubles.
    /// - Throws: ``OracleError/malformed(_:)`` for another length (the payload is then
    ///   left unread when above `limit` bytes, so the connection is lost).
    public func readVector(_ header: OracleHeader, count: Int, into x: inout [Double], what: String) throws {
        let expected = UInt64(count) * 8
        guard header.length == expected else {
            throw OracleError.malformed("\(what) has \(header.length) bytes, expected \(expected) (n = \(count) float64)")
        }
        if x.count != count { x = [Double](repeating: 0, count: count) }
        try x.withUnsafeMutableBytes { (b) in try read(into: b, what: what) }
        #if _endian(big)
        for i in x.indices { x[i] = Double(bitPattern: UInt64(littleEndian: x[i].bitPattern)) }
        #endif
    }

    /// The index of the first non-finite entry of `x`, if any.
    public static func firstNonFinite(_ x: [Double]) -> Int? {
        x.firstIndex { !$0.isFinite }
    }
}

// The C functions under names that do not clash with the methods.
@inline(__always) private func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, p, n)
    #else
    return Darwin.write(fd, p, n)
    #endif
}

@inline(__always) private func Glibc_read(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, p, n)
    #else
    return Darwin.read(fd, p, n)
    #endif
}
