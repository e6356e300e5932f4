import Foundation

/// The state of one manifest file in a data directory.
package struct DataFileStatus: Sendable, Encodable {
    public var dataSet: String
    public var path: String
    /// Whether the file exists in the data directory.
    public var present: Bool
    /// nil when not checked (file missing); else whether the checksum matched.
    public var checksumOK: Bool?
    /// How the checksum matched: "sha256" (stored bytes) or "content" (decompressed bytes).
    public var checksumMatch: String?
    /// The measured shape, when checked.
    public var shape: String?
    /// nil when not checked; else whether shape and label counts are the manifest's.
    public var shapeOK: Bool?
    /// What is wrong, one sentence each (empty when all is well or the file is missing).
    public var problems: [String]

    /// Present and every performed check passed.
    public var isGood: Bool { present && checksumOK != false && shapeOK != false && problems.isEmpty }
}

/// Checks data files against the manifest: checksum (stored bytes, or decompressed
/// content when the manifest lists `content_sha256`) and shape (by parsing the file).
package enum DataVerifier {
    /// The sha256 of the decompressed content of `path` (the bytes themselves for a
    /// plain file).
    public static func contentDigest(ofFile path: String) throws -> String {
        let reader = try GzipReader(path: path)
        var hash = SHA256()
        try reader.forEachChunk { hash.update($0) }
        return hash.hexDigest()
    }

    /// Whether the file at `path` has the manifest's checksum.
    /// - Returns: ("sha256" | "content", true) on a match, or (a description of what was
    ///   found, false).
    public static func checksum(of entry: DataManifest.FileEntry, at path: String) throws -> (ok: Bool, detail: String) {
        let stored = try SHA256.hexDigest(ofFile: path)
        if stored == entry.sha256 { return (true, "sha256") }
        if !entry.contentSHA256.isEmpty {
            // A corrupt gzip counts as a mismatch, not as an unreadable file.
            if let content = try? contentDigest(ofFile: path), entry.contentSHA256.contains(content) {
                return (true, "content")
            }
        }
        return (false, "sha256 \(stored), expected \(entry.sha256)")
    }

    /// Parses the file and compares its shape (and label counts) with the manifest.
    /// - Returns: the measured shape and the differences found (empty when it matches).
    /// - Throws: parse errors (malformed file, corrupt gzip), with file, line and column.
    public static func shape(of entry: DataManifest.FileEntry, at path: String) throws -> (shape: String, problems: [String]) {
        var problems: [String] = []
        var labels: [Double] = []
        let shape: String
        switch entry.format {
        case .libsvm:
            let data = try LIBSVMParser.parse(path: path, featureCount: entry.columns, storage: "csr")
            shape = "\(data.rowCount) x \(data.columnCount)"
            if let rows = entry.rows, rows != data.rowCount { problems.append("\(data.rowCount) rows, expected \(rows)") }
            labels = data.labels
        case .idx:
            let array = try IDXReader.read(path: path, expectedRank: entry.dimensions?.count)
            shape = array.dimensions.map(String.init).joined(separator: " x ")
            if let dims = entry.dimensions, dims != array.dimensions {
                problems.append("dimensions \(shape), expected \(entry.shapeDescription)")
            }
        case .denseText:
            let m = try DenseTextParser.parseMatrix(path: path, columns: entry.columns)
            shape = "\(m.rows) x \(m.columns)"
            if let rows = entry.rows, rows != m.rows { problems.append("\(m.rows) rows, expected \(rows)") }
        case .labelsText:
            labels = try DenseTextParser.parseLabels(path: path)
            shape = "\(labels.count)"
            if let rows = entry.rows, rows != labels.count { problems.append("\(labels.count) labels, expected \(rows)") }
        }
        if !entry.labelCounts.isEmpty {
            var counts: [Double: Int] = [:]
            for l in labels { counts[l, default: 0] += 1 }
            var expected: [Double: Int] = [:]
            for (k, c) in entry.labelCounts { if let v = DecimalParsing.parse(k) { expected[v] = c } }
            if counts != expected {
                func show(_ d: [Double: Int]) -> String {
                    d.keys.sorted().map { "\(LabelCoding.format($0)): \(d[$0]!)" }.joined(separator: ", ")
                }
                problems.append("label counts {\(show(counts))}, expected {\(show(expected))}")
            }
        }
        return (shape, problems)
    }

    /// The status of every file of `manifest` in `dataDirectory`.
    /// - Parameters:
    ///   - checkShape: also parse present files (slower; `data verify` does, `data list` not).
    ///   - only: restrict to these data sets (nil: all).
    ///   - cacheDirectory: where ``DataIntegrity`` keeps its checksum cache: the checksum
    ///     is taken from it when the file's size and modification time are unchanged, and
    ///     recorded in it, so that loads and `problemsuite list` agree (nil: always hash).
    ///   - rehash: hash even when the cache holds the file's checksum (and record it).
    public static func status(_ manifest: DataManifest, dataDirectory: String, checkShape: Bool,
                              only: [String]? = nil, cacheDirectory: String? = nil, rehash: Bool = false) -> [DataFileStatus] {
        var out: [DataFileStatus] = []
        for set in manifest.dataSets where only == nil || only!.contains(where: { $0.lowercased() == set.name.lowercased() }) {
            for file in set.files {
                out.append(status(of: file, in: set, dataDirectory: dataDirectory, checkShape: checkShape,
                                  cacheDirectory: cacheDirectory, rehash: rehash))
            }
        }
        return out
    }

    /// The status of one file (`cacheDirectory`, `rehash`: see ``status(_:dataDirectory:checkShape:only:cacheDirectory:rehash:)``).
    public static func status(of file: DataManifest.FileEntry, in set: DataManifest.DataSet,
                              dataDirectory: String, checkShape: Bool, cacheDirectory: String? = nil,
                              rehash: Bool = false) -> DataFileStatus {
        let path = dataDirectory + "/" + file.path
        var s = DataFileStatus(dataSet: set.name, path: file.path, present: FileManager.default.fileExists(atPath: path),
                               checksumOK: nil, checksumMatch: nil, shape: nil, shapeOK: nil, problems: [])
        guard s.present else { return s }
        do {
            let c = try DataIntegrity.check(file: file.path, entry: file, dataDirectory: dataDirectory,
                                            cacheDirectory: cacheDirectory, rehash: rehash)
            s.checksumOK = c.state == .verified
            if c.state == .verified { s.checksumMatch = c.match }
            else { s.problems.append("checksum mismatch: sha256 \(c.sha256 ?? "?"), expected \(file.sha256)") }
        } catch {
            s.checksumOK = false
            s.problems.append("\(error)")
        }
        if checkShape {
            do {
                let (shape, problems) = try shape(of: file, at: path)
                s.shape = shape
                s.shapeOK = problems.isEmpty
                s.problems += problems
            } catch {
                s.shapeOK = false
                s.problems.append("\(error)")
            }
        }
        return s
    }
}
