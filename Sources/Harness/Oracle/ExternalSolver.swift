import Foundation
import ProblemSuite
import Solvers

/// A solver in another language, driven over the oracle protocol's solver mode
/// (`docs/oracle-protocol.md`): the harness keeps the iteration's bookkeeping, the process
/// computes the steps.
///
/// - ``start(problem:x0:)`` computes g₀ itself (iterate 0, as every built-in solver),
///   takes a process from the pool and sends the task (metadata, settings) and x0.
/// - Each ``step()`` answers the process's requests until its next gradient request:
///   that x is the next iterate x_{k+1} (``SolverState/finishStep(_:)`` computes and
///   counts its gradient and applies the suite's stop test; the step norm is
///   ‖x_{k+1} − x_k‖). The first gradient request at x0 exactly is answered with g₀
///   (no second evaluation). f requests are answered and counted, not iterates.
/// - When the stop test fires, the gradient reply carries the stop reason and the
///   process must answer with an end message; a process may also end a task for a
///   reason of its own.
/// - A process that crashes, exceeds the time limit or breaks the protocol fails the
///   task (``failure``, with its captured stderr) and is killed; a clean task returns it
///   to the pool for the next task.
public final class ExternalSolver: FailableSolver {
    public var name: String { pool.declaration.name }
    public let settings: SolverSettings
    public let state = SolverState()
    public private(set) var failure: (any Error)?
    let pool: ExternalSolverPool
    private var process: ExternalSolverProcess?
    private var x0: [Double] = []
    private var request: [Double] = []
    private var answeredStart = false
    private var stopSent = false
    private var taskCount = 0

    /// Takes a process from the pool (starting one if none is idle, hello included), so
    /// that a process start-up is not counted in the task's solver time.
    /// - Throws: when the process cannot start or fails the hello (the message names the
    ///   command and carries its stderr).
    init(pool: ExternalSolverPool, settings: SolverSettings) throws {
        self.pool = pool
        self.settings = settings
        do {
            let p = try pool.checkOut()
            process = p
            if !p.greeted { try p.greet() }
        } catch {
            fail(error)
            throw failure!
        }
    }

    deinit {
        // A process taken for a task that never started goes back to the pool.
        if let p = process, taskCount == 0 { pool.checkIn(p) } else { process?.kill() }
    }

    struct Task: Encodable {
        var task: Int
        var problem: ProblemMetadata
        var settings: SolverSettings
    }

    public func start(problem: any SmoothProblem, x0: [Double]) throws {
        try state.begin(problem: problem, x0: x0, settings: settings)
        self.x0 = x0
        answeredStart = false
        stopSent = false
        failure = nil
        taskCount += 1
        do {
            let p = try process ?? pool.checkOut()
            process = p
            if !p.greeted { try p.greet() }
            p.channel.deadline = ContinuousClock.now + .seconds(pool.declaration.timeLimit)
            try p.channel.send(.task, json: Task(task: taskCount, problem: problem.metadata, settings: settings))
            try x0.withUnsafeBufferPointer { try p.channel.send(.vector, vector: $0) }
            if state.isStopped { _ = try exchange() }
        } catch {
            fail(error)
        }
    }

    @discardableResult
    public func step() -> Bool {
        if state.isStopped { return true }
        do {
            return try exchange()
        } catch {
            fail(error)
            return true
        }
    }

