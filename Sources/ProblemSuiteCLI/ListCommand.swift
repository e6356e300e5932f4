import ArgumentParser
import ProblemSuite

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the catalogue's problems (name, family, n, m, classification, data).")

    @OptionGroup var suite: SuiteOptions
    @Option(help: "Only this family (identifier as in the problem file).") var family: String?
    @Option(help: "Only names matching this pattern (* and ? wildcards).") var name: String?
    @Option(help: "Only problems with n at least this.") var minN: Int?
    @Option(help: "Only problems with n at most this.") var maxN: Int?
    @Flag(help: "List the registered families instead.") var families = false
    @Flag(help: "Machine-readable output.") var json = false

    struct Row: Encodable {
        var name: String, family: String, n: Int, m: Int?, classification: String, aliases: [String]
        var dataAvailable: Bool, missingFiles: [String], source: String
    }

    func run() throws {
        if families {
            let rows = FamilyRegistry.families.map { [$0.identifier, $0.summary] }
            if json { try printJSON(FamilyRegistry.families.map { ["identifier": $0.identifier, "summary": $0.summary] }) }
            else { print(table(["family", "summary"], rows)) }
            return
        }
        let catalogue = try suite.catalogue()
        let dataDir = suite.dataDirectory
        let entries = catalogue.filter(family: family, minDimension: minN, maxDimension: maxN, pattern: name)
        let rows = entries.map { e -> Row in
            let missing = Catalogue.missingFiles(of: e, dataDirectory: dataDir)
            return Row(name: e.name, family: e.metadata.family, n: e.metadata.dimension, m: e.metadata.rows,
                       classification: e.metadata.classification, aliases: e.metadata.aliases,
                       dataAvailable: missing.isEmpty, missingFiles: missing,
                       source: String(e.sourceFile.split(separator: "/").last ?? ""))
        }
        if json { try printJSON(rows); return }
        let cells = zip(entries, rows).map { e, r in
            [r.name, r.family, String(r.n), r.m.map(String.init) ?? "-", r.classification,
             !r.missingFiles.isEmpty ? "missing" : (e.requiredFiles.isEmpty ? "generated" : "available")]
        }
        print(table(["name", "family", "n", "m", "classification", "data"], cells))
        print("\(rows.count) problems")
    }
}
