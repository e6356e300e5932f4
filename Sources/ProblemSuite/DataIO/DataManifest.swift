import Foundation

/// The data manifest `Data/datasets.toml`: per data set its files, official URLs,
/// checksums, shapes, task and citation.
///
/// ```toml
/// [[dataset]]
/// name = "a9a"
/// task = "binary-classification"
/// description = "..."
/// page = "https://..."          # official page
/// citation = "..."
/// licence = "..."               # optional
/// note = "..."                  # optional: how to obtain it when it is not shipped
/// [[dataset.file]]
/// path = "a9a.gz"               # relative to the data directory
/// url = "https://..."           # official download address
/// sha256 = "..."                # of the stored bytes
/// content_sha256 = ["..."]      # optional: accepted digests of the decompressed content
/// format = "libsvm"             # libsvm | idx | dense-text | labels-text
/// rows = 32561                  # shape: rows/columns, or dimensions = [...] for idx
/// columns = 123
/// labels = { "-1" = 24720, "+1" = 7841 }   # optional label counts
/// fetch = false                 # optional: url is a page, the file cannot be downloaded
/// convert = "reged-libsvm"      # optional: built from official files (DataConversion)
/// [[dataset.file.source]]       # with convert: one per official file the conversion reads
/// role = "data"                 # the conversion's role (DataConversion.roles)
/// url = "http://.../x.zip"      # official address: a zip, a .Z, a .gz or the plain file
/// member = "x_train.data"       # optional: the entry inside a zip (whole name or last component)
/// sha256 = "..."                # optional: of the official file once unpacked
/// ```
public struct DataManifest: Sendable {
    /// File formats the suite reads.
    public enum FileFormat: String, Sendable, CaseIterable {
        case libsvm, idx, denseText = "dense-text", labelsText = "labels-text"
    }

    /// One file of a data set.
    public struct FileEntry: Sendable, Equatable {
        public var path: String
        public var url: String
        public var sha256: String
        public var contentSHA256: [String]
        public var format: FileFormat
        public var rows: Int?
        public var columns: Int?
        public var dimensions: [Int]?
        /// Expected count per label (labels written as in the file, e.g. "+1").
        public var labelCounts: [String: Int]
        /// Whether `data fetch` can obtain this file: `url` serves it (or its
        /// uncompressed content) directly, or it is converted from official sources.
        public var fetchable: Bool
        /// The conversion that builds this file from ``sources`` (nil: downloaded as is).
        public var conversion: DataConversion? = nil
        /// The official files the conversion reads.
        public var sources: [Source] = []

        /// "32561 x 123" or "60000 x 28 x 28".
        public var shapeDescription: String {
            if let dimensions { return dimensions.map(String.init).joined(separator: " x ") }
            if let rows, let columns { return "\(rows) x \(columns)" }
            if let rows { return "\(rows)" }
            return "-"
        }
    }

    /// One official file a conversion reads (`[[dataset.file.source]]`).
    public struct Source: Sendable, Equatable {
        /// The conversion's name for it (``DataConversion/roles``).
        public var role: String
        /// The official download address (the file itself, or a zip, `.Z` or `.gz` holding it).
        public var url: String
        /// The entry to take from a zip (nil: the archive must hold exactly one file).
        public var member: String?
        /// sha256 of the unpacked file, when known; the download is refused otherwise.
        public var sha256: String?
    }

    /// One data set.
    public struct DataSet: Sendable {
        public var name: String
        public var task: String
        public var description: String
        public var page: String
        public var citation: String
        public var licence: String?
        public var note: String?
        public var files: [FileEntry]
    }

    /// The data sets, in file order.
    public var dataSets: [DataSet]
    /// The manifest's path (for messages).
    public var file: String

    static let dataSetKeys = ["name", "task", "description", "page", "citation", "licence", "note", "file"]
    static let fileKeys = ["path", "url", "sha256", "content_sha256", "format", "rows", "columns",
                           "dimensions", "labels", "fetch", "convert", "source"]
    static let sourceKeys = ["role", "url", "member", "sha256"]

    /// Reads and validates a manifest file.
    public init(path: String) throws {
        try self.init(values: TOMLReading.read(file: path), file: path)
    }

