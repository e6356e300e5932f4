// swift-tools-version:6.2
import PackageDescription

// A user's package: a problem family and a solver of its own, run by the suite's harness
// beside the built-in solvers, and a `problemsuite` of its own that lists them.
let package = Package(
    name: "RidgeRegression",
    platforms: [.macOS(.v15)],
    dependencies: [
        // A user would write `.package(url: "https://…/ProblemSuite", from: "…")`.
        .package(name: "ProblemSuite", path: "../.."),
    ],
    targets: [
        // The family (RidgeFamily) and the solver (GradientDescent).
        .target(
            name: "Ridge",
            dependencies: [
                .product(name: "ProblemSuite", package: "ProblemSuite"),
                .product(name: "Solvers", package: "ProblemSuite"),
            ]
        ),
        // Runs the harness on Problems/ridge.toml and checks the cells against reference/cells.csv.
        .executableTarget(
            name: "ridge-example",
            dependencies: ["Ridge", .product(name: "Harness", package: "ProblemSuite")]
        ),
        // `problemsuite` with every subcommand, plus the ridge family and gradient descent.
        .executableTarget(
            name: "ridge-suite",
            dependencies: ["Ridge", .product(name: "ProblemSuiteCommandLine", package: "ProblemSuite")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
