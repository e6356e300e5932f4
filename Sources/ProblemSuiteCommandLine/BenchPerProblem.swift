import ArgumentParser
import Foundation
import Harness
import ProblemSuite
import Solvers

/// `problemsuite bench --per-problem`: for each of the paper's problems, the cost of one
/// iteration of every registered solver as the harness runs it, beside the cache-resident
/// yardsticks of that problem's own data (BENCHMARKS.md, "Per-problem table").
///
/// For each problem, once with one thread (the harness's one task per core) and once with
/// `solve`'s default threads:
/// - **read**: one pass over every array the problem's f+∇f reads (its matrix or CSR
///   arrays, right-hand side or labels), called again and again so that the data come
///   from cache: the floor under any f+∇f, which must read them at least once;
/// - **re-read**: where the data are one stored dense matrix read by the fused row pass
///   (dense least squares, dense logistic regression), that pass's reads without its
///   arithmetic (each group of four rows read, then read again one group later): the
///   floor under a one-pass kernel that must touch every entry twice;
/// - **A·x + Aᵀ·r**: for least squares, the operator applied forward and back as two
///   separate calls: what f+∇f costs without the fused pass (and, for the matrix-free
///   operators of SPARCO 3 and 9, which store almost no data, the real floor);
/// - **f+∇f** at run 0's start;
/// - **per iteration**: for every registered solver, one harness task (run 0, the
///   problem's settings with kmax = `--iterations`, its trace recorded as `reproduce`
///   records it), its median wall time over repeated runs divided by its gradient
///   evaluations (one per iteration, plus the 131 of Frank-Wolfe's per-instance rule).
enum PerProblemBench {
    /// The problems the speed issue names: A1–A6, SPARCO 3/5/7/9/11, MNIST sparse coding
    /// (MNISTSC0: its four siblings have the same sizes) and the classification problems.
    /// Those whose data are missing are skipped with a note.
    static let defaultProblems = ["A1", "A2", "A3", "A4", "A5", "A6", "SPARCO3", "SPARCO5", "SPARCO7", "SPARCO9", "SPARCO11",
                                  "MNISTSC0", "GISETTE", "A9A", "REGED0", "MOLECULE", "MNIST", "W8A"]

    /// The default kmax of the timed solves: the paper's.
    static let defaultIterations = 1000
    /// Bounds of `--iterations`.
    static let iterationRange = 1...100_000

    /// One solver's measured iteration on one problem.
    struct SolverCell: Encodable {
        var solver: String
        /// Iterations of the timed run (it may stop before kmax).
        var iterations: Int
        var gradient_evaluations: Int
        var status: String
        /// Median wall time of the whole harness task.
        var median_s: Double
        /// median_s / max(1, gradient_evaluations): the task's cost per oracle call (an
        /// iteration makes one; Frank-Wolfe's per-instance rule makes 131 more at the start).
        var per_iteration_s: Double
        /// per_iteration_s / the problem's f+∇f time.
        var per_iteration_over_fg: Double
        /// per_iteration_s / the read yardstick.
        var per_iteration_over_read: Double
    }

    /// One `--json` line: a problem at one thread count.
    struct Row: Encodable {
        var kernel = "per-problem"
        var problem: String
        var threads: Int
        var dimension: Int
        var rows: Int?
        var operator_description: String?
        /// Bytes of the arrays f+∇f reads (the read yardstick's bytes).
        var data_bytes: Int
        var data_arrays: [String]
        /// Operators applied without stored data (DCT, Heaviside, …), if any.
        var matrix_free: [String]
        var read_s: Double
        var reread_s: Double?
        var operator_s: Double?
        var fg_s: Double
        var solvers: [SolverCell]
        /// Solvers whose task threw, with the error.
        var failed: [String: String]
        var provenance: Provenance
    }

    /// The arrays a problem's f+∇f reads (its data, not its scratch space), and how.
    struct DataFootprint {
        enum Storage {
            case doubles([Double])
            case int32s([Int32])
            case ints([Int])

            func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
                switch self {
                case .doubles(let a): return a.withUnsafeBytes(body)
                case .int32s(let a): return a.withUnsafeBytes(body)
                case .ints(let a): return a.withUnsafeBytes(body)
                }
            }

            var byteCount: Int { withBytes(\.count) }
        }

        var arrays: [(name: String, storage: Storage)] = []
        /// The operator of a least-squares problem.
        var linearOperator: (any LinearOperator)?
        /// The one dense matrix the fused row pass reads, when that is how f+∇f works.
        var rowPassMatrix: DenseMatrix?
        var matrixFree: [String] = []

        var bytes: Int { arrays.reduce(0) { $0 + $1.storage.byteCount } }
        var arrayDescriptions: [String] { arrays.map { "\($0.name): \($0.storage.byteCount) B" } }

