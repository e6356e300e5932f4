import ArgumentParser
import ProblemSuite

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one problem's metadata and settings.")

    @OptionGroup var suite: SuiteOptions
    @Argument(help: "Problem name or alias.") var name: String
    @Flag(help: "Machine-readable output.") var json = false

    struct Output: Encodable {
        var metadata: ProblemMetadata
        var source: String
        var requiredFiles: [String]
        var missingFiles: [String]
        /// Per data file: verified, mismatch, unchecked or missing, as recorded in the
        /// checksum cache (show does not hash; `list` and loads do).
        var fileStates: [String: String]
    }

    func run() throws {
        let catalogue = try suite.catalogue()
        let e = try catalogue.entry(named: name)
        let missing = Catalogue.missingFiles(of: e, dataDirectory: suite.dataDirectory)
        var states: [String: String] = [:]
        for f in e.requiredFiles {
            states[f] = DataIntegrity.cachedState(ofFile: f, dataDirectory: suite.dataDirectory,
                                                  cacheDirectory: suite.loadContext.cacheDirectory).rawValue
        }
        if json {
            try printJSON(Output(metadata: e.metadata, source: e.sourceFile, requiredFiles: e.requiredFiles, missingFiles: missing,
                                 fileStates: states))
            return
        }
        let m = e.metadata, s = m.settings
        print("\(m.name)\(m.aliases.isEmpty ? "" : " (aliases: \(m.aliases.joined(separator: ", ")))")")
        print("  \(m.summary)")
        print("  family          \(m.family)")
        print("  n               \(m.dimension)")
        if let rows = m.rows { print("  m               \(rows)") }
        print("  classification  \(m.classification)")
        print("  seed            \(m.seed)")
        if let f = m.optimalValue { print("  optimal value   \(f)") }
        print("  declared in     \(e.sourceFile)")
        print("  parameters      " + m.parameters.keys.sorted().map { "\($0) = \(m.parameters[$0]!)" }.joined(separator: ", "))
        print("  settings        nR = \(s.relevantCount), eps = \(s.gradientTolerance), kmax = \(s.maxIterations), tau_s = \(s.sparsityThreshold), record_every = \(s.recordEvery)")
        // Each solver parameter: the value the files set, or the declaring solvers' default.
        var seen = Set<String>()
        let parameters = CommandLineConfiguration.solvers.parameterDeclarations.filter { seen.insert($0.key).inserted }.map { d in
            s.parameters[d.key].map { "\(d.key) = \($0)" } ?? "\(d.key) = \(d.defaultValue) (default)"
        }
        if !parameters.isEmpty { print("  solver params   " + parameters.joined(separator: ", ")) }
        if !e.requiredFiles.isEmpty {
            print("  data files      " + e.requiredFiles.map { "\($0) (\(states[$0] == "mismatch" ? "CHECKSUM MISMATCH" : states[$0]!))" }.joined(separator: ", "))
        }
    }
}
