/// Binary classification with the averaged logistic loss on real data sets
/// (`spec/problems.md` §4, paper §3.4): GISETTE, A9A, REGED0, MOLECULE, MNIST even vs
/// odd, and W8A as an extra.
///
/// Protocol, in this order (every random draw under the instance's `seed`):
/// 1. Read the data file(s) from the data directory: LIBSVM (`source = "libsvm"`),
///    dense text plus a labels file (`"dense-text"`, the UCI GISETTE layout), or MNIST
///    IDX images plus labels (`"mnist"`; digits in `positive_digits`, by default the
///    even ones, are +1, the rest −1). Two-class label codings are mapped to ±1.
/// 2. If `samples` is set, keep that many rows drawn uniformly without replacement
///    (stream `subsample`); the paper uses 1000 for MNIST and A9A.
/// 3. Split 70:30 (`train_fraction`) by a random permutation (stream `split`):
///    round(fraction·N) training rows, the rest held out.
/// 4. Min-max normalise every feature with minima and maxima fitted on the training
///    rows only (`MinMaxScaler`), unless `normalize = "none"`.
/// 5. Optionally append a bias column of ones (`bias = true`; default false, as the
///    paper's (3.4) has no bias).
/// The problem is f(x) = (1/N) Σ log(1 + exp(−yᵢ aᵢᵀx)) over the training rows
/// (`loss = "sigmoid"` for the sigmoid loss); the held-out rows give the test accuracy.
///
/// Declared sizes (`rows`, `features`) let the catalogue describe an instance without
/// reading its data; loading checks them against the file. Both must be at most
/// `SizeLimits/maxDimension`; for the always-dense sources (`dense-text`, `mnist`)
/// rows·features must be at most `SizeLimits/maxDenseEntries`; the settings' nR must not
/// exceed the number of unknowns. A data file with more rows than declared is an error
/// as soon as the extra row is read (no unbounded reading).
public enum ClassificationFamily: ProblemFamily {
    public static let identifier = "classification"
    public static let summary = "Binary classification, averaged logistic (or sigmoid) loss on real data: GISETTE, A9A, REGED0, MOLECULE, MNIST even/odd, W8A"
    public static let instanceKeys = ["source", "file", "labels_file", "rows", "features", "samples", "train_fraction",
                                      "seed", "loss", "bias", "normalize", "positive_digits", "dataset"]

    /// Where the samples come from.
    public enum Source: String, CaseIterable, Sendable {
        case libsvm, denseText = "dense-text", mnist
    }

    /// Validated parameters of one instance.
    public struct Parameters: Sendable {
        public var source: Source
        /// Data file (LIBSVM file, dense data file, or IDX images), relative to the data directory.
        public var file: String
        /// Labels file (dense-text and mnist).
        public var labelsFile: String?
        /// Rows of the file.
        public var rows: Int
        /// Features d (before the bias column).
        public var features: Int
        /// Subsample size (nil: every row).
        public var samples: Int?
        public var trainFraction: Double
        public var seed: UInt64
        public var loss: LogisticRegressionProblem.Loss
        public var bias: Bool
        public var normalize: Bool
        /// MNIST digits labelled +1.
        public var positiveDigits: [Int]
        /// The manifest data set name (for messages).
        public var dataset: String?

        /// Samples used (after subsampling).
        public var sampleCount: Int { samples ?? rows }
        /// Training rows: round(fraction · samples).
        public var trainingCount: Int { Int((trainFraction * Double(sampleCount)).rounded()) }
        /// Unknowns n = d (+1 with a bias).
        public var dimension: Int { features + (bias ? 1 : 0) }
        /// Data files, relative to the data directory.
        public var requiredFiles: [String] { [file] + (labelsFile.map { [$0] } ?? []) }
    }

