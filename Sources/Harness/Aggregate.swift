import Foundation

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
    /// `iterations`, `seconds`, `gradient_norm`, `sparsity`, `value`, `eps_g`, `eps_f`,
    /// `accuracy`, `pruned_accuracy`, `max_prunable`.
    public var measure: String
    /// The pruning percentage, for `eps_g`, `eps_f` and `pruned_accuracy`.
    public var level: Double?
    public var statistic: Statistic

    public var id: String { "\(problem)|\(solver)|\(measure)|\(level.map { Cell.format($0) } ?? "")" }

    static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }

    /// The direction in which the measure improves.
    public static func direction(of measure: String) -> Direction {
        switch measure {
        case "iterations", "gradient_norm", "eps_g", "eps_f", "value", "seconds": return .lowerIsBetter
        case "sparsity", "accuracy", "pruned_accuracy", "max_prunable": return .higherIsBetter
        default: return .neutral
        }
    }
}

/// Every cell of a set of results.
public enum Aggregate {
    /// Cells for every (problem, solver) in `records`, measures in a fixed order.
    public static func cells(_ records: [RunRecord]) -> [Cell] {
        var groups: [String: [RunRecord]] = [:]
        var order: [String] = []
        for r in records {
            let k = r.key.problem + "\u{1}" + r.key.solver
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(r)
        }
        var out: [Cell] = []
        for k in order {
            let rs = groups[k]!
            let first = rs[0]
            func cell(_ measure: String, _ level: Double? = nil, _ values: [Double]) {
                guard !values.isEmpty else { return }
                out.append(Cell(problem: first.key.problem, family: first.family, solver: first.key.solver,
                                measure: measure, level: level, statistic: Statistic(values)))
            }
            cell("iterations", nil, rs.map { Double($0.iterations) })
            cell("seconds", nil, rs.map(\.seconds))
            cell("gradient_norm", nil, rs.map(\.gradientNorm))
            cell("value", nil, rs.map(\.value))
            cell("sparsity", nil, rs.map(\.sparsity))
            cell("accuracy", nil, rs.compactMap(\.accuracy))
            cell("max_prunable", nil, rs.compactMap(\.maxPrunableWithinOnePoint))
            let levels = first.pruning.map(\.percentage)
            for (i, p) in levels.enumerated() {
                let at = rs.compactMap { $0.pruning.count > i ? $0.pruning[i] : nil }
                cell("eps_g", p, at.map(\.epsG))
                cell("eps_f", p, at.map(\.epsF))
                cell("pruned_accuracy", p, at.compactMap(\.accuracy))
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

    /// Parses a CSV written by ``write(_:)``; errors name the file, line and column.
    public static func read(_ text: String, file: String) throws -> [Cell] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        guard let head = lines.first, head.trimmingCharacters(in: .whitespaces) == header else {
            throw HarnessError.corruptResult(file: file, reason: "line 1: expected the header '\(header)'")
        }
        var cells: [Cell] = []
        for (i, line) in lines.enumerated().dropFirst() where !line.isEmpty && !line.hasPrefix("#") {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 10 else {
                throw HarnessError.corruptResult(file: file, reason: "line \(i + 1): expected 10 fields, found \(f.count)")
            }
            func num(_ j: Int) throws -> Double {
                if f[j] == "nan" { return .nan }
                guard let v = Double(f[j]) else {
                    throw HarnessError.corruptResult(file: file, reason: "line \(i + 1), field \(j + 1): '\(f[j])' is not a number")
                }
                return v
            }
            let level: Double? = f[4].isEmpty ? nil : try num(4)
            guard let runs = Int(f[9]) else {
                throw HarnessError.corruptResult(file: file, reason: "line \(i + 1), field 10: '\(f[9])' is not an integer")
            }
            cells.append(Cell(problem: f[0], family: f[1], solver: f[2], measure: f[3], level: level,
                              statistic: Statistic(mean: try num(5), std: try num(6), min: try num(7), max: try num(8), count: runs)))
        }
        return cells
    }
}

extension Statistic {
    public init(mean: Double, std: Double, min: Double, max: Double, count: Int) {
        self.mean = mean; self.std = std; self.min = min; self.max = max; self.count = count
    }
}
