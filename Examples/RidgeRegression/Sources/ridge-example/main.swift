// The ridge example: a family and a solver of this package, run by the suite's harness
// beside two built-in solvers, checked against the reference table in reference/cells.csv.
//
//   ridge-example [--out DIR] [--update-reference]
//
// Exit status: 0 when every cell matches the reference (rtol 1e-9, wall time ignored),
// 1 on a regression or an error.
import Foundation
import Harness
import ProblemSuite
import Ridge
import Solvers

let exampleDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let out = option("--out") ?? exampleDirectory + "/.build/ridge-results"
let updateReference = arguments.contains("--update-reference")
let referencePath = exampleDirectory + "/reference/cells.csv"

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ridge-example: \(message)\n".utf8))
    exit(1)
}

do {
    // 1. The catalogue: the suite's families plus ours, reading our problem file.
    let families = FamilyRegistry.standard + [RidgeFamily.self]
    let catalogue = try Catalogue(directory: exampleDirectory + "/Problems", families: families, strict: true)
    print("catalogue: \(catalogue.entries.map(\.name).joined(separator: ", "))")

    // 2. Our family passes the suite's gradient check.
    for entry in catalogue.entries {
        let problem = try catalogue.load(entry.name)
        let report = GradientCheck.check(problem, at: problem.startingPoint(run: 0))
        let ok = report.consistent && report.maxRelativeError <= 1e-6
        print("gradient check \(entry.name): max relative error \(report.maxRelativeError), \(report.consistent ? "consistent" : "INCONSISTENT") — \(ok ? "ok" : "FAILED")")
        if !ok { fail("\(entry.name) fails the gradient check") }
    }

    // 3. Our solver beside two built-in ones.
    let registry = try SolverRegistry.standard.adding(RidgeSolvers.gradientDescent)
    let plan = try Plan.make(catalogue: catalogue, context: LoadContext(), problems: ["RIDGE*"],
                             solvers: ["adagrad", "prunadag-v3", "gd"], runs: 3, pruning: [10, 50, 90], registry: registry)
    try? FileManager.default.removeItem(atPath: out)
    let store = ResultStore(root: out)
    let summary = Runner(store: store, context: LoadContext(), jobs: 2, command: "ridge-example", solvers: registry).run(plan)
    print("\(summary.completed) runs done, \(summary.allFailures.count) failed")
    if !summary.allFailures.isEmpty { fail("failed runs: \(summary.allFailures.map { "\($0.0): \($0.1)" })") }

    // 4. The report, solvers in our registry's order.
    let report = try Report.write(records: try store.all(registry: registry), to: out + "/report", registry: registry)
    print("report: \(report.index)")
    let tables = try String(contentsOfFile: out + "/report/tables.md", encoding: .utf8)
    print(tables.split(separator: "\n", omittingEmptySubsequences: false).prefix(12).joined(separator: "\n"))

    // 5. The check against the committed reference.
    let cellsPath = out + "/report/cells.csv"
    let current = try CellCSV.read(try String(contentsOfFile: cellsPath, encoding: .utf8), file: cellsPath)
    if updateReference {
        try FileManager.default.createDirectory(atPath: exampleDirectory + "/reference", withIntermediateDirectories: true)
        try CellCSV.write(current).write(toFile: referencePath, atomically: true, encoding: .utf8)
        print("reference written: \(referencePath) (\(current.count) cells)")
        exit(0)
    }
    let reference = try CellCSV.read(try String(contentsOfFile: referencePath, encoding: .utf8), file: referencePath)
    let outcome = ReferenceCheck.compare(current: current, reference: reference, rtol: 1e-9, atol: 0, ignore: ["seconds"])
    for c in outcome.changes {
        print("  \(c.kind.rawValue): \(c.id) reference \(c.reference.map { "\($0)" } ?? "-") current \(c.current.map { "\($0)" } ?? "-")")
    }
    if !outcome.regressions.isEmpty { fail("\(outcome.regressions.count) of \(outcome.compared) cells regressed against \(referencePath)") }
    print("check: \(outcome.compared) cells match \(referencePath) (rtol 1e-9, seconds ignored)")
} catch {
    fail("\(error)")
}
