import ArgumentParser
import Foundation
import Harness
import ProblemSuite

/// `problemsuite ksvd`: train (or fetch from the cache) a K-SVD dictionary on MNIST, with
/// the error per iteration and the timing.
struct KSVDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ksvd",
        abstract: "Train a K-SVD dictionary on MNIST training images and report error and time per iteration.",
        discussion: """
        Without --problem, trains on the first --training-count images with the given \
        parameters and does not touch the cache (a benchmark; the same protocol as \
        bench/peers/ksvd.py). With --problem NAME, builds or reads the cached dictionary \
        of that sparse-coding instance, as loading the problem would.
        """)

    @OptionGroup var suite: SuiteOptions
    @Option(help: "A sparse-coding instance whose cached dictionary to build or inspect.") var problem: String?
    @Option(parsing: .unconditional, help: "Number of training images (the first ones of the file).") var trainingCount = 5000
    @Option(parsing: .unconditional, help: "Number of atoms K.") var atoms = 1000
    @Option(parsing: .unconditional, help: "OMP sparsity T.") var sparsity = 10
    @Option(parsing: .unconditional, help: "K-SVD iterations.") var iterations = 10
    @Option(help: "Atom update (approximate: one alternating step, KSVD-Box's default; exact: the leading singular pair).")
    var update: KSVDOptions.Update = .approximate
    @Option(parsing: .unconditional, help: "Seed of the initial atoms and atom order.") var seed: UInt64 = 1
    @Flag(help: "Do not replace unused or duplicate atoms.") var noReplace = false
    @Flag(help: "Keep a signal's previous code when OMP's new one is worse (monotone error).") var keepBetter = false
    @Flag(help: "Use and fill the cache (default with --problem).") var cache = false
    @Option(parsing: .unconditional, help: "Threads for the kernels (default: all cores).") var threads: Int?
    @Option(help: "Write the dictionary (K×784, atoms as rows) to this .npy file.") var save: String?
    @Flag(help: "Machine-readable output (one JSON object, like the peer scripts).") var json = false

    func validate() throws {
        guard trainingCount > 0, atoms > 0, sparsity > 0, iterations > 0 else {
            throw ValidationError("--training-count, --atoms, --sparsity and --iterations must be positive")
        }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
    }

    struct Output: Encodable {
        var peer = "problemsuite"
        var kernel: String
        var signals: Int, atoms: Int, sparsity: Int, iterations: Int
        var seconds: Double
        var relative_error: Double
        /// Data loading (benchmark mode) or the whole fetch-or-build of the dictionary (cache mode).
        var load_seconds: Double
        var cache: String?
        var avx2: Bool
        var threads: Int
        var reports: [KSVDIterationReport]
    }

    func spec() throws -> DictionarySpec {
        if let problem {
            let entry = try suite.catalogue().entry(named: problem)
            guard entry.metadata.family == SparseCodingFamily.identifier else {
                throw CLIError("\(problem) is not a sparse-coding problem (family \(entry.metadata.family))")
            }
            let table = ParameterTable(entry.metadata.parameters, file: entry.sourceFile, context: "instance \"\(entry.name)\"")
            return try SparseCodingFamily.parameters(table).dictionary
        }
        var options = KSVDOptions(atoms: atoms, sparsity: sparsity, iterations: iterations,
                                  update: update, seed: seed, replaceAtoms: !noReplace)
        options.keepBetterCodes = keepBetter
        return DictionarySpec(trainingCount: trainingCount, ksvd: options)
    }

    func run() throws {
        try Parallel.withThreads(threads) { try train() }
    }

    func train() throws {
        let spec = try spec()
        let dataDir = suite.dataDirectory
        let progress: (KSVDIterationReport) -> Void = { r in
            guard !json else { return }
            print(String(format: "  iteration %2d  coding error %.6f  update error %.6f  replaced %d+%d  %.3f s (coding %.3f, update %.3f)",
                         r.iteration, r.codingError, r.updateError, r.replacedUnused, r.clearedAtoms, r.seconds,
                         r.codingSeconds, r.updateSeconds))
        }
        if !json {
            print("K-SVD (\(spec.ksvd.update.rawValue)) on the first \(spec.trainingCount) images of \(spec.trainingFile): " +
                  "\(spec.ksvd.atoms) atoms, T = \(spec.ksvd.sparsity), \(spec.ksvd.iterations) iterations; " +
                  "kernel \(DenseGEMM.usesAVX2 ? "AVX2+FMA" : "portable"), \(Parallel.maxThreads) thread(s)")
        }
        let useCache = cache || problem != nil
        let t0 = monotonicSeconds()
        var dictionary: [Double]
        var reports: [KSVDIterationReport]
        var trainSeconds: Double
        var status: String?
        var loadSeconds = 0.0
        if useCache {
            let loaded = try DictionaryCache.dictionary(spec, dataDirectory: dataDir, cacheDirectory: SuitePaths.cacheDirectory(),
                                                        progress: progress)
            dictionary = loaded.dictionary
            reports = loaded.header.reports
            trainSeconds = loaded.header.trainingSeconds
            status = "\(loaded.status) \(loaded.path ?? "")"
            loadSeconds = monotonicSeconds() - t0
        } else {
            let file = dataDir + "/" + spec.trainingFile
            let images = try MNISTImages(path: file, limit: spec.trainingCount)
            loadSeconds = monotonicSeconds() - t0
            let t1 = monotonicSeconds()
            let result = try KSVD.train(signals: images.signals, count: images.count, length: images.length,
                                        options: spec.ksvd, progress: progress)
            trainSeconds = monotonicSeconds() - t1
            dictionary = result.dictionary
            reports = result.reports
        }
        if let save {
            try NPYWriter.write(dictionary, shape: [spec.ksvd.atoms, dictionary.count / spec.ksvd.atoms], to: save)
        }
        let out = Output(kernel: spec.ksvd.update == .exact ? "ksvd-exact" : "ksvd-approx", signals: spec.trainingCount,
                         atoms: spec.ksvd.atoms, sparsity: spec.ksvd.sparsity, iterations: spec.ksvd.iterations,
                         seconds: trainSeconds, relative_error: reports.last?.updateError ?? .nan,
                         load_seconds: loadSeconds, cache: status, avx2: DenseGEMM.usesAVX2,
                         threads: Parallel.maxThreads, reports: reports)
        if json { try printJSON(out); return }
        if let status {
            print("  dictionary: \(status)")
            print(String(format: "  obtained in %.3f s; its training took %.3f s; final relative error ‖Y−DX‖_F/‖Y‖_F = %.6f",
                         loadSeconds, trainSeconds, out.relative_error))
        } else {
            print(String(format: "  training time %.3f s (data loading %.3f s), final relative error ‖Y−DX‖_F/‖Y‖_F = %.6f",
                         trainSeconds, loadSeconds, out.relative_error))
        }
    }
}