    /// Answers requests until the next iterate (returns `false`) or the end of the task
    /// (returns `true`, the process back in the pool).
    private func exchange() throws -> Bool {
        guard let p = process, let problem = state.problem else { throw OracleError.system("no process") }
        let ch = p.channel
        let n = problem.dimension
        while true {
            guard let h = try ch.readHeader(what: "a request") else { throw OracleError.closed("end of output") }
            guard let kind = h.knownKind else {
                throw OracleError.malformed("unknown request kind 0x\(String(h.kind, radix: 16)) (\(h.length) bytes)")
            }
            switch kind {
            case .valueRequest, .gradientRequest, .valueAndGradientRequest:
                guard !stopSent else {
                    throw OracleError.malformed("a \(kind) after the harness's stop reply; expected an end message (0x0E)")
                }
                try ch.readVector(h, count: n, into: &request, what: "x of a \(kind)")
                if let bad = OracleChannel.firstNonFinite(request) {
                    throw OracleError.malformed("x[\(bad)] = \(request[bad]) in a \(kind): x must be finite")
                }
                if kind == .valueRequest {
                    var f = problem.value(at: request)
                    try withUnsafeBytes(of: &f) { try ch.send(.value, parts: [$0]) }
                    continue
                }
                let atStart = !answeredStart && request == x0
                answeredStart = true
                let stoppedBefore = state.isStopped
                if !atStart && !stoppedBefore {
                    try state.updateIterate { x, _ in
                        var s = 0.0
                        for i in 0..<n { let d = request[i] - x[i]; s += d * d; x[i] = request[i] }
                        stepSquared = s
                    }
                    state.finishStep(StepSummary(iteration: state.iteration, stepNorm: stepSquared.squareRoot()))
                }
                let code = state.stopReason.map(OracleProtocol.code(of:)) ?? 0
                if !atStart && stoppedBefore {
                    // Stopped at x0 (kmax = 0, or ‖g₀‖ ≤ eps) but asked elsewhere: the true
                    // values at that x, not an iterate, with the stop code.
                    var g: [Double] = []
                    var f = problem.valueAndGradient(at: request, into: &g)
                    if kind == .gradientRequest {
                        try g.withUnsafeBufferPointer { try ch.send(.gradient, code: code, vector: $0) }
                    } else {
                        try withUnsafeBytes(of: &f) { fb in
                            try g.withUnsafeBytes { try ch.send(.valueAndGradient, code: code, parts: [fb, $0]) }
                        }
                    }
                    stopSent = true
                    continue
                }
                if kind == .gradientRequest {
                    try state.withGradient { g in try g.withUnsafeBufferPointer { try ch.send(.gradient, code: code, vector: $0) } }
                } else {
                    var f = state.withIterate { x in x.withUnsafeBufferPointer { problem.value(at: $0) } }
                    try withUnsafeBytes(of: &f) { fb in
                        try state.withGradient { g in try g.withUnsafeBufferPointer { try ch.send(.valueAndGradient, code: code, parts: [fb, UnsafeRawBufferPointer($0)]) } }
                    }
                }
                if state.isStopped { stopSent = true; continue }
                if !atStart { return false }
            case .end:
                _ = try ch.readText(h, what: "an end note")
                if !state.isStopped {
                    guard let reason = OracleProtocol.reason(of: h.code) else {
                        throw OracleError.malformed("end message with stop code \(h.code): the codes are 1 gradient-tolerance, 2 iteration-limit, 3 zero-oracle-direction, 4 non-finite")
                    }
                    state.stop(reason)
                }
                process = nil
                pool.checkIn(p)
                return true
            case .error:
                throw OracleError.peer(try ch.readText(h, what: "an error message"))
            default:
                throw OracleError.malformed("\(kind) is not a request of solver mode (requests: f 0x01, ∇f 0x02, f and ∇f 0x03, end 0x0E, error 0x7F)")
            }
        }
    }
    private var stepSquared = 0.0

    /// Records the failure, stops the run, kills the process and keeps its stderr.
    private func fail(_ error: any Error) {
        let decl = pool.declaration
        var text = "external solver '\(decl.name)' (\(decl.commandLine), declared in \(decl.file)): \(error)"
        if let p = process {
            try? p.channel.send(.error, code: OracleErrorClass.fatal.rawValue, text: "\(error)")
            if let exit = p.exitDescription(wait: 0.5) { text += "; the process \(exit)" }
            p.kill()
            let err = p.capturedStderr(wait: 1).trimmingCharacters(in: .whitespacesAndNewlines)
            text += err.isEmpty ? "; its stderr was empty" : "; its stderr (last \(ExternalSolverProcess.stderrLimit) bytes at most):\n\(err)"
        }
        process = nil
        failure = ProblemSuiteError.invalidRequest(text)
        if !state.isStopped { state.stop(.nonFinite) }
    }
}
