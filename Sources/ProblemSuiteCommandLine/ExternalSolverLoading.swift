import Foundation
import Harness
import ProblemSuite

/// External solvers (`docs/oracle-protocol.md`) for the command line: the declarations in
/// `solvers/*.toml` of the problems directory and in `$PROBLEMSUITE_SOLVERS` (a directory
/// of declaration files), read before the arguments are parsed, so that `run`,
/// `reproduce`, `report`, `check` and `list --solvers` know them beside the built-in solvers.
enum ExternalSolverLoading {
    /// The environment variable naming an extra directory of declarations.
    static let environmentVariable = "PROBLEMSUITE_SOLVERS"

    /// `registry` with every declared external solver after its own entries.
    /// - Parameter arguments: the command line (without the program), scanned for
    ///   `--problems-dir` the way the parser will read it.
    /// - Throws: a declaration file's error (naming file and key), or a name already taken.
    static func registry(adding registry: SolverRegistry, arguments: [String]) throws -> SolverRegistry {
        var explicit: String?
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--problems-dir", i + 1 < arguments.count { explicit = arguments[i + 1]; i += 1 }
            else if a.hasPrefix("--problems-dir=") { explicit = String(a.dropFirst("--problems-dir=".count)) }
            else if a == "--" { break }
            i += 1
        }
        var declarations = try ExternalSolverDeclaration.readAll(problemsDirectory: SuitePaths.problemsDirectory(explicit: explicit))
        if let extra = ProcessInfo.processInfo.environment[environmentVariable], !extra.isEmpty {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: extra, isDirectory: &isDir), isDir.boolValue else {
                throw ProblemSuiteError.invalidRequest("$\(environmentVariable) = '\(extra)': not a directory of solver declarations (*.toml)")
            }
            let dir = (extra as NSString).standardizingPath
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            declarations += try names.filter { $0.hasSuffix(".toml") }.sorted().map {
                try ExternalSolverDeclaration.read(file: (dir as NSString).appendingPathComponent($0))
            }
        }
        guard !declarations.isEmpty else { return registry }
        return try registry.adding(contentsOf: declarations.map { $0.entry() })
    }
}
