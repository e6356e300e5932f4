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
///   target is gzip-compressed first, as `gzip -9 -n` does (zlib level 9, memLevel 9,
///   which gives the bytes of the shipped a9a files).
/// - A file with a conversion (`convert = ...`, ``DataConversion``) is built from its
///   official sources: each source URL is downloaded once into a temporary folder
///   beside the target, unpacked (a zip entry, `.Z` or gzip, told apart by their magic
///   bytes, nested as served: Musk's zip holds `clean1.data.Z`), checked against the
///   source's sha256 when the manifest records one, converted, gzip-compressed like
///   `gzip -9 -n`, and checked against the manifest: the stored sha256, or a
///   `content_sha256` of the LIBSVM text (another zlib may compress differently). Only
///   then is it renamed into place; the temporary folder is always removed.
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
            if let conversion = file.conversion {
                outcomes.append(try fetchConverted(file, conversion: conversion, to: target, log: log))
            } else {
                outcomes.append(try fetchFile(file, to: target, log: log))
            }
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
                try Data(try GzipWriter.compress(bytes, level: 9, memoryLevel: 9)).write(to: URL(fileURLWithPath: packed))
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

    /// Downloads the official sources of `file`, converts them and puts the result at `target`.
    static func fetchConverted(_ file: DataManifest.FileEntry, conversion: DataConversion, to target: String,
                               log: (String) -> Void) throws -> Outcome {
        let directory = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = (target as NSString).lastPathComponent
        let work = directory + "/.\(name).sources-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: work) }
        var downloads: [String: String] = [:]
        var inputs: [String: DataConversion.Input] = [:]
        for source in file.sources {
            let local: String
            if let done = downloads[source.url] {
                local = done
            } else {
                local = work + "/download-\(downloads.count)"
                log("\(file.path): downloading \(source.url)")
                try download(source.url, to: local)
                downloads[source.url] = local
            }
            let (bytes, label) = try unpack(path: local, source: source, work: work)
            if let wanted = source.sha256 {
                let found = SHA256.hexDigest(of: bytes)
                guard found == wanted else {
                    throw ProblemSuiteError.dataMismatch(
                        file: label,
                        reason: "the official \(source.role) file has sha256 \(found), expected \(wanted) (manifest); \(file.path) was not written")
                }
                log("\(file.path): \(label): sha256 ok")
            }
            inputs[source.role] = DataConversion.Input(bytes: bytes, name: label)
        }
        let text = try conversion.convert(inputs)
        let contentDigest = SHA256.hexDigest(of: text)
        let compress = target.hasSuffix(".gz")
        let stored = compress ? try GzipWriter.compress(text, level: 9, memoryLevel: 9) : text
        let storedDigest = SHA256.hexDigest(of: stored)
        let action: String
        if storedDigest == file.sha256 {
            action = "converted"
            log("\(file.path): converted (\(conversion.rawValue)); sha256 ok")
        } else if compress && file.contentSHA256.contains(contentDigest) {
            action = "converted"
            log("\(file.path): converted (\(conversion.rawValue)); content sha256 ok (this zlib compresses to other gzip bytes than the recorded ones)")
        } else {
            let content = file.contentSHA256.isEmpty ? "" : " (or content sha256 \(file.contentSHA256.joined(separator: " or ")))"
            throw ProblemSuiteError.dataMismatch(
                file: file.path,
                reason: "the \(conversion.rawValue) conversion of the official files gave sha256 \(storedDigest)\(compress ? " (content sha256 \(contentDigest))" : ""), expected \(file.sha256)\(content); \(file.path) was not written")
        }
        let temporary = directory + "/.\(name).part-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        guard FileManager.default.createFile(atPath: temporary, contents: Data(stored)) else {
            throw ProblemSuiteError.invalidRequest("cannot write \(temporary)")
        }
        try replace(target, with: temporary)
        return Outcome(path: file.path, action: action, bytes: fileSize(target))
    }

    /// The official file a source names inside the download at `path`: the zip entry
    /// (``DataManifest/Source/member``, or the archive's only file), then `.Z` or gzip
    /// layers removed (at most four layers). Returns the bytes and a label for messages.
    static func unpack(path: String, source: DataManifest.Source, work: String) throws -> ([UInt8], String) {
        let size = fileSize(path)
        guard size <= SizeLimits.maxDataBytes else {
            throw ProblemSuiteError.malformedFile(file: source.url, line: nil, column: nil,
                                                  reason: "the download has \(size) bytes, more than the limit of \(SizeLimits.maxDataBytes)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProblemSuiteError.malformedFile(file: source.url, line: nil, column: nil, reason: "the download cannot be read")
        }
        var bytes = [UInt8](data)
        var label = source.url
        var layers = 0
        if let member = source.member, !ZipArchive.isZip(bytes) {
            throw ProblemSuiteError.malformedFile(file: source.url, line: nil, column: nil,
                                                  reason: "expected a zip archive holding '\(member)', but the download is not a zip file")
        }
        while layers < 4 {
            layers += 1
            if ZipArchive.isZip(bytes) {
                let archive = try ZipArchive(bytes: bytes, file: label)
                let entry: ZipArchive.Entry
                if let member = source.member {
                    entry = try archive.entry(named: member)
                } else {
                    let files = archive.entries.filter { !$0.isDirectory }
                    guard files.count == 1 else {
                        throw ProblemSuiteError.malformedFile(
                            file: label, line: nil, column: nil,
                            reason: "the archive holds \(files.count) files; the manifest's source needs member = \"...\"")
                    }
                    entry = files[0]
                }
                bytes = try archive.extract(entry)
                label += " (\(entry.name))"
            } else if UnixCompress.isCompressed(bytes) {
                bytes = try UnixCompress.decompress(bytes, file: label)
            } else if bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
                let packed = work + "/layer-\(layers).gz"
                guard FileManager.default.createFile(atPath: packed, contents: Data(bytes)) else {
                    throw ProblemSuiteError.invalidRequest("cannot write \(packed)")
                }
                do { bytes = try GzipReader.readAll(path: packed) } catch let ProblemSuiteError.malformedFile(_, line, column, reason) {
                    throw ProblemSuiteError.malformedFile(file: label, line: line, column: column, reason: reason)
                }
            } else {
                return (bytes, label)
            }
        }
        throw ProblemSuiteError.malformedFile(file: label, line: nil, column: nil, reason: "more than four nested containers")
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
