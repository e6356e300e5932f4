// swift-tools-version:6.2
import PackageDescription

import Foundation

// MARK: - Build flags
//
// A package that depends on this one by version (`.package(url:from:)`) may not use
// `unsafeFlags`: SwiftPM refuses to build it ("contains unsafe build flags"). So the
// manifest a dependent package sees has none, and builds portable code:
//
// - No `-target-cpu`: the Swift numerical targets are compiled for the baseline of the
//   target architecture, so a binary runs on any CPU of that architecture (a build for the
//   build machine's CPU died with an illegal instruction on older ones). The results are
//   the same bits as a `-target-cpu haswell` build (Swift never contracts `a * b + c` into
//   an FMA; checked: f and ‖∇f‖ of A1, A6, SPARCO12, and the quick and full random
//   least-squares experiments against Data/reference at rtol 0). It is not the same speed:
//   the cache-resident Swift SIMD kernels run 2 lanes wide instead of 4. Measured on a
//   shared 2-core VM, both builds alternated in one sitting (medians of 4–6 rounds, three
//   sittings), portable / tuned: f+∇f of A1 1.36–1.43×, A6 0.87–1.25×, SPARCO12
//   0.96–1.35×, bench partial-dct-fg 1.18–1.25×, one prunAdag-V3 solve of A1 0.93–1.33×;
//   the memory-bound dense f+∇f (4096×8192) 1.04–1.17×. The C GEMM micro-kernel in
//   CSparseKernels chooses AVX2 + FMA at run time and does not depend on it.
// - Release builds are optimised as usual (`-O` / `-O2` by configuration).
//
// `PROBLEMSUITE_DEVELOPMENT=1` in the environment at build time is the opt-in for this
// repository's own builds (CI, `swift test`): the numerical targets (ProblemSuite,
// Solvers, Harness) then get `-O` and CSparseKernels `-O2` in debug builds too, so that
// `swift test` (a debug build) runs the whole suite in minutes rather than hours:
//
//     PROBLEMSUITE_DEVELOPMENT=1 swift test
//
// These are `unsafeFlags`, fine for the root package only: never set the variable when
// building a package that depends on this one. (Changing it changes the build settings,
// so the targets are rebuilt; set it for `swift build` and `swift test` alike.)
let development = ProcessInfo.processInfo.environment["PROBLEMSUITE_DEVELOPMENT"] == "1"

// `PROBLEMSUITE_NATIVE=1` (root builds only, like the above) compiles the numerical Swift
// targets for the build machine's CPU when it has AVX2 and FMA (`-target-cpu haswell`):
// the same bits, the cache-resident kernels up to ~1.4× faster (figures above), and a
// binary that dies with an illegal instruction on a CPU without AVX2. For a fast
// `problemsuite` on the machine that runs it: `PROBLEMSUITE_NATIVE=1 swift build -c release`.
let nativeFlags: [String] = {
    #if os(Linux) && arch(x86_64)
    guard ProcessInfo.processInfo.environment["PROBLEMSUITE_NATIVE"] == "1",
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let set = Set(flags.split(separator: " ").map(String.init))
    return set.contains("avx2") && set.contains("fma") ? ["-target-cpu", "haswell"] : []
    #else
    return []
    #endif
}()

/// `-O` in debug builds of the numerical Swift targets, in development builds only; the
/// CPU-specific flags when asked for.
let numericalSwiftSettings: [SwiftSetting] = (development ? [.unsafeFlags(["-O"], .when(configuration: .debug))] : [])
    + (nativeFlags.isEmpty ? [] : [.unsafeFlags(nativeFlags)])

/// `-O2` in debug builds of the C kernels, in development builds only.
let kernelCSettings: [CSetting] = development
    ? [.unsafeFlags(["-O2"], .when(configuration: .debug))] : []

