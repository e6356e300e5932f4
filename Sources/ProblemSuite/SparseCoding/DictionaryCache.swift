import Foundation

/// What a learned MNIST dictionary depends on, besides the data: the training file, how
/// many of its images, and every K-SVD parameter. The cache key is this plus the
/// checksum of the training pixels.
package struct DictionarySpec: Sendable, Hashable, Codable {
    /// Training image file, relative to the data directory.
    public var trainingFile: String
    /// The first `trainingCount` images of the file are the training signals
    /// (**[reconstruction]** default 5000: the paper says "a subset of MNIST").
    public var trainingCount: Int
    /// K-SVD parameters.
    public var ksvd: KSVDOptions

    public static let defaultTrainingFile = "mnist/train-images-idx3-ubyte.gz"

    public init(trainingFile: String = DictionarySpec.defaultTrainingFile, trainingCount: Int = 5000,
                ksvd: KSVDOptions = KSVDOptions()) {
        self.trainingFile = trainingFile
        self.trainingCount = trainingCount
        self.ksvd = ksvd
    }

    /// The canonical text of the key for data with checksum `dataChecksum`: every
    /// parameter by name, so that any change of parameter or data changes the key.
    public func key(dataChecksum: String) -> String {
        let o = ksvd
        return ["format=\(DictionaryCache.formatVersion)", "file=\(trainingFile)", "count=\(trainingCount)",
                "scaling=pixel/255", "atoms=\(o.atoms)", "sparsity=\(o.sparsity)", "iterations=\(o.iterations)",
                "update=\(o.update.rawValue)", "seed=\(o.seed)", "replace=\(o.replaceAtoms)",
                "keep_better=\(o.keepBetterCodes)", "muthresh=\(o.coherenceThreshold)",
                "use_thresh=\(o.minimumUsage)", "power_tol=\(o.powerTolerance)", "power_iter=\(o.powerIterations)",
                "data_sha256=\(dataChecksum)"].joined(separator: ";")
    }
}

