import ArgumentParser
import Foundation
import ProblemSuite

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a problem's data as NumPy .npy files plus a JSON description.",
        discussion: """
        Writes A.npy (when A is stored densely, or with --dense), b.npy, x_star.npy (when \
        known), x0.npy (the start of run --seed) and problem.json into --out.
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
