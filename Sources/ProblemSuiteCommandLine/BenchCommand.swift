import ArgumentParser
import Foundation
import Harness
import ProblemSuite
import Solvers

/// One benchmark kernel: a name, the sizes, the bytes it must move per call, and a
/// closure that prepares the data (untimed) and returns the timed body.
struct BenchKernel {
    var name: String
    var summary: String
    var m: Int?
    var n: Int?
    /// Bytes a call must read at the least (for GB/s of memory-bound kernels), or nil.
    var bytesPerCall: Double?
    /// The peer script and arguments measuring the same thing (under ../shared/bench/peers).
    /// `DATA/` stands for the data directory, `EXPORT:NAME` for a directory holding
    /// `problemsuite export NAME --dense` (written on first use, removed at the end).
    var peer: String?
    /// Threads the peer may use (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS),
    /// for rows timed with that many suite threads; nil: the peer's default.
    var peerThreads: Int? = nil
    var prepare: (_ suite: SuiteOptions) throws -> () -> Void
}

/// One row of `--compare --json`: the kernel beside its peer, with the alternated
/// bandwidth figures, so that a tracked history carries how each fraction was obtained.
struct BenchComparison: Encodable {
    var suite = "problemsuite"
    var kernel: String
    var m: Int?
    var n: Int?
    var median_s: Double
    var peer: String?
    /// nil when the kernel has no peer or the peer failed (`peer_failed`).
    var peer_median_s: Double?
    var peer_failed: Bool
    /// suite / peer: of the medians, or with --peer-rounds above 1 the median of the rounds' ratios.
    var ratio: Double?
    /// With --peer-rounds above 1: each round's suite median / peer median, in order.
    var round_ratios: [Double]?
    var gb_s: Double?
    var bandwidth_gb_s: Double?
    var fraction_of_bandwidth: Double?
    var rounds: Int?
    /// Median over `read_pairs` in-process pairs of (plain read of as many bytes) time /
    /// kernel time: the same fraction measured against a read that runs right beside each
    /// call, far steadier on a shared machine than one taken against bandwidth.py.
    var fraction_of_read: Double?
    var read_pairs: Int?
    var threads: Int
    /// Suite version, commit, date, machine and command, so that a kept line says where it came from.
    var provenance: Provenance
}