    public static func parameters(_ t: ParameterTable) throws -> Parameters {
        try t.rejectUnknownKeys(allowed: instanceKeys)
        let sourceName = try t.string("source", default: "libsvm")
        guard let source = Source(rawValue: sourceName) else {
            throw t.invalid("source", "unknown source (known: \(Source.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let file = try t.string("file")
        let labelsFile = try t.optionalString("labels_file")
        for (key, path) in [("file", file), ("labels_file", labelsFile ?? "x")] {
            guard !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                throw t.invalid(key, "must be a relative path inside the data directory")
            }
        }
        if source != .libsvm && labelsFile == nil {
            throw t.invalid("labels_file", "source \(source.rawValue) needs a labels file")
        }
        if source == .libsvm && labelsFile != nil {
            throw t.invalid("labels_file", "a LIBSVM file carries its labels; remove labels_file")
        }
        let rows = try t.size("rows")
        let features = try t.size("features")
        if source != .libsvm {
            try t.checkDense("features", rows: rows, columns: features, what: "the dense \(source.rawValue) data")
        }
        let samples = try t.optionalInt("samples")
        if let samples {
            guard samples >= 2 else { throw t.invalid("samples", "must be at least 2") }
            guard samples <= rows else { throw t.invalid("samples", "must be at most rows = \(rows)") }
        }
        let fraction = try t.double("train_fraction", default: 0.7)
        guard fraction > 0 && fraction < 1 else { throw t.invalid("train_fraction", "must be in (0, 1)") }
        let lossName = try t.string("loss", default: "logistic")
        guard let loss = LogisticRegressionProblem.Loss(rawValue: lossName) else {
            throw t.invalid("loss", "unknown loss (known: \(LogisticRegressionProblem.Loss.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let normalizeName = try t.string("normalize", default: "min-max")
        guard ["min-max", "none"].contains(normalizeName) else { throw t.invalid("normalize", "use \"min-max\" or \"none\"") }
        let digits = try t.optionalIntArray("positive_digits") ?? [0, 2, 4, 6, 8]
        guard !digits.isEmpty, digits.allSatisfy({ (0...9).contains($0) }), Set(digits).count == digits.count, digits.count < 10 else {
            throw t.invalid("positive_digits", "a non-empty list of distinct digits 0-9, not all ten")
        }
        if t["positive_digits"] != nil && source != .mnist {
            throw t.invalid("positive_digits", "only for source \"mnist\"")
        }
        let p = Parameters(source: source, file: file, labelsFile: labelsFile, rows: rows, features: features,
                           samples: samples, trainFraction: fraction, seed: try t.seed(default: 1), loss: loss,
                           bias: try t.optionalBool("bias") ?? false, normalize: normalizeName == "min-max",
                           positiveDigits: digits.sorted(), dataset: try t.optionalString("dataset"))
        guard p.trainingCount >= 1 && p.trainingCount < p.sampleCount else {
            throw t.invalid("train_fraction", "leaves no training or no test samples out of \(p.sampleCount)")
        }
        return p
    }

    public static func entry(for d: InstanceDeclaration) throws -> ProblemEntry {
        let p = try parameters(d.parameters)
        try d.checkRelevantCount(dimension: p.dimension)
        var values = d.parameters.values
        values["source"] = .string(p.source.rawValue)
        values["train_fraction"] = .double(p.trainFraction)
        values["loss"] = .string(p.loss.rawValue)
        values["bias"] = .bool(p.bias)
        values["normalize"] = .string(p.normalize ? "min-max" : "none")
        let metadata = ProblemMetadata(
            name: d.name, aliases: d.aliases, family: identifier, dimension: p.dimension, rows: p.trainingCount,
            classification: ProblemMetadata.classify(objective: "O", origin: "R", dimension: p.dimension),
            seed: p.seed, parameters: values, settings: d.settings, optimalValue: nil,
            summary: "averaged \(p.loss.rawValue) loss, \(p.trainingCount) training / \(p.sampleCount - p.trainingCount) test samples of \(p.file), \(p.features) features\(p.bias ? " + bias" : "")\(p.normalize ? ", min-max normalised" : "")")
        return ProblemEntry(metadata: metadata, sourceFile: d.file, requiredFiles: p.requiredFiles) { context in
            try load(p, metadata: metadata, dataDirectory: context.dataDirectory)
        }
    }

    /// The rows kept: all, or a seeded uniform sample of `samples` rows (sorted).
    public static func selectedRows(_ p: Parameters) -> [Int] {
        guard let k = p.samples else { return Array(0..<p.rows) }
        var rng = SuiteRandom(seed: p.seed, stream: "subsample")
        return rng.sortedSample(k, from: p.rows)
    }

    /// The seeded split of `count` samples into sorted training and test positions.
    public static func split(count: Int, trainingCount: Int, seed: UInt64) -> (train: [Int], test: [Int]) {
        var rng = SuiteRandom(seed: seed, stream: "split")
        let order = rng.permutation(count)
        return (Array(order[..<trainingCount]).sorted(), Array(order[trainingCount...]).sorted())
    }

    /// Reads the selected rows of the instance's data, labels mapped to ±1.
    public static func readData(_ p: Parameters, dataDirectory: String?) throws -> (features: FeatureMatrix, labels: [Double]) {
        let dir = dataDirectory ?? SuitePaths.dataDirectory()
        let path = dir + "/" + p.file
        let selected = selectedRows(p)
        func checkRows(_ found: Int, _ file: String) throws {
            guard found == p.rows else {
                throw ProblemSuiteError.dataMismatch(file: file, reason: "holds \(found) samples, but the problem file declares rows = \(p.rows)")
            }
        }
        switch p.source {
        case .libsvm:
            let data = try LIBSVMParser.parse(path: path, featureCount: p.features, rows: p.rows)
            try checkRows(data.rowCount, path)
            let labels = try data.signLabels()
            return (data.features.selecting(rows: selected), selected.map { labels[$0] })
        case .denseText:
            let labelsPath = dir + "/" + p.labelsFile!
            let m = try DenseTextParser.parseMatrix(path: path, columns: p.features, rows: p.rows)
            try checkRows(m.rows, path)
            let raw = try DenseTextParser.parseLabels(path: labelsPath, rows: p.rows)
            try checkRows(raw.count, labelsPath)
            let labels = try LabelledDataSet.signLabels(raw, source: labelsPath)
            return (FeatureMatrix.choosing(m).selecting(rows: selected), selected.map { labels[$0] })
        case .mnist:
            let labelsPath = dir + "/" + p.labelsFile!
            let (images, digits) = try IDXReader.readLabelledImages(images: path, labels: labelsPath)
            try checkRows(images.count, path)
            guard images.itemSize == p.features else {
                throw ProblemSuiteError.dataMismatch(file: path, reason: "images have \(images.itemSize) pixels, but the problem file declares features = \(p.features)")
            }
            let d = p.features
            var storage = LargeStorage.zeros(selected.count * d)
            images.data.withUnsafeBufferPointer { px in
                for (r, i) in selected.enumerated() {
                    for j in 0..<d { storage[r * d + j] = Double(px[i * d + j]) }
                }
            }
            let positive = Set(p.positiveDigits)
            let labels = selected.map { positive.contains(Int(digits[$0])) ? 1.0 : -1.0 }
            return (FeatureMatrix.choosing(DenseMatrix(rows: selected.count, columns: d, storage: storage)), labels)
        }
    }

    /// Builds the instance: read, subsample, split, normalise, bias.
    public static func load(_ p: Parameters, metadata: ProblemMetadata, dataDirectory: String?) throws -> LogisticRegressionProblem {
        let (all, labels) = try readData(p, dataDirectory: dataDirectory)
        let (train, test) = split(count: labels.count, trainingCount: p.trainingCount, seed: p.seed)
        var trainFeatures: FeatureMatrix, testFeatures: FeatureMatrix
        if p.normalize {
            let scaler = MinMaxScaler(fitting: all, rows: train)
            trainFeatures = scaler.transform(all, rows: train)
            testFeatures = scaler.transform(all, rows: test)
        } else {
            trainFeatures = all.selecting(rows: train)
            testFeatures = all.selecting(rows: test)
        }
        if p.bias {
            trainFeatures = trainFeatures.appendingBiasColumn()
            testFeatures = testFeatures.appendingBiasColumn()
        }
        let trainLabels = train.map { labels[$0] }, testLabels = test.map { labels[$0] }
        if Set(trainLabels).count < 2 {
            throw ProblemSuiteError.dataMismatch(file: p.file, reason: "the training part holds one class only; change seed or samples")
        }
        return LogisticRegressionProblem(features: trainFeatures, labels: trainLabels, loss: p.loss,
                                         testFeatures: testFeatures, testLabels: testLabels, metadata: metadata)
    }
}
