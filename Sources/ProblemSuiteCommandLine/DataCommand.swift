import ArgumentParser
import Foundation
import ProblemSuite

/// `problemsuite data ...`: the real data sets (manifest `Data/datasets.toml`).
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "List, verify, fetch and inspect the real data sets.",
        discussion: """
        The data directory is --data-dir, else $PROBLEMSUITE_DATA, else ./data, \
        ../shared/data or ~/.problemsuite/data. The manifest is --manifest, else \
        $PROBLEMSUITE_MANIFEST, else ./Data/datasets.toml, else the one shipped with the binary.
        """,
        subcommands: [DataListCommand.self, DataVerifyCommand.self, DataFetchCommand.self, DataInspectCommand.self]
    )
}

/// Options of the manifest-based data commands.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $PROBLEMSUITE_DATA, ./data, ../shared/data, ~/.problemsuite/data).")
    var dataDir: String?

    @Option(name: .long, help: "Data manifest (default: $PROBLEMSUITE_MANIFEST, else ./Data/datasets.toml, else the shipped manifest).")
    var manifest: String?

    var dataDirectory: String { SuitePaths.dataDirectory(explicit: dataDir) }

    func loadManifest() throws -> DataManifest { try DataManifest.standard(explicit: manifest) }
}

struct DataListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the manifest's files: present or missing, and whether the checksum is right.")

    @OptionGroup var options: DataOptions
    @Flag(help: "Machine-readable output.") var json = false

    func run() throws {
        let manifest = try options.loadManifest()
        let dir = options.dataDirectory
        let statuses = DataVerifier.status(manifest, dataDirectory: dir, checkShape: false, cacheDirectory: SuitePaths.cacheDirectory())
        if json {
            struct Output: Encodable { var dataDirectory: String; var files: [DataFileStatus] }
            try printJSON(Output(dataDirectory: dir, files: statuses))
            return
        }
        print("data directory: \(dir)")
        let rows = statuses.map { s -> [String] in
            let entry = manifest.entry(forPath: s.path)?.file
            let state = !s.present ? "missing" : (s.checksumOK == true ? "present" : "present, BAD CHECKSUM")
            let checksum = s.checksumOK == nil ? "-" : (s.checksumOK! ? "ok (\(s.checksumMatch ?? "sha256"))" : "mismatch")
            return [s.dataSet, s.path, entry?.shapeDescription ?? "-", state, checksum]
        }
        print(table(["data set", "file", "shape", "state", "checksum"], rows))
        for set in manifest.dataSets where statuses.contains(where: { $0.dataSet == set.name && !$0.present }) {
            print("\(set.name): missing files. \(set.note ?? "Run `problemsuite data fetch \(set.name)`.")")
        }
    }
}

struct DataVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check checksum and shape of every present data file; report missing ones.",
        discussion: """
        Exits with status 1 if any present file has a wrong checksum or shape. Missing files are reported, not failed. \
        Every present file is hashed again and the result recorded in the checksum cache \
        (<cache>/checksums.tsv) that loads and `problemsuite list` read.
        """)

    @OptionGroup var options: DataOptions
    @Argument(help: "Data sets to verify (default: all).") var names: [String] = []
    @Flag(help: "Machine-readable output.") var json = false

    func run() throws {
        let manifest = try options.loadManifest()
        for name in names { _ = try manifest.dataSet(named: name) }
        let dir = options.dataDirectory
        let statuses = DataVerifier.status(manifest, dataDirectory: dir, checkShape: true, only: names.isEmpty ? nil : names,
                                          cacheDirectory: SuitePaths.cacheDirectory(), rehash: true)
        let bad = statuses.filter { $0.present && !$0.isGood }
        let missing = statuses.filter { !$0.present }
        if json {
            struct Output: Encodable { var dataDirectory: String; var ok: Bool; var files: [DataFileStatus] }
            try printJSON(Output(dataDirectory: dir, ok: bad.isEmpty, files: statuses))
        } else {
            print("data directory: \(dir)")
            for s in statuses {
                if !s.present { print("MISSING  \(s.path)  (data set \(s.dataSet))"); continue }
                if s.isGood { print("OK       \(s.path)  \(s.shape ?? "")  checksum: \(s.checksumMatch ?? "sha256")"); continue }
                print("FAILED   \(s.path)")
                for p in s.problems { print("         \(p)") }
            }
            for set in manifest.dataSets where missing.contains(where: { $0.dataSet == set.name }) {
                print("\(set.name): \(set.note ?? "run `problemsuite data fetch \(set.name)` to download it.")")
            }
            print("\(statuses.count - missing.count - bad.count) ok, \(bad.count) failed, \(missing.count) missing")
        }
        if !bad.isEmpty { throw ExitCode(1) }
    }
}

