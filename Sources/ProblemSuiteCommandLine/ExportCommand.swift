import ArgumentParser
import Foundation
import ProblemSuite

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a problem's data as NumPy .npy files plus a JSON description.",
        discussion: """
        Writes A.npy (when A is stored densely, or with --dense), b.npy, x_star.npy (when \
        known), x0.npy (the start of run --seed) and problem.json into --out. Sparse coding: \
        A.npy is the dictionary, b.npy the image. Classification: X_train.npy and X_test.npy \
        (dense storage, or with --dense), else CSR as X_train_indptr.npy, X_train_indices.npy \
        (int64) and X_train_data.npy (and X_test_…), with y_train.npy and y_test.npy (±1). A \
        family whose data cannot be exported is an error (exit non-zero).
        """)

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Problem name or alias.") var name: String
    @Option(parsing: .unconditional, help: "Run index whose starting point is exported.") var seed: Int = 0
    @Option(help: "Output directory (created if needed).") var out: String
    @Flag(help: "Materialise matrix-free operators densely (n applications).") var dense = false
    @Flag(help: "Print the JSON description.") var json = false

    func validate() throws {
        guard seed >= 0 else { throw ValidationError("--seed must be non-negative, got \(seed)") }
    }

    struct Description: Encodable {
        /// The problem's metadata; its `settings` carry every solver parameter of the
        /// registered solvers, resolved (the file's value, else the solver's default), so
        /// that a peer script reads `sigma`, `c`, … without knowing the defaults.
        var metadata: ProblemMetadata
        /// Per registered solver, the settings it would run with on this problem.
        var solvers: [String: SolverSettings]
        var run: Int
        var files: [String: String]
        var operator_: String?
        var valueAtStart: Double
        var gradientNormAtStart: Double
        enum CodingKeys: String, CodingKey { case metadata, solvers, run, files, operator_ = "operator", valueAtStart, gradientNormAtStart }
    }

    /// Features as X.npy (dense storage or --dense), else CSR as three arrays.
    func writeFeatures(_ m: FeatureMatrix, _ stem: String, into files: inout [String: String]) throws {
        if dense || m.storageName == "dense" {
            let d = m.denseMatrix
            try NPYWriter.write(d.storage, shape: [d.rows, d.columns], to: out + "/\(stem).npy")
            files[stem] = "\(stem).npy"
        } else {
            let c = m.csr
            try NPYWriter.write(integers: c.rowStart, shape: [c.rowStart.count], to: out + "/\(stem)_indptr.npy")
            try NPYWriter.write(integers: c.columnIndices.map(Int.init), shape: [c.columnIndices.count], to: out + "/\(stem)_indices.npy")
            try NPYWriter.write(c.values, shape: [c.values.count], to: out + "/\(stem)_data.npy")
            files[stem + "_indptr"] = "\(stem)_indptr.npy"
            files[stem + "_indices"] = "\(stem)_indices.npy"
            files[stem + "_data"] = "\(stem)_data.npy"
        }
    }

    func run() throws {
        let catalogue = try suite.catalogue()
        let problem = try suite.loadProblem(name, from: catalogue)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var files: [String: String] = [:]
        var opDescription: String?
        let x0 = problem.startingPoint(run: seed)
        do {
            if let exportable = problem as? any MatrixExportable {
                opDescription = exportable.operatorDescription
                if let a = exportable.exportMatrix(materialize: dense) {
                    try NPYWriter.write(a.storage, shape: [a.rows, a.columns], to: out + "/A.npy")
                    files["A"] = "A.npy"
                }
                try NPYWriter.write(exportable.exportRHS, shape: [exportable.exportRHS.count], to: out + "/b.npy")
                files["b"] = "b.npy"
            } else if let lr = problem as? LogisticRegressionProblem {
                opDescription = "logistic regression (\(lr.loss.rawValue)) on \(lr.features.storageName) features"
                try writeFeatures(lr.features, "X_train", into: &files)
                try NPYWriter.write(lr.labels, shape: [lr.labels.count], to: out + "/y_train.npy")
                files["y_train"] = "y_train.npy"
                if let t = lr.testFeatures {
                    try writeFeatures(t, "X_test", into: &files)
                    try NPYWriter.write(lr.testLabels, shape: [lr.testLabels.count], to: out + "/y_test.npy")
                    files["y_test"] = "y_test.npy"
                }
            } else {
                throw CLIError("export: \(problem.name) (family \(problem.metadata.family)): this family's data cannot be exported (it is neither a matrix-and-right-hand-side problem nor a classification problem)")
            }
            if let xs = problem.knownSolution {
                try NPYWriter.write(xs, shape: [xs.count], to: out + "/x_star.npy")
                files["x_star"] = "x_star.npy"
            }
            try NPYWriter.write(x0, shape: [x0.count], to: out + "/x0.npy")
            files["x0"] = "x0.npy"
        }
        var g = [Double](repeating: 0, count: problem.dimension)
        let f = problem.valueAndGradient(at: x0, into: &g)
        let registry = CommandLineConfiguration.solvers
        var metadata = problem.metadata
        metadata.settings = try metadata.settings.restricted(to: registry.parameterDeclarations)
        var perSolver: [String: SolverSettings] = [:]
        for entry in registry.entries { perSolver[entry.name] = try entry.settings(from: problem.metadata.settings) }
        let desc = Description(metadata: metadata, solvers: perSolver, run: seed, files: files, operator_: opDescription,
                               valueAtStart: f, gradientNormAtStart: DenseKernels.norm(g))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(desc).write(to: URL(fileURLWithPath: out + "/problem.json"), options: .atomic)
        files["description"] = "problem.json"
        if json { try printJSON(desc) } else {
            print("wrote \(files.values.sorted().joined(separator: ", ")) to \(out)")
        }
    }
}
