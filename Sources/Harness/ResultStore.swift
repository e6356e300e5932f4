import Foundation

/// Results on disk, one JSON file per finished (problem, solver, run):
/// `<root>/results/<problem>/<solver>/run-<r>.json`, each written atomically (a
/// temporary file renamed into place), so a killed run never leaves a half-written
/// result and a restarted one skips what is already there.
public struct ResultStore: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var resultsDirectory: String { root + "/results" }

    public func path(for key: TaskKey) -> String {
        "\(resultsDirectory)/\(key.problem)/\(key.solver)/run-\(String(format: "%04d", key.run)).json"
    }

    /// Whether the result of `key` is already stored (and readable).
    public func contains(_ key: TaskKey) -> Bool {
        (try? read(path(for: key))) != nil
    }

    /// Writes `record` atomically.
    public func write(_ record: RunRecord) throws {
        let p = path(for: record.key)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(record).write(to: URL(fileURLWithPath: p), options: .atomic)
    }

    func read(_ path: String) throws -> RunRecord {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(RunRecord.self, from: data)
    }

    /// Every stored record, sorted by key. A file that cannot be decoded is an error
    /// naming it (never skipped silently).
    public func all() throws -> [RunRecord] {
        guard let e = FileManager.default.enumerator(atPath: resultsDirectory) else { return [] }
        var out: [RunRecord] = []
        while let rel = e.nextObject() as? String {
            guard rel.hasSuffix(".json") else { continue }
            let p = resultsDirectory + "/" + rel
            do { out.append(try read(p)) } catch {
                throw HarnessError.corruptResult(file: p, reason: "\(error)")
            }
        }
        return out.sorted(by: RunRecord.reportOrder)
    }
}

/// Errors of the harness; each names the file or task at fault.
public enum HarnessError: Error, CustomStringConvertible, Equatable {
    case corruptResult(file: String, reason: String)
    case badShard(String)
    case taskFailed(task: String, reason: String)
    case noTasks(String)

    public var description: String {
        switch self {
        case let .corruptResult(file, reason): return "\(file): unreadable result: \(reason)"
        case let .badShard(text): return "bad --shard '\(text)': expected i/N with 1 ≤ i ≤ N"
        case let .taskFailed(task, reason): return "\(task) failed: \(reason)"
        case let .noTasks(text): return "nothing to run: \(text)"
        }
    }
}