/// The on-disk cache of learned dictionaries, in ``LoadContext/cacheDirectory``.
///
/// One file per key, `ksvd-<first 24 hex digits of SHA-256(key)>.dict`:
/// the 8 bytes `PSDICT01`, a little-endian UInt64 header length, a JSON header
/// (``Header``: the full key, sizes, the SHA-256 of the payload, the training reports),
/// then the K×n atoms as little-endian float64 (atoms as rows).
///
/// A file is used only if its magic, header, key, sizes, payload length, payload checksum
/// and values (all finite) check out; otherwise it is reported stale or corrupt and the
/// dictionary is rebuilt and the file replaced (written to a temporary name, then renamed,
/// so a reader never sees half a file). Nothing is ever silently used.
package enum DictionaryCache {
    public static let formatVersion = 1
    static let magic = Array("PSDICT01".utf8)

    /// The JSON header of a cache file.
    public struct Header: Codable, Sendable, Equatable {
        public var key: String
        public var spec: DictionarySpec
        public var dataChecksum: String
        public var atoms: Int
        public var length: Int
        /// SHA-256 (hex) of the payload bytes.
        public var payloadSHA256: String
        public var reports: [KSVDIterationReport]
        /// Wall time of the training.
        public var trainingSeconds: Double
        /// Whether the AVX2 + FMA kernel computed it (results differ in the last bits otherwise).
        public var avx2: Bool
    }

    /// How a dictionary was obtained.
    public enum Status: Sendable, Equatable, CustomStringConvertible {
        /// Read from a valid cache file.
        case hit
        /// Trained; `reason` says why the cache was not used.
        case built(reason: String)

        public var description: String {
            switch self {
            case .hit: return "cache hit"
            case .built(let reason): return "built (\(reason))"
            }
        }
    }

    /// A dictionary with its provenance.
    public struct Loaded: Sendable {
        /// Atoms as rows, K×n row-major.
        public var dictionary: [Double]
        public var header: Header
        public var status: Status
        /// The cache file (nil when there is no cache directory).
        public var path: String?
    }

    /// The cache file for `key` in `directory`.
    public static func path(forKey key: String, in directory: String) -> String {
        let digest = SHA256.hexDigest(of: Array(key.utf8))
        return directory + "/ksvd-" + digest.prefix(24) + ".dict"
    }

    /// The dictionary for `spec` with data from `dataDirectory`: from the cache when a
    /// valid file exists, else trained (and stored when `cacheDirectory` is given).
    ///
    /// - Parameter progress: called per K-SVD iteration when training.
    /// - Throws: data errors (missing or malformed training file), K-SVD errors, or
    ///   `ProblemSuiteError/invalidRequest(_:)` when the cache file cannot be written.
    public static func dictionary(_ spec: DictionarySpec, dataDirectory: String, cacheDirectory: String?,
                                  progress: ((KSVDIterationReport) -> Void)? = nil) throws -> Loaded {
        let file = dataDirectory + "/" + spec.trainingFile
        guard FileManager.default.fileExists(atPath: file) else {
            throw ProblemSuiteError.missingData(problem: "K-SVD dictionary", file: spec.trainingFile,
                                                hint: "Looked in \(dataDirectory); set --data-dir or PROBLEMSUITE_DATA.")
        }
        let images = try MNISTImages(path: file, limit: spec.trainingCount)
        let key = spec.key(dataChecksum: images.checksum)
        var reason = "no cache directory"
        var target: String?
        if let cacheDirectory {
            let p = path(forKey: key, in: cacheDirectory)
            target = p
            switch read(path: p, key: key) {
            case .success(let (d, header)):
                return Loaded(dictionary: d, header: header, status: .hit, path: p)
            case .failure(let problem):
                reason = problem.reason
            }
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let result = try KSVD.train(signals: images.signals, count: images.count, length: images.length,
                                    options: spec.ksvd, progress: progress)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        let payload = encode(result.dictionary)
        let header = Header(key: key, spec: spec, dataChecksum: images.checksum, atoms: result.atoms,
                            length: result.length, payloadSHA256: SHA256.hexDigest(of: payload),
                            reports: result.reports, trainingSeconds: seconds, avx2: DenseGEMM.usesAVX2)
        if let target {
            try write(header: header, payload: payload, to: target)
        }
        return Loaded(dictionary: result.dictionary, header: header, status: .built(reason: reason), path: target)
    }

    /// Why a cache file was not used.
    public struct Problem: Error, Sendable, Equatable {
        public var reason: String
    }

    /// Reads and validates a cache file against the expected `key`.
    public static func read(path: String, key: String) -> Result<([Double], Header), Problem> {
        guard FileManager.default.fileExists(atPath: path) else { return .failure(Problem(reason: "not cached")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Problem(reason: "cache file \(path) is unreadable"))
        }
        let bytes = [UInt8](data)
        func corrupt(_ why: String) -> Result<([Double], Header), Problem> {
            .failure(Problem(reason: "cache file \(path) is corrupt: \(why)"))
        }
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else { return corrupt("bad magic") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[8 + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 16) else { return corrupt("header length \(headerLength) beyond the file") }
        let headerEnd = 16 + Int(headerLength)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let header = try? decoder.decode(Header.self, from: Data(bytes[16..<headerEnd])) else {
            return corrupt("unreadable header")
        }
        guard header.key == key else {
            return .failure(Problem(reason: "cache file \(path) is stale: it holds a dictionary for another key"))
        }
        // Checked: a hostile header's sizes must not overflow (no trap on a corrupt cache).
        guard header.atoms == header.spec.ksvd.atoms, header.atoms > 0, header.length > 0,
              let entries = SizeLimits.product(header.atoms, header.length) else {
            return corrupt("sizes \(header.atoms)×\(header.length) are not a valid dictionary")
        }
        let expected = entries * 8
        guard bytes.count - headerEnd == expected else {
            return corrupt("payload of \(bytes.count - headerEnd) bytes, expected \(expected)")
        }
        let payload = Array(bytes[headerEnd...])
        guard SHA256.hexDigest(of: payload) == header.payloadSHA256 else { return corrupt("payload checksum mismatch") }
        var d = [Double](repeating: 0, count: header.atoms * header.length)
        for i in d.indices {
            var bits: UInt64 = 0
            for b in 0..<8 { bits |= UInt64(payload[8 * i + b]) << (8 * UInt64(b)) }
            d[i] = Double(bitPattern: bits)
            guard d[i].isFinite else { return corrupt("non-finite value at \(i)") }
        }
        return .success((d, header))
    }

    static func encode(_ values: [Double]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * 8)
        for (i, v) in values.enumerated() {
            let bits = v.bitPattern
            for b in 0..<8 { out[8 * i + b] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(b))) }
        }
        return out
    }

    /// Writes a cache file atomically (temporary name, then rename).
    public static func write(header: Header, payload: [UInt8], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json: Data
        do { json = try encoder.encode(header) } catch {
            throw ProblemSuiteError.invalidRequest("cannot encode the dictionary header: \(error)")
        }
        var bytes = magic
        let length = UInt64(json.count)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        bytes += [UInt8](json)
        bytes += payload
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ProblemSuiteError.invalidRequest("\(path): cannot write the dictionary cache: \(error.localizedDescription)")
        }
    }
}