        init(_ problem: any SmoothProblem) throws {
            switch problem {
            case let p as LogisticRegressionProblem:
                switch p.features {
                case .dense(let m):
                    arrays.append(("features", .doubles(m.storage)))
                    rowPassMatrix = m
                case .sparse(let s):
                    arrays.append(("values", .doubles(s.values)))
                    arrays.append(("column indices", .int32s(s.columnIndices)))
                    arrays.append(("row starts", .ints(s.rowStart)))
                }
                arrays.append(("labels", .doubles(p.labels)))
            case let p as SparcoProblem:
                addLeastSquares(p.operator_, rhs: p.rhs)
            case let p as SparseCodingProblem:
                addLeastSquares(p.dictionaryOperator, rhs: p.image)
            case let p as LeastSquaresProblem:
                addLeastSquares(p.operator_, rhs: p.rhs)
            default:
                throw CLIError("\(problem.name): no data footprint is known for \(type(of: problem)) (the per-problem bench covers least squares, SPARCO, sparse coding and logistic regression)")
            }
        }

        private mutating func addLeastSquares(_ op: any LinearOperator, rhs: [Double]) {
            linearOperator = op
            add(op)
            arrays.append(("b", .doubles(rhs)))
            if let d = op as? DenseOperator { rowPassMatrix = d.matrix }
        }

