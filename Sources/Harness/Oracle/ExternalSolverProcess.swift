import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ProblemSuite
import Synchronization

/// One running external solver: a child process speaking the oracle protocol's solver
/// mode on its stdin/stdout, its stderr captured (the last ``stderrLimit`` bytes).
///
/// Checked out of an ``ExternalSolverPool`` by one task at a time (hence
/// `@unchecked Sendable`: never used by two threads at once).
public final class ExternalSolverProcess: @unchecked Sendable {
    /// Bytes of stderr kept (the last ones): 16 KiB.
    public static let stderrLimit = 16 << 10

    public let declaration: ExternalSolverDeclaration
    let process = Process()
    let stdinPipe = Pipe(), stdoutPipe = Pipe(), stderrPipe = Pipe()
    public let channel: OracleChannel
    private let stderrTail = StderrTail()

    /// Starts the command, and a thread collecting its stderr (``greet()`` follows).
    /// - Throws: ``OracleError`` naming the command when it cannot start.
    init(_ declaration: ExternalSolverDeclaration) throws {
        self.declaration = declaration
        OracleChannel.ignoreBrokenPipeSignal()
        channel = OracleChannel(input: stdoutPipe.fileHandleForReading.fileDescriptor,
                                output: stdinPipe.fileHandleForWriting.fileDescriptor,
                                peerName: "external solver '\(declaration.name)'")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = declaration.command
        process.currentDirectoryURL = URL(fileURLWithPath: declaration.directory)
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        do {
            try process.run()
        } catch {
            throw OracleError.system("cannot start \(declaration.commandLine) in \(declaration.directory): \(error.localizedDescription)")
        }
        let fd = stderrPipe.fileHandleForReading.fileDescriptor
        let tail = stderrTail
        let t = Thread {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let r = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if r < 0 && errno == EINTR { continue }
                if r <= 0 { break }
                tail.append(chunk[0..<r])
            }
            tail.done.store(true, ordering: .releasing)
        }
        t.start()
    }

    /// Whether the hellos were exchanged.
    public private(set) var greeted = false

    /// Sends the hello and reads the client hello (waiting at most the task time limit).
    /// - Throws: ``OracleError`` when the process does not answer with a client hello
    ///   of this protocol version.
    func greet() throws {
        channel.deadline = ContinuousClock.now + .seconds(declaration.timeLimit)
        let hello = OracleServerHello(mode: "solver", solver: declaration.name)
        try channel.send(.hello, json: hello)
        guard let h = try channel.readHeader(what: "the client hello") else { throw OracleError.closed("no client hello") }
        switch h.knownKind {
        case .clientHello:
            guard h.length <= UInt64(OracleProtocol.maxJSONBytes) else {
                throw OracleError.malformed("a client hello of \(h.length) bytes: above \(OracleProtocol.maxJSONBytes)")
            }
            let bytes = try channel.readBytes(h.length, what: "the client hello")
            struct ClientHello: Decodable { var version: Int }
            guard let v = try? JSONDecoder().decode(ClientHello.self, from: Data(bytes)) else {
                throw OracleError.malformed("the client hello is not a JSON object with an integer 'version': \(String(decoding: bytes.prefix(200), as: UTF8.self))")
            }
            guard v.version == OracleProtocol.version else {
                throw OracleError.malformed("the solver speaks protocol version \(v.version), the harness version \(OracleProtocol.version)")
            }
        case .error:
            throw OracleError.peer(try channel.readText(h, what: "an error message"))
        default:
            throw OracleError.malformed("the first message is \(h.kindName), expected the client hello (0x08)")
        }
        greeted = true
    }

    /// The captured stderr (its last ``stderrLimit`` bytes), after waiting up to `wait`
    /// seconds for the process to close it.
    public func capturedStderr(wait: Double = 0) -> String {
        let end = ContinuousClock.now + .milliseconds(Int(wait * 1000))
        while !stderrTail.done.load(ordering: .acquiring) && ContinuousClock.now < end { usleep(10_000) }
        return String(decoding: stderrTail.bytes.withLock { $0 }, as: UTF8.self)
    }

    /// Kills the process (SIGKILL) unless it has exited, and reaps it.
    public func kill() {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// How the process ended, after waiting up to `wait` seconds; `nil` when still running.
    public func exitDescription(wait: Double) -> String? {
        let end = ContinuousClock.now + .milliseconds(Int(wait * 1000))
        while process.isRunning && ContinuousClock.now < end { usleep(10_000) }
        if process.isRunning { return nil }
        let s = process.terminationStatus
        return process.terminationReason == .uncaughtSignal ? "killed by signal \(s)" : "exited with status \(s)"
    }

    /// Asks the process to exit (a shutdown message), waits briefly, then kills it.
    public func shutdown() {
        channel.deadline = ContinuousClock.now + .seconds(2)
        try? channel.send(.shutdown)
        try? stdinPipe.fileHandleForWriting.close()
        if exitDescription(wait: 2) == nil { kill() }
    }
}

/// The last bytes of a process's stderr, filled by a reader thread.
final class StderrTail: Sendable {
    let bytes = Mutex<[UInt8]>([])
    let done = Atomic<Bool>(false)

    func append(_ chunk: ArraySlice<UInt8>) {
        bytes.withLock { t in
            t.append(contentsOf: chunk)
            if t.count > ExternalSolverProcess.stderrLimit { t.removeFirst(t.count - ExternalSolverProcess.stderrLimit) }
        }
    }
}

/// The hello of solver mode.
struct OracleServerHello: Encodable {
    var `protocol` = OracleProtocol.name
    var version = OracleProtocol.version
    var mode: String
    var solver: String
}

/// Idle processes of one external solver, reused task after task (a Python start-up is
/// paid once per process, not per task); at most one per concurrent task (`--jobs N`
/// makes N).
public final class ExternalSolverPool: Sendable {
    public let declaration: ExternalSolverDeclaration
    private let idle = Mutex<[ExternalSolverProcess]>([])

    public init(_ declaration: ExternalSolverDeclaration) { self.declaration = declaration }

    /// An idle process, or a new one.
    func checkOut() throws -> ExternalSolverProcess {
        if let p = idle.withLock({ $0.popLast() }) { return p }
        return try ExternalSolverProcess(declaration)
    }

    /// Returns a process that finished its task cleanly.
    func checkIn(_ p: ExternalSolverProcess) {
        idle.withLock { $0.append(p) }
    }

    /// Shuts every idle process down.
    public func shutdown() {
        let all = idle.withLock { i -> [ExternalSolverProcess] in defer { i.removeAll() }; return i }
        for p in all { p.shutdown() }
    }

    deinit { shutdown() }
}