/// `problemsuite picture`: the paper's Figure 6 for a sparse-coding instance.
struct PictureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "picture",
        abstract: "Write an MNIST sparse-coding image beside reconstructions of pruned solutions (PNG or PGM).",
        discussion: """
        The solution comes from --x (a .npy file of K float64 values, e.g. a solver's output) \
        or is computed here with --solve: 'least-squares' (conjugate gradients on the normal \
        equations from zero, a dense minimum-norm-like solution) or 'omp' (Batch-OMP with nR atoms). \
        Pruning p% sets the p% smallest-magnitude components to zero.
        """)

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "A sparse-coding problem (e.g. MNISTSC0).") var name: String
    @Option(help: "Solution vector (.npy, float64, K values).") var x: String?
    @Option(help: "A results directory whose experiment kept its solutions (e.g. results/sparse-coding); take the solution of --solver, run --run.")
    var results: String?
    @Option(help: "With --results: the solver whose solution is drawn.") var solver = "prunadag-v1"
    @Option(name: .customLong("run"), parsing: .unconditional, help: "With --results: the run (non-negative).") var runIndex = 0
    @Option(help: "Compute the solution (without --x or --results).") var solve: PictureSolution = .leastSquares
    @Option(parsing: .unconditional, help: "Conjugate-gradient iterations for --solve least-squares.") var cgIterations = 300
    @Option(help: "Pruning percentages, comma-separated.") var prune = "0,20,40,60,70,80,90"
    @Option(parsing: .unconditional, help: "Pixel magnification.") var scale = 4
    @Option(help: "Output file: .png or .pgm.") var out = "figure.png"

    func percentages() throws -> [Double] {
        let parts = prune.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.map {
            guard let v = Double($0), v >= 0, v <= 100 else { throw ValidationError("--prune: '\($0)' is not a percentage in [0, 100]") }
            return v
        }
    }

    func validate() throws {
        _ = try percentages()
        guard (1...32).contains(scale) else { throw ValidationError("--scale must be in 1...32") }
        guard out.hasSuffix(".png") || out.hasSuffix(".pgm") else { throw ValidationError("--out must end in .png or .pgm") }
        guard cgIterations > 0 else { throw ValidationError("--cg-iterations must be positive") }
        guard runIndex >= 0 else { throw ValidationError("--run must be non-negative, got \(runIndex)") }
    }

    func run() throws {
        let loaded = try suite.loadProblem(name, from: suite.catalogue())
        guard let problem = loaded as? SparseCodingProblem else {
            throw CLIError("\(name) is not a sparse-coding problem")
        }
        let solution: [Double]
        let source: String
        if let x {
            solution = try NPYReader.readVector(x, count: problem.dimension)
            source = x
        } else if let results {
            let key = TaskKey(problem: problem.name, solver: solver, run: runIndex)
            let store = ResultStore(root: results)
            guard FileManager.default.fileExists(atPath: store.path(for: key)) else {
                throw CLIError("\(results): no stored result for \(key)")
            }
            let record = try store.read(store.path(for: key))
            solution = try store.solution(for: record.key, dimension: problem.dimension)
            source = "\(solver), run \(runIndex), from \(results)"
        } else if solve == .omp {
            let k = problem.dimension, n = problem.image.count
            let omp = BatchOMP(dictionary: problem.atoms, atoms: k, length: n)
            var s = [Double](repeating: 0, count: k)
            for (a, v) in omp.code(signal: problem.image, sparsity: min(problem.metadata.settings.relevantCount, n)) { s[a] = v }
            solution = s
            source = "OMP with \(problem.metadata.settings.relevantCount) atoms"
        } else {
            solution = conjugateGradientLeastSquares(problem.dictionaryOperator, problem.image, iterations: cgIterations)
            source = "least squares (\(cgIterations) CG iterations)"
        }
        let p = try percentages()
        let image = SparseCodingFigure.render(problem: problem, solution: solution, percentages: p, scale: scale)
        let bytes = out.hasSuffix(".png") ? try image.pngData() : image.pgmData()
        do { try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
            throw CLIError("\(out): cannot write: \(error.localizedDescription)")
        }
        let errors = SparseCodingFigure.relativeErrors(problem: problem, solution: solution, percentages: p)
        print("\(name): image \(problem.metadata.parameters["image"]?.description ?? "?"), solution from \(source)")
        for (q, e) in zip(p, errors) { print(String(format: "  pruned %5.1f%%   ‖y − D x̂‖/‖y‖ = %.4f", q, e)) }
        print("wrote \(out) (\(image.width)×\(image.height))")
    }
}

