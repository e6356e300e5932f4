import Foundation
import ProblemSuite
import Solvers

/// Serves problems over the oracle protocol to a client that started this process
/// (`problemsuite oracle NAME…`, "oracle mode" of `docs/oracle-protocol.md`).
///
/// The server sends a hello (protocol, version, the problems' metadata), then answers
/// requests until the client sends ``OracleKind/close`` or closes its output at a
/// message boundary. A refused request (wrong vector length, NaN or infinity in x, an
/// unknown kind or problem index) gets an ``OracleKind/error`` reply of class
/// ``OracleErrorClass/request`` and the connection goes on; a message that breaks the
/// framing (bad magic, a payload above its limit) gets a fatal error and ends the
/// connection with a thrown ``OracleError``.
///
/// The server waits for its client without a time limit: the client is in charge.
public final class OracleServer {
    public let problems: [any SmoothProblem]

    /// Counts of requests answered, by kind (for tests and the closing summary).
    public private(set) var answered: [OracleKind: Int] = [:]

    /// - Precondition: between 1 and 65535 problems (the header's index is a u16).
    public init(problems: [any SmoothProblem]) {
        precondition(!problems.isEmpty && problems.count <= Int(UInt16.max), "1...65535 problems")
        self.problems = problems
    }

    /// One problem in the hello.
    struct ProblemInfo: Encodable {
        var index: Int
        var metadata: ProblemMetadata
        var hasSolution: Bool
        var data: DataShapes?
    }

    /// The shapes of a classification problem's data (rows × n features, labels).
    struct DataShapes: Encodable {
        var trainRows: Int
        var testRows: Int
        var columns: Int
        var loss: String
    }

    struct Hello: Encodable {
        var `protocol` = OracleProtocol.name
        var version = OracleProtocol.version
        var mode = "oracle"
        var problems: [ProblemInfo]
    }

    /// The hello's JSON content.
    func hello() -> Hello {
        Hello(problems: problems.enumerated().map { i, p in
            var shapes: DataShapes?
            if let lr = p as? LogisticRegressionProblem {
                shapes = DataShapes(trainRows: lr.features.rowCount, testRows: lr.testLabels.count,
                                    columns: lr.features.columnCount, loss: lr.loss.rawValue)
            }
            return ProblemInfo(index: i, metadata: p.metadata, hasSolution: p.knownSolution != nil, data: shapes)
        })
    }

