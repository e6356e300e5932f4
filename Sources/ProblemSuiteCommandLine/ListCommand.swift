import ArgumentParser
import Foundation
import ProblemSuite
import Solvers

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the catalogue's problems (name, family, n, m, classification, data).",
        discussion: """
        The data column is 'generated' (no data files), 'verified' (every file present with \
        the manifest's sha256), 'CHECKSUM MISMATCH' (a file's sha256 is not the manifest's: \
        loading it fails unless --allow-checksum-mismatch), 'unchecked' (present, but its \
        checksum could not be checked: no manifest entry, or the manifest is unreadable) or \
        'missing'. Files are hashed once and remembered by size and modification time in \
        the cache directory (checksums.tsv), shared with loads and `data verify`. With \
        --json, dataState is generated, verified, mismatch, unchecked or missing.
        """)

    @OptionGroup var suite: SuiteOptions
    @Option(help: "Only this family (identifier as in the problem file).") var family: String?
    @Option(help: "Only names matching this pattern (* and ? wildcards).") var name: String?
    @Option(parsing: .unconditional, help: "Only problems with n at least this.") var minN: Int?
    @Option(parsing: .unconditional, help: "Only problems with n at most this.") var maxN: Int?
    @Option(name: .customLong("select"), help: ArgumentHelp("Only problems with this property (repeatable; keys: \(ProblemQuery.keys.joined(separator: ", "))), e.g. --select origin=R --select max_n=2048.", valueName: "key=value"))
    var select: [String] = []
    @Flag(help: "List the registered families instead.") var families = false
    @Flag(help: "List the registered solvers instead.") var solvers = false
    @Flag(help: "Machine-readable output.") var json = false

    struct Row: Encodable {
        var name: String, family: String, n: Int, m: Int?, classification: String, aliases: [String]
        /// Every data file present (mismatched or not).
        var dataAvailable: Bool, missingFiles: [String], source: String
        /// generated | verified | mismatch | unchecked | missing (the worst file's state).
        var dataState: String
        /// Files whose sha256 is not the manifest's.
        var checksumMismatches: [String]
    }

    /// The checksum state of each data file (hashed at most once per run; cached across runs).
    final class FileStates {
        let dataDirectory: String
        let manifest: DataManifest?
        var states: [String: DataIntegrity.FileState] = [:]
        init(dataDirectory: String) {
            self.dataDirectory = dataDirectory
            do { manifest = try DataManifest.standard() } catch {
                FileHandle.standardError.write(Data("warning: cannot read the data manifest, checksums unchecked: \(error)\n".utf8))
                manifest = nil
            }
        }
        func state(_ path: String) -> DataIntegrity.FileState {
            if let s = states[path] { return s }
            var s = DataIntegrity.FileState.unchecked
            do {
                s = try DataIntegrity.check(file: path, dataDirectory: dataDirectory, cacheDirectory: SuitePaths.cacheDirectory(),
                                            manifest: manifest).state
            } catch {
                FileHandle.standardError.write(Data("warning: \(dataDirectory)/\(path): \(error)\n".utf8))
            }
            states[path] = s
            return s
        }
    }

    func validate() throws {
        do { _ = try query() } catch { throw ValidationError("\(error)") }
    }

    /// The selection: --select pairs, with --family, --name, --min-n and --max-n on top.
    func query() throws -> ProblemQuery {
        var q = try ProblemQuery(pairs: select)
        if let family { q.family = family }
        if let name { q.name = name }
        if let minN { q.minN = minN }
        if let maxN { q.maxN = maxN }
        return q
    }

    func run() throws {
        if families {
            let registered = CommandLineConfiguration.families
            let rows = registered.map { [$0.identifier, $0.summary] }
            if json { try printJSON(registered.map { ["identifier": $0.identifier, "summary": $0.summary] }) }
            else { print(table(["family", "summary"], rows)) }
            return
        }
        if solvers {
            let registered = CommandLineConfiguration.solvers.entries
            if json {
                struct Parameter: Encodable { var key: String; var `default`: ParameterValue; var rule: String; var summary: String }
                struct Solver: Encodable { var name: String; var summary: String; var parameters: [Parameter] }
                try printJSON(registered.map { e in
                    Solver(name: e.name, summary: e.summary, parameters: e.parameters.map {
                        Parameter(key: $0.key, default: $0.defaultValue, rule: $0.domain.rule, summary: $0.summary)
                    })
                })
            } else {
                print(table(["solver", "parameters", "summary"], registered.map { e in
                    [e.name, e.parameters.isEmpty ? "-" : e.parameters.map { "\($0.key) = \($0.defaultValue)" }.joined(separator: ", "), e.summary]
                }))
            }
            return
        }
        let catalogue = try suite.catalogue()
        for r in catalogue.rejected {
            FileHandle.standardError.write(Data("warning: left out of the catalogue: \(r)\n".utf8))
        }
        let dataDir = suite.dataDirectory
        let entries = catalogue.select(try query(), dataDirectory: dataDir)
        let files = FileStates(dataDirectory: dataDir)
        let rows = entries.map { e -> Row in
            let missing = Catalogue.missingFiles(of: e, dataDirectory: dataDir)
            var mismatched: [String] = []
            var state = e.requiredFiles.isEmpty ? "generated" : "verified"
            if !missing.isEmpty { state = "missing" } else {
                let states = e.requiredFiles.map { ($0, files.state($0)) }
                mismatched = states.filter { $0.1 == .mismatch }.map(\.0)
                if !mismatched.isEmpty { state = "mismatch" }
                else if states.contains(where: { $0.1 != .verified }) { state = "unchecked" }
            }
            return Row(name: e.name, family: e.metadata.family, n: e.metadata.dimension, m: e.metadata.rows,
                       classification: e.metadata.classification, aliases: e.metadata.aliases,
                       dataAvailable: missing.isEmpty, missingFiles: missing,
                       source: String(e.sourceFile.split(separator: "/").last ?? ""),
                       dataState: state, checksumMismatches: mismatched)
        }
        if json { try printJSON(rows); return }
        let cells = rows.map { r in
            [r.name, r.family, String(r.n), r.m.map(String.init) ?? "-", r.classification,
             r.dataState == "mismatch" ? "CHECKSUM MISMATCH" : r.dataState]
        }
        print(table(["name", "family", "n", "m", "classification", "data"], cells))
        print("\(rows.count) problems")
        for r in rows where !r.checksumMismatches.isEmpty {
            print("\(r.name): checksum mismatch in \(r.checksumMismatches.joined(separator: ", ")) (see `problemsuite data verify`)")
        }
    }
}
