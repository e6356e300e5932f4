import Foundation
import ProblemSuite

/// Merges result directories (shards of one plan, or separate runs) into one.
///
/// Every input must exist. Results present in several inputs, or already in the target,
/// must be the same result: the same fingerprint and the same numbers and solution
/// (wall time and provenance aside). Any other overlap is
/// ``HarnessError/conflictingResults(first:second:reason:)`` naming both files, found
/// before anything is written. Among identical duplicates the one whose stored record
/// sorts first byte by byte is kept, so the outcome does not depend on the order of the
/// inputs.
public struct ResultMerge {
    public let target: ResultStore
    /// The record kept for each task, with the directory it comes from.
    public private(set) var chosen: [TaskKey: (record: RunRecord, from: ResultStore)] = [:]
    /// Tasks whose result the target already holds.
    public private(set) var alreadyThere = 0
    /// Identical copies met beyond the first.
    public private(set) var duplicates = 0
    /// The inputs' `experiment.json`, when they agree.
    public private(set) var experiment: ExperimentInfo?

    public init(inputs: [String], target: String) throws {
        self.target = ResultStore(root: target)
        var infos: [ExperimentInfo] = []
        var existing: [TaskKey: RunRecord] = [:]
        for r in try self.target.all() { existing[r.key] = r }
        for dir in inputs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw HarnessError.badPath("\(dir): no such results directory")
            }
            let store = ResultStore(root: dir)
            guard FileManager.default.fileExists(atPath: store.resultsDirectory) else {
                throw HarnessError.badPath("\(dir): holds no results/ directory: not a results directory")
            }
            if let info = try ExperimentInfo.read(from: dir) { infos.append(info) }
            for r in try store.all() {
                if let there = existing[r.key] {
                    try ResultMerge.requireSame(r, in: store, there, in: self.target)
                    alreadyThere += 1
                    continue
                }
                if let (kept, keptStore) = chosen[r.key] {
                    try ResultMerge.requireSame(r, in: store, kept, in: keptStore)
                    duplicates += 1
                    if try ResultStore.encode(r).lexicographicallyPrecedes(try ResultStore.encode(kept)) { chosen[r.key] = (r, store) }
                } else {
                    chosen[r.key] = (r, store)
                }
            }
        }
        if let first = infos.first, infos.allSatisfy({ $0 == first }) { experiment = first }
    }

    /// Throws unless `a` and `b` are the same result (fingerprint, numbers, solution).
    static func requireSame(_ a: RunRecord, in sa: ResultStore, _ b: RunRecord, in sb: ResultStore) throws {
        let pa = sa.path(for: a.key), pb = sb.path(for: b.key)
        if a.fingerprint.digest != b.fingerprint.digest {
            throw HarnessError.conflictingResults(first: pb, second: pa, reason: "different fingerprints: " + a.fingerprint.differences(from: b.fingerprint).joined(separator: ", "))
        }
        if try ResultStore.encode(a.numbersOnly) != ResultStore.encode(b.numbersOnly) {
            throw HarnessError.conflictingResults(first: pb, second: pa, reason: "same fingerprint, different numbers")
        }
        let na = FileManager.default.contents(atPath: sa.solutionPath(for: a.key))
        let nb = FileManager.default.contents(atPath: sb.solutionPath(for: b.key))
        if na != nb {
            throw HarnessError.conflictingResults(first: sb.solutionPath(for: b.key), second: sa.solutionPath(for: a.key),
                                                  reason: "same fingerprint, different stored solutions")
        }
    }

    /// Writes every chosen result (and the shared `experiment.json`) into the target.
    /// - Returns: the number of results written.
    public func write() throws -> Int {
        var written = 0
        for key in chosen.keys.sorted() {
            let (record, from) = chosen[key]!
            let npy = from.solutionPath(for: key)
            let solution = FileManager.default.fileExists(atPath: npy) ? try NPYReader.readVector(npy, count: record.dimension) : nil
            try target.write(record, solution: solution)
            written += 1
        }
        if let experiment, try ExperimentInfo.read(from: target.root) == nil { try experiment.write(to: target.root) }
        return written
    }
}

extension RunRecord {
    /// The record without what legitimately differs between two computations of one
    /// result: wall time and provenance.
    var numbersOnly: RunRecord {
        var r = self
        r.seconds = 0
        r.provenance = Provenance(suiteVersion: "", commit: nil, date: "", machine: "", command: "")
        return r
    }
}