/// What one benchmark measured, as one JSON line (the peers' format, plus the suite's fields).
struct BenchResult: Encodable {
    var suite = "problemsuite"
    var kernel: String
    var m: Int?
    var n: Int?
    var median_s: Double
    var best_s: Double
    var runs: Int
    var bytes_per_call: Double?
    var gb_s: Double?
    var threads: Int
    var peer: String?
    var provenance: Provenance
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time the suite's kernels the way ../shared/bench/peers time the peers.",
        discussion: """
        Median and best time per call, bytes moved and GB/s. Use a release build. \
        --compare runs each kernel beside its peer script (../shared/bench/peers) and, for \
        memory-bound kernels, alternates the kernel with bandwidth.py over --rounds rounds, \
        so that the fraction of the read bandwidth compares measurements taken under the \
        same load.
        """)

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Kernels to run (default: all whose data are present; see --list); with --per-problem, problem names.") var kernels: [String] = []
    @Option(parsing: .unconditional, help: "Minimum timing time per kernel, in seconds (above 0, at most 3600).") var minTime: Double = 1
    @Flag(help: "List the kernels.") var list = false
    @Flag(help: "Time f+∇f of each family at several sizes and fit the exponent of the growth with n.") var scaling = false
    @Flag(help: "One JSON line per kernel (the peers' format); with --compare, a bandwidth line then one comparison line per kernel; with --scaling, one line per family.")
    var json = false
    @Flag(help: "Run each kernel's peer script right after it and print the ratio table (suite / peer) and the fraction of the measured read bandwidth.")
    var compare = false
    @Option(help: "Directory of the peer scripts (default: ../shared/bench/peers beside the repository).")
    var peers: String?
    @Option(parsing: .unconditional, help: "With --compare: rounds of bandwidth.py alternated with each memory-bound kernel (the fraction reported is the median over rounds; 1 to 100).")
    var rounds: Int = 5
    @Option(parsing: .unconditional, help: "With --compare: pairs of (kernel call, plain read of as many bytes) alternated in random order for the 'of read' column (1 to 10001).")
    var readPairs: Int = 61
    @Option(parsing: .unconditional, help: "With --compare: rounds of (suite timing, peer run) alternated for each kernel that has a peer and is not memory-bound (the solve rows); the ratio reported is the median of the rounds' ratios, steadier on a shared machine than one pair (1 to 100; default 1).")
    var peerRounds: Int = 1
    @Flag(help: "Per-problem table: for each problem given as an argument (default: A1-A6, SPARCO 3/5/7/9/11, MNISTSC0 and the classification problems present), the cache-resident yardsticks of its data, its f+∇f and the time per iteration of every registered solver, with one thread and with the default threads. --min-time applies to each cell; 0.2 keeps the whole table near ten minutes.")
    var perProblem = false
    @Option(parsing: .unconditional, help: "With --per-problem: kmax of the timed solves (1 to 100000; default 1000, the paper's).")
    var iterations: Int = PerProblemBench.defaultIterations

    /// Upper bounds of the options that drive timing loops, so that a typo (or `inf`)
    /// cannot make the benchmark run forever: --min-time an hour per kernel, --rounds 100
    /// (each runs bandwidth.py once), --read-pairs 10001 (the default is 61).
    static let limits = (minTime: 3600.0, rounds: 100, readPairs: 10_001)

    func validate() throws {
        guard minTime > 0, minTime <= BenchCommand.limits.minTime else {
            throw ValidationError("--min-time must be above 0 and at most \(Int(BenchCommand.limits.minTime)) seconds, got \(minTime)")
        }
        guard (1...BenchCommand.limits.rounds).contains(rounds) else {
            throw ValidationError("--rounds must be between 1 and \(BenchCommand.limits.rounds), got \(rounds)")
        }
        guard (1...BenchCommand.limits.readPairs).contains(readPairs) else {
            throw ValidationError("--read-pairs must be between 1 and \(BenchCommand.limits.readPairs), got \(readPairs)")
        }
        guard (1...BenchCommand.limits.rounds).contains(peerRounds) else {
            throw ValidationError("--peer-rounds must be between 1 and \(BenchCommand.limits.rounds), got \(peerRounds)")
        }
        guard PerProblemBench.iterationRange.contains(iterations) else {
            throw ValidationError("--iterations must be between \(PerProblemBench.iterationRange.lowerBound) and \(PerProblemBench.iterationRange.upperBound), got \(iterations)")
        }
        if perProblem {
            guard !compare && !scaling && !list else { throw ValidationError("--per-problem cannot be combined with --compare, --scaling or --list") }
            return  // the arguments are problem names, checked when loaded (with suggestions)
        }
        let known = BenchKernels.all.map(\.name)
        for k in kernels where !known.contains(k) {
            let close = NameSuggestion.closest(to: k, among: known)
            throw ValidationError("unknown kernel '\(k)'" + (close.isEmpty ? "" : "; did you mean '\(close[0])'?") + " (see --list)")
        }
    }

    func run() throws {
        if list {
            print(table(["kernel", "what", "peer"], BenchKernels.all.map { [$0.name, $0.summary, $0.peer ?? "-"] }))
            return
        }
        if perProblem {
            try PerProblemBench.run(kernels, suite: suite, iterations: iterations, minTime: minTime, json: json, provenance: provenance)
            return
        }
        if scaling {
            let measured = BenchScaling.run(minTime: minTime, provenance: provenance)
            if json {
                for m in measured { try printJSON(m, oneLine: true) }
            } else {
                print(table(["family", "sizes", "n: time per f+∇f", "fitted exponent"], measured.map(\.row)))
            }
            return
        }
        let chosen = kernels.isEmpty ? BenchKernels.all : BenchKernels.all.filter { kernels.contains($0.name) }
        if compare { try runComparison(chosen); return }
        var rows: [[String]] = []
        for k in chosen {
            let body: () -> Void
            do { body = try k.prepare(suite) } catch {
                if kernels.isEmpty { FileHandle.standardError.write(Data("skipping \(k.name): \(error)\n".utf8)); continue }
                throw error
            }
            let (median, best, runs) = timeBench(minTime, body)
            let r = BenchResult(kernel: k.name, m: k.m, n: k.n, median_s: median, best_s: best, runs: runs,
                                bytes_per_call: k.bytesPerCall, gb_s: k.bytesPerCall.map { $0 / median / 1e9 },
                                threads: Parallel.maxThreads, peer: k.peer, provenance: provenance)
            if json {
                try printJSON(r, oneLine: true)
            } else {
                rows.append([k.name, formatSeconds(median), formatSeconds(best), String(runs), r.gb_s.map { String(format: "%.2f", $0) } ?? "-"])
            }
        }
        if !json { print(table(["kernel", "median", "best", "runs", "GB/s"], rows)) }
    }
}