/// CGLS: conjugate gradients on AᵀA x = Aᵀb from x = 0.
func conjugateGradientLeastSquares(_ a: any LinearOperator, _ b: [Double], iterations: Int) -> [Double] {
    var x = [Double](repeating: 0, count: a.columnCount)
    var r = b
    var s = a.applyAdjoint(r)
    var p = s
    var gamma = DenseKernels.dot(s, s)
    for _ in 0..<iterations where gamma > 0 {
        let q = a.apply(p)
        let qq = DenseKernels.dot(q, q)
        guard qq > 0 else { break }
        let alpha = gamma / qq
        for i in x.indices { x[i] += alpha * p[i] }
        for i in r.indices { r[i] -= alpha * q[i] }
        s = a.applyAdjoint(r)
        let next = DenseKernels.dot(s, s)
        let beta = next / gamma
        gamma = next
        for i in p.indices { p[i] = s[i] + beta * p[i] }
    }
    return x
}

extension KSVDOptions.Update: ExpressibleByArgument {}

/// How `picture` computes a solution when none is given.
enum PictureSolution: String, CaseIterable, ExpressibleByArgument {
    /// Conjugate gradients on the normal equations from zero: a dense, minimum-norm-like solution.
    case leastSquares = "least-squares"
    /// Batch-OMP with nR atoms.
    case omp
}
