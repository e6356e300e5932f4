import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ProblemSuite
import Solvers
import ProblemSuiteTestSupport
@testable import Harness

/// The oracle protocol: the header layout, the oracle-mode server against broken
/// requests, and external solvers that crash, hang, send garbage, a wrong length, NaN, or
/// close the pipe (each a failed task with a clear message, never a hang).
final class OracleProtocolTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static var clientDirectory: String { repository + "/clients/python" }

    func testHeaderLayoutAndBadMagic() throws {
        let h = OracleHeader(.gradient, code: 2, problem: 0x0102, length: 8 * 1024)
        let b = h.bytes
        XCTAssertEqual(b.count, 16)
        XCTAssertEqual(Array(b[0..<4]), Array("PSOR".utf8))
        XCTAssertEqual(b[4], 0x52); XCTAssertEqual(b[5], 2)
        XCTAssertEqual(b[6], 0x02); XCTAssertEqual(b[7], 0x01)
        XCTAssertEqual(Array(b[8..<16]), [0x00, 0x20, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try b.withUnsafeBytes { try OracleHeader(parsing: $0) }, h)
        let garbage = Array("hello, world!!!!".utf8)
        XCTAssertThrowsError(try garbage.withUnsafeBytes { try OracleHeader(parsing: $0) }) { e in
            XCTAssertTrue("\(e)".contains("not 'PSOR'"), "\(e)")
        }
        for r in StopReason.allCases { XCTAssertEqual(OracleProtocol.reason(of: OracleProtocol.code(of: r)), r) }
    }

    // MARK: Oracle mode, in process over pipes

    /// A server on a thread and the client's ends of its two pipes.
    final class Connection: @unchecked Sendable {
        let toServer: [Int32], fromServer: [Int32]
        let client: OracleChannel
        let done = DispatchSemaphore(value: 0)
        var error: (any Error)?
        let server: OracleServer
        let serverChannel: OracleChannel

        init(_ problems: [any SmoothProblem]) {
            var a: [Int32] = [0, 0], b: [Int32] = [0, 0]
            _ = pipe(&a); _ = pipe(&b)
            toServer = a; fromServer = b
            client = OracleChannel(input: b[0], output: a[1], peerName: "server")
            client.deadline = ContinuousClock.now + .seconds(20)
            OracleChannel.ignoreBrokenPipeSignal()
            server = OracleServer(problems: problems)
            serverChannel = OracleChannel(input: a[0], output: b[1], peerName: "client")
            Thread { [self] in
                do { try server.serve(serverChannel) } catch { self.error = error }
                close(toServer[0]); close(fromServer[1])
                done.signal()
            }.start()
        }

        func reply() throws -> (OracleHeader, [UInt8]) {
            let h = try XCTUnwrap(try client.readHeader())
            return (h, try client.readBytes(h.length, what: "payload"))
        }

        func finish() -> (any Error)? {
            close(toServer[1])
            XCTAssertEqual(done.wait(timeout: .now() + 20), .success)
            close(fromServer[0])
            return error
        }
    }

    func quadratic(_ n: Int) -> SeparableQuadratic {
        SeparableQuadratic(d: (0..<n).map { 1 + Double($0) }, c: (0..<n).map { Double($0) / 4 })
    }

    func testOracleModeAnswersAndRefusesBadRequests() throws {
        let p = quadratic(4)
        let c = Connection([p])
        let (hello, helloJSON) = try c.reply()
        XCTAssertEqual(hello.knownKind, .hello)
        let info = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(helloJSON)) as? [String: Any])
        XCTAssertEqual(info["version"] as? Int, OracleProtocol.version)

        let x: [Double] = [1, 2, 3, 4]
        try x.withUnsafeBufferPointer { try c.client.send(.valueAndGradientRequest, vector: $0) }
        var (h, b) = try c.reply()
        XCTAssertEqual(h.knownKind, .valueAndGradient)
        let fg = b.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        var g: [Double] = []
        XCTAssertEqual(fg[0], p.valueAndGradient(at: x, into: &g))
        XCTAssertEqual(Array(fg[1...]), g)

        // Wrong length: refused, the connection goes on.
        try [1.0, 2, 3].withUnsafeBufferPointer { try c.client.send(.gradientRequest, vector: $0) }
        (h, b) = try c.reply()
        XCTAssertEqual(h.knownKind, .error); XCTAssertEqual(h.code, OracleErrorClass.request.rawValue)
        XCTAssertTrue(String(decoding: b, as: UTF8.self).contains("expected 32"), String(decoding: b, as: UTF8.self))
        // NaN in x: refused.
        try [1.0, .nan, 3, 4].withUnsafeBufferPointer { try c.client.send(.valueRequest, vector: $0) }
        (h, b) = try c.reply()
        XCTAssertEqual(h.knownKind, .error)
        XCTAssertTrue(String(decoding: b, as: UTF8.self).contains("x[1] = nan is not finite"), String(decoding: b, as: UTF8.self))
        // Unknown request kind: refused.
        try [UInt8](OracleHeader(kind: 0x33, length: 0).bytes).withUnsafeBytes { try c.client.write($0) }
        (h, b) = try c.reply()
        XCTAssertEqual(h.knownKind, .error)
        XCTAssertTrue(String(decoding: b, as: UTF8.self).contains("unknown request kind 0x33"))
        // Bad problem index: refused.
        try x.withUnsafeBufferPointer { try c.client.send(.valueRequest, problem: 7, vector: $0) }
        (h, b) = try c.reply()
        XCTAssertTrue(String(decoding: b, as: UTF8.self).contains("problem index 7"))
        // Still answering.
        try x.withUnsafeBufferPointer { try c.client.send(.valueRequest, vector: $0) }
        (h, b) = try c.reply()
        XCTAssertEqual(h.knownKind, .value)
        XCTAssertEqual(b.withUnsafeBytes { $0.load(as: Double.self) }, p.value(at: x))
        // Start point: the harness's.
        var run: UInt64 = 3
        try withUnsafeBytes(of: &run) { try c.client.send(.startRequest, parts: [$0]) }
        (h, b) = try c.reply()
        XCTAssertEqual(b.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }, p.startingPoint(run: 3))
        // A clean close.
        try c.client.send(.close)
        XCTAssertNil(c.finish())
    }

    func testOracleModeGarbageIsFatalAndTooLongIsRefusedUnread() throws {
        let c = Connection([quadratic(4)])
        _ = try c.reply()
        try Array("garbage bytes!!!".utf8).withUnsafeBytes { try c.client.write($0) }
        let err = c.finish()
        XCTAssertTrue("\(String(describing: err))".contains("not 'PSOR'"), "\(String(describing: err))")

        let d = Connection([quadratic(4)])
        _ = try d.reply()
        try [UInt8](OracleHeader(.gradientRequest, length: 1 << 40).bytes).withUnsafeBytes { try d.client.write($0) }
        let (h, b) = try d.reply()
        XCTAssertEqual(h.code, OracleErrorClass.fatal.rawValue)
        XCTAssertTrue(String(decoding: b, as: UTF8.self).contains("above the limit"))
        XCTAssertNotNil(d.finish())
    }

    func testOracleModeClientClosingMidMessageIsAClearError() throws {
        let c = Connection([quadratic(4)])
        _ = try c.reply()
        try [UInt8](OracleHeader(.gradientRequest, length: 32).bytes).withUnsafeBytes { try c.client.write($0) }
        try [UInt8](repeating: 0, count: 8).withUnsafeBytes { try c.client.write($0) }
        let err = c.finish()
        XCTAssertTrue("\(String(describing: err))".contains("closed its output in the middle of x (8 of 32 bytes)"), "\(String(describing: err))")
    }

    // MARK: External solvers (Python scripts on the client)

    func requirePython() throws {
        if let why = pythonWithNumPyUnavailable { throw XCTSkip(why) }
    }

    /// A declaration running `body` (Python, after `import problemsuite as ps, numpy as np`).
    func declaration(_ name: String, _ body: String, timeLimit: Int = 20, in dir: TemporaryDirectory) throws -> ExternalSolverDeclaration {
        let script = """
        import sys, os, time
        sys.path.insert(0, \(String(reflecting: OracleProtocolTests.clientDirectory)))
        import numpy as np
        import problemsuite as ps
        from problemsuite import _wire as w
        \(body)
        """
        let file = dir.path + "/\(name).py"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        return ExternalSolverDeclaration(name: name, summary: "test", command: ["python3", file], directory: dir.path,
                                         timeLimit: timeLimit, file: "test-\(name).toml")
    }

    func run(_ decl: ExternalSolverDeclaration, on problem: any SmoothProblem, kmax: Int = 50) throws -> SolverResult {
        var s = SolverSettings()
        s.maxIterations = kmax
        s.relevantCount = 2
        let registry = try SolverRegistry.standard.adding(decl.entry())
        let solver = try registry.make(decl.name, settings: s)
        return try SolverRun.run(solver, on: problem, from: problem.startingPoint(run: 0))
    }

    func assertFails(_ decl: ExternalSolverDeclaration, containing parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        let t0 = ContinuousClock.now
        XCTAssertThrowsError(try run(decl, on: quadratic(8)), file: file, line: line) { e in
            for p in parts { XCTAssertTrue("\(e)".contains(p), "'\(p)' not in: \(e)", file: file, line: line) }
        }
        XCTAssertLessThan(ContinuousClock.now - t0, .seconds(15), "a failure must not hang", file: file, line: line)
    }

    /// The results of an external solver carry the digest of its script and version: edit
    /// the script (or bump `version`) and its results' fingerprints change, so a resumed
    /// run recomputes them instead of reusing the old code's results.
    func testEditingTheScriptChangesTheFingerprintParameter() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let script = try dir.write("s.py", text: "print('one')\n")
        let decl = ExternalSolverDeclaration(name: "ext", summary: "t", command: ["python3", "s.py", "--fast"], directory: dir.path)
        func digest(_ d: ExternalSolverDeclaration) throws -> ParameterValue? {
            try d.entry().settings(from: SolverSettings()).parameters[ExternalSolverDeclaration.codeDigestKey]
        }
        let first = try XCTUnwrap(try digest(decl))
        XCTAssertEqual(try digest(decl), first, "the same code gives the same digest")
        try "print('two')\n".write(toFile: script, atomically: true, encoding: .utf8)
        let edited = try XCTUnwrap(try digest(decl))
        XCTAssertNotEqual(edited, first)
        var versioned = decl
        versioned.version = "2"
        XCTAssertNotEqual(try digest(versioned), edited)
        // A declaration file reads `version`, bounded.
        let file = try dir.write("ext.toml", text: "name = \"ext\"\ncommand = [\"python3\", \"s.py\"]\nversion = \"3.1\"\n")
        XCTAssertEqual(try ExternalSolverDeclaration.read(file: file).version, "3.1")
        let long = try dir.write("long.toml", text: "name = \"ext\"\ncommand = [\"python3\"]\nversion = \"\(String(repeating: "v", count: 300))\"\n")
        XCTAssertThrowsError(try ExternalSolverDeclaration.read(file: long)) { XCTAssert("\($0)".contains("'version'"), "\($0)") }
    }

    func testExternalGradientDescentRunsAndIsCounted() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("gd", """
        def gd(problem, x0, settings):
            x = x0.copy()
            g = problem.grad(x)
            while True:
                f = problem.f(x)
                x = x - 0.1 * g
                g = problem.grad(x)
        ps.serve(gd)
        """, in: dir)
        let p = quadratic(8)
        let r = try run(decl, on: p, kmax: 30)
        XCTAssertEqual(r.iterations, 30)
        XCTAssertEqual(r.stopReason, .iterationLimit)
        XCTAssertEqual(r.gradientEvaluations, 31)  // g0 once (the request at x0 is answered from it) + 30 iterates
        XCTAssertEqual(r.valueEvaluations, 30)
        // The same steps in Swift.
        var x = p.startingPoint(run: 0)
        var g = p.gradient(at: x)
        for _ in 0..<30 { for i in x.indices { x[i] -= 0.1 * g[i] }; g = p.gradient(at: x) }
        XCTAssertEqual(r.x, x)
    }

    /// kmax = 0: the run stops at x0; a solver that asks elsewhere first gets the true
    /// gradient there with the stop code, and the task ends cleanly.
    func testStopAtStartAnswersTheTrueGradient() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let out = dir.path + "/g.txt"
        let decl = try declaration("elsewhere", """
        def elsewhere(problem, x0, settings):
            try:
                problem.grad(x0 + 1.0)
            except ps.Stop as s:
                np.savetxt(\(String(reflecting: out)), s.gradient)
                raise
        ps.serve(elsewhere)
        """, in: dir)
        let p = quadratic(8)
        let r = try run(decl, on: p, kmax: 0)
        XCTAssertEqual(r.iterations, 0)
        XCTAssertEqual(r.stopReason, .iterationLimit)
        let got = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { Double($0)! }
        let expected = p.gradient(at: p.startingPoint(run: 0).map { $0 + 1 })
        for i in got.indices { XCTAssertEqual(got[i], expected[i], accuracy: 1e-12 * max(1, abs(expected[i]))) }
    }

    func testExternalSolverCrashFailsWithStderr() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("crash", """
        def crash(problem, x0, settings):
            problem.grad(x0)
            sys.stderr.write("boom: out of cheese\\n"); sys.stderr.flush()
            os._exit(3)
        ps.serve(crash)
        """, in: dir)
        assertFails(decl, containing: ["external solver 'crash'", "closed its output", "exited with status 3", "boom: out of cheese"])
    }

    func testExternalSolverExceptionFailsWithTraceback() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("raises", """
        def raises(problem, x0, settings):
            raise ZeroDivisionError("no step size")
        ps.serve(raises)
        """, in: dir)
        assertFails(decl, containing: ["reported an error", "ZeroDivisionError: no step size"])
    }

    func testExternalSolverHangPastLimitFails() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("hang", """
        def hang(problem, x0, settings):
            problem.grad(x0)
            time.sleep(60)
        ps.serve(hang)
        """, timeLimit: 1, in: dir)
        assertFails(decl, containing: ["timed out", "external solver 'hang'"])
    }

    func testExternalSolverGarbageFails() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("garbage", """
        ch = w.Channel(sys.stdin.buffer, sys.stdout.buffer)
        ch.receive()
        ch.send(w.CLIENT_HELLO, b'{"version": 1}')
        ch.receive(); ch.receive()
        sys.stdout.buffer.write(b"Iteration 1: f = 3.5\\n"); sys.stdout.buffer.flush()
        time.sleep(5)
        """, in: dir)
        assertFails(decl, containing: ["not a protocol message", "not 'PSOR'"])
    }

    func testExternalSolverWrongLengthFails() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("short", """
        def short(problem, x0, settings):
            problem._ch.send(w.GRADIENT_REQUEST, np.zeros(problem.n - 1))
            problem._ch.receive()
        ps.serve(short)
        """, in: dir)
        assertFails(decl, containing: ["has 56 bytes, expected 64 (n = 8 float64)"])
    }

    func testExternalSolverNaNFails() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("nan", """
        def nan(problem, x0, settings):
            g = problem.grad(x0)
            x = x0.copy(); x[5] = np.nan
            problem.grad(x)
        ps.serve(nan)
        """, in: dir)
        assertFails(decl, containing: ["x[5] = nan", "must be finite"])
    }

    func testExternalSolverClosedPipeFails() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("closes", """
        ch = w.Channel(sys.stdin.buffer, sys.stdout.buffer)
        ch.receive()
        ch.send(w.CLIENT_HELLO, b'{"version": 1}')
        sys.stdout.close(); os.close(1)
        time.sleep(5)
        """, in: dir)
        assertFails(decl, containing: ["closed its output"])
    }

    func testWrongProtocolVersionFails() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let decl = try declaration("v9", """
        ch = w.Channel(sys.stdin.buffer, sys.stdout.buffer)
        ch.receive()
        ch.send(w.CLIENT_HELLO, b'{"version": 9}')
        time.sleep(5)
        """, in: dir)
        assertFails(decl, containing: ["protocol version 9"])
    }

    /// A failed task kills its process; the next task of the same solver gets a new one.
    func testTaskAfterAFailureRunsInAFreshProcess() throws {
        try requirePython()
        let dir = try TemporaryDirectory()
        let flag = dir.path + "/crashed"
        let decl = try declaration("once", """
        def once(problem, x0, settings):
            if not os.path.exists(\(String(reflecting: flag))):
                open(\(String(reflecting: flag)), "w").close()
                os._exit(1)
            x = x0.copy(); g = problem.grad(x)
            while True:
                x = x - 0.1 * g; g = problem.grad(x)
        ps.serve(once)
        """, in: dir)
        XCTAssertThrowsError(try run(decl, on: quadratic(8)))
        XCTAssertEqual(try run(decl, on: quadratic(8), kmax: 5).iterations, 5)
    }

    // MARK: The Python prunAdag-V3 against the Swift one

    /// Records every iterate's ‖g_k‖, f(x_k) and sparsity.
    final class Recorder: SolverObserver {
        let problem: any SmoothProblem
        var rows: [[Double]] = []
        init(_ p: any SmoothProblem) { problem = p }
        func observe(_ r: IterationRecord) {
            rows.append([Double(r.iteration), r.gradientNorm, problem.value(at: r.iterateBuffer), Pruning.sparsity(r.iterateBuffer, threshold: 1e-3)])
        }
    }

    /// A1–A6, 1000 iterations (the files' kmax), one Python process for the six tasks:
    /// the traces are the Swift prunadag-v3's, bit for bit (the script sums in index
    /// order and breaks ties as the Swift selection).
    func testPythonPrunAdagV3MatchesSwiftOnA1ToA6() throws {
        try requirePython()
        let declFile = OracleProtocolTests.clientDirectory + "/examples/solvers/py-prunadag-v3.toml"
        let decl = try ExternalSolverDeclaration.read(file: declFile)
        let registry = try SolverRegistry.standard.adding(decl.entry())
        let catalogue = try Catalogue.standard()
        for name in ["A1", "A2", "A3", "A4", "A5", "A6"] {
            let problem = try catalogue.entry(named: name).load(LoadContext())
            var s = problem.metadata.settings
            s.maxIterations = 1000
            let x0 = problem.startingPoint(run: 0)
            let swiftTrace = Recorder(problem), pythonTrace = Recorder(problem)
            let swift = try SolverRun.run(try registry.make("prunadag-v3", settings: s), on: problem, from: x0, observer: swiftTrace)
            let python = try SolverRun.run(try registry.make("py-prunadag-v3", settings: s), on: problem, from: x0, observer: pythonTrace)
            XCTAssertEqual(python.iterations, swift.iterations, name)
            XCTAssertEqual(python.stopReason, swift.stopReason, name)
            XCTAssertEqual(python.gradientEvaluations, swift.gradientEvaluations, name)
            XCTAssertEqual(pythonTrace.rows, swiftTrace.rows, "\(name): traces differ")
            XCTAssertEqual(python.x, swift.x, name)
        }
    }

    // MARK: Declarations

    func testExperimentSolverTablesAreDeclarations() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path + "/experiments", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path + "/solvers", withIntermediateDirectories: true)
        try "name = \"a\"\ncommand = [\"python3\", \"a.py\"]\n".write(toFile: dir.path + "/solvers/a.toml", atomically: true, encoding: .utf8)
        try """
        name = "mine"
        solvers = ["b", "prunadag-v3"]
        [[solver]]
        name = "b"
        command = ["python3", "b.py"]
        time_limit = 5
        """.write(toFile: dir.path + "/experiments/mine.toml", atomically: true, encoding: .utf8)
        let all = try ExternalSolverDeclaration.readAll(problemsDirectory: dir.path)
        XCTAssertEqual(all.map(\.name), ["a", "b"])
        XCTAssertEqual(all[1].timeLimit, 5)
        XCTAssertEqual(all[1].directory, dir.path + "/experiments")
        let registry = try SolverRegistry.standard.adding(contentsOf: all.map { $0.entry() })
        let e = try Experiment.read(file: dir.path + "/experiments/mine.toml", registry: registry)
        XCTAssertEqual(e.solvers, ["b", "prunadag-v3"])
        // Two different declarations of one name are an error naming both places.
        try "name = \"b\"\ncommand = [\"julia\", \"b.jl\"]\n".write(toFile: dir.path + "/solvers/b.toml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ExternalSolverDeclaration.readAll(problemsDirectory: dir.path)) {
            XCTAssertTrue("\($0)".contains("declared differently"), "\($0)")
        }
    }

    func testDeclarationFileErrorsNameFileAndKey() throws {
        let dir = try TemporaryDirectory()
        func write(_ text: String) throws -> String {
            let f = dir.path + "/s.toml"; try text.write(toFile: f, atomically: true, encoding: .utf8); return f
        }
        XCTAssertThrowsError(try ExternalSolverDeclaration.read(file: try write("name = \"x\"\ncommand = []\n"))) {
            XCTAssertTrue("\($0)".contains("key 'command'"), "\($0)")
        }
        XCTAssertThrowsError(try ExternalSolverDeclaration.read(file: try write("name = \"x\"\ncommand = [\"a\"]\ntime_limit = 0\n"))) {
            XCTAssertTrue("\($0)".contains("time_limit"), "\($0)")
        }
        XCTAssertThrowsError(try ExternalSolverDeclaration.read(file: try write("name = \"x\"\ncommand = [\"a\"]\ncomand = 1\n"))) {
            XCTAssertTrue("\($0)".contains("did you mean 'command'"), "\($0)")
        }
        XCTAssertThrowsError(try ExternalSolverDeclaration.read(file: try write("name = \"x\"\ncommand = [\"a\"]\n[[parameter]]\nkey = \"eps\"\ndefault = 1\n"))) {
            XCTAssertTrue("\($0)".contains("not a protocol key"), "\($0)")
        }
        let ok = try ExternalSolverDeclaration.read(file: try write("name = \"My-Solver\"\ncommand = [\"python3\", \"s.py\"]\n[[parameter]]\nkey = \"step\"\ndefault = 0.5\n"))
        XCTAssertEqual(ok.name, "my-solver")
        XCTAssertEqual(ok.parameters.map(\.key), ["step"])
        XCTAssertEqual(ok.timeLimit, ExternalSolverDeclaration.defaultTimeLimit)
        XCTAssertEqual(ok.directory, dir.path)
    }
}