extension BenchCommand {
    /// Where the JSON lines come from (suite version, commit, date, machine, this command).
    var provenance: Provenance { Provenance.current(command: CommandLine.arguments.joined(separator: " ")) }

    var peerDirectory: String { peers ?? SuitePaths.sharedDirectory + "/bench/peers" }

    /// Runs `python3 SCRIPT ARGS` in the peer directory and returns its JSON line.
    ///
    /// `DATA/` in the arguments stands for the data directory, made absolute first: the
    /// script runs in the peer directory, where a relative `--data-dir` means nothing.
    /// The script's error output goes to ours.
    func runPeer(_ command: String, threads: Int? = nil, exports: PeerExports? = nil) throws -> [String: Any] {
        let data = URL(fileURLWithPath: suite.dataDirectory).standardizedFileURL.path
        let args = try command.split(separator: " ").map { word -> String in
            if word.hasPrefix("EXPORT:") {
                guard let exports else { throw PeerFailure(message: "`\(command)` needs an exported problem, and no export directory is set") }
                return try exports.directory(for: String(word.dropFirst("EXPORT:".count)), suite: suite)
            }
            return word.replacingOccurrences(of: "DATA/", with: data + "/")
        }
        let p = Process()
        if let threads {
            var env = ProcessInfo.processInfo.environment
            for key in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { env[key] = String(threads) }
            p.environment = env
        }
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: peerDirectory)
        let out = Pipe()
        p.standardOutput = out
        let described = "`python3 \(args.joined(separator: " "))` in \(peerDirectory)"
        do { try p.run() } catch { throw PeerFailure(message: "could not start \(described): \(error)") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw PeerFailure(message: "\(described) exited with status \(p.terminationStatus) (its error output is above)")
        }
        guard let line = String(decoding: output, as: UTF8.self).split(separator: "\n").last,
              let json = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            throw PeerFailure(message: "\(described) printed no JSON line")
        }
        return json
    }

    /// The median read bandwidth (GB/s) of one run of bandwidth.py, and its best.
    func readBandwidth() throws -> (median: Double, best: Double) {
        let result = try runPeer("bandwidth.py")
        guard let median = result["median_gb_s"] as? Double, let best = result["best_gb_s"] as? Double else {
            throw CLIError("bandwidth.py in \(peerDirectory) printed no median_gb_s and best_gb_s")
        }
        return (median, best)
    }

    /// Suite and peer side by side, kernel by kernel, then the table.
    ///
    /// The read bandwidth of a shared machine drifts by tens of percent within minutes, so
    /// a memory-bound kernel is not compared with one bandwidth figure taken earlier: its
    /// timing is split into `rounds` rounds, each right after a run of bandwidth.py, and
    /// the fraction reported is the median of the per-round fractions.
    func runComparison(_ chosen: [BenchKernel]) throws {
        let bandwidth = try readBandwidth()
        if json {
            struct BandwidthLine: Encodable {
                var kernel = "read-bandwidth", peer = "bandwidth.py"
                var median_gb_s: Double, best_gb_s: Double, threads: Int, provenance: Provenance
            }
            let line = BandwidthLine(median_gb_s: bandwidth.median, best_gb_s: bandwidth.best, threads: Parallel.maxThreads,
                                     provenance: provenance)
            try printJSON(line, oneLine: true)
        } else {
            print(String(format: "read bandwidth (bandwidth.py): %.2f GB/s median, %.2f GB/s best; suite threads: %d",
                         bandwidth.median, bandwidth.best, Parallel.maxThreads))
        }
        var rows: [[String]] = [], failures: [String] = []
        var reads = PlainReads()
        let exports = PeerExports()
        for k in chosen {
            let body: () -> Void
            do { body = try k.prepare(suite) } catch {
                FileHandle.standardError.write(Data("skipping \(k.name): \(error)\n".utf8))
                continue
            }
            var median: Double
            let fraction: Double?, roundBandwidth: Double?, ofRead: Double?
            // --peer-rounds: a row that is not memory-bound is timed in rounds, each beside a run of its peer.
            let alternate = peerRounds > 1 && k.peer != nil && k.bytesPerCall == nil
            var suiteTimes: [Double] = []
            if let bytes = k.bytesPerCall {
                var medians: [Double] = [], fractions: [Double] = [], bandwidths: [Double] = []
                for _ in 0..<rounds {
                    let bw = try readBandwidth().median
                    let (m, _, _) = timeBench(minTime / Double(rounds), body)
                    medians.append(m)
                    bandwidths.append(bw)
                    fractions.append(bytes / m / 1e9 / bw)
                }
                median = medianOf(medians)
                fraction = medianOf(fractions)
                roundBandwidth = medianOf(bandwidths)
                ofRead = reads.fraction(of: body, bytes: bytes, pairs: readPairs)
            } else {
                median = alternate ? .nan : timeBench(minTime, body).0  // alternated: the rounds' median, below
                fraction = nil
                roundBandwidth = nil
                ofRead = nil
            }
            var peerMedian: Double?, peerCell = "-", peerFailed = false
            var ratio: Double?, roundRatios: [Double]?
            if let peer = k.peer {
                // A failing peer costs its cell, not the rows already measured.
                do {
                    var peerTimes: [Double] = []
                    for _ in 0..<(alternate ? peerRounds : 1) {
                        if alternate { suiteTimes.append(timeBench(minTime / Double(peerRounds), body).0) }
                        let result = try runPeer(peer, threads: k.peerThreads, exports: exports)
                        guard let t = (result["median_s"] as? Double) ?? (result["seconds"] as? Double) else { peerTimes = []; break }
                        peerTimes.append(t)
                    }
                    if !peerTimes.isEmpty {
                        peerMedian = medianOf(peerTimes)
                        if alternate {
                            roundRatios = zip(suiteTimes, peerTimes).map { $0 / $1 }
                            ratio = medianOf(roundRatios!)
                        } else {
                            ratio = median / peerMedian!
                        }
                    }
                    peerCell = peerMedian.map(formatSeconds) ?? "no time"
                } catch {
                    failures.append("\(k.name): \(error)")
                    peerFailed = true
                    peerCell = "failed"
                }
            }
            // Every round times the suite before its peer runs, so there is one at least.
            if alternate { median = medianOf(suiteTimes) }
            let gbs = k.bytesPerCall.map { $0 / median / 1e9 }
            // Progress on the error stream, so that an interrupted comparison keeps what it measured.
            FileHandle.standardError.write(Data(("\(k.name): suite \(formatSeconds(median)), peer \(peerCell)"
                + (fraction.map { String(format: ", %.0f%% of the read bandwidth", 100 * $0) } ?? "")
                + (ofRead.map { String(format: ", %.0f%% of a plain read", 100 * $0) } ?? "") + "\n").utf8))
            if json {
                let row = BenchComparison(kernel: k.name, m: k.m, n: k.n, median_s: median, peer: k.peer, peer_median_s: peerMedian,
                                          peer_failed: peerFailed, ratio: ratio, round_ratios: roundRatios, gb_s: gbs,
                                          bandwidth_gb_s: roundBandwidth, fraction_of_bandwidth: fraction,
                                          rounds: k.bytesPerCall == nil ? nil : rounds,
                                          fraction_of_read: ofRead, read_pairs: ofRead == nil ? nil : readPairs, threads: Parallel.maxThreads,
                                          provenance: provenance)
                try printJSON(row, oneLine: true)
            }
            rows.append([k.name, formatSeconds(median), peerCell,
                         ratio.map { String(format: "%.2f", $0) } ?? "-",
                         gbs.map { String(format: "%.2f", $0) } ?? "-",
                         roundBandwidth.map { String(format: "%.2f", $0) } ?? "-",
                         fraction.map { String(format: "%.0f%%", 100 * $0) } ?? "-",
                         ofRead.map { String(format: "%.0f%%", 100 * $0) } ?? "-",
                         k.peer ?? "-"])
        }
        if !json { printComparisonTable(rows, chosen) }
        if !failures.isEmpty {
            FileHandle.standardError.write(Data(("peer scripts that failed:\n" + failures.map { "  \($0)\n" }.joined()).utf8))
            throw ExitCode.failure
        }
    }

    func printComparisonTable(_ rows: [[String]], _ chosen: [BenchKernel]) {
        print(table(["kernel", "suite", "peer", "suite/peer", "GB/s", "bandwidth", "of bandwidth", "of read", "peer script"], rows))
        if peerRounds > 1 && chosen.contains(where: { $0.peer != nil && $0.bytesPerCall == nil }) {
            print("suite/peer of the rows that are not memory-bound: median over \(peerRounds) alternated rounds of (suite median / peer median); suite and peer: the medians of the rounds' medians.")
        }
        if chosen.contains(where: { $0.bytesPerCall != nil }) {
            print("GB/s: bytes the kernel must read per call / its median time; bandwidth: median of the bandwidth.py runs alternated with it; of bandwidth: median over \(rounds) rounds of (kernel GB/s / that round's bandwidth); of read: median over \(readPairs) in-process pairs, in random order, of (time of a plain read of as many bytes / time of the kernel).")
        }
    }
}

