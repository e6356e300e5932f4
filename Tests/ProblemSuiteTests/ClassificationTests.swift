import XCTest
@testable import ProblemSuite
import ProblemSuiteTestSupport

final class ClassificationTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory(prefix: "classification") }
    override func tearDown() { dir.remove() }

    private func metadata(_ n: Int, rows: Int = 0) -> ProblemMetadata {
        ProblemMetadata(name: "TOY", family: "classification", dimension: n, rows: rows,
                        classification: ProblemMetadata.classify(objective: "O", origin: "R", dimension: n), seed: 1)
    }

    /// A random dense feature matrix with some zeros, and random ±1 labels.
    private func randomData(rows: Int, columns: Int, seed: UInt64, zeros: Double = 0.3) -> (DenseMatrix, [Double]) {
        var rng = SuiteRandom(seed: seed)
        var m = DenseMatrix(rows: rows, columns: columns)
        for i in m.storage.indices where rng.nextUniform() >= zeros { m.storage[i] = rng.nextNormal() }
        return (m, (0..<rows).map { _ in rng.nextSign() })
    }

    // MARK: Loss and gradient

    func testLossesAgainstDirectFormulasAndStability() {
        for t in [-30.0, -2, -0.5, 0, 0.5, 2, 30] {
            let (l, s) = LogisticRegressionProblem.logistic(t)
            XCTAssertEqual(l, log(1 + exp(-t)), accuracy: 1e-12 * max(1, abs(t)))
            XCTAssertEqual(s, -1 / (1 + exp(t)), accuracy: 1e-14)
            let (q, r) = LogisticRegressionProblem.sigmoid(t)
            let sig = 1 / (1 + exp(-t))
            XCTAssertEqual(q, (1 - sig) * (1 - sig), accuracy: 1e-14)
            XCTAssertEqual(r, -2 * (1 - sig) * (1 - sig) * sig, accuracy: 1e-14)
        }
        // Where the naive formulas overflow or lose everything.
        XCTAssertEqual(LogisticRegressionProblem.logistic(-1000).value, 1000)
        XCTAssertEqual(LogisticRegressionProblem.logistic(-1000).slope, -1)
        XCTAssertEqual(LogisticRegressionProblem.logistic(1000).value, 0)
        XCTAssertEqual(LogisticRegressionProblem.logistic(40).value, exp(-40), accuracy: 1e-30)
        XCTAssertEqual(LogisticRegressionProblem.sigmoid(-1000).value, 1)
        XCTAssertEqual(LogisticRegressionProblem.sigmoid(1000).value, 0)
        for t in [-1e308, -1e5, 1e5, 1e308] {
            let a = LogisticRegressionProblem.logistic(t), b = LogisticRegressionProblem.sigmoid(t)
            XCTAssertTrue(a.value.isFinite && a.slope.isFinite && b.value.isFinite && b.slope.isFinite, "\(t)")
        }
    }

    func testGradientMatchesFiniteDifferencesDenseAndSparse() {
        let (m, y) = randomData(rows: 40, columns: 12, seed: 2)
        var rng = SuiteRandom(seed: 4)
        let x = rng.normals(12)
        for loss in LogisticRegressionProblem.Loss.allCases {
            for features in [FeatureMatrix.dense(m), .sparse(CSRMatrix(m))] {
                let p = LogisticRegressionProblem(features: features, labels: y, loss: loss, metadata: metadata(12))
                let report = GradientCheck.check(p, at: x, randomDirections: 6, coordinates: 6)
                XCTAssertLessThan(report.maxRelativeError, 1e-6, "\(loss) \(features.storageName)")
                XCTAssertTrue(report.consistent)
            }
        }
    }

    func testDenseAndSparseAgreeAndValueIsTheAverage() {
        let (m, y) = randomData(rows: 30, columns: 9, seed: 5)
        var rng = SuiteRandom(seed: 6)
        let x = rng.normals(9)
        let dense = LogisticRegressionProblem(features: .dense(m), labels: y, metadata: metadata(9))
        let sparse = LogisticRegressionProblem(features: .sparse(CSRMatrix(m)), labels: y, metadata: metadata(9))
        var direct = 0.0
        for i in 0..<30 {
            var t = 0.0
            for j in 0..<9 { t += m[i, j] * x[j] }
            direct += log(1 + exp(-y[i] * t))
        }
        XCTAssertEqual(dense.value(at: x), direct / 30, accuracy: 1e-13)
        XCTAssertEqual(sparse.value(at: x), dense.value(at: x), accuracy: 1e-13)
        let gd = dense.gradient(at: x), gs = sparse.gradient(at: x)
        for j in 0..<9 { XCTAssertEqual(gd[j], gs[j], accuracy: 1e-14) }
        XCTAssertEqual(dense.evaluations.values, 2)
        XCTAssertEqual(dense.evaluations.gradients, 1)
    }

    /// The dense one-pass kernel (DenseRowPass: groups of four rows, 256-column chunks,
    /// prefetching, row blocks) against the independent CSR path, over shapes that hit
    /// every case: one or several blocks, blocks with 0–3 rows beyond their last group of
    /// four, one or several chunks, and every width modulo 8.
    func testDenseOnePassKernelAgreesWithCSROverShapes() {
        for rows in [3, 7, 350, 403] {
            for columns in [5, 12, 257, 515, 999, 1030] {
                let (m, y) = randomData(rows: rows, columns: columns, seed: UInt64(rows * 7919 + columns))
                var rng = SuiteRandom(seed: 9)
                let x = rng.normals(columns, scale: 0.05)
                let dense = LogisticRegressionProblem(features: .dense(m), labels: y, metadata: metadata(columns))
                let sparse = LogisticRegressionProblem(features: .sparse(CSRMatrix(m)), labels: y, metadata: metadata(columns))
                var gd = [Double](), gs = [Double]()
                let fd = dense.valueAndGradient(at: x, into: &gd), fs = sparse.valueAndGradient(at: x, into: &gs)
                let scale = max(1e-300, gs.map(abs).max() ?? 0)
                let worst = zip(gd, gs).map { abs($0 - $1) }.max() ?? 0
                XCTAssertEqual(fd, fs, accuracy: 1e-12 * max(1, abs(fs)), "f, \(rows)×\(columns) (\(dense.blocks) blocks)")
                XCTAssertLessThan(worst / scale, 1e-12, "∇f, \(rows)×\(columns) (\(dense.blocks) blocks)")
                XCTAssertEqual(dense.value(at: x).bitPattern, fd.bitPattern, "f entry points, \(rows)×\(columns)")
            }
        }
    }

    /// Large enough for several row blocks: the result must not depend on the thread count.
    func testBlockedKernelsAreDeterministicAcrossThreadCounts() {
        let (m, y) = randomData(rows: 800, columns: 500, seed: 7)
        var rng = SuiteRandom(seed: 8)
        let x = rng.normals(500, scale: 0.1)
        for features in [FeatureMatrix.dense(m), .sparse(CSRMatrix(m))] {
            let p = LogisticRegressionProblem(features: features, labels: y, metadata: metadata(500))
            XCTAssertGreaterThan(p.blocks, 1)
            var results: [(Double, [Double])] = []
            for threads in [1, 2, 4] {
                var g = [Double]()
                let f = Parallel.withThreads(threads) { p.valueAndGradient(at: x, into: &g) }
                results.append((f, g))
            }
            for r in results.dropFirst() {
                XCTAssertEqual(r.0.bitPattern, results[0].0.bitPattern)
                XCTAssertEqual(r.1.map(\.bitPattern), results[0].1.map(\.bitPattern))
            }
            // And equal (to rounding) to a one-block evaluation of the same data.
            let small = LogisticRegressionProblem(features: features.selecting(rows: Array(0..<800)), labels: y, metadata: metadata(500))
            XCTAssertEqual(small.value(at: x), results[0].0, accuracy: 1e-12)
            XCTAssertEqual(p.value(at: x).bitPattern, results[0].0.bitPattern)
        }
    }

    func testSeparableToySetIsLearnedToFullAccuracy() {
        // Labels by the sign of a planted weight vector, with a margin.
        var rng = SuiteRandom(seed: 9)
        let w = rng.normals(5)
        var rows: [Double] = [], labels: [Double] = []
        while labels.count < 120 {
            let a = rng.normals(5)
            let t = DenseKernels.dot(a, w)
            if abs(t) < 0.3 { continue }
            rows += a
            labels.append(t > 0 ? 1 : -1)
        }
        let train = FeatureMatrix.dense(DenseMatrix(rows: 80, columns: 5, storage: Array(rows[..<400])))
        let test = FeatureMatrix.dense(DenseMatrix(rows: 40, columns: 5, storage: Array(rows[400...])))
        let p = LogisticRegressionProblem(features: train, labels: Array(labels[..<80]), testFeatures: test,
                                          testLabels: Array(labels[80...]), metadata: metadata(5))
        var x = [Double](repeating: 0, count: 5)
        XCTAssertEqual(p.value(at: x), log(2), accuracy: 1e-15)
        var g = [Double]()
        let f0 = p.value(at: x)
        for _ in 0..<2000 {
            _ = p.valueAndGradient(at: x, into: &g)
            for j in 0..<5 { x[j] -= 2 * g[j] }
        }
        XCTAssertLessThan(p.value(at: x), 0.1 * f0)
        XCTAssertEqual(p.trainingAccuracy(x), 1)
        XCTAssertEqual(p.testAccuracy(x), 1)
        XCTAssertEqual(p.testSampleCount, 40)
        XCTAssertEqual(p.testAccuracy(x.map { -$0 }), 0)
    }

    // MARK: Preprocessing

    func testMinMaxFittedOnTrainingRowsOnly() {
        let m = DenseMatrix(rows: 4, columns: 3, storage: [
            1, 0, 5,
            3, 2, 5,
            2, 4, 5,
            9, -4, 7,   // held out: may leave [0, 1]
        ])
        for f in [FeatureMatrix.dense(m), .sparse(CSRMatrix(m))] {
            let scaler = MinMaxScaler(fitting: f, rows: [0, 1, 2])
            XCTAssertEqual(scaler.minimum, [1, 0, 5])
            XCTAssertEqual(scaler.maximum, [3, 4, 5])
            let train = scaler.transform(f, rows: [0, 1, 2]).denseMatrix
            XCTAssertEqual(train.storage, [0, 0, 0, 1, 0.5, 0, 0.5, 1, 0])   // constant column → 0
            let test = scaler.transform(f, rows: [3]).denseMatrix
            XCTAssertEqual(test.storage, [4, -1, 0])
        }
        // Sparse data whose minima are 0 stay sparse (zeros map to zeros).
        var rng = SuiteRandom(seed: 3)
        var s = DenseMatrix(rows: 50, columns: 40)
        for i in s.storage.indices where rng.nextUniform() < 0.05 { s.storage[i] = 1 + rng.nextUniform() }
        let sparse = FeatureMatrix.sparse(CSRMatrix(s))
        let scaler = MinMaxScaler(fitting: sparse, rows: Array(0..<50))
        XCTAssertTrue(scaler.preservesZeros)
        let out = scaler.transform(sparse, rows: Array(0..<50))
        XCTAssertEqual(out.storageName, "csr")
        XCTAssertEqual(out.nonzeroCount, sparse.nonzeroCount)
        XCTAssertLessThanOrEqual(out.denseMatrix.storage.max()!, 1)
    }

    func testBiasColumn() {
        let m = DenseMatrix(rows: 2, columns: 2, storage: [1, 0, 0, 2])
        for f in [FeatureMatrix.dense(m), .sparse(CSRMatrix(m))] {
            XCTAssertEqual(f.appendingBiasColumn().denseMatrix.storage, [1, 0, 1, 0, 2, 1])
        }
    }

    // MARK: The family on fixtures

    /// A LIBSVM fixture of `rows` samples, 6 features, labels 0/1.
    private func writeLIBSVMFixture(_ name: String, rows: Int) throws {
        var rng = SuiteRandom(seed: 21)
        var text = "# fixture\n"
        for i in 0..<rows {
            text += i % 3 == 0 ? "1" : "0"
            for j in rng.sortedSample(3, from: 6) { text += " \(j + 1):\(rng.nextInt(below: 9) + 1)" }
            text += "\n"
        }
        try dir.write(name, bytes: try GzipWriter.compress(Array(text.utf8)))
    }

    private func catalogue(_ toml: String) throws -> Catalogue {
        let problems = try TemporaryDirectory(prefix: "problems")
        addTeardownBlock { problems.remove() }
        try problems.write("classification.toml", text: toml)
        return try Catalogue(directory: problems.path, strict: true)
    }

    private let header = """
    family = "classification"
    [settings]
    kmax = 2000
    nR = 3

    """

    func testFamilySubsamplesSplitsAndNormalisesReproducibly() throws {
        try writeLIBSVMFixture("toy.gz", rows: 60)
        let cat = try catalogue(header + """
        [[instance]]
        name = "TOY"
        file = "toy.gz"
        rows = 60
        features = 6
        samples = 40
        seed = 5

        [[instance]]
        name = "TOY2"
        file = "toy.gz"
        rows = 60
        features = 6
        samples = 40
        seed = 6
        bias = true
        loss = "sigmoid"
        """)
        let e = try cat.entry(named: "TOY")
        XCTAssertEqual(e.metadata.dimension, 6)
        XCTAssertEqual(e.metadata.rows, 28)           // round(0.7 · 40)
        XCTAssertEqual(e.requiredFiles, ["toy.gz"])
        XCTAssertEqual(e.metadata.settings.maxIterations, 2000)
        let context = LoadContext(dataDirectory: dir.path)
        let a = try XCTUnwrap(try cat.load("TOY", context: context) as? LogisticRegressionProblem)
        let b = try XCTUnwrap(try cat.load("TOY", context: context) as? LogisticRegressionProblem)
        XCTAssertEqual(a.features, b.features)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.testFeatures, b.testFeatures)
        XCTAssertEqual(a.features.rowCount, 28)
        XCTAssertEqual(a.testSampleCount, 12)
        XCTAssertTrue(Set(a.labels).isSubset(of: [-1, 1]))
        // Training features span exactly [0, 1] in every non-constant column.
        let train = a.features.denseMatrix
        for j in 0..<6 {
            let col = train.column(j)
            if col.max()! > col.min()! { XCTAssertEqual(col.min(), 0); XCTAssertEqual(col.max(), 1) }
        }
        let c = try XCTUnwrap(try cat.load("TOY2", context: context) as? LogisticRegressionProblem)
        XCTAssertEqual(c.dimension, 7)
        XCTAssertEqual(c.loss, .sigmoid)
        XCTAssertNotEqual(c.labels, a.labels)   // another seed, another sample
        XCTAssertTrue((0..<c.features.rowCount).allSatisfy { c.features.denseMatrix[$0, 6] == 1 })
        let x = c.startingPoint(run: 0)
        XCTAssertLessThan(GradientCheck.check(c, at: x).maxRelativeError, 1e-6)

        let (tr1, te1) = ClassificationFamily.split(count: 40, trainingCount: 28, seed: 5)
        let (tr2, _) = ClassificationFamily.split(count: 40, trainingCount: 28, seed: 5)
        let (tr3, _) = ClassificationFamily.split(count: 40, trainingCount: 28, seed: 6)
        XCTAssertEqual(tr1, tr2)
        XCTAssertNotEqual(tr1, tr3)
        XCTAssertEqual(Set(tr1 + te1), Set(0..<40))
    }

    func testFamilyReadsTheGisetteLayoutAndMNISTIDX() throws {
        // GISETTE layout: dense text rows and a labels file.
        var rng = SuiteRandom(seed: 30)
        var data = "", labels = ""
        for i in 0..<20 {
            data += (0..<8).map { _ in String(rng.nextInt(below: 1000)) }.joined(separator: " ") + " \n"
            labels += i % 2 == 0 ? "1\n" : "-1\n"
        }
        try dir.write("gisette/gisette_train.data", text: data)
        try dir.write("gisette/gisette_train.labels", text: labels)
        // MNIST layout: IDX images and labels (6 images of 2 x 2 pixels).
        func be32(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((v >> $0) & 0xff) } }
        let pixels: [UInt8] = (0..<24).map { UInt8(($0 * 37) % 256) }
        try dir.write("mnist/img.gz", bytes: try GzipWriter.compress([0, 0, 8, 3] + be32(6) + be32(2) + be32(2) + pixels))
        try dir.write("mnist/lab.gz", bytes: try GzipWriter.compress([0, 0, 8, 1] + be32(6) + [0, 1, 2, 3, 4, 5]))
        let cat = try catalogue(header + """
        [[instance]]
        name = "G"
        source = "dense-text"
        file = "gisette/gisette_train.data"
        labels_file = "gisette/gisette_train.labels"
        rows = 20
        features = 8

        [[instance]]
        name = "M"
        source = "mnist"
        file = "mnist/img.gz"
        labels_file = "mnist/lab.gz"
        rows = 6
        features = 4
        train_fraction = 0.5
        """)
        // Fixtures in the real data sets' layout, not their bytes: checksums are not the point here.
        let context = LoadContext(dataDirectory: dir.path, checksums: .allowMismatch)
        let g = try XCTUnwrap(try cat.load("G", context: context) as? LogisticRegressionProblem)
        XCTAssertEqual(g.features.rowCount, 14)
        XCTAssertEqual(g.dimension, 8)
        XCTAssertEqual(g.labels.filter { $0 == 1 }.count + g.testLabels.filter { $0 == 1 }.count, 10)
        let m = try XCTUnwrap(try cat.load("M", context: context) as? LogisticRegressionProblem)
        XCTAssertEqual(m.features.rowCount, 3)
        XCTAssertEqual((m.labels + m.testLabels).sorted(), [-1, -1, -1, 1, 1, 1])   // even digits +1

        // A declared size that disagrees with the file is an error naming it.
        let wrong = try catalogue(header + """
        [[instance]]
        name = "W"
        source = "mnist"
        file = "mnist/img.gz"
        labels_file = "mnist/lab.gz"
        rows = 7
        features = 4
        """)
        XCTAssertThrowsError(try wrong.load("W", context: context)) { error in
            XCTAssertTrue("\(error)".contains("img.gz") && "\(error)".contains("rows = 7"), "\(error)")
        }
    }

    func testMissingDataAndBadDeclarations() throws {
        let cat = try catalogue(header + """
        [[instance]]
        name = "GONE"
        file = "gisette/gisette_train.data"
        rows = 10
        features = 3
        """)
        XCTAssertThrowsError(try cat.load("GONE", context: LoadContext(dataDirectory: dir.path))) { error in
            guard case let ProblemSuiteError.missingData(problem, file, hint) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(problem, "GONE")
            XCTAssertTrue(file.hasSuffix("gisette/gisette_train.data"))
            XCTAssertTrue(hint.contains("data fetch gisette"), hint)
        }
        let bad: [(String, String)] = [
            ("rows = 10\nfeatures = 3\nsamples = 11", "samples"),
            ("rows = 10\nfeatures = 3\ntrain_fraction = 1.0", "train_fraction"),
            ("rows = 10\nfeatures = 3\nloss = \"hinge\"", "loss"),
            ("rows = 10\nfeatures = 3\nsource = \"csv\"", "source"),
            ("rows = 10\nfeatures = 3\nsource = \"mnist\"", "labels_file"),
            ("rows = 10\nfeatures = 3\nlabels_file = \"l\"", "labels_file"),
            ("rows = 10", "features"),
            ("rows = 10\nfeatures = 3\nfile = \"/etc/passwd\"", "file"),
            ("rows = 10\nfeatures = 3\npositive_digits = [1]", "positive_digits"),
            ("rows = 10\nfeatures = 3\nnormalise = \"none\"", "normalise"),
        ]
        for (keys, key) in bad {
            let text = header + "[[instance]]\nname = \"B\"\n" + (keys.contains("passwd") ? "" : "file = \"f.gz\"\n") + keys + "\n"
            XCTAssertThrowsError(try catalogue(text), key) { error in
                guard case let ProblemSuiteError.invalidParameter(_, _, k, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(k, key, "\(error)")
            }
        }
    }

    // MARK: Real data

    /// Every instance whose files are in the data directory loads, with the declared sizes.
    func testEveryInstanceWithDataLoads() throws {
        guard let data = testDataDirectory(containing: "a9a.gz") else {
            throw XCTSkip("the data directory (see SuitePaths.dataDirectory) does not hold the data sets")
        }
        let cat = try Catalogue.standard()
        let entries = cat.filter(family: ClassificationFamily.identifier)
        XCTAssertEqual(Set(entries.map(\.name)), ["GISETTE", "A9A", "REGED0", "MOLECULE", "MNIST", "W8A"])
        var loaded = 0
        for e in entries {
            if !Catalogue.missingFiles(of: e, dataDirectory: data).isEmpty {
                XCTAssertThrowsError(try cat.load(e.name, context: LoadContext(dataDirectory: data)))
                continue
            }
            let p = try XCTUnwrap(try cat.load(e.name, context: LoadContext(dataDirectory: data)) as? LogisticRegressionProblem)
            loaded += 1
            XCTAssertEqual(p.dimension, e.metadata.dimension, e.name)
            XCTAssertEqual(p.features.rowCount, e.metadata.rows, e.name)
            XCTAssertGreaterThan(p.testSampleCount, 0)
            XCTAssertEqual(Set(p.labels), [-1, 1], e.name)
            let x = p.startingPoint(run: 0)
            let f = p.value(at: x)
            XCTAssertTrue(f.isFinite && f > 0, e.name)
            XCTAssertEqual(p.value(at: [Double](repeating: 0, count: p.dimension)), log(2), accuracy: 1e-12)
            let acc = p.testAccuracy(x)
            XCTAssertTrue(acc >= 0 && acc <= 1)
        }
        XCTAssertGreaterThanOrEqual(loaded, 5)
    }
}
