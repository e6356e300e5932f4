/// The sparse-coding step of dictionary learning on MNIST (`spec/problems.md` §3, paper §3.3).
///
/// f(x) = ½‖y − D·x‖², x ∈ R^K, where y is one held-out MNIST image (a t10k image, scaled
/// to [0, 1], never in the training subset) and D ∈ R^{784×K} is a dictionary with
/// unit-norm columns learned by the suite's K-SVD (``KSVD``) from the first
/// `training_count` MNIST training images.
///
/// Keys (defaults **[reconstruction]**, from the spec): `image` (index in the test file,
/// required), `atoms` 1000, `sparsity` 10 (OMP during training), `iterations` 10,
/// `update` "approximate" (KSVD-Box's default) or "exact", `training_count` 5000,
/// `dictionary_seed` 1, `training_file` "mnist/train-images-idx3-ubyte.gz", `test_file`
/// "mnist/t10k-images-idx3-ubyte.gz" (paths relative to the data directory), `seed` (of
/// the starting points). The dictionary is trained once and cached (`DictionaryCache`)
/// keyed by all its parameters and the training data's checksum; `problemsuite ksvd
/// --problem NAME` builds it ahead of time and shows how long that takes.
///
/// Bounds (checked in ``entry(for:)``, before any training): `training_count` at most
/// 60000 (MNIST's training set) and at least `atoms`, `sparsity` at most
/// min(atoms, 784), `iterations` at most ``maxIterations``, and the settings' nR at most
/// `atoms` (the number of unknowns).
public enum SparseCodingFamily: ProblemFamily {
    public static let identifier = "mnist-sparse-coding"
    public static let summary = "Sparse coding of an MNIST image over a K-SVD dictionary (784×1000 by default)"
    public static let instanceKeys = ["image", "atoms", "sparsity", "iterations", "update", "training_count",
                                      "dictionary_seed", "training_file", "test_file", "seed"]

    public static let defaultTestFile = "mnist/t10k-images-idx3-ubyte.gz"

    /// Largest number of K-SVD iterations: 1000. The spec uses 10; one iteration over 5000
    /// images with 1000 atoms takes seconds to minutes, so 1000 is already days of work
    /// and a larger value is a mistake, not a budget.
    public static let maxIterations = 1000

    /// Validated parameters of one instance.
    package struct Parameters: Sendable {
        public var image: Int
        public var testFile: String
        public var dictionary: DictionarySpec
        public var seed: UInt64
    }

    package static func parameters(_ t: ParameterTable) throws -> Parameters {
        try t.rejectUnknownKeys(allowed: instanceKeys)
        let image = try t.int("image")
        guard image >= 0 else { throw t.invalid("image", "must be a non-negative image index") }
        let atoms = try t.size("atoms", default: 1000)
        let sparsity = try t.size("sparsity", default: 10)
        guard sparsity <= min(atoms, 784) else { throw t.invalid("sparsity", "must be at most the number of atoms (\(atoms))") }
        let iterations = try t.size("iterations", default: 10, limit: maxIterations)
        let updateName = try t.string("update", default: "approximate")
        guard let update = KSVDOptions.Update(rawValue: updateName) else {
            throw t.invalid("update", "unknown update (known: exact, approximate)")
        }
        let count = try t.size("training_count", default: 5000)
        guard count >= atoms else { throw t.invalid("training_count", "must be at least atoms = \(atoms)") }
        guard count <= 60000 else { throw t.invalid("training_count", "MNIST has 60000 training images") }
        let options = KSVDOptions(atoms: atoms, sparsity: sparsity, iterations: iterations, update: update,
                                  seed: try t.seed("dictionary_seed", default: 1))
        let spec = DictionarySpec(trainingFile: try t.string("training_file", default: DictionarySpec.defaultTrainingFile),
                                  trainingCount: count, ksvd: options)
        return Parameters(image: image, testFile: try t.string("test_file", default: defaultTestFile),
                          dictionary: spec, seed: try t.seed(default: 1))
    }