/// A peer script that could not be run or printed no result.
struct PeerFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The median of a non-empty list.
func medianOf(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}

/// Median and best of repeated calls lasting at least `minTime` in all (one warm-up call).
func timeBench(_ minTime: Double, _ body: () -> Void) -> (Double, Double, Int) {
    body()
    var samples: [Double] = []
    let start = monotonicSeconds()
    repeat {
        let t = monotonicSeconds()
        body()
        samples.append(monotonicSeconds() - t)
    } while (monotonicSeconds() - start < minTime || samples.count < 3) && samples.count < 1_000_000
    samples.sort()
    return (samples[samples.count / 2], samples[0], samples.count)
}

/// The kernels `bench` knows.
enum BenchKernels {
    static var all: [BenchKernel] {
        [denseLeastSquares(1024, 4096), denseLeastSquares(4096, 8192), denseLeastSquares(4096, 8192, valueOnly: true),
         denseRead(4096, 8192), denseReread(4096, 8192), partialDCT(2000, 8192)]
            + solveKernels + extraKernels
    }

    /// Kernels contributed by other families' files (data loading, logistic, K-SVD).
    static var extraKernels: [BenchKernel] { dataKernels + sparseCodingKernels }

    /// The data of the dense least-squares kernels and of their yardsticks: a Gaussian m×n
    /// A (scaled by 1/√m, huge-page advised), b and x, from one seeded stream.
    static func denseLeastSquaresData(_ m: Int, _ n: Int) -> (a: [Double], b: [Double], x: [Double]) {
        var rng = SuiteRandom(seed: 0, stream: "bench/ls")
        let a = rng.normals(m * n, scale: 1 / Double(m).squareRoot())
        let b = rng.normals(m)
        return (a, b, rng.normals(n))
    }

