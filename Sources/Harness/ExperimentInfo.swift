import Foundation

/// What an output directory holds, written beside its results as `experiment.json` by
/// `reproduce` (one per experiment) and `run`, and shown at the top of its report: the
/// experiment, its protocol, and what was left out.
public struct ExperimentInfo: Codable, Sendable, Equatable {
    /// The experiment's name (`run` writes `run`).
    public var name: String
    public var title: String
    /// The experiment file, when there is one.
    public var file: String?
    public var protocolKind: ProtocolKind
    public var runs: Int
    public var pruning: [Double]
    public var problems: [String]
    public var solvers: [String]
    /// The settings every problem's own are overridden with (`key = value`).
    public var overrides: [String]
    /// Problems left out, one line each with the reason and how to fix it.
    public var leftOut: [String]
    /// The selection by properties (``ProblemQuery/pairs``), when one was given.
    public var select: [String]?
    /// The perturbations each problem also ran under (label: description), when any.
    public var perturbations: [String]?

    public init(name: String, title: String, file: String?, protocolKind: ProtocolKind, runs: Int, pruning: [Double],
                problems: [String], solvers: [String], overrides: [String], leftOut: [String], select: [String]? = nil,
                perturbations: [String]? = nil) {
        self.select = select
        self.perturbations = perturbations
        self.name = name
        self.title = title
        self.file = file
        self.protocolKind = protocolKind
        self.runs = runs
        self.pruning = pruning
        self.problems = problems
        self.solvers = solvers
        self.overrides = overrides
        self.leftOut = leftOut
    }

    public static let fileName = "experiment.json"

    /// Writes `experiment.json` into `directory`.
    public func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = directory + "/" + ExperimentInfo.fileName
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw HarnessError.unwritable(path: path, reason: error.localizedDescription)
        }
    }

    /// The `experiment.json` of `directory`, nil when there is none.
    /// - Throws: ``HarnessError/corruptResult(file:reason:)`` for an unreadable one.
    public static func read(from directory: String) throws -> ExperimentInfo? {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count <= 1 << 20 else { throw HarnessError.corruptResult(file: path, reason: "larger than 1 MiB") }
            return try JSONDecoder().decode(ExperimentInfo.self, from: data)
        } catch let error as HarnessError {
            throw error
        } catch {
            throw HarnessError.corruptResult(file: path, reason: ResultStore.describe(error))
        }
    }
}
