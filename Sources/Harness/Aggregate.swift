import Foundation
import ProblemSuite

/// Mean, spread and range of one measure over runs.
public struct Statistic: Codable, Sendable, Equatable {
    public var mean: Double
    /// Sample standard deviation (0 for one run).
    public var std: Double
    public var min: Double
    public var max: Double
    public var count: Int

    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { mean = .nan; std = .nan; min = .nan; max = .nan; return }
        let m = values.reduce(0, +) / Double(values.count)
        mean = m
        std = values.count > 1 ? (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : 0
        min = values.min()!
        max = values.max()!
    }
}

/// Which way a measure should move.
public enum Direction: String, Codable, Sendable {
    case lowerIsBetter = "lower", higherIsBetter = "higher", neutral
}

/// One cell of the result tables: a measure of one solver on one problem, at one
/// pruning level when the measure has levels, over all runs.
public struct Cell: Codable, Sendable, Equatable {
    public var problem: String
    public var family: String
    public var solver: String
    /// Over the runs that did not fail: `iterations`, `seconds`, `gradient_norm`,
    /// `sparsity`, `value`, `eps_g`, `eps_f`, `accuracy`, `undecided`, `pruned_accuracy`,
    /// `pruned_undecided`, `max_prunable`. Over every run, as fractions in [0, 1]:
    /// `converged` (reached the gradient tolerance), `failed` (diverged or errored),
    /// `value_increased` (f(x_final) > f(x₀)).
    public var measure: String
    /// The pruning percentage, for `eps_g`, `eps_f` and `pruned_accuracy`.
    public var level: Double?
    public var statistic: Statistic

    public var id: String { "\(problem)|\(solver)|\(measure)|\(level.map { Cell.format($0) } ?? "")" }

    /// A level as printed in ids and headers: `10`, `12.5`.
    public static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }

    /// The direction in which the measure improves.
    public static func direction(of measure: String) -> Direction {
        switch measure {
        case "iterations", "gradient_norm", "eps_g", "eps_f", "value", "seconds", "failed", "value_increased",
             "undecided", "pruned_undecided": return .lowerIsBetter
        case "sparsity", "accuracy", "pruned_accuracy", "max_prunable", "converged": return .higherIsBetter
        default: return .neutral
        }
    }
}

/// How the runs of one (problem, solver) ended.
public struct RunCounts: Sendable, Equatable {
    public var runs = 0
    public var converged = 0
    /// Stopped at kmax without reaching the tolerance.
    public var iterationLimit = 0
    /// Stopped for a reason of the solver's own.
    public var stopped = 0
    /// Diverged or errored.
    public var failed = 0
    /// Ended with f(x_final) > f(x₀).
    public var valueIncreased = 0

    public init(_ records: [RunRecord]) {
        for r in records {
            runs += 1
            switch r.status {
            case .converged: converged += 1
            case .iterationLimit: iterationLimit += 1
            case .stopped: stopped += 1
            case .diverged, .error: failed += 1
            }
            if r.valueIncreased { valueIncreased += 1 }
        }
    }
}

/// Every cell of a set of results.
public enum Aggregate {
    /// The results grouped by (problem, solver), in the order of `records`.
    public static func groups(_ records: [RunRecord]) -> [[RunRecord]] {
        var groups: [String: [RunRecord]] = [:]
        var order: [String] = []
        for r in records {
            let k = r.key.problem + "\u{1}" + r.key.solver
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(r)
        }
        return order.map { groups[$0]! }
    }

    /// Checks that `records` can share one set of tables: every run of a (problem,
    /// solver) cell made under one fingerprint (the same declaration, data, settings and
    /// numerical version: only the run index differs), every result under one protocol
    /// kind (no quick run beside full ones), and one list of pruning levels per family.
    /// - Throws: ``HarnessError/mixedResults(_:)`` naming the files that disagree and how.
    public static func validate(_ records: [RunRecord], store: ResultStore? = nil) throws {
        func where_(_ r: RunRecord) -> String { store?.path(for: r.key) ?? r.key.description }
        var kinds: [ProtocolKind: RunRecord] = [:]
        for r in records where kinds[r.fingerprint.protocolKind] == nil { kinds[r.fingerprint.protocolKind] = r }
        if kinds.count > 1 {
            let list = kinds.values.sorted { $0.key < $1.key }.map { "\($0.fingerprint.protocolKind.rawValue) (e.g. \(where_($0)))" }
            throw HarnessError.mixedResults("results of different protocols in one table: " + list.joined(separator: " and ")
                                            + "; report each protocol from its own directory")
        }
        for g in groups(records) {
            let first = g[0]
            if let other = g.first(where: { $0.fingerprint.cellDigest != first.fingerprint.cellDigest }) {
                var b = other.fingerprint
                b.run = first.fingerprint.run
                let why = first.fingerprint.differences(from: b).joined(separator: ", ")
                throw HarnessError.mixedResults("\(where_(first)) and \(where_(other)) share the cell \(first.key.problem)/\(first.key.solver) but were made under different fingerprints (\(why))")
            }
        }
        var levels: [String: RunRecord] = [:]
        for r in records {
            if let f = levels[r.family], f.fingerprint.pruning != r.fingerprint.pruning {
                throw HarnessError.mixedResults("\(where_(f)) and \(where_(r)) share the \(r.family) tables but not their pruning levels")
            }
            levels[r.family] = levels[r.family] ?? r
        }
    }