struct DataFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a data set from its official URL, verify its sha256, and write it atomically.",
        discussion: """
        A file the manifest builds by a conversion (REGED0, MOLECULE) is made from the official files: \
        downloaded, unpacked (zip, .Z or gzip), checked against their sha256 when recorded, converted to \
        LIBSVM and checked against the manifest's sha256 before it is written. See docs/data.md.
        """)

    @OptionGroup var options: DataOptions
    @Argument(help: "The data set's name in the manifest (see `problemsuite data list`).") var name: String
    @Flag(help: "Download again even if a file is present with the right checksum.") var force = false

    func run() throws {
        let manifest = try options.loadManifest()
        let set = try manifest.dataSet(named: name)
        let dir = options.dataDirectory
        let outcomes = try DataFetcher.fetch(set, into: dir, force: force) { print($0) }
        print("\(set.name): \(outcomes.count) file(s) in \(dir)")
    }
}

struct DataInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Parse a LIBSVM or IDX file (plain or gzipped) and print its statistics.",
        discussion: "Prints rows, columns, nonzeros, sum of values, label counts, density and the storage chosen. --time also times the load (one warm-up, then the median of --repeat runs).")

    @Argument(help: "The file (LIBSVM text or IDX, plain or gzipped).") var file: String
    @Option(parsing: .unconditional, help: "Number of features d (LIBSVM; default: the largest index).") var features: Int?
    @Flag(help: "Machine-readable output.") var json = false
    @Flag(help: "Time the load: one warm-up, then --repeat runs; prints median and best.") var time = false
    @Option(parsing: .unconditional, help: "Timed runs with --time (1 to 1000).") var `repeat` = 5

    func validate() throws {
        guard (1...1000).contains(self.repeat) else { throw ValidationError("--repeat must be between 1 and 1000, got \(self.repeat)") }
        if let features, features <= 0 { throw ValidationError("--features must be positive, got \(features)") }
    }

    struct Report: Encodable {
        var file: String
        var format: String
        var rows: Int
        var columns: Int
        var dimensions: [Int]?
        var nonzeros: Int
        var valueSum: Double
        var density: Double
        var storage: String
        var labelCoding: String?
        var labelCounts: [String: Int]
        var medianSeconds: Double?
        var bestSeconds: Double?
        var runs: Int?
    }

    func load() throws -> Report {
        let head = try GzipReader(path: file, bufferSize: 64)
        var magic = [UInt8](repeating: 0, count: 4)
        let got = try magic.withUnsafeMutableBytes { try head.read(into: $0) }
        head.close()
        let name = (file as NSString).lastPathComponent
        if got == 4 && magic[0] == 0 && magic[1] == 0 && magic[2] == 8 {
            let a = try IDXReader.read(path: file)
            let nz = a.data.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            let sum = a.data.reduce(0.0) { $0 + Double($1) }
            var counts: [String: Int] = [:]
            if a.dimensions.count == 1 { for v in a.data { counts[String(v), default: 0] += 1 } }
            return Report(file: name, format: "idx", rows: a.count, columns: a.itemSize, dimensions: a.dimensions,
                          nonzeros: nz, valueSum: sum, density: a.data.isEmpty ? 0 : Double(nz) / Double(a.data.count),
                          storage: "dense (unsigned bytes)", labelCoding: nil, labelCounts: counts)
        }
        let data = try LIBSVMParser.parse(path: file, featureCount: features)
        var counts: [String: Int] = [:]
        for (label, count) in data.labelCounts { counts[LabelCoding.format(label)] = count }
        return Report(file: name, format: "libsvm", rows: data.rowCount, columns: data.columnCount, dimensions: nil,
                      nonzeros: data.features.nonzeroCount, valueSum: data.features.valueSum,
                      density: data.features.density, storage: data.features.storageName,
                      labelCoding: data.labelCoding.description, labelCounts: counts)
    }

    func run() throws {
        var report = try load()
        if time {
            var times: [Double] = []
            for _ in 0..<self.repeat {
                let t0 = monotonicSeconds()
                _ = try load()
                times.append(monotonicSeconds() - t0)
            }
            times.sort()
            let n = times.count
            report.medianSeconds = n % 2 == 1 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2])
            report.bestSeconds = times[0]
            report.runs = n
        }
        if json { try printJSON(report); return }
        print("file:      \(file)")
        print("format:    \(report.format)")
        if let dims = report.dimensions { print("dims:      \(dims.map(String.init).joined(separator: " x "))") }
        print("rows:      \(report.rows)")
        print("columns:   \(report.columns)")
        print("nonzeros:  \(report.nonzeros)")
        print("sum:       \(report.valueSum)")
        print(String(format: "density:   %.6f", report.density))
        print("storage:   \(report.storage)")
        if let coding = report.labelCoding { print("labels:    \(coding)") }
        if !report.labelCounts.isEmpty {
            let keys = report.labelCounts.keys.sorted { (Double($0) ?? 0) < (Double($1) ?? 0) }
            print("counts:    " + keys.map { "\($0): \(report.labelCounts[$0]!)" }.joined(separator: ", "))
        }
        if let m = report.medianSeconds, let b = report.bestSeconds {
            print("load time: median \(formatSeconds(m)), best \(formatSeconds(b)) over \(report.runs!) runs")
        }
    }
}
