import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a load does when a data file's checksum is not the manifest's.
public enum ChecksumPolicy: String, Sendable, Codable {
    /// Default: refuse to load (`ProblemSuiteError/dataMismatch(file:reason:)`).
    case verify
    /// Load anyway (`--allow-checksum-mismatch`): for a deliberately modified copy.
    case allowMismatch
}

/// Checks the data files a problem reads against the manifest's sha256 before anything
/// is computed from them, with a cache so that loading stays fast.
///
/// The cache is `<cache directory>/checksums.tsv`, one line per file, tab-separated:
/// absolute path, size in bytes, modification time in nanoseconds since 1970, sha256 of
/// the stored bytes, verdict (`verified`, `mismatch`, or `unlisted` for a file the
/// manifest does not list), and the expectation the verdict was made against (16 hex
/// digits of the sha256 of the manifest's `sha256;content_sha256,...`, `-` when unlisted).
/// A line is used only when path, size and modification time are the file's and the
/// expectation is the current manifest's; a malformed line is ignored (and dropped at
/// the next write), never trusted. The file is rewritten whole, to a temporary name then
/// renamed, under an in-process lock, so concurrent loads (the harness's threads) never
/// leave a torn file; two *processes* writing at once may lose one's new line (it is
/// recomputed next time), never corrupt the file.
///
/// - Note: a file rewritten with the same size and modification time is taken from the
///   cache (that is the point of the cache); `problemsuite data verify` always rehashes
///   if the cache file is deleted. Failing to write the cache is not an error.
public enum DataIntegrity {
    /// The state of one manifest file.
    public enum FileState: String, Sendable {
        /// Present and its checksum is the manifest's (stored bytes or decompressed content).
        case verified
        /// Present and its checksum is not the manifest's.
        case mismatch
        /// Present, not hashed yet for its current size and modification time (or not
        /// listed in the manifest, so nothing to check against).
        case unchecked
        /// Not in the data directory.
        case missing
    }

    /// The outcome of checking one file (``check(file:dataDirectory:cacheDirectory:manifest:)``).
    public struct FileCheck: Sendable, Equatable {
        /// The path relative to the data directory.
        public var path: String
        /// `.verified`, `.mismatch`, `.missing`, or `.unchecked` for a file the manifest does not list.
        public var state: FileState
        /// sha256 of the stored bytes (nil when missing).
        public var sha256: String?
        /// How a verified file matched: "sha256" (stored bytes) or "content" (decompressed).
        public var match: String?
        /// Whether the manifest lists the file.
        public var listed: Bool
        /// Whether the result came from the cache (the file was not read).
        public var cached: Bool
    }

    /// The cache file's name inside the cache directory.
    public static let cacheFileName = "checksums.tsv"

    // MARK: - Public entry points

    /// The sha256 (of the stored bytes) of every data file `entry` reads, keyed by its path relative
    /// to the data directory, each verified against the manifest (stored sha256, or a content_sha256
    /// for a decompressed copy — as DataVerifier.checksum does). Cached by (absolute path, size, mtime)
    /// in `context.cacheDirectory` so that loading stays fast.
    ///
    /// The manifest is ``DataManifest/standard(explicit:)`` (parsed once per path and
    /// modification time). A file the manifest does not list is hashed (cached) and its
    /// digest returned without a check. The data directory is `context.dataDirectory`,
    /// else ``SuitePaths/dataDirectory(explicit:)`` (where the loaders read). A generated
    /// problem (no files) returns `[:]` without reading the manifest.
    /// - Throws: ProblemSuiteError.missingData for a missing file; ProblemSuiteError.dataMismatch naming
    ///   the file, the expected and the found sha256 and how to override, unless context.checksums == .allowMismatch.
    ///   An unreadable manifest is an error under `.verify` (nothing to verify against).
    public static func digests(of entry: ProblemEntry, context: LoadContext) throws -> [String: String] {
        guard !entry.requiredFiles.isEmpty else { return [:] }
        let dir = context.dataDirectory ?? SuitePaths.dataDirectory()
        let manifest: DataManifest?
        do { manifest = try standardManifest() } catch {
            if context.checksums == .verify {
                throw ProblemSuiteError.invalidRequest(
                    "\(entry.name): cannot verify its data files: \(error). Fix the manifest, or pass --allow-checksum-mismatch to load unverified.")
            }
            manifest = nil
        }
        var out: [String: String] = [:]
        for path in entry.requiredFiles {
            let c = try check(file: path, dataDirectory: dir, cacheDirectory: context.cacheDirectory, manifest: manifest)
            switch c.state {
            case .missing:
                throw ProblemSuiteError.missingData(
                    problem: entry.name, file: dir + "/" + path,
                    hint: manifest?.obtainHint(forPath: path) ?? DataManifest.standardHint(forPath: path))
            case .mismatch where context.checksums == .verify:
                let (set, file) = manifest!.entry(forPath: path)!
                throw ProblemSuiteError.dataMismatch(file: dir + "/" + path,
                                                     reason: mismatchReason(found: c.sha256!, file: file, set: set, manifest: manifest!))
            default:
                out[path] = c.sha256
            }
        }
        return out
    }