    /// Builds a manifest from parsed TOML (`file` is used in messages).
    public init(values top: [String: ParameterValue], file: String) throws {
        self.file = file
        let root = ParameterTable(top, file: file, context: "")
        try root.rejectUnknownKeys(allowed: ["dataset"])
        guard case .array(let items)? = root["dataset"] else {
            throw root.invalid("dataset", "expected [[dataset]] tables")
        }
        var sets: [DataSet] = []
        var seenPaths: [String: String] = [:]
        for (index, item) in items.enumerated() {
            guard case .table(let values) = item else { throw root.invalid("dataset", "item \(index + 1) is not a table") }
            let probe = ParameterTable(values, file: file, context: "dataset #\(index + 1)")
            let name = try probe.string("name")
            let t = ParameterTable(values, file: file, context: "dataset \"\(name)\"")
            try t.rejectUnknownKeys(allowed: DataManifest.dataSetKeys)
            if sets.contains(where: { $0.name.lowercased() == name.lowercased() }) {
                throw t.invalid("name", "declared twice")
            }
            guard case .array(let fileItems)? = t["file"], !fileItems.isEmpty else {
                throw t.invalid("file", "expected at least one [[dataset.file]] table")
            }
            var files: [FileEntry] = []
            for (k, fileItem) in fileItems.enumerated() {
                guard case .table(let fv) = fileItem else { throw t.invalid("file", "item \(k + 1) is not a table") }
                let ft = ParameterTable(fv, file: file, context: "dataset \"\(name)\" file #\(k + 1)")
                let entry = try DataManifest.fileEntry(ft)
                if let other = seenPaths[entry.path] {
                    throw ft.invalid("path", "already listed by data set \"\(other)\"")
                }
                seenPaths[entry.path] = name
                files.append(entry)
            }
            sets.append(DataSet(name: name, task: try t.string("task"), description: try t.string("description", default: ""),
                                page: try t.string("page"), citation: try t.string("citation"),
                                licence: try t.optionalString("licence"), note: try t.optionalString("note"),
                                files: files))
        }
        dataSets = sets
    }