    /// f+∇f (or, with `valueOnly`, f alone) of ½‖Ax−b‖² with a dense Gaussian m×n A.
    static func denseLeastSquares(_ m: Int, _ n: Int, valueOnly: Bool = false) -> BenchKernel {
        BenchKernel(name: "ls-dense-\(valueOnly ? "f" : "fg")-\(m)x\(n)",
                    summary: valueOnly ? "f alone of ½‖Ax−b‖², dense Gaussian A (dot products four rows at a time, one read of A)"
                                       : "f+∇f of ½‖Ax−b‖², dense Gaussian A (fused, one pass over A)",
                    m: m, n: n, bytesPerCall: Double(8 * m * n), peer: valueOnly ? nil : "ls_gradient.py \(m) \(n)") { _ in
            let (a, b, x) = denseLeastSquaresData(m, n)
            let meta = ProblemMetadata(name: "bench", family: "bench", dimension: n, rows: m, classification: "", seed: 0)
            let problem = LeastSquaresProblem(operator: DenseOperator(DenseMatrix(rows: m, columns: n, storage: a)), rhs: b, metadata: meta)
            if valueOnly { return { _ = problem.value(at: x) } }
            var g = [Double](repeating: 0, count: n)
            return { _ = problem.valueAndGradient(at: x, into: &g) }
        }
    }

    static func partialDCT(_ m: Int, _ n: Int) -> BenchKernel {
        BenchKernel(name: "partial-dct-fg-\(m)x\(n)", summary: "f+∇f with m random rows of the orthonormal DCT-II (SPARCO12)",
                    m: m, n: n, bytesPerCall: nil, peer: "dct_gradient.py \(m) \(n)") { _ in
            var rng = SuiteRandom(seed: 0, stream: "bench/dct")
            let op = ComposedOperator(RowRestriction(rows: rng.sortedSample(m, from: n), of: n), DCTOperator(length: n))
            let meta = ProblemMetadata(name: "bench", family: "bench", dimension: n, rows: m, classification: "", seed: 0)
            let problem = LeastSquaresProblem(operator: op, rhs: rng.normals(m), metadata: meta)
            let x = rng.normals(n)
            var g = [Double](repeating: 0, count: n)
            return { _ = problem.valueAndGradient(at: x, into: &g) }
        }
    }
}
