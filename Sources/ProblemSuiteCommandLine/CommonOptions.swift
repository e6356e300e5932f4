import ArgumentParser
import Foundation
import ProblemSuite

/// Options every command that reads the catalogue takes.
struct SuiteOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of problem files (default: $PROBLEMSUITE_PROBLEMS, else ./Problems, else the shipped problem files).")
    var problemsDir: String?

    @Option(name: .long, help: "Data directory (default: $PROBLEMSUITE_DATA, ./data, ../shared/data, ~/.problemsuite/data).")
    var dataDir: String?

    @Flag(name: .long, help: "Load data files whose sha256 is not the manifest's (default: refuse them; a warning is printed).")
    var allowChecksumMismatch = false

    /// The catalogue of the problem directory, read with the installed families
    /// (``CommandLineConfiguration/families``).
    func catalogue() throws -> Catalogue {
        try Catalogue.standard(directory: problemsDir, families: CommandLineConfiguration.families,
                               solverParameters: CommandLineConfiguration.solvers.parameterDeclarations)
    }

    var dataDirectory: String { SuitePaths.dataDirectory(explicit: dataDir) }

    var loadContext: LoadContext {
        LoadContext(dataDirectory: dataDirectory, cacheDirectory: SuitePaths.cacheDirectory(),
                    checksums: allowChecksumMismatch ? .allowMismatch : .verify)
    }

    /// Loads the problem called `name` after checking its data files against the manifest
    /// (``ProblemEntry/loadVerified(_:)``); with --allow-checksum-mismatch, warns on
    /// stderr about each file used despite a wrong checksum.
    func loadProblem(_ name: String, from catalogue: Catalogue) throws -> any SmoothProblem {
        let context = loadContext
        let (problem, digests) = try catalogue.entry(named: name).loadVerified(context)
        if context.checksums == .allowMismatch {
            for path in digests.keys.sorted()
            where DataIntegrity.cachedState(ofFile: path, dataDirectory: dataDirectory, cacheDirectory: context.cacheDirectory) == .mismatch {
                FileHandle.standardError.write(Data("warning: \(dataDirectory)/\(path): checksum mismatch (sha256 \(digests[path]!)); used anyway (--allow-checksum-mismatch)\n".utf8))
            }
        }
        return problem
    }
}

/// A failure while running a command (not a usage error): ArgumentParser prints
/// "Error: <description>" without the usage text and exits with status 1.
/// `ValidationError` stays for `validate()` (usage text, status 64).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints an Encodable value as pretty, key-sorted JSON, or as one line (`oneLine`: the
/// peers' JSON-lines format that `bench --json` follows).
func printJSON<T: Encodable>(_ value: T, oneLine: Bool = false) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = oneLine ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// Left-aligned text table.
func table(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(\.count)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
}

/// Seconds since an arbitrary origin, monotonic.
func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
}

/// Formats seconds with a unit.
func formatSeconds(_ s: Double) -> String {
    if s < 1e-3 { return String(format: "%.1f µs", s * 1e6) }
    if s < 1 { return String(format: "%.3f ms", s * 1e3) }
    return String(format: "%.3f s", s)
}
