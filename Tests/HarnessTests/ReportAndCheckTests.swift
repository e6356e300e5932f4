import XCTest
import Foundation
import ProblemSuite
import Solvers
@testable import Harness

final class ReportAndCheckTests: XCTestCase {
    func records(degraded: Bool) throws -> [RunRecord] {
        let catalogue = try Catalogue.standard()
        var out: [RunRecord] = []
        for name in ["A1", "A6"] {
            let entry = try catalogue.entry(named: name)
            let problem = try entry.load(LoadContext())
            for solver in ["adagrad", "prunadag-v3"] {
                for run in 0..<2 {
                    var s = entry.metadata.settings
                    // The degraded solver: the same method cut off after far fewer iterations.
                    s.maxIterations = degraded && solver == "prunadag-v3" ? 15 : 60
                    let task = HarnessTask(key: TaskKey(problem: name, solver: solver, run: run), entry: entry,
                                           settings: s, pruning: [10, 50])
                    out.append(try Runner.execute(task, on: problem, command: "test").0)
                }
            }
        }
        return out
    }

    func testCheckPassesOnItselfAndCatchesADegradedSolver() throws {
        let good = Aggregate.cells(try records(degraded: false))
        let reference = try CellCSV.read(CellCSV.write(good), file: "reference.csv")
        XCTAssertEqual(reference.count, good.count)
        let same = ReferenceCheck.compare(current: Aggregate.cells(try records(degraded: false)), reference: reference, rtol: 1e-9, atol: 0)
        XCTAssertEqual(same.changes.count, 0, "\(same.changes)")
        XCTAssertGreaterThan(same.compared, 0)
        let bad = ReferenceCheck.compare(current: Aggregate.cells(try records(degraded: true)), reference: reference, rtol: 0.05, atol: 1e-12)
        XCTAssertFalse(bad.regressions.isEmpty)
        XCTAssert(bad.regressions.allSatisfy { $0.id.contains("prunadag-v3") }, "\(bad.regressions)")
        XCTAssert(bad.regressions.contains { $0.id.hasPrefix("A1|prunadag-v3|gradient_norm") })
        // A reference cell that the results lack is a regression too.
        let missing = ReferenceCheck.compare(current: Array(good.dropLast()), reference: reference, rtol: 0.05, atol: 0)
        XCTAssertEqual(missing.regressions.map(\.kind), [.missing])
    }

    func testCSVErrorsNameLineAndField() {
        XCTAssertThrowsError(try CellCSV.read("nope\n", file: "r.csv")) { XCTAssert("\($0)".contains("r.csv") && "\($0)".contains("line 1"), "\($0)") }
        let bad = CellCSV.header + "\nA1,f,adagrad,eps_f,10,abc,0,0,0,2\n"
        XCTAssertThrowsError(try CellCSV.read(bad, file: "r.csv")) { XCTAssert("\($0)".contains("line 2, field 6"), "\($0)") }
        let short = CellCSV.header + "\nA1,f,adagrad\n"
        XCTAssertThrowsError(try CellCSV.read(short, file: "r.csv")) { XCTAssert("\($0)".contains("line 2"), "\($0)") }
    }

    func testReportWritesTablesFiguresAndIndex() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try Report.write(records: try records(degraded: false), to: dir)
        let md = try String(contentsOfFile: dir + "/tables.md", encoding: .utf8)
        XCTAssert(md.contains("| A1 | prunadag-v3 |") && md.contains("p=50"), md)
        let tex = try String(contentsOfFile: dir + "/tables.tex", encoding: .utf8)
        XCTAssert(tex.contains("\\begin{tabular}") && tex.contains("prunadag-v3"))
        let index = try String(contentsOfFile: out.index, encoding: .utf8)
        for f in ["A1-gradient.svg", "A1-eps_f.svg", "A1-sets.svg", "A6-sparsity.svg"] {
            XCTAssert(index.contains("figures/\(f)"), f)
            let svg = try String(contentsOfFile: dir + "/figures/" + f, encoding: .utf8)
            XCTAssert(svg.hasPrefix("<svg") && svg.contains("polyline"), f)
        }
        let cells = try CellCSV.read(String(contentsOfFile: dir + "/cells.csv", encoding: .utf8), file: "cells.csv")
        XCTAssertEqual(cells.first { $0.id == "A1|adagrad|iterations|" }?.statistic.count, 2)
    }

    func testStatistic() {
        let s = Statistic([1, 2, 3, 4])
        XCTAssertEqual(s.mean, 2.5)
        XCTAssertEqual(s.std, (5.0 / 3).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(s.min, 1)
        XCTAssertEqual(s.max, 4)
        XCTAssertEqual(Statistic([7]).std, 0)
    }
}
