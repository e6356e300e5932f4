import ProblemSuite
import Solvers

/// The oracle protocol's message layout (`docs/oracle-protocol.md`, version ``OracleProtocol/version``).
///
/// Every message is a 16-byte header followed by `length` bytes of payload, all little-endian:
///
/// | offset | size | field                                                     |
/// |-------:|-----:|-----------------------------------------------------------|
/// | 0      | 4    | magic, the ASCII bytes `PSOR`                             |
/// | 4      | 1    | kind (``OracleKind``)                                     |
/// | 5      | 1    | code (stop reason, error class, "none": by kind)          |
/// | 6      | 2    | problem index (u16; 0 in solver mode)                     |
/// | 8      | 8    | payload length in bytes (u64)                             |
///
/// Vectors are raw float64 (IEEE 754 binary64, little-endian), 8·n bytes, no text.
public enum OracleProtocol {
    /// The protocol version this build speaks (sent in the hello's JSON).
    public static let version = 1
    /// The protocol's name in the hello's JSON.
    public static let name = "problemsuite-oracle"
    /// The header's magic bytes, `PSOR`.
    public static let magic: [UInt8] = Array("PSOR".utf8)
    /// Bytes in a header.
    public static let headerSize = 16
    /// The largest JSON payload accepted (hello, task): 1 MiB.
    public static let maxJSONBytes = 1 << 20
    /// The largest text payload accepted (error, end note): 64 KiB.
    public static let maxTextBytes = 1 << 16

    /// The stop-reason code of an end message or of a gradient reply (0: go on).
    public static func code(of reason: StopReason) -> UInt8 {
        switch reason {
        case .gradientTolerance: return 1
        case .iterationLimit: return 2
        case .zeroOracleDirection: return 3
        case .nonFinite: return 4
        }
    }

    /// The stop reason of a code, or `nil` for 0 and unknown codes.
    public static func reason(of code: UInt8) -> StopReason? {
        switch code {
        case 1: return .gradientTolerance
        case 2: return .iterationLimit
        case 3: return .zeroOracleDirection
        case 4: return .nonFinite
        default: return nil
        }
    }
}

/// The kind byte of a message. Requests (client → server) are below 0x40, replies and
/// server messages at 0x40 and above; 0x7F (error) goes both ways.
public enum OracleKind: UInt8, Sendable, CaseIterable {
    // Client → server.
    /// f(x): payload x (8·n bytes). Reply: ``value``.
    case valueRequest = 0x01
    /// ∇f(x): payload x. Reply: ``gradient``.
    case gradientRequest = 0x02
    /// f(x) and ∇f(x): payload x. Reply: ``valueAndGradient``.
    case valueAndGradientRequest = 0x03
    /// The starting point of a run (oracle mode): payload the run number, u64. Reply: ``vector``.
    case startRequest = 0x04
    /// The known (planted) solution (oracle mode): no payload. Reply: ``vector``, code 1 when none is known.
    case solutionRequest = 0x05
    /// A part of a classification problem's data (oracle mode): code = the part
    /// (``OracleDataPart``), no payload. Reply: ``vector`` (code 1 when the problem has no such part).
    case dataRequest = 0x06
    /// The client's hello (solver mode, required first): JSON `{"protocol": …, "version": 1}`.
    case clientHello = 0x08
    /// End of a task (solver mode): code = the stop reason, payload an optional UTF-8 note.
    case end = 0x0E
    /// The client is done (oracle mode); the server exits with status 0. End of input at a
    /// message boundary means the same.
    case close = 0x0F

    // Server → client.
    /// The server's hello, first message: JSON (protocol, version, mode, problems).
    case hello = 0x41
    /// A task (solver mode): JSON (task, run, problem, settings); an ``vector`` with x0 follows.
    case task = 0x42
    /// No more tasks (solver mode): the client exits with status 0.
    case shutdown = 0x43
    /// A vector (starting point, solution, data): payload 8·m bytes; code 1 = none.
    case vector = 0x44
    /// f(x): payload 8 bytes.
    case value = 0x51
    /// ∇f(x): payload 8·n bytes; code = 0 go on, else the harness's stop reason (solver mode).
    case gradient = 0x52
    /// f(x) then ∇f(x): payload 8 + 8·n bytes; code as ``gradient``.
    case valueAndGradient = 0x53