    /// Serves until the client is done.
    /// - Throws: ``OracleError`` when the connection broke (framing lost, the client
    ///   closed in the middle of a message, a write failed).
    public func serve(_ channel: OracleChannel) throws {
        try channel.send(.hello, json: hello())
        var x: [Double] = []
        var g: [Double] = []
        let maxN = problems.map(\.dimension).max()!
        // The largest payload any request may carry: a vector of the largest problem.
        let limit = UInt64(maxN) * 8
        while true {
            guard let h = try channel.readHeader(what: "a request", endAllowed: true) else { return }
            guard h.length <= max(limit, UInt64(OracleProtocol.maxTextBytes)) else {
                let text = "a \(h.kindName) message of \(h.length) bytes: above the limit of \(max(limit, UInt64(OracleProtocol.maxTextBytes))) bytes (8·n for the largest problem served, n = \(maxN))"
                try? channel.send(.error, code: OracleErrorClass.fatal.rawValue, text: text)
                throw OracleError.malformed(text)
            }
            func refuse(_ text: String) throws {
                try channel.send(.error, code: OracleErrorClass.request.rawValue, text: text)
            }
            guard let kind = h.knownKind else {
                try channel.discard(h.length, what: "the payload of an unknown request")
                try refuse("unknown request kind 0x\(String(h.kind, radix: 16)) (known requests: 0x01 f, 0x02 ∇f, 0x03 f and ∇f, 0x04 start, 0x05 solution, 0x06 data, 0x0F close)")
                continue
            }
            if kind == .close { try channel.discard(h.length, what: "a close message"); return }
            if kind == .error {
                let text = try channel.readText(h, what: "an error message")
                throw OracleError.peer(text)
            }
            guard Int(h.problem) < problems.count else {
                try channel.discard(h.length, what: "a request's payload")
                try refuse("problem index \(h.problem): this server serves \(problems.count) problem(s), indices 0...\(problems.count - 1)")
                continue
            }
            let p = problems[Int(h.problem)]
            let n = p.dimension
            switch kind {
            case .valueRequest, .gradientRequest, .valueAndGradientRequest:
                guard h.length == UInt64(n) * 8 else {
                    try channel.discard(h.length, what: "a request's payload")
                    try refuse("\(p.name): x has \(h.length) bytes, expected \(n * 8) (n = \(n) float64)")
                    continue
                }
                try channel.readVector(h, count: n, into: &x, what: "x")
                if let bad = OracleChannel.firstNonFinite(x) {
                    try refuse("\(p.name): x[\(bad)] = \(x[bad]) is not finite")
                    continue
                }
                switch kind {
                case .valueRequest:
                    var f = p.value(at: x)
                    try withUnsafeBytes(of: &f) { (b) in try channel.send(.value, problem: h.problem, parts: [b]) }
                case .gradientRequest:
                    if g.count != n { g = [Double](repeating: 0, count: n) }
                    _ = x.withUnsafeBufferPointer { xp in g.withUnsafeMutableBufferPointer { p.gradient(at: xp, into: $0) } }
                    try g.withUnsafeBufferPointer { (gp) in try channel.send(.gradient, problem: h.problem, vector: gp) }
                default:
                    var f = p.valueAndGradient(at: x, into: &g)
                    try withUnsafeBytes(of: &f) { (fb) in
                        try g.withUnsafeBytes { (gb) in
                            try channel.send(.valueAndGradient, problem: h.problem, parts: [fb, gb])
                        }
                    }
                }
            case .startRequest:
                guard h.length == 8 else {
                    try channel.discard(h.length, what: "a request's payload")
                    try refuse("a start request carries the run number as 8 bytes (u64), not \(h.length) bytes")
                    continue
                }
                let b = try channel.readBytes(8, what: "the run number")
                var run: UInt64 = 0
                for i in 0..<8 { run |= UInt64(b[i]) << (8 * UInt64(i)) }
                guard run <= UInt64(Int32.max) else {
                    try refuse("run \(run): runs are numbered 0...\(Int32.max)")
                    continue
                }
                let x0 = p.startingPoint(run: Int(run))
                try x0.withUnsafeBufferPointer { (v) in try channel.send(.vector, problem: h.problem, vector: v) }
            case .solutionRequest:
                try channel.discard(h.length, what: "a request's payload")
                if let s = p.knownSolution {
                    try s.withUnsafeBufferPointer { (v) in try channel.send(.vector, problem: h.problem, vector: v) }
                } else {
                    try channel.send(.vector, code: 1, problem: h.problem, bytes: [])
                }
            case .dataRequest:
                try channel.discard(h.length, what: "a request's payload")
                guard let part = OracleDataPart(rawValue: h.code) else {
                    try refuse("data part \(h.code): the parts are 0 train features, 1 train labels, 2 test features, 3 test labels")
                    continue
                }
                guard let lr = p as? LogisticRegressionProblem else {
                    try channel.send(.vector, code: 1, problem: h.problem, bytes: [])
                    continue
                }
                let values: [Double]
                switch part {
                case .trainFeatures: values = lr.features.denseMatrix.storage
                case .trainLabels: values = lr.labels
                case .testFeatures: values = lr.testFeatures?.denseMatrix.storage ?? []
                case .testLabels: values = lr.testLabels
                }
                let none: UInt8 = (part == .testFeatures && lr.testFeatures == nil) ? 1 : 0
                try values.withUnsafeBufferPointer { (v) in try channel.send(.vector, code: none, problem: h.problem, vector: v) }
            default:
                try channel.discard(h.length, what: "a request's payload")
                try refuse("\(kind) is not a request of oracle mode (requests: f, ∇f, f and ∇f, start, solution, data, close)")
                continue
            }
            answered[kind, default: 0] += 1
        }
    }
}
