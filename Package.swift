// swift-tools-version:6.0
import PackageDescription

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
        .target(
            name: "ProblemSuite",
            dependencies: ["TOMLKit", "CSparseKernels"]
        ),
        .target(name: "CSparseKernels"),
        .executableTarget(
            name: "ProblemSuiteCLI",
            dependencies: [
                "ProblemSuite",
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
        .testTarget(
            name: "ProblemSuiteCLITests",
            dependencies: ["ProblemSuiteCLI", "ProblemSuite"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
