import Foundation
import Harness
import ProblemSuite

/// How the cost of one f+∇f grows with n, family by family: a few sizes, and the
/// exponent of a least-squares fit of log(time) against log(n).
enum BenchScaling {
    struct Family {
        var name: String
        /// What grows with n.
        var sizes: String
        var ns: [Int]
        /// The timed f+∇f at size n, prepared untimed.
        var make: (Int) -> () -> Void
    }

    static func leastSquares(_ name: String, _ sizes: String, _ ns: [Int], _ op: @escaping (Int, inout SuiteRandom) -> any LinearOperator) -> Family {
        Family(name: name, sizes: sizes, ns: ns) { n in
            var rng = SuiteRandom(seed: 0, stream: "bench/scaling/\(name)")
            let a = op(n, &rng)
            let meta = ProblemMetadata(name: name, family: "bench", dimension: a.columnCount, rows: a.rowCount, classification: "", seed: 0)
            let p = LeastSquaresProblem(operator: a, rhs: rng.normals(a.rowCount), metadata: meta)
            let x = rng.normals(a.columnCount)
            var g = [Double](repeating: 0, count: a.columnCount)
            return { _ = p.valueAndGradient(at: x, into: &g) }
        }
    }

    static var families: [Family] {
        [
            leastSquares("random-ls dense (A1)", "m = n/4", [512, 1024, 2048, 4096, 8192]) { n, rng in
                DenseOperator(DenseMatrix(rows: n / 4, columns: n, storage: rng.normals(n * n / 4)))
            },
            leastSquares("partial DCT (A6, SPARCO12)", "m = n/4", [1024, 4096, 16384, 65536, 262144]) { n, rng in
                ComposedOperator(RowRestriction(rows: rng.sortedSample(n / 4, from: n), of: n), DCTOperator(length: n))
            },
            leastSquares("Haar synthesis (SPARCO2)", "m = n", [1024, 4096, 16384, 65536, 262144]) { n, _ in
                HaarWaveletOperator(length: n)
            },
            leastSquares("Heaviside (SPARCO9, 10)", "m = n", [1024, 4096, 16384, 65536, 262144]) { n, _ in
                HeavisideOperator(length: n, normalized: true)
            },
            Family(name: "logistic dense (classification)", sizes: "N = n samples, d = n/2 features", ns: [512, 1024, 2048, 4096]) { n in
                var rng = SuiteRandom(seed: 0, stream: "bench/scaling/logistic")
                let d = n / 2
                var storage = LargeStorage.zeros(n * d)
                for i in storage.indices { storage[i] = rng.nextUniform() }
                let meta = ProblemMetadata(name: "logistic", family: "bench", dimension: d, rows: n, classification: "", seed: 0)
                let p = LogisticRegressionProblem(features: .dense(DenseMatrix(rows: n, columns: d, storage: storage)),
                                                  labels: (0..<n).map { _ in rng.nextSign() }, metadata: meta)
                let x = rng.normals(d, scale: 0.01)
                var g = [Double](repeating: 0, count: d)
                return { _ = p.valueAndGradient(at: x, into: &g) }
            },
        ]
    }

    /// Slope of the least-squares line through (log n, log t).
    static func exponent(_ ns: [Int], _ times: [Double]) -> Double {
        let xs = ns.map { log(Double($0)) }, ys = times.map { log($0) }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx) }
        return sxy / sxx
    }

    /// One family's measurements: a table row, or a JSON line with `--json`.
    struct Measurement: Encodable {
        var family: String
        var sizes: String
        var n: [Int]
        var median_s: [Double]
        /// Fitted exponent of time against n (log–log least squares).
        var exponent: Double
        var threads: Int
        var provenance: Provenance

        var row: [String] {
            [family, sizes, zip(n, median_s).map { "\($0): \(formatSeconds($1))" }.joined(separator: ", "), String(format: "%.2f", exponent)]
        }
    }

    /// Times every family at its sizes (median per call over at least `minTime` each).
    static func run(minTime: Double, provenance: Provenance) -> [Measurement] {
        families.map { f in
            let times = f.ns.map { n in timeBench(minTime, f.make(n)).0 }
            return Measurement(family: f.name, sizes: f.sizes, n: f.ns, median_s: times, exponent: exponent(f.ns, times),
                               threads: Parallel.maxThreads, provenance: provenance)
        }
    }
}