    /// The cached state of one manifest file, without hashing: .verified, .mismatch, .unchecked (no cache entry for the current size/mtime), .missing.
    ///
    /// Uses the standard manifest (a cached verdict made against another manifest is
    /// `.unchecked`); a file the manifest does not list is `.unchecked`.
    public static func cachedState(ofFile relativePath: String, dataDirectory: String, cacheDirectory: String?) -> FileState {
        let path = dataDirectory + "/" + relativePath
        guard let stamp = FileStamp(path: path) else { return .missing }
        guard let cacheDirectory, let manifest = try? standardManifest(),
              let (_, file) = manifest.entry(forPath: relativePath) else { return .unchecked }
        let key = absolute(path)
        guard let record = lock.withLock({ _ in readCache(cacheDirectory)[key] }),
              record.stamp == stamp, record.expectation == expectation(of: file) else { return .unchecked }
        return record.verdict == .verified ? .verified : (record.verdict == .mismatch ? .mismatch : .unchecked)
    }

    /// Checks one file against `manifest` (nil: not listed), hashing it unless the cache
    /// holds a line for its current size and modification time, and records the result.
    /// - Throws: read errors of a present file (naming it).
    public static func check(file relativePath: String, dataDirectory: String, cacheDirectory: String?,
                             manifest: DataManifest?) throws -> FileCheck {
        try check(file: relativePath, entry: manifest?.entry(forPath: relativePath)?.file,
                  dataDirectory: dataDirectory, cacheDirectory: cacheDirectory)
    }

    /// ``check(file:dataDirectory:cacheDirectory:manifest:)`` against one manifest entry
    /// (nil: not listed); `rehash` ignores the cache's line (and replaces it), as
    /// `data verify` does.
    public static func check(file relativePath: String, entry fileEntry: DataManifest.FileEntry?, dataDirectory: String,
                             cacheDirectory: String?, rehash: Bool = false) throws -> FileCheck {
        let path = dataDirectory + "/" + relativePath
        guard let stamp = FileStamp(path: path) else {
            return FileCheck(path: relativePath, state: .missing, sha256: nil, match: nil, listed: fileEntry != nil, cached: false)
        }
        let key = absolute(path)
        let wanted = fileEntry.map(expectation(of:)) ?? "-"
        if !rehash, let cacheDirectory,
           let r = lock.withLock({ _ in readCache(cacheDirectory)[key] }), r.stamp == stamp, r.expectation == wanted {
            return result(relativePath, sha: r.sha256, verdict: r.verdict, file: fileEntry, cached: true)
        }
        let stored = try SHA256.hexDigest(ofFile: path)
        var verdict = Verdict.unlisted
        if let f = fileEntry {
            verdict = .mismatch
            if stored == f.sha256 { verdict = .verified }
            else if !f.contentSHA256.isEmpty, let content = try? DataVerifier.contentDigest(ofFile: path),
                    f.contentSHA256.contains(content) {
                // A corrupt gzip counts as a mismatch, as in DataVerifier.checksum.
                verdict = .verified
            }
        }
        // Stamp taken before hashing: a file changed meanwhile gets a new stamp, so the
        // line is not used for its new content.
        if let cacheDirectory {
            store(Record(stamp: stamp, sha256: stored, verdict: verdict, expectation: wanted), for: key, in: cacheDirectory)
        }
        return result(relativePath, sha: stored, verdict: verdict, file: fileEntry, cached: false)
    }

    /// The message of a checksum mismatch: file, expected and found digests, and how to override.
    public static func mismatchReason(found: String, file: DataManifest.FileEntry, set: DataManifest.DataSet,
                                      manifest: DataManifest) -> String {
        let content = file.contentSHA256.isEmpty ? ""
            : " (or decompressed content sha256 \(file.contentSHA256.joined(separator: " or ")))"
        return "checksum mismatch: found sha256 \(found), expected \(file.sha256)\(content) (manifest \(manifest.file), data set '\(set.name)'). "
            + "The copy is corrupt or another version: replace it (`problemsuite data fetch \(set.name)`), "
            + "or pass --allow-checksum-mismatch (ChecksumPolicy.allowMismatch) to use it anyway."
    }

