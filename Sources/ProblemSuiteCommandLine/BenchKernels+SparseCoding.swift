import Foundation
import ProblemSuite

/// Benchmark kernels of the sparse-coding family: batch OMP and K-SVD on MNIST.
extension BenchKernels {
    static var sparseCodingKernels: [BenchKernel] { [ompMNIST(), ksvdMNIST()] }

    static func mnistSignals(_ suite: SuiteOptions, _ count: Int) throws -> MNISTImages {
        let path = suite.dataDirectory + "/mnist/train-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ProblemSuiteError.missingData(problem: "mnist", file: path, hint: "Set --data-dir or PROBLEMSUITE_DATA.")
        }
        return try MNISTImages(path: path, limit: count)
    }

    static func ompMNIST() -> BenchKernel {
        BenchKernel(name: "omp-mnist", summary: "batch OMP (T = 10) of 5000 MNIST images over 1000 atoms (Gram and Dᵀ·Y included)",
                    m: 5000, n: 784, bytesPerCall: nil, peer: nil) { suite in
            let images = try mnistSignals(suite, 6000)
            let n = images.length
            // Atoms: images 5000..<6000, normalised (the usual K-SVD initialisation).
            var atoms = Array(images.signals[(5000 * n)..<(6000 * n)])
            for k in 0..<1000 {
                let row = atoms[(k * n)..<((k + 1) * n)]
                let norm = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
                for i in (k * n)..<((k + 1) * n) { atoms[i] /= norm }
            }
            let signals = Array(images.signals[0..<(5000 * n)])
            return {
                let omp = BatchOMP(dictionary: atoms, atoms: 1000, length: n)
                _ = signals.withUnsafeBufferPointer { omp.code(signals: $0.baseAddress!, count: 5000, sparsity: 10) }
            }
        }
    }

    static func ksvdMNIST() -> BenchKernel {
        BenchKernel(name: "ksvd-mnist", summary: "approximate K-SVD: 5000 MNIST images, 1000 atoms, T = 10, 10 iterations",
                    m: 5000, n: 784, bytesPerCall: nil,
                    peer: "ksvd.py DATA/mnist/train-images-idx3-ubyte.gz 5000 1000 10 10") { suite in
            let images = try mnistSignals(suite, 5000)
            let options = KSVDOptions(atoms: 1000, sparsity: 10, iterations: 10, update: .approximate)
            return { _ = try? KSVD.train(signals: images.signals, count: 5000, length: images.length, options: options) }
        }
    }
}