    /// Cells for every (problem, solver) in `records`, measures in a fixed order.
    /// Statistics of the measures are over the runs that did not fail; the fractions
    /// `converged`, `failed` and `value_increased` are over every run.
    public static func cells(_ records: [RunRecord]) -> [Cell] {
        var out: [Cell] = []
        for all in groups(records) {
            let first = all[0]
            let rs = all.filter { !$0.status.isFailure }
            func cell(_ measure: String, _ level: Double? = nil, _ values: [Double]) {
                guard !values.isEmpty else { return }
                out.append(Cell(problem: first.key.problem, family: first.family, solver: first.key.solver,
                                measure: measure, level: level, statistic: Statistic(values)))
            }
            cell("converged", nil, all.map { $0.status == .converged ? 1 : 0 })
            cell("failed", nil, all.map { $0.status.isFailure ? 1 : 0 })
            cell("value_increased", nil, all.map { $0.valueIncreased ? 1 : 0 })
            cell("iterations", nil, rs.map { Double($0.iterations) })
            cell("seconds", nil, rs.map(\.seconds))
            cell("gradient_norm", nil, rs.map(\.gradientNorm))
            cell("value", nil, rs.map(\.value))
            cell("sparsity", nil, rs.map(\.sparsity))
            cell("accuracy", nil, rs.compactMap(\.accuracy))
            cell("undecided", nil, rs.compactMap { $0.undecided.map(Double.init) })
            cell("max_prunable", nil, rs.compactMap(\.maxPrunableWithinOnePoint))
            let levels = first.fingerprint.pruning
            for (i, p) in levels.enumerated() {
                let at = rs.compactMap { $0.pruning.count > i ? $0.pruning[i] : nil }
                cell("eps_g", p, at.map(\.epsG))
                cell("eps_f", p, at.map(\.epsF))
                cell("pruned_accuracy", p, at.compactMap(\.accuracy))
                cell("pruned_undecided", p, at.compactMap { $0.undecided.map(Double.init) })
            }
        }
        return out
    }
}

/// Reading and writing cells as CSV (the format of the reference tables).
public enum CellCSV {
    public static let header = "problem,family,solver,measure,level,mean,std,min,max,runs"

    public static func write(_ cells: [Cell]) -> String {
        var lines = [header]
        for c in cells {
            let s = c.statistic
            lines.append([c.problem, c.family, c.solver, c.measure, c.level.map { Cell.format($0) } ?? "",
                          fmt(s.mean), fmt(s.std), fmt(s.min), fmt(s.max), String(s.count)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func fmt(_ v: Double) -> String { v.isNaN ? "nan" : String(format: "%.17g", v) }

    /// The longest line and the most rows a reference table may have.
    public static let maxLineLength = 4096
    public static let maxRows = 1_000_000

    /// Parses a CSV written by ``write(_:)``; errors name the file, line and column.
    /// A duplicated cell, an over-long line or too many rows is an error too.
    public static func read(_ text: String, file: String) throws -> [Cell] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        guard lines.count <= maxRows + 1 else {
            throw HarnessError.corruptResult(file: file, reason: "more than \(maxRows) rows")
        }
        guard let head = lines.first, head.trimmingCharacters(in: .whitespaces) == header else {
            throw HarnessError.corruptResult(file: file, reason: "line 1: expected the header '\(header)'")
        }
        var cells: [Cell] = []
        var seen: [String: Int] = [:]
        for (i, line) in lines.enumerated().dropFirst() where !line.isEmpty && !line.hasPrefix("#") {
            guard line.utf8.count <= maxLineLength else {
                throw HarnessError.corruptResult(file: file, reason: "line \(i + 1): longer than \(maxLineLength) bytes")
            }
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 10 else {
                throw HarnessError.corruptResult(file: file, reason: "line \(i + 1): expected 10 fields, found \(f.count)")
            }
            func num(_ j: Int) throws -> Double {
                if f[j] == "nan" { return .nan }
                guard let v = Double(f[j]) else {
                    throw HarnessError.corruptResult(file: file, reason: "line \(i + 1), field \(j + 1): '\(printable(f[j]))' is not a number")
                }
                return v
            }
            let level: Double? = f[4].isEmpty ? nil : try num(4)
            guard let runs = Int(f[9]), runs >= 0 else {
                throw HarnessError.corruptResult(file: file, reason: "line \(i + 1), field 10: '\(printable(f[9]))' is not a run count")
            }
            let cell = Cell(problem: f[0], family: f[1], solver: f[2], measure: f[3], level: level,
                            statistic: Statistic(mean: try num(5), std: try num(6), min: try num(7), max: try num(8), count: runs))
            if let first = seen[cell.id] {
                throw HarnessError.corruptResult(file: file, reason: "line \(i + 1): the cell \(printable(cell.id)) is already on line \(first)")
            }
            seen[cell.id] = i + 1
            cells.append(cell)
        }
        return cells
    }

    /// `s` cut to 80 characters, with control characters escaped
    /// (``ProblemSuiteError/escaped(_:)``), for messages.
    static func printable(_ s: String) -> String {
        let escaped = ProblemSuiteError.escaped(String(s.unicodeScalars.prefix(80)))
        return s.unicodeScalars.count > 80 ? escaped + "…" : escaped
    }
}

extension Statistic {
    public init(mean: Double, std: Double, min: Double, max: Double, count: Int) {
        self.mean = mean; self.std = std; self.min = min; self.max = max; self.count = count
    }
}