    // MARK: - Manifest

    private static let manifests = Mutex<[String: (FileStamp?, DataManifest)]>([:])

    /// ``DataManifest/standard(explicit:)``, parsed once per path (again when its size or
    /// modification time changes).
    static func standardManifest() throws -> DataManifest {
        let path = DataManifest.standardPath()
        let stamp = FileStamp(path: path)
        if let (s, m) = manifests.withLock({ $0[path] }), s == stamp { return m }
        let m = try DataManifest(path: path)
        manifests.withLock { $0[path] = (stamp, m) }
        return m
    }

    // MARK: - Cache

    enum Verdict: String { case verified, mismatch, unlisted }

    /// Size and modification time (ns) of a file.
    struct FileStamp: Hashable {
        var size: UInt64
        var mtimeNanoseconds: Int64

        /// nil when the file does not exist (or is not a regular file).
        init?(path: String) {
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            size = UInt64(st.st_size)
            #if canImport(Darwin)
            mtimeNanoseconds = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
            #else
            mtimeNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            #endif
        }
        init(size: UInt64, mtimeNanoseconds: Int64) { self.size = size; self.mtimeNanoseconds = mtimeNanoseconds }
    }

    struct Record: Equatable {
        var stamp: FileStamp
        var sha256: String
        var verdict: Verdict
        var expectation: String
    }

    /// Serialises reads and rewrites of cache files within the process.
    private static let lock = Mutex<Void>(())

    private static func result(_ path: String, sha: String, verdict: Verdict, file: DataManifest.FileEntry?, cached: Bool) -> FileCheck {
        switch verdict {
        case .verified:
            return FileCheck(path: path, state: .verified, sha256: sha, match: sha == file?.sha256 ? "sha256" : "content",
                             listed: true, cached: cached)
        case .mismatch:
            return FileCheck(path: path, state: .mismatch, sha256: sha, match: nil, listed: true, cached: cached)
        case .unlisted:
            return FileCheck(path: path, state: .unchecked, sha256: sha, match: nil, listed: false, cached: cached)
        }
    }

    /// 16 hex digits identifying what a verdict was checked against.
    static func expectation(of file: DataManifest.FileEntry) -> String {
        String(SHA256.hexDigest(of: Array((file.sha256 + ";" + file.contentSHA256.joined(separator: ",")).utf8)).prefix(16))
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The valid lines of the cache file (last one wins per path); malformed lines are skipped.
    static func readCache(_ directory: String) -> [String: Record] {
        guard let data = FileManager.default.contents(atPath: directory + "/" + cacheFileName) else { return [:] }
        var out: [String: Record] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
            if let (path, record) = parse(line) { out[path] = record }
        }
        return out
    }

    static func parse(_ line: Substring) -> (String, Record)? {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard f.count == 6, f[0].hasPrefix("/"),
              let size = UInt64(f[1]), let mtime = Int64(f[2]),
              f[3].count == 64, f[3].allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
              let verdict = Verdict(rawValue: String(f[4])) else { return nil }
        let e = f[5]
        let validExpectation = verdict == .unlisted ? e == "-" : (e.count == 16 && e.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        guard validExpectation else { return nil }
        return (String(f[0]), Record(stamp: FileStamp(size: size, mtimeNanoseconds: mtime), sha256: String(f[3]),
                                     verdict: verdict, expectation: String(e)))
    }

    static func format(_ path: String, _ r: Record) -> String {
        "\(path)\t\(r.stamp.size)\t\(r.stamp.mtimeNanoseconds)\t\(r.sha256)\t\(r.verdict.rawValue)\t\(r.expectation)"
    }

    /// Merges `record` into the cache file: re-read under the lock, then written to a
    /// temporary file and renamed over it. Failures are ignored (the cache is an optimisation).
    static func store(_ record: Record, for path: String, in directory: String) {
        guard !path.contains("\t"), !path.contains("\n") else { return }
        lock.withLock { _ in
            var records = readCache(directory)
            records[path] = record
            let text = records.keys.sorted().map { format($0, records[$0]!) }.joined(separator: "\n") + "\n"
            let target = directory + "/" + cacheFileName
            let temporary = target + ".\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp"
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
                guard rename(temporary, target) == 0 else { throw CocoaError(.fileWriteUnknown) }
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
            }
        }
    }
}