    public static func entry(for d: InstanceDeclaration) throws -> ProblemEntry {
        let p = try parameters(d.parameters)
        try d.checkRelevantCount(dimension: p.dictionary.ksvd.atoms)
        var values = d.parameters.values
        let o = p.dictionary.ksvd
        values["image"] = .int(p.image)
        values["atoms"] = .int(o.atoms); values["sparsity"] = .int(o.sparsity); values["iterations"] = .int(o.iterations)
        values["update"] = .string(o.update.rawValue); values["training_count"] = .int(p.dictionary.trainingCount)
        values["training_file"] = .string(p.dictionary.trainingFile); values["test_file"] = .string(p.testFile)
        let metadata = ProblemMetadata(
            name: d.name, aliases: d.aliases, family: identifier, dimension: o.atoms, rows: 784,
            classification: ProblemMetadata.classify(objective: "S", origin: "R", dimension: o.atoms),
            seed: p.seed, parameters: values, settings: d.settings, optimalValue: nil,
            summary: "½‖y−Dx‖², y = MNIST test image \(p.image), D 784×\(o.atoms) by K-SVD (T = \(o.sparsity), \(o.iterations) it., \(p.dictionary.trainingCount) images)")
        return ProblemEntry(metadata: metadata, sourceFile: d.file,
                            requiredFiles: [p.dictionary.trainingFile, p.testFile]) { context in
            try load(p, metadata: metadata, file: d.file, context: context)
        }
    }

    /// Loads the dictionary (cached or trained) and the test image, and builds the problem.
    package static func load(_ p: Parameters, metadata: ProblemMetadata, file: String, context: LoadContext) throws -> SparseCodingProblem {
        guard let dataDirectory = context.dataDirectory else {
            throw ProblemSuiteError.missingData(problem: metadata.name, file: p.testFile,
                                                hint: "No data directory; set --data-dir or PROBLEMSUITE_DATA.")
        }
        let testPath = dataDirectory + "/" + p.testFile
        let images = try MNISTImages(path: testPath)
        guard p.image < images.count else {
            throw ProblemSuiteError.invalidParameter(file: file, context: "instance \"\(metadata.name)\"", key: "image",
                                                     value: String(p.image), reason: "\(p.testFile) holds \(images.count) images")
        }
        guard images.length == 784 else {
            throw ProblemSuiteError.dataMismatch(file: testPath, reason: "images have \(images.length) pixels, expected 784")
        }
        let loaded = try DictionaryCache.dictionary(p.dictionary, dataDirectory: dataDirectory, cacheDirectory: context.cacheDirectory)
        guard loaded.header.length == images.length else {
            throw ProblemSuiteError.dataMismatch(file: testPath, reason: "images have \(images.length) pixels, the dictionary's atoms \(loaded.header.length)")
        }
        return SparseCodingProblem(atoms: loaded.dictionary, count: loaded.header.atoms, length: loaded.header.length,
                                   image: images.image(p.image), metadata: metadata)
    }
}

/// f(x) = ½‖y − D·x‖² with D given by its atoms (stored as D's columns), a
/// ``LeastSquaresProblem`` over the dense 784×K matrix D with its fused kernel.
public final class SparseCodingProblem: SmoothProblem {
    public let metadata: ProblemMetadata
    public var evaluations: EvaluationCounter { inner.evaluations }
    public var gradientPassComputesValue: Bool { inner.gradientPassComputesValue }
    /// The image y (length n).
    public let image: [Double]
    /// The atoms, K×n row-major (atom k is column k of D).
    public let atoms: [Double]
    let inner: LeastSquaresProblem

    public init(atoms: [Double], count: Int, length: Int, image: [Double], metadata: ProblemMetadata) {
        precondition(atoms.count == count * length && image.count == length)
        self.atoms = atoms
        self.image = image
        self.metadata = metadata
        var d = DenseMatrix(rows: length, columns: count)
        for k in 0..<count { for r in 0..<length { d.storage[r * count + k] = atoms[k * length + r] } }
        inner = LeastSquaresProblem(operator: DenseOperator(d), rhs: image, metadata: metadata)
    }

    /// D as a dense operator (n×K).
    public var dictionaryOperator: any LinearOperator { inner.operator_ }

    /// D·x, the reconstruction of a coefficient vector.
    public func reconstruction(_ x: [Double]) -> [Double] { inner.operator_.apply(x) }

    public func computeValue(_ x: UnsafeBufferPointer<Double>) -> Double { inner.computeValue(x) }
    public func computeValueAndGradient(_ x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        inner.computeValueAndGradient(x, into: gradient)
    }
}
