import Foundation
import ProblemSuite
import Solvers

/// Whole solves of the paper's cache-resident problems beside the NumPy loop
/// (`solve_loop.py`), the f+∇f of one iteration, and cache-resident yardsticks: a read of
/// the problem's matrix from cache, the floor under one iteration (BENCHMARKS.md). Each
/// comes single-threaded (`-1t`, the harness's one task per core; the peer with
/// OPENBLAS_NUM_THREADS=1) and with `solve`'s default threads.
extension BenchKernels {
    /// The (problem, solver) pairs of the solve rows, kmax 1000 from run 0.
    static let solveRows: [(problem: String, solver: String)] =
        [("A1", "adagrad"), ("A1", "prunadag-v3"), ("SPARCO7", "prunadag-v3")]

    /// Iteration limit of the solve rows (the paper's kmax).
    static let solveIterationLimit = 1000

    static var solveKernels: [BenchKernel] {
        var out: [BenchKernel] = []
        for threads in [nil, 1] as [Int?] {
            for (p, s) in solveRows { out.append(solve(p, s, threads: threads)) }
            for p in ["A1", "SPARCO7"] {
                out.append(valueAndGradient(p, threads: threads))
                out.append(cachedRead(p, threads: threads))
                out.append(cachedReread(p, threads: threads))
            }
        }
        return out + ["A1", "SPARCO3"].map(topKSelection)
    }

    /// prunAdag's step 1 on its own: the relevant set R_k, the nR largest |g_k,i|, marked
    /// in a mask as `PrunAdag.step` marks it (one thread: the selection runs on the
    /// caller's). The gradients are those of prunAdag-V3's solve from run 0 (kmax 1000),
    /// every 10th iteration, each call selecting from the next, so the selection sees the
    /// solve's own gradients. A1: nR = 32 of 1024 (the sampled threshold and the
    /// candidates' rank); SPARCO3: nR = 122 of 2048 (K > 64).
    static func topKSelection(_ name: String) -> BenchKernel {
        BenchKernel(name: "topk-\(name)", summary: "the nR largest |g_k| of \(name)'s prunAdag-V3 solve, as a mask (prunAdag's step 1)",
                    m: nil, n: nil, bytesPerCall: nil, peer: nil) { suite in
            let problem = try suite.loadProblem(name, from: suite.catalogue())
            var settings = problem.metadata.settings
            settings.maxIterations = solveIterationLimit
            let solver = try CommandLineConfiguration.solvers.make("prunadag-v3", settings: settings)
            try solver.start(problem: problem, x0: problem.startingPoint(run: 0))
            var gradients: [[Double]] = []
            repeat {
                if solver.state.iteration % 10 == 0 { gradients.append(solver.state.currentGradient) }
            } while !solver.step()
            let k = settings.relevantCount, n = problem.dimension
            let selector = TopKSelector(capacity: n)
            var mask = [Bool](repeating: false, count: n)
            var next = 0
            return {
                gradients[next].withUnsafeBufferPointer { v in
                    mask.withUnsafeMutableBufferPointer { selector.select(largestMagnitudesOf: v, count: k, mask: $0) }
                }
                next = next + 1 == gradients.count ? 0 : next + 1
            }
        }
    }

    /// `-1t` for one thread, nothing for the default count.
    static func threadSuffix(_ threads: Int?) -> String { threads.map { "-\($0)t" } ?? "" }

    /// One full solve (kmax 1000, the problem's eps) from run 0, as the harness runs it
    /// without a trace.
    static func solve(_ name: String, _ solver: String, threads: Int?) -> BenchKernel {
        BenchKernel(name: "solve-\(solver)-\(name)\(threadSuffix(threads))",
                    summary: "one full \(solver) solve of \(name) from run 0 (kmax \(solveIterationLimit))"
                        + (threads == 1 ? ", one thread" : ""),
                    m: nil, n: nil, bytesPerCall: nil,
                    peer: "solve_loop.py EXPORT:\(name) \(solver) \(solveIterationLimit)", peerThreads: threads) { suite in
            let problem = try suite.loadProblem(name, from: suite.catalogue())
            var settings = problem.metadata.settings
            settings.maxIterations = solveIterationLimit
            let x0 = problem.startingPoint(run: 0)
            let registry = CommandLineConfiguration.solvers
            _ = try registry.make(solver, settings: settings)  // fail here, not inside the timed body
            return {
                Parallel.withThreads(threads) {
                    _ = try? SolverRun.run(registry.make(solver, settings: settings), on: problem, from: x0)
                }
            }
        }
    }

