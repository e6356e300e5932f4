import Foundation
import ProblemSuite
import Solvers

/// Results on disk, one JSON file per (problem, solver, run) with the final iterate
/// beside it as a `.npy` file:
/// `<root>/results/<problem>/<solver>/run-<r>.json` and `run-<r>.npy`. Each file is
/// written atomically (a temporary file renamed into place), the solution before the
/// record, so a killed run never leaves a half-written result and a restarted one finds
/// either a whole result or none.
///
/// Reading validates: a record whose key does not match its path, whose values are
/// impossible (negative counts or norms, a fingerprint that is not its own), or that
/// cannot be decoded is an error naming the file, never skipped.
public struct ResultStore: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var resultsDirectory: String { root + "/results" }

    public func path(for key: TaskKey) -> String {
        "\(resultsDirectory)/\(key.problem)/\(key.solver)/run-\(String(format: "%04d", key.run)).json"
    }

    /// Where the final iterate of `key` is stored (a float64 `.npy` vector).
    public func solutionPath(for key: TaskKey) -> String {
        String(path(for: key).dropLast(5)) + ".npy"
    }

    /// What the store holds for a task.
    public enum Stored: Sendable, Equatable {
        /// No result.
        case missing
        /// A result with the task's fingerprint (errored results never count as stored),
        /// with why it failed when it is a stored failure (a divergence).
        case matching(failure: String?)
        /// A result made under another fingerprint, with the fields that differ.
        case mismatched([String])
        /// A file that cannot be read or is not a sound result (with the reason).
        case unreadable(String)
        /// A stored failure of kind ``RunStatus/error``: recomputed.
        case errored
    }

    /// What is stored for `key`, compared with `fingerprint`.
    public func stored(_ key: TaskKey, fingerprint: Fingerprint) -> Stored {
        let p = path(for: key)
        guard FileManager.default.fileExists(atPath: p) else { return .missing }
        let record: RunRecord
        do { record = try read(p) } catch { return .unreadable("\(error)") }
        if record.fingerprint.digest != fingerprint.digest { return .mismatched(fingerprint.differences(from: record.fingerprint)) }
        if record.status == .error { return .errored }
        if !FileManager.default.fileExists(atPath: solutionPath(for: key)) { return .unreadable("its solution file is missing") }
        return .matching(failure: record.status.isFailure ? record.failure ?? record.status.rawValue : nil)
    }

    /// Writes `record` and, when given, its final iterate `solution`, atomically.
    public func write(_ record: RunRecord, solution: [Double]?) throws {
        let p = path(for: record.key)
        let directory = (p as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw HarnessError.unwritable(path: directory, reason: error.localizedDescription)
        }
        let npy = solutionPath(for: record.key)
        if let solution {
            try NPYWriter.write(solution, shape: [solution.count], to: npy)
        } else {
            try? FileManager.default.removeItem(atPath: npy)
        }
        do {
            try ResultStore.encode(record).write(to: URL(fileURLWithPath: p), options: .atomic)
        } catch {
            throw HarnessError.unwritable(path: p, reason: error.localizedDescription)
        }
    }

    static func encode(_ record: RunRecord) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(record)
    }

    /// The largest result file read (64 MiB): traces of kmax = 10⁷ iterations recorded
    /// every 100 fit; anything larger is not a result.
    public static let maxRecordBytes = 64 << 20

    /// Reads and validates the record at `path`.
    /// - Throws: ``HarnessError/corruptResult(file:reason:)`` naming the file.
    public func read(_ path: String) throws -> RunRecord {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else {
            throw HarnessError.corruptResult(file: path, reason: "cannot be read")
        }
        guard size <= ResultStore.maxRecordBytes else {
            throw HarnessError.corruptResult(file: path, reason: "\(size) bytes, more than a result can hold (\(ResultStore.maxRecordBytes))")
        }
        let record: RunRecord
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            record = try decoder.decode(RunRecord.self, from: data)
        } catch {
            throw HarnessError.corruptResult(file: path, reason: ResultStore.describe(error))
        }
        let expected = self.path(for: record.key)
        guard URL(fileURLWithPath: expected).standardizedFileURL.path == URL(fileURLWithPath: path).standardizedFileURL.path else {
            throw HarnessError.corruptResult(file: path, reason: "holds the result of \(record.key), whose place is \(expected)")
        }
        let wrong = record.impossibilities
        guard wrong.isEmpty else { throw HarnessError.corruptResult(file: path, reason: wrong.joined(separator: "; ")) }
        return record
    }

    /// A decoding error in one sentence (the missing key or the bad value and where).
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            let at = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            return "no '\(at)' (a result of an older suite version, or not a result)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (at.isEmpty ? "" : "'\(at)': ") + context.debugDescription
        default:
            return "\(error)"
        }
    }

    /// The final iterate stored for `key`.
    /// - Throws: ``HarnessError/corruptResult(file:reason:)`` when it is missing or not
    ///   a vector of `dimension` float64 values.
    public func solution(for key: TaskKey, dimension: Int) throws -> [Double] {
        let p = solutionPath(for: key)
        do { return try NPYReader.readVector(p, count: dimension) } catch {
            throw HarnessError.corruptResult(file: p, reason: "\(error)")
        }
    }

    /// Every stored record, in report order (solvers in the order of `registry`, default
    /// ``SolverRegistry/standard``; others after). A file that cannot be decoded, that is
    /// not where its key says, or that holds impossible values is an error naming it.
    public func all(registry: SolverRegistry = .standard) throws -> [RunRecord] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resultsDirectory, isDirectory: &isDir), isDir.boolValue else { return [] }
        guard let e = FileManager.default.enumerator(atPath: resultsDirectory) else { return [] }
        var out: [RunRecord] = []
        while let rel = e.nextObject() as? String {
            guard rel.hasSuffix(".json") else { continue }
            out.append(try read(resultsDirectory + "/" + rel))
        }
        return out.sorted(by: RunRecord.reportOrder(registry: registry))
    }
}

/// Errors of the harness; each names the file or task at fault.
public enum HarnessError: Error, CustomStringConvertible, Equatable {
    case corruptResult(file: String, reason: String)
    case badShard(String)
    case taskFailed(task: String, reason: String)
    case noTasks(String)
    /// Two results for one task that differ (merge), naming both files.
    case conflictingResults(first: String, second: String, reason: String)
    /// Results that must not share a table (another protocol, another fingerprint).
    case mixedResults(String)
    /// A directory or file the harness must write cannot be written.
    case unwritable(path: String, reason: String)
    /// An output path that is not allowed (empty, or escaping the output directory).
    case badPath(String)

    public var description: String {
        switch self {
        case let .corruptResult(file, reason): return "\(file): unreadable result: \(reason)"
        case let .badShard(text): return "bad --shard '\(text)': expected i/N with 1 ≤ i ≤ N"
        case let .taskFailed(task, reason): return "\(task) failed: \(reason)"
        case let .noTasks(text): return "nothing to run: \(text)"
        case let .conflictingResults(first, second, reason): return "conflicting results for one task: \(first) and \(second) differ (\(reason))"
        case let .mixedResults(text): return text
        case let .unwritable(path, reason): return "\(path): cannot write: \(reason)"
        case let .badPath(text): return text
        }
    }
}
