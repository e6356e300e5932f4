// swift-tools-version:6.0
import PackageDescription

/// `-O` in every configuration for the numerical targets (release already has it).
let optimisedAlways: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "ProblemSuite",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ProblemSuite", targets: ["ProblemSuite"]),
        .executable(name: "problemsuite", targets: ["ProblemSuiteCLI"]),
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
