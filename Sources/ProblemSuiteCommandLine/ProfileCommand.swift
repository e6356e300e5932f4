import ArgumentParser
import Foundation
import Harness
import ProblemSuite

/// `problemsuite profile DIR...`: performance, data, log-ratio and pruning profiles of
/// any set of stored results, across experiments and families.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "Performance, data, log-ratio and pruning profiles of stored results, as CSV and SVG.",
        discussion: """
        Each DIRECTORY is an output directory (holding results/), or a directory of them \
        (reproduce's output: one per experiment). An instance is one (problem, run); only \
        instances with a result of every solver are profiled (the others are counted). \
        Failed runs count as never solving. See docs/harness.md, "Profiles".
        """)

    enum CostOption: String, ExpressibleByArgument, CaseIterable {
        case gradients, iterations, time
        var cost: Profiles.Cost { Profiles.Cost(rawValue: rawValue)! }
    }

    @Argument(help: "Result directories.") var directories: [String]
    @Option(help: "Where the profiles go (default: the first directory's profiles/).") var out: String?
    @Option(help: "The cost to reach ‖g‖ ≤ τ‖g₀‖.") var cost: CostOption = .gradients
    @Option(parsing: .upToNextOption, help: "Relative gradient tolerances τ in (0, 1] (`1e-1 1e-3` or `1e-1,1e-3`; default 1e-1, 1e-3, 1e-5).")
    var tolerances: [String] = ["1e-1", "1e-3", "1e-5"]
    @Option(parsing: .upToNextOption, help: "Pruning levels (%) of the pruning profiles (default: every level all results measured).")
    var pruning: [String] = []
    @Option(parsing: .upToNextOption, help: "The solvers to profile, in order; the log-ratio profile compares the first two (default: every solver found).")
    var solvers: [String] = []
    @Flag(help: "Print one JSON object (instances, solvers, the files written, every curve) on standard output.") var json = false

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("give at least one result directory") }
        _ = try parsedTolerances()
        if !pruning.isEmpty { _ = try parsePruning(pruning) }
        if let out, out.isEmpty { throw ValidationError("--out must not be empty") }
    }

    func parsedTolerances() throws -> [Double] {
        let parts = tolerances.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.count <= 100 else { throw ValidationError("--tolerances takes 1 to 100 values") }
        return try parts.map { text in
            guard let v = Double(text), v > 0, v <= 1 else { throw ValidationError("--tolerances values must lie in (0, 1], got '\(text)'") }
            return v
        }
    }

    /// The output directories under `directory`: itself if it holds results/, else its
    /// subdirectories that do.
    static func resultDirectories(_ directory: String) throws -> [String] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else { throw CLIError("\(directory): no such directory") }
        if fm.fileExists(atPath: directory + "/results") { return [directory] }
        let subs = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted().map { directory + "/" + $0 }
            .filter { fm.fileExists(atPath: $0 + "/results") }
        guard !subs.isEmpty else { throw CLIError("\(directory): no results/ in it or in its subdirectories") }
        return subs
    }

    struct Output: Encodable {
        struct Curve: Encodable { var solver: String; var x: [Double]; var y: [Double] }
        struct Profile: Encodable { var kind: String; var parameter: Double; var title: String; var file: String; var curves: [Curve] }
        var directory: String
        var instances: Int
        var incomplete: Int
        var solvers: [String]
        var sources: [String]
        var profiles: [Profile]
    }

    func run() throws {
        Console.json = json
        let sources = try directories.flatMap { try ProfileCommand.resultDirectories($0) }
        var records: [RunRecord] = []
        for dir in sources { records += try ReportCommand.records(in: dir) }
        let set = try Profiles.Set(records, solvers: solvers.isEmpty ? nil : solvers)
        let profiles = try Profiles.compute(set, cost: cost.cost, tolerances: try parsedTolerances(),
                                            pruning: pruning.isEmpty ? nil : try parsePruning(pruning))
        let target = out ?? directories[0] + "/profiles"
        let files = try Profiles.write(profiles, to: target)
        if !set.incomplete.isEmpty {
            standardError("note: \(set.incomplete.count) instances (problem, run) lack a result of some solver and are left out, e.g. \(set.incomplete.prefix(3).map { "\($0.problem) run \($0.run)" }.joined(separator: ", "))")
        }
        say("profiles: \(profiles.count) over \(set.instances.count) instances and \(set.solvers.count) solvers from \(sources.count) directories, \(files.count) files in \(target)")
        if json {
            try printJSON(Output(directory: target, instances: set.instances.count, incomplete: set.incomplete.count, solvers: set.solvers,
                                 sources: sources,
                                 profiles: profiles.map { p in
                                     Output.Profile(kind: p.kind.rawValue, parameter: p.parameter, title: p.title, file: target + "/" + p.stem + ".svg",
                                                    curves: p.curves.map { Output.Curve(solver: $0.solver, x: $0.x, y: $0.y) })
                                 }))
        }
    }
}
