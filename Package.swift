// swift-tools-version:6.0
import PackageDescription

import Foundation

/// On an x86-64 Linux build machine whose processor has AVX2 and FMA, the Swift numerical
/// targets are compiled for it (`-target-cpu haswell`): the SIMD kernels then run 4 lanes
/// wide instead of 2. Swift never contracts `a * b + c` into an FMA, so every lane computes
/// exactly what the portable build computes: results are the same bits either way
/// (checked on the full random least-squares experiment). `PROBLEMSUITE_PORTABLE=1` at
/// build time keeps the baseline x86-64 target, for binaries that must run elsewhere.
let nativeVectorFlags: [String] = {
    #if os(Linux) && arch(x86_64)
    if ProcessInfo.processInfo.environment["PROBLEMSUITE_PORTABLE"] == "1" { return [] }
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let set = Set(flags.split(separator: " ").map(String.init))
    return set.contains("avx2") && set.contains("fma") ? ["-target-cpu", "haswell"] : []
    #else
    return []
    #endif
}()

/// `-O` in every configuration for the numerical targets (release already has it), so that
/// `swift test` (a debug build) runs the whole suite in minutes rather than hours.
let optimisedAlways: [SwiftSetting] = [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
] + (nativeVectorFlags.isEmpty ? [] : [.unsafeFlags(nativeVectorFlags)])

let package = Package(
    name: "ProblemSuite",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ProblemSuite", targets: ["ProblemSuite"]),
        .executable(name: "problemsuite", targets: ["ProblemSuiteCLI"]),
        .library(name: "Solvers", targets: ["Solvers"]),
        .library(name: "Harness", targets: ["Harness"]),
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
        .target(
            name: "ProblemSuite",
            dependencies: ["TOMLKit", "CZlib", "CSparseKernels"],
            // Numerical kernels are optimised even in debug builds, so that `swift test`
            // (a debug build) runs the whole suite in minutes rather than hours.
            swiftSettings: optimisedAlways
        ),
        // The dense-product micro-kernel (AVX2 + FMA chosen at run time, portable C otherwise).
        .target(name: "CSparseKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
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
            dependencies: ["ProblemSuite", "ProblemSuiteTestSupport"]
        ),
        .target(
            name: "Solvers",
            dependencies: ["ProblemSuite"],
            swiftSettings: optimisedAlways
        ),
        .target(
            name: "Harness",
            dependencies: ["ProblemSuite", "Solvers"],
            swiftSettings: optimisedAlways
        ),
        .testTarget(
            name: "HarnessTests",
            dependencies: ["Harness", "Solvers", "ProblemSuite", "ProblemSuiteTestSupport"]
        ),
        .testTarget(
            name: "SolversTests",
            dependencies: ["Solvers", "ProblemSuite"]
        ),
        .testTarget(
            name: "ProblemSuiteCLITests",
            dependencies: ["ProblemSuiteCLI", "ProblemSuite", "ProblemSuiteTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