// MARK: - Resources
//
// The problem files (`Problems/*.toml`, `Problems/experiments/`) and the data manifest
// (`Data/datasets.toml`) ship as resources, so that a built `problemsuite` and a package
// that depends on this one find them without the source checkout (`Bundle.module`; on
// Linux the `*.resources` directory beside the executable). SwiftPM takes resources only
// from inside a target's directory, so each of the two directories is itself a small
// target (`path: "Problems"`, `path: "Data"`) with one Swift file exposing its bundle;
// the directories stay where the project's layout has them. Every top-level `*.toml` of
// `Problems/` is copied (listed here when the manifest is read), and `experiments/` as
// a directory; `Data/reference/` (reference results for tests) is not shipped.
let problemFiles: [Resource] = {
    let dir = Context.packageDirectory + "/Problems"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { $0.hasSuffix(".toml") }.sorted().map { Resource.copy($0) } + [.copy("experiments")]
}()

let package = Package(
    name: "ProblemSuite",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ProblemSuite", targets: ["ProblemSuite"]),
        .library(name: "Solvers", targets: ["Solvers"]),
        .library(name: "Harness", targets: ["Harness"]),
        .executable(name: "problemsuite", targets: ["ProblemSuiteCLI"]),
        .library(name: "ProblemSuiteCommandLine", targets: ["ProblemSuiteCommandLine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Problems/ as a resource bundle (`ProblemFiles.directory`).
        .target(
            name: "ProblemSuiteProblemFiles",
            path: "Problems",
            sources: ["ProblemFiles.swift"],
            resources: problemFiles
        ),
        // Data/datasets.toml as a resource bundle (`DataManifestFile.path`).
        .target(
            name: "ProblemSuiteDataManifest",
            path: "Data",
            exclude: ["reference"],
            sources: ["DataManifestFile.swift"],
            resources: [.copy("datasets.toml")]
        ),
        // Plumbing shared inside the package (`package` access: gzip, sha256, TOML and
        // decimal parsing, line blocks, name suggestions) and the few public value types
        // every module speaks (ProblemSuiteError, ParameterValue/ParameterTable,
        // SizeLimits), which `ProblemSuite` re-exports. Not a product: importers see it only
        // through `import ProblemSuite`.
        .target(
            name: "_ProblemSuiteSupport",
            dependencies: ["TOMLKit", "CZlib"],
            swiftSettings: numericalSwiftSettings
        ),
        .target(
            name: "ProblemSuite",
            dependencies: ["_ProblemSuiteSupport", "CZlib", "CSparseKernels", "ProblemSuiteProblemFiles", "ProblemSuiteDataManifest"],
            swiftSettings: numericalSwiftSettings
        ),
        // The dense-product micro-kernel (AVX2 + FMA chosen at run time, portable C otherwise).
        .target(name: "CSparseKernels", cSettings: kernelCSettings),
        .executableTarget(
            name: "ProblemSuiteCLI",
            dependencies: ["ProblemSuiteCommandLine"]
        ),
        // Every subcommand of `problemsuite`, as a library: a tool of your own can add families and solvers.
        .target(
            name: "ProblemSuiteCommandLine",
            dependencies: [
                "ProblemSuite",
                "Solvers",
                "Harness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "ProblemSuiteTestSupport",
            dependencies: ["ProblemSuite"],
            path: "Sources/ProblemSuiteTestSupport"
        ),
        .testTarget(
            name: "ProblemSuiteTests",
            dependencies: ["ProblemSuite", "ProblemSuiteTestSupport", "Solvers"]
        ),
        .target(
            name: "Solvers",
            dependencies: ["ProblemSuite"],
            swiftSettings: numericalSwiftSettings
        ),
        .target(
            name: "Harness",
            dependencies: ["ProblemSuite", "Solvers"],
            swiftSettings: numericalSwiftSettings
        ),
        .testTarget(
            name: "HarnessTests",
            dependencies: ["Harness", "Solvers", "ProblemSuite", "ProblemSuiteTestSupport"]
        ),
        .testTarget(
            name: "SolversTests",
            dependencies: ["Solvers", "ProblemSuite", "ProblemSuiteTestSupport"]
        ),
        .testTarget(
            name: "ProblemSuiteCLITests",
            dependencies: ["ProblemSuiteCLI", "ProblemSuiteCommandLine", "ProblemSuite", "ProblemSuiteTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