        /// Walks the operator tree: stored matrices, diagonals and index lists are data;
        /// any other leaf is applied matrix-free.
        private mutating func add(_ op: any LinearOperator) {
            switch op {
            case let d as DenseOperator: arrays.append((d.operatorDescription, .doubles(d.matrix.storage)))
            case let d as DiagonalOperator: arrays.append((d.operatorDescription, .doubles(d.diagonal)))
            case let r as RowRestriction: arrays.append((r.operatorDescription, .ints(r.rows)))
            case let c as ComposedOperator: add(c.outer); add(c.inner)
            case let c as ConcatenationOperator: for b in c.blocks { add(b) }
            case let a as AdjointOperator: add(a.base)
            case let c as ComplexAsRealOperator:
                add(c.realPart)
                if let i = c.imaginaryPart { add(i) }
            default: matrixFree.append(op.operatorDescription)
            }
        }
    }

    /// Measures `names` (each once per thread setting) and prints the table or JSON lines.
    /// A problem whose data are missing is skipped with a note when the list is the
    /// default one, and is an error when asked for by name; a solver that throws costs its
    /// cell, is listed under the table, and makes the command fail.
    static func run(_ names: [String], suite: SuiteOptions, iterations: Int, minTime: Double, json: Bool,
                    provenance: Provenance) throws {
        let catalogue = try suite.catalogue()
        let registry = CommandLineConfiguration.solvers
        let explicit = !names.isEmpty
        let chosen = explicit ? names : defaultProblems
        let threadSettings: [Int?] = Parallel.maxThreads > 1 ? [1, nil] : [1]
        var rows: [Row] = [], skipped: [String] = []
        for name in chosen {
            let problem: any SmoothProblem
            do { problem = try suite.loadProblem(name, from: catalogue) } catch {
                if explicit { throw error }
                skipped.append("\(name): \(error)")
                continue
            }
            let entry = try catalogue.entry(named: name)
            let footprint = try DataFootprint(problem)
            for threads in threadSettings {
                let row = try Parallel.withThreads(threads) {
                    try measure(problem, entry: entry, footprint: footprint, registry: registry, iterations: iterations,
                                minTime: minTime, provenance: provenance)
                }
                if json { try printJSON(row, oneLine: true) }
                FileHandle.standardError.write(Data("\(name), \(row.threads) thread(s): f+∇f \(formatSeconds(row.fg_s)), read \(formatSeconds(row.read_s))\n".utf8))
                rows.append(row)
            }
        }
        if !json { print(render(rows, solvers: registry.names)) }
        for s in skipped { FileHandle.standardError.write(Data("skipped \(s)\n".utf8)) }
        let failures = rows.flatMap { r in r.failed.sorted { $0.key < $1.key }.map { "\(r.problem) \($0.key) (\(r.threads) thread(s)): \($0.value)" } }
        if !failures.isEmpty {
            FileHandle.standardError.write(Data(("solver tasks that failed:\n" + failures.map { "  \($0)\n" }.joined()).utf8))
            throw ExitCode.failure
        }
    }

    /// One problem at the thread count in effect.
    static func measure(_ problem: any SmoothProblem, entry: ProblemEntry, footprint: DataFootprint, registry: SolverRegistry,
                        iterations: Int, minTime: Double, provenance: Provenance) throws -> Row {
        let threads = Parallel.maxThreads
        let x = problem.startingPoint(run: 0)
        let read = timeBench(minTime) {
            for a in footprint.arrays {
                _ = a.storage.withBytes { DenseYardsticks.wordRead($0.baseAddress!, bytes: $0.count, parts: threads) }
            }
        }.0
        var reread: Double?
        if let m = footprint.rowPassMatrix {
            reread = timeBench(minTime) {
                m.storage.withUnsafeBufferPointer { ap in
                    x.withUnsafeBufferPointer { xp in
                        _ = DenseYardsticks.rereadPattern(ap.baseAddress!, rows: m.rows, columns: m.columns, x: xp.baseAddress!, parts: threads)
                    }
                }
            }.0
        }
        var operatorTime: Double?
        if let op = footprint.linearOperator {
            var r = [Double](repeating: 0, count: op.rowCount), g = [Double](repeating: 0, count: op.columnCount)
            operatorTime = timeBench(minTime) {
                x.withUnsafeBufferPointer { xp in r.withUnsafeMutableBufferPointer { op.apply(xp, into: $0) } }
                r.withUnsafeBufferPointer { rp in g.withUnsafeMutableBufferPointer { op.applyAdjoint(rp, into: $0) } }
            }.0
        }
        var g = [Double](repeating: 0, count: problem.dimension)
        let fg = timeBench(minTime) { _ = problem.valueAndGradient(at: x, into: &g) }.0
        var settings = problem.metadata.settings
        settings.maxIterations = iterations
        var cells: [SolverCell] = [], failed: [String: String] = [:]
        for solver in registry.names {
            let task = HarnessTask(key: TaskKey(problem: problem.name, solver: solver, run: 0), entry: entry, settings: settings, pruning: [])
            var record: RunRecord?, failure: String?
            let median = timeBench(minTime) {
                do { record = try Runner.execute(task, on: problem, command: "bench --per-problem", solvers: registry).0 } catch {
                    failure = "\(error)"
                }
            }.0
            if let failure { failed[solver] = failure; continue }
            guard let record else { continue }
            if let f = record.failure { failed[solver] = f; continue }
            let perIteration = median / Double(max(1, record.gradientEvaluations))
            cells.append(SolverCell(solver: solver, iterations: record.iterations, gradient_evaluations: record.gradientEvaluations,
                                    status: record.status.rawValue, median_s: median, per_iteration_s: perIteration,
                                    per_iteration_over_fg: perIteration / fg, per_iteration_over_read: perIteration / read))
        }
        return Row(problem: problem.name, threads: threads, dimension: problem.dimension, rows: problem.metadata.rows,
                   operator_description: footprint.linearOperator?.operatorDescription, data_bytes: footprint.bytes,
                   data_arrays: footprint.arrayDescriptions, matrix_free: footprint.matrixFree, read_s: read, reread_s: reread,
                   operator_s: operatorTime, fg_s: fg, solvers: cells, failed: failed, provenance: provenance)
    }

    /// The table: one line per (problem, threads), µs per iteration for every solver, and
    /// the ratios the speed target is stated in.
    static func render(_ rows: [Row], solvers: [String]) -> String {
        func us(_ s: Double?) -> String { s.map { String(format: "%.1f", $0 * 1e6) } ?? "-" }
        func ratio(_ r: Double?) -> String { r.map { String(format: "%.2f", $0) } ?? "-" }
        let header = ["problem", "thr", "data", "read", "re-read", "Ax+Aᵀr", "f+∇f", "f+∇f/floor"] + solvers + ["max it/f+∇f"]
        let body = rows.map { r -> [String] in
            let floor = r.reread_s ?? r.read_s
            let byName = Dictionary(uniqueKeysWithValues: r.solvers.map { ($0.solver, $0) })
            let cells = solvers.map { s in r.failed[s] != nil ? "failed" : us(byName[s]?.per_iteration_s) }
            let worst = r.solvers.map(\.per_iteration_over_fg).max()
            return [r.problem, String(r.threads), formatBytes(r.data_bytes), us(r.read_s), us(r.reread_s), us(r.operator_s), us(r.fg_s),
                    ratio(r.fg_s / floor)] + cells + [ratio(worst)]
        }
        return table(header, body) + "\n" + """
            Times in µs. data: bytes of the arrays f+∇f reads; read: one pass over them from cache; \
            re-read: the fused row pass's reads (every entry twice) without its arithmetic, where f+∇f is that pass; \
            Ax+Aᵀr: the operator forward and back as two calls; floor: re-read where there is one, else read; \
            solver columns: µs per iteration of one harness task (run 0, trace recorded) = median task time / its gradient evaluations \
            (one per iteration; Frank-Wolfe's rule adds 131 at the start).
            """
    }

    static func formatBytes(_ b: Int) -> String {
        if b >= 1 << 20 { return String(format: "%.1f MiB", Double(b) / Double(1 << 20)) }
        if b >= 1 << 10 { return String(format: "%.0f KiB", Double(b) / Double(1 << 10)) }
        return "\(b) B"
    }
}