    static func fileEntry(_ t: ParameterTable) throws -> FileEntry {
        try t.rejectUnknownKeys(allowed: fileKeys)
        let path = try t.string("path")
        guard !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw t.invalid("path", "must be a relative path inside the data directory")
        }
        func digest(_ s: String, key: String) throws -> String {
            let lower = s.lowercased()
            guard lower.count == 64, lower.allSatisfy({ $0.isHexDigit }) else {
                throw t.invalid(key, "a sha256 is 64 hexadecimal digits")
            }
            return lower
        }
        let sha = try digest(try t.string("sha256"), key: "sha256")
        var content: [String] = []
        if let v = t["content_sha256"] {
            guard case .array(let a) = v else { throw t.invalid("content_sha256", "expected an array of strings") }
            content = try a.map {
                guard case .string(let s) = $0 else { throw t.invalid("content_sha256", "expected an array of strings") }
                return try digest(s, key: "content_sha256")
            }
        }
        let formatName = try t.string("format")
        guard let format = FileFormat(rawValue: formatName) else {
            throw t.invalid("format", "unknown format (known: \(FileFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let rows = try t.optionalInt("rows"), columns = try t.optionalInt("columns")
        let dims = try t.optionalIntArray("dimensions")
        for (key, v) in [("rows", rows), ("columns", columns)] where v != nil && v! <= 0 {
            throw t.invalid(key, "must be positive")
        }
        if let dims, dims.isEmpty || dims.contains(where: { $0 <= 0 }) {
            throw t.invalid("dimensions", "must be a non-empty list of positive sizes")
        }
        switch format {
        case .idx where dims == nil: throw t.invalid("dimensions", "an idx file needs its dimensions")
        case .libsvm where rows == nil || columns == nil, .denseText where rows == nil || columns == nil:
            throw t.invalid(rows == nil ? "rows" : "columns", "a \(format.rawValue) file needs rows and columns")
        case .labelsText where rows == nil: throw t.invalid("rows", "a labels-text file needs rows")
        default: break
        }
        var labels: [String: Int] = [:]
        if let lt = try t.optionalTable("labels") {
            for (k, v) in lt.values {
                guard case .int(let c) = v, c >= 0 else { throw lt.invalid(k, "a label count is a non-negative integer") }
                guard DecimalParsing.parse(k) != nil else { throw lt.invalid(k, "a label must be a number") }
                labels[k] = c
            }
        }
        var conversion: DataConversion?
        if let name = try t.optionalString("convert") {
            guard let c = DataConversion(rawValue: name) else {
                throw t.invalid("convert", "unknown conversion (known: \(DataConversion.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            conversion = c
        }
        let fetch = try t.optionalBool("fetch")
        var sources: [Source] = []
        if let v = t["source"] {
            guard case .array(let items) = v else { throw t.invalid("source", "expected [[dataset.file.source]] tables") }
            for (k, item) in items.enumerated() {
                guard case .table(let sv) = item else { throw t.invalid("source", "item \(k + 1) is not a table") }
                let st = ParameterTable(sv, file: t.file, context: t.context + " source #\(k + 1)")
                try st.rejectUnknownKeys(allowed: sourceKeys)
                let role = try st.string("role")
                if sources.contains(where: { $0.role == role }) { throw st.invalid("role", "listed twice") }
                let url = try st.string("url")
                guard !url.isEmpty else { throw st.invalid("url", "must not be empty") }
                let member = try st.optionalString("member")
                if let member, member.isEmpty { throw st.invalid("member", "must not be empty") }
                sources.append(Source(role: role, url: url, member: member,
                                      sha256: try st.optionalString("sha256").map { try digest($0, key: "sha256") }))
            }
        }
        if let conversion {
            guard format == .libsvm else { throw t.invalid("convert", "a conversion writes LIBSVM files (format = \"libsvm\")") }
            guard fetch != false else { throw t.invalid("fetch", "fetch = false contradicts convert (the file is built by `data fetch`)") }
            let roles = sources.map(\.role)
            for role in conversion.roles where !roles.contains(role) {
                throw t.invalid("source", "conversion \(conversion.rawValue) needs a [[dataset.file.source]] with role = \"\(role)\"")
            }
            if let extra = roles.first(where: { !conversion.roles.contains($0) }) {
                throw t.invalid("source", "role \"\(extra)\" is not read by \(conversion.rawValue) (roles: \(conversion.roles.joined(separator: ", ")))")
            }
        } else if !sources.isEmpty {
            throw t.invalid("source", "sources need a conversion (convert = ...)")
        }
        return FileEntry(path: path, url: try t.string("url"), sha256: sha, contentSHA256: content, format: format,
                         rows: rows, columns: columns, dimensions: dims, labelCounts: labels,
                         fetchable: conversion != nil || (fetch ?? true), conversion: conversion, sources: sources)
    }

    /// The manifest path: `explicit` (`--manifest`), else `$PROBLEMSUITE_MANIFEST`, else
    /// `./Data/datasets.toml` when it exists, else the manifest shipped in the package's
    /// resource bundle (``SuitePaths/shippedManifestPath``).
    public static func standardPath(explicit: String? = nil) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["PROBLEMSUITE_MANIFEST"], !env.isEmpty { return env }
        let local = FileManager.default.currentDirectoryPath + "/Data/datasets.toml"
        if FileManager.default.fileExists(atPath: local) { return local }
        return SuitePaths.shippedManifestPath
    }

    /// The standard manifest (see ``standardPath(explicit:)``).
    public static func standard(explicit: String? = nil) throws -> DataManifest {
        try DataManifest(path: standardPath(explicit: explicit))
    }

    /// The data set called `name` (case-insensitive).
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` naming the known data sets.
    public func dataSet(named name: String) throws -> DataSet {
        if let d = dataSets.first(where: { $0.name.lowercased() == name.lowercased() }) { return d }
        let close = NameSuggestion.closest(to: name, among: dataSets.map(\.name))
        let hint = close.isEmpty ? "" : " Did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?"
        throw ProblemSuiteError.invalidRequest(
            "\(file): no data set '\(name)' (known: \(dataSets.map(\.name).joined(separator: ", "))).\(hint)")
    }

    /// The data set and entry of the file at `path` (relative to the data directory).
    public func entry(forPath path: String) -> (dataSet: DataSet, file: FileEntry)? {
        for d in dataSets { if let f = d.files.first(where: { $0.path == path }) { return (d, f) } }
        return nil
    }

    /// How to obtain the file at `path` (relative to the data directory), for
    /// missing-data messages.
    public func obtainHint(forPath path: String) -> String {
        guard let (set, file) = entry(forPath: path) else {
            return "Set --data-dir or PROBLEMSUITE_DATA to a directory holding it."
        }
        var text = "It belongs to data set '\(set.name)' (\(file.url)). "
        if file.fetchable {
            text += "Run `problemsuite data fetch \(set.name)` to download and verify it, or set --data-dir or PROBLEMSUITE_DATA to a directory holding it."
        } else {
            text += "It cannot be downloaded as is: \(set.note ?? "see the README, 'Data sets'.") Or set --data-dir or PROBLEMSUITE_DATA to a directory holding it."
        }
        return text
    }

    /// ``obtainHint(forPath:)`` from the standard manifest, or a generic hint if the
    /// manifest cannot be read.
    public static func standardHint(forPath path: String) -> String {
        (try? DataManifest.standard())?.obtainHint(forPath: path)
            ?? "Set --data-dir or PROBLEMSUITE_DATA to a directory holding it, or run `problemsuite data fetch` (see README, 'Data sets')."
    }
}