    /// f+∇f of the problem at run 0's start: the oracle part of one iteration.
    static func valueAndGradient(_ name: String, threads: Int?) -> BenchKernel {
        BenchKernel(name: "fg-\(name)\(threadSuffix(threads))", summary: "f+∇f of \(name) at run 0's start (one iteration's oracle)" + (threads == 1 ? ", one thread" : ""),
                    m: nil, n: nil, bytesPerCall: nil, peer: nil) { suite in
            let problem = try suite.loadProblem(name, from: suite.catalogue())
            let x = problem.startingPoint(run: 0)
            var g = [Double](repeating: 0, count: problem.dimension)
            return { Parallel.withThreads(threads) { _ = problem.valueAndGradient(at: x, into: &g) } }
        }
    }

    /// Problem `name` and its stored dense matrix (not materialised: the storage its
    /// f+∇f reads). - Throws: when the problem stores no dense matrix.
    static func storedMatrix(_ name: String, _ suite: SuiteOptions) throws -> (problem: any SmoothProblem, matrix: DenseMatrix) {
        let problem = try suite.loadProblem(name, from: suite.catalogue())
        guard let a = (problem as? any MatrixExportable)?.exportMatrix(materialize: false) else {
            throw CLIError("\(name) stores no dense matrix to read")
        }
        return (problem, a)
    }

    /// The sum of the entries of the problem's stored matrix, read as four streams per
    /// thread; called again and again, so the matrix is read from cache (2 MiB for A1: L3;
    /// 12 MB for SPARCO7: L3). Any f+∇f must read it at least once.
    static func cachedRead(_ name: String, threads: Int?) -> BenchKernel {
        BenchKernel(name: "read-cached-\(name)\(threadSuffix(threads))",
                    summary: "a read of \(name)'s matrix from cache (sum of its entries): the floor under one iteration"
                        + (threads == 1 ? ", one thread" : ""),
                    m: nil, n: nil, bytesPerCall: nil, peer: nil) { suite in
            let a = try storedMatrix(name, suite).matrix
            let storage = a.storage
            return {
                Parallel.withThreads(threads) {
                    storage.withUnsafeBufferPointer { _ = DenseYardsticks.plainRead($0.baseAddress!, count: $0.count, parts: Parallel.maxThreads) }
                }
            }
        }
    }
}

extension BenchKernels {
    /// The fused f+∇f kernel's reads of the problem's stored matrix without its arithmetic
    /// (``DenseYardsticks/rereadPattern(_:rows:columns:x:parts:)``: each group of four
    /// rows read by the dot products, then read again from cache one group later, with the
    /// kernel's chunks and prefetches), called again and again so that the matrix comes
    /// from cache: the floor under a kernel that must touch every entry twice.
    static func cachedReread(_ name: String, threads: Int?) -> BenchKernel {
        BenchKernel(name: "reread-cached-\(name)\(threadSuffix(threads))",
                    summary: "the fused f+∇f's reads of \(name)'s matrix from cache (read, re-read one group later) without its arithmetic"
                        + (threads == 1 ? ", one thread" : ""),
                    m: nil, n: nil, bytesPerCall: nil, peer: nil) { suite in
            let (problem, a) = try storedMatrix(name, suite)
            let storage = a.storage, m = a.rows, n = a.columns
            let x = problem.startingPoint(run: 0)
            return {
                Parallel.withThreads(threads) {
                    storage.withUnsafeBufferPointer { ap in
                        x.withUnsafeBufferPointer { xp in
                            _ = DenseYardsticks.rereadPattern(ap.baseAddress!, rows: m, columns: n, x: xp.baseAddress!, parts: Parallel.maxThreads)
                        }
                    }
                }
            }
        }
    }
}

/// The problems exported for the peers (`EXPORT:NAME` in a peer command): each written
/// once per run of `bench` by `problemsuite export NAME --dense --out DIR` into a
/// temporary directory, removed at the end.
final class PeerExports {
    let root: String
    private var done: [String: String] = [:]

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("problemsuite-bench-\(ProcessInfo.processInfo.processIdentifier)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// The directory holding problem `name`'s export (A.npy dense, b.npy, x0.npy of run 0, problem.json).
    func directory(for name: String, suite: SuiteOptions) throws -> String {
        if let d = done[name] { return d }
        let dir = root + "/" + name
        guard let executable = Bundle.main.executableURL else { throw CLIError("cannot find this executable to run `export`") }
        var args = ["export", name, "--dense", "--out", dir]
        if let p = suite.problemsDir { args += ["--problems-dir", p] }
        args += ["--data-dir", suite.dataDirectory]
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { throw CLIError("could not run `\(executable.path) \(args.joined(separator: " "))`: \(error)") }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CLIError("`\(executable.path) \(args.joined(separator: " "))` exited with status \(p.terminationStatus) (its error output is above)")
        }
        done[name] = dir
        return dir
    }
}
