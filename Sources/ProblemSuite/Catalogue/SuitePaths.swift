import Foundation
import ProblemSuiteProblemFiles
import ProblemSuiteDataManifest

/// Where the suite finds its problem files, data and caches.
public enum SuitePaths {
    /// The repository root as seen at build time (from this file's path). Only for the
    /// development layout (the commit in ``SuiteVersion``, `../shared` beside the
    /// checkout), each checked to exist: a moved binary or a dependent package does not
    /// need it. Problem files and the data manifest come from the package's resources.
    public static let buildTimeRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Catalogue, ProblemSuite, Sources, root
        return url.path
    }()

    /// The problem-file directory: `explicit` (`--problems-dir`), else
    /// `$PROBLEMSUITE_PROBLEMS`, else `./Problems` when it exists, else the problem files
    /// shipped in the package's resource bundle (``shippedProblemsDirectory``).
    public static func problemsDirectory(explicit: String? = nil) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["PROBLEMSUITE_PROBLEMS"], !env.isEmpty { return env }
        let local = FileManager.default.currentDirectoryPath + "/Problems"
        if isDirectory(local) { return local }
        return shippedProblemsDirectory
    }

    /// The problem files shipped as a package resource (`Problems/` at build time): the
    /// `*.toml` family files and `experiments/`, found through `Bundle.module` (on Linux,
    /// the `*.resources` directory beside the executable, else the build directory's).
    public static var shippedProblemsDirectory: String { ProblemFiles.directory }

    /// The data manifest shipped as a package resource (`Data/datasets.toml` at build time).
    public static var shippedManifestPath: String { DataManifestFile.path }

    /// The data directory: `explicit` (`--data-dir`), else `$PROBLEMSUITE_DATA`, else
    /// the first of `./data`, `../shared/data` (the project's development layout), the
    /// repository's sibling `../shared/data`, and `~/.problemsuite/data` that exists;
    /// else `~/.problemsuite/data` (where `data fetch` writes).
    public static func dataDirectory(explicit: String? = nil) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["PROBLEMSUITE_DATA"], !env.isEmpty { return env }
        let cwd = FileManager.default.currentDirectoryPath
        let home = FileManager.default.homeDirectoryForCurrentUser.path + "/.problemsuite/data"
        for candidate in [cwd + "/data", cwd + "/../shared/data", buildTimeRoot + "/../shared/data", home]
        where isDirectory(candidate) {
            return URL(fileURLWithPath: candidate).standardizedFileURL.path
        }
        return home
    }

    /// The project's `shared/` directory beside the repository (spec, papers, data, peer
    /// benchmarks): `$PROBLEMSUITE_SHARED`, else `../shared` from the repository root.
    public static var sharedDirectory: String {
        if let env = ProcessInfo.processInfo.environment["PROBLEMSUITE_SHARED"], !env.isEmpty { return env }
        return URL(fileURLWithPath: buildTimeRoot + "/../shared").standardizedFileURL.path
    }

    /// The cache directory: `$PROBLEMSUITE_CACHE`, else `~/.problemsuite/cache`.
    public static func cacheDirectory(explicit: String? = nil) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["PROBLEMSUITE_CACHE"], !env.isEmpty { return env }
        return FileManager.default.homeDirectoryForCurrentUser.path + "/.problemsuite/cache"
    }

    static func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }
}
