import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads a manifest data set into the data directory: each file from its official
/// URL, checked against the manifest's sha256 before it is moved into place.
///
/// - The download goes to a temporary file beside the target and is renamed over it
///   only after the checksum matched, so a failed or interrupted fetch never leaves a
///   partial or wrong file under the real name.
/// - If the stored-bytes sha256 does not match but the decompressed content matches a
///   `content_sha256` (the official address serves the file uncompressed), a `.gz`
///   target is gzip-compressed first.
/// - Files already present with a good checksum are kept unless `force` is set.
/// - Downloads use `curl` (or `wget`), else Foundation; http, https and file URLs work.
package enum DataFetcher {
    /// What happened to one file.
    package struct Outcome: Sendable, Encodable, Equatable {
        package var path: String
        /// "downloaded", "downloaded and compressed", or "already present".
        package var action: String
        package var bytes: Int
    }

    /// Fetches every file of `dataSet` into `dataDirectory`.
    /// - Parameters:
    ///   - log: called with one line per step (for the CLI).
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` when a file cannot be downloaded
    ///   (page URL, network error) and `ProblemSuiteError/dataMismatch(file:reason:)`
    ///   when the download has the wrong checksum.
    package static func fetch(_ dataSet: DataManifest.DataSet, into dataDirectory: String, force: Bool = false,
                             log: (String) -> Void = { _ in }) throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for file in dataSet.files {
            let target = dataDirectory + "/" + file.path
            if !force, FileManager.default.fileExists(atPath: target),
               (try? DataVerifier.checksum(of: file, at: target).ok) == true {
                log("\(file.path): already present, checksum ok")
                outcomes.append(Outcome(path: file.path, action: "already present", bytes: fileSize(target)))
                continue
            }
            guard file.fetchable else {
                throw ProblemSuiteError.invalidRequest(
                    "\(file.path): cannot be downloaded automatically from \(file.url). \(dataSet.note ?? "")")
            }
            outcomes.append(try fetchFile(file, to: target, log: log))
        }
        return outcomes
    }

    static func fetchFile(_ file: DataManifest.FileEntry, to target: String, log: (String) -> Void) throws -> Outcome {
        let directory = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = (target as NSString).lastPathComponent
        let temporary = directory + "/.\(name).part-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        log("\(file.path): downloading \(file.url)")
        try download(file.url, to: temporary)
        let stored = try SHA256.hexDigest(ofFile: temporary)
        if stored == file.sha256 {
            try replace(target, with: temporary)
            log("\(file.path): sha256 ok")
            return Outcome(path: file.path, action: "downloaded", bytes: fileSize(target))
        }
        if !file.contentSHA256.isEmpty,
           let content = try? DataVerifier.contentDigest(ofFile: temporary), file.contentSHA256.contains(content) {
            if target.hasSuffix(".gz"), !(try GzipReader.isGzip(path: temporary)) {
                let bytes = try GzipReader.readAll(path: temporary)
                let packed = temporary + ".gz"
                defer { try? FileManager.default.removeItem(atPath: packed) }
                try Data(try GzipWriter.compress(bytes, level: 9)).write(to: URL(fileURLWithPath: packed))
                try replace(target, with: packed)
                log("\(file.path): content sha256 ok; compressed")
                return Outcome(path: file.path, action: "downloaded and compressed", bytes: fileSize(target))
            }
            try replace(target, with: temporary)
            log("\(file.path): content sha256 ok")
            return Outcome(path: file.path, action: "downloaded", bytes: fileSize(target))
        }
        throw ProblemSuiteError.dataMismatch(
            file: file.url,
            reason: "downloaded file has sha256 \(stored), expected \(file.sha256)\(file.contentSHA256.isEmpty ? "" : " (or content sha256 \(file.contentSHA256.joined(separator: " or ")))"); \(file.path) was not written")
    }

    /// Atomically puts `source` at `target` (rename in the same directory).
    static func replace(_ target: String, with source: String) throws {
        if rename(source, target) != 0 {
            throw ProblemSuiteError.invalidRequest("cannot move the download into place at \(target): \(String(cString: strerror(errno)))")
        }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Downloads `url` to `path`.
    package static func download(_ url: String, to path: String) throws {
        for (tool, arguments) in [("curl", ["-fsSL", "--retry", "2", "-o", path, url]),
                                  ("wget", ["-q", "-O", path, url])] {
            guard let executable = findExecutable(tool) else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let message = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw ProblemSuiteError.invalidRequest("download of \(url) failed (\(tool) exit status \(process.terminationStatus)): \(text)")
            }
            return
        }
        guard let u = URL(string: url) else { throw ProblemSuiteError.invalidRequest("not a URL: \(url)") }
        do {
            try Data(contentsOf: u).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ProblemSuiteError.invalidRequest("download of \(url) failed: \(error.localizedDescription)")
        }
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
