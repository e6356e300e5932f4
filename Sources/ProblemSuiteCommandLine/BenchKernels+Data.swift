import Foundation
import ProblemSuite

/// Benchmark kernels of the classification family: logistic f+∇f and LIBSVM loading.
extension BenchKernels {
    static var dataKernels: [BenchKernel] {
        [logisticDense(4200, 5000), logisticSparseA9A()]
            + [("a9a", 123), ("w8a", 300), ("reged0", 999)].map { libsvmLoad($0.0, $0.1) }
    }

    static func logisticDense(_ rows: Int, _ cols: Int) -> BenchKernel {
        BenchKernel(name: "logistic-dense-fg-\(rows)x\(cols)", summary: "f+∇f of the averaged logistic loss, dense uniform features (GISETTE's size)",
                    m: rows, n: cols, bytesPerCall: Double(8 * rows * cols), peer: "logistic.py \(rows) \(cols)") { _ in
            var rng = SuiteRandom(seed: 0, stream: "bench/logistic")
            var storage = LargeStorage.zeros(rows * cols)  // huge-page advised, as the classification family stores its matrices
            for i in storage.indices { storage[i] = rng.nextUniform() }
            let labels = (0..<rows).map { _ in rng.nextSign() }
            let meta = ProblemMetadata(name: "bench", family: "bench", dimension: cols, rows: rows, classification: "", seed: 0)
            let problem = LogisticRegressionProblem(features: .dense(DenseMatrix(rows: rows, columns: cols, storage: storage)),
                                                    labels: labels, metadata: meta)
            let x = rng.normals(cols, scale: 0.01)
            var g = [Double](repeating: 0, count: cols)
            return { _ = problem.valueAndGradient(at: x, into: &g) }
        }
    }

    static func logisticSparseA9A() -> BenchKernel {
        BenchKernel(name: "logistic-sparse-fg-a9a", summary: "f+∇f of the averaged logistic loss on all of a9a (CSR, 32561×123)",
                    m: 32561, n: 123, bytesPerCall: nil, peer: nil) { suite in
            let data = try LIBSVMParser.parse(path: suite.dataDirectory + "/a9a.gz", featureCount: 123, storage: "csr")
            let meta = ProblemMetadata(name: "bench", family: "bench", dimension: 123, rows: data.features.rowCount, classification: "", seed: 0)
            let problem = LogisticRegressionProblem(features: data.features, labels: data.labels, metadata: meta)
            var rng = SuiteRandom(seed: 0, stream: "bench/logistic-a9a")
            let x = rng.normals(123, scale: 0.01)
            var g = [Double](repeating: 0, count: 123)
            return { _ = problem.valueAndGradient(at: x, into: &g) }
        }
    }

    static func libsvmLoad(_ name: String, _ features: Int) -> BenchKernel {
        BenchKernel(name: "libsvm-load-\(name)", summary: "parse the gzipped LIBSVM file \(name).gz (streamed through zlib)",
                    m: nil, n: features, bytesPerCall: nil, peer: "libsvm_load.py DATA/\(name).gz \(features)") { suite in
            let path = suite.dataDirectory + "/\(name).gz"
            guard FileManager.default.fileExists(atPath: path) else {
                throw ProblemSuiteError.missingData(problem: name, file: path, hint: "Set --data-dir or PROBLEMSUITE_DATA.")
            }
            return { _ = try? LIBSVMParser.parse(path: path, featureCount: features) }
        }
    }
}