    /// An error, either way: payload UTF-8 text; code ``OracleErrorClass``.
    case error = 0x7F
}

/// The code of an error message.
public enum OracleErrorClass: UInt8, Sendable {
    /// The request was refused; the connection goes on (wrong length, NaN in x, unknown kind).
    case request = 1
    /// The sender gives up: the connection is over after this message.
    case fatal = 2
}

/// The parts of a classification problem's data a ``OracleKind/dataRequest`` asks for.
/// Features are dense row-major float64 (rows × n); labels are ±1 as float64. The shapes
/// are in the problem's metadata in the hello (`data` object).
public enum OracleDataPart: UInt8, Sendable, CaseIterable {
    case trainFeatures = 0, trainLabels = 1, testFeatures = 2, testLabels = 3
}

/// One message header.
public struct OracleHeader: Sendable, Equatable {
    public var kind: UInt8
    public var code: UInt8
    public var problem: UInt16
    public var length: UInt64

    public init(kind: UInt8, code: UInt8 = 0, problem: UInt16 = 0, length: UInt64) {
        self.kind = kind
        self.code = code
        self.problem = problem
        self.length = length
    }

    public init(_ kind: OracleKind, code: UInt8 = 0, problem: UInt16 = 0, length: Int) {
        self.init(kind: kind.rawValue, code: code, problem: problem, length: UInt64(length))
    }

    /// The known kind, or `nil` for an unknown kind byte.
    public var knownKind: OracleKind? { OracleKind(rawValue: kind) }

    /// The 16 bytes on the wire.
    public var bytes: [UInt8] {
        var out = OracleProtocol.magic
        out.append(kind)
        out.append(code)
        out.append(UInt8(truncatingIfNeeded: problem))
        out.append(UInt8(truncatingIfNeeded: problem >> 8))
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        return out
    }

    /// Parses 16 bytes.
    /// - Throws: ``OracleError/malformed(_:)`` when the magic is wrong (garbage on the
    ///   channel: the framing is lost).
    public init(parsing b: UnsafeRawBufferPointer) throws {
        precondition(b.count == OracleProtocol.headerSize)
        guard b[0] == 0x50, b[1] == 0x53, b[2] == 0x4F, b[3] == 0x52 else {
            let shown = b.prefix(16).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
            throw OracleError.malformed("not a protocol message: the header starts with bytes \(shown), not 'PSOR' (is the peer printing to stdout?)")
        }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(b[8 + i]) << (8 * UInt64(i)) }
        self.init(kind: b[4], code: b[5], problem: UInt16(b[6]) | UInt16(b[7]) << 8, length: length)
    }

    /// A readable name of the kind, for messages.
    public var kindName: String {
        knownKind.map { "\($0)" } ?? "unknown kind 0x" + String(kind, radix: 16)
    }
}

/// Why an exchange failed. Descriptions name what happened and what was expected.
public enum OracleError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The peer closed its end (end of input, or a broken pipe on output).
    case closed(String)
    /// No message came in time.
    case timedOut(String)
    /// A message broke the protocol (bad magic, wrong length, NaN, unexpected kind).
    case malformed(String)
    /// The peer sent an error message.
    case peer(String)
    /// A system call failed.
    case system(String)

    public var description: String {
        switch self {
        case .closed(let s): return ProblemSuiteError.escaped("oracle protocol: the peer closed the channel: \(s)")
        case .timedOut(let s): return ProblemSuiteError.escaped("oracle protocol: timed out: \(s)")
        case .malformed(let s): return ProblemSuiteError.escaped("oracle protocol: bad message: \(s)")
        case .peer(let s): return ProblemSuiteError.escaped("oracle protocol: the peer reported an error: \(s)")
        case .system(let s): return ProblemSuiteError.escaped("oracle protocol: \(s)")
        }
    }
}
