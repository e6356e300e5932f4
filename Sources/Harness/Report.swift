import Foundation
import Solvers

/// Tables (Markdown, CSV, LaTeX) and figures (SVG) from stored results, with an HTML
/// index that shows them all. Laid out like the paper: robustness tables (Tables 2
/// and 3: eps_f and eps_g at each pruning level, mean ± standard deviation over runs),
/// a convergence table, the classification table (Table 4), and per problem the figures
/// of gradient norm and sparsity against iterations, eps against pruning percentage,
/// the sizes of A_k and D_k, and accuracy against pruning.
///
/// Honest tables: statistics are over the runs that did not fail; every row says how
/// many of its runs reached the gradient tolerance, and marks
/// - `†` rows where some runs stopped at kmax without reaching it,
/// - `↑` rows where some runs ended with f(x_final) > f(x₀),
/// - `✗k` rows where k runs failed (diverged or errored; a row whose runs all failed
///   reads `failed`).
public enum Report {
    /// What ``write(records:to:experiment:)`` produced.
    public struct Output: Sendable {
        public var directory: String
        public var index: String
        public var files: [String]
        /// The tables written (as in `tables.md`).
        public var tables: [Table]
        /// The number of results reported.
        public var results: Int
    }

    /// The legend printed under the tables.
    public static let legend = "conv.: runs that reached ‖g‖ ≤ eps, of all runs. † some runs stopped at kmax; ↑ some runs ended with f(x_final) > f(x₀); ✗k: k runs failed (diverged or errored), left out of the statistics."

    /// Writes the report of `records` into `directory` (created if needed). Rows are in
    /// report order (``RunRecord/reportOrder(registry:)``): solvers in the order of
    /// `registry` (default ``SolverRegistry/standard``), solvers it does not know after them.
    /// - Throws: ``HarnessError/mixedResults(_:)`` when the records cannot share tables
    ///   (``Aggregate/validate(_:store:)``).
    public static func write(records unordered: [RunRecord], to directory: String, experiment: ExperimentInfo? = nil,
                             store: ResultStore? = nil, registry: SolverRegistry = .standard) throws -> Output {
        let records = unordered.sorted(by: RunRecord.reportOrder(registry: registry))
        try Aggregate.validate(records, store: store)
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory + "/figures", withIntermediateDirectories: true)
        } catch {
            throw HarnessError.unwritable(path: directory, reason: error.localizedDescription)
        }
        var files: [String] = []
        func save(_ text: String, _ name: String) throws {
            do {
                try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            } catch {
                throw HarnessError.unwritable(path: directory + "/" + name, reason: error.localizedDescription)
            }
            files.append(name)
        }
        let cells = Aggregate.cells(records)
        try save(CellCSV.write(cells), "cells.csv")
        let counts = Dictionary(Aggregate.groups(records).map { ($0[0].key.problem + "|" + $0[0].key.solver, RunCounts($0)) },
                                uniquingKeysWith: { a, _ in a })
        let tables = self.tables(cells, counts: counts, experiment: experiment?.name)
        try save(tables.map { $0.markdown() }.joined(separator: "\n\n") + "\n\n" + legend + "\n", "tables.md")
        try save(tables.map { $0.latex() }.joined(separator: "\n\n") + "\n", "tables.tex")
        var figures: [(problem: String, file: String)] = []
        for (problem, rs) in grouped(records) {
            for (name, chart) in charts(problem: problem, records: rs) {
                let file = "figures/\(problem)-\(name).svg"
                try save(chart.render(), file)
                figures.append((problem, file))
            }
        }
        let profiles = try Profiles.reportSection(records, directory: directory)
        files += profiles.files
        try save(html(tables: tables, figures: figures, records: records, experiment: experiment, extra: profiles.html), "index.html")
        return Output(directory: directory, index: directory + "/index.html", files: files, tables: tables, results: records.count)
    }

    static func grouped(_ records: [RunRecord]) -> [(String, [RunRecord])] {
        var order: [String] = []
        var groups: [String: [RunRecord]] = [:]
        for r in records {
            if groups[r.key.problem] == nil { order.append(r.key.problem) }
            groups[r.key.problem, default: []].append(r)
        }
        return order.map { ($0, groups[$0]!) }
    }

    // MARK: Tables

    /// A table with a caption, header and rows of text cells.
    public struct Table: Sendable {
        public var caption: String
        public var header: [String]
        public var rows: [[String]]

        public func markdown() -> String {
            var out = "### \(caption)\n\n| " + header.joined(separator: " | ") + " |\n|"
            out += header.map { _ in "---" }.joined(separator: "|") + "|\n"
            for r in rows { out += "| " + r.joined(separator: " | ") + " |\n" }
            return out
        }

        public func latex() -> String {
            func esc(_ s: String) -> String {
                s.replacingOccurrences(of: "\\", with: "\\textbackslash{}")
                    .replacingOccurrences(of: "_", with: "\\_").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "&", with: "\\&").replacingOccurrences(of: "#", with: "\\#")
                    .replacingOccurrences(of: "±", with: "$\\pm$").replacingOccurrences(of: "‖g‖", with: "$\\|g\\|$")
                    .replacingOccurrences(of: "†", with: "\\dag{}").replacingOccurrences(of: "↑", with: "$\\uparrow$")
                    .replacingOccurrences(of: "✗", with: "$\\times$").replacingOccurrences(of: "≤", with: "$\\le$")
            }
            var out = "\\begin{table}[ht]\n\\centering\n\\caption{\(esc(caption))}\n\\begin{tabular}{ll" + String(repeating: "r", count: max(0, header.count - 2)) + "}\n\\toprule\n"
            out += header.map(esc).joined(separator: " & ") + " \\\\\n\\midrule\n"
            for r in rows { out += r.map(esc).joined(separator: " & ") + " \\\\\n" }
            return out + "\\bottomrule\n\\end{tabular}\n\\end{table}"
        }

        public func html() -> String {
            func esc(_ s: String) -> String { SVGChart.escape(s) }
            var out = "<h3>\(esc(caption))</h3>\n<table>\n<tr>" + header.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
            for r in rows { out += "<tr>" + r.map { "<td>\(esc($0))</td>" }.joined() + "</tr>\n" }
            return out + "</table>\n"
        }
    }

    /// How a number prints in the tables: one format per kind of measure, the same for
    /// the mean and the spread.
    public enum NumberStyle: Sendable {
        /// `1.23e-04` (eps_f, eps_g, ‖g‖).
        case scientific
        /// `81.7` (percentages).
        case fixed1
        /// `940` (counts).
        case integer
        /// `0.0123` (seconds, three significant digits).
        case significant3

        public func format(_ v: Double) -> String {
            guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
            switch self {
            case .scientific: return String(format: "%.2e", v)
            case .fixed1: return String(format: "%.1f", v)
            case .integer: return String(format: "%.0f", v)
            case .significant3: return String(format: "%.3g", v)
            }
        }
    }

    /// `mean ± std` in one style; a spread below 10⁻⁹ of the mean (rounding noise
    /// between identical runs) prints as exactly 0.
    public static func pm(_ s: Statistic, _ style: NumberStyle = .scientific) -> String {
        guard s.count > 1 else { return style.format(s.mean) }
        let std = s.std <= 1e-9 * max(abs(s.mean), 1e-300) ? 0 : s.std
        return style.format(s.mean) + " ± " + style.format(std)
    }

    /// The marks of a row (see the type's documentation).
    static func marks(_ c: RunCounts) -> String {
        var m = ""
        if c.iterationLimit > 0 { m += "†" }
        if c.valueIncreased > 0 { m += "↑" }
        if c.failed > 0 { m += "✗\(c.failed)" }
        return m
    }

    /// `converged/runs` with the row's marks.
    static func convergence(_ c: RunCounts) -> String {
        let m = marks(c)
        return "\(c.converged)/\(c.runs)" + (m.isEmpty ? "" : " " + m)
    }

    /// The report's tables, built from cells and the run counts of each
    /// `problem|solver`. Captions name the experiment when given.
    public static func tables(_ cells: [Cell], counts: [String: RunCounts] = [:], experiment: String? = nil) -> [Table] {
        var index: [String: Cell] = [:]
        var pairs: [(problem: String, family: String, solver: String)] = []
        var levels: [Double] = []
        for c in cells {
            index[c.id] = c
            if !pairs.contains(where: { $0.problem == c.problem && $0.solver == c.solver }) { pairs.append((c.problem, c.family, c.solver)) }
            if let l = c.level, !levels.contains(l) { levels.append(l) }
        }
        levels.sort()
        func cell(_ p: (problem: String, family: String, solver: String), _ m: String, _ l: Double? = nil) -> Cell? {
            index["\(p.problem)|\(p.solver)|\(m)|\(l.map { Cell.format($0) } ?? "")"]
        }
        func runCounts(_ p: (problem: String, family: String, solver: String)) -> RunCounts {
            if let c = counts[p.problem + "|" + p.solver] { return c }
            // From the cells alone (a reference table): fractions × runs.
            var c = RunCounts([])
            let runs = cell(p, "converged")?.statistic.count ?? 0
            c.runs = runs
            c.converged = Int(((cell(p, "converged")?.statistic.mean ?? 0) * Double(runs)).rounded())
            c.failed = Int(((cell(p, "failed")?.statistic.mean ?? 0) * Double(runs)).rounded())
            c.valueIncreased = Int(((cell(p, "value_increased")?.statistic.mean ?? 0) * Double(runs)).rounded())
            return c
        }
        /// A statistic with the row's failure count; `failed` when every run failed.
        func value(_ p: (problem: String, family: String, solver: String), _ m: String, _ l: Double?, _ style: NumberStyle) -> String {
            guard let c = cell(p, m, l) else {
                let rc = runCounts(p)
                return rc.runs > 0 && rc.failed == rc.runs ? "failed" : "-"
            }
            return pm(c.statistic, style)
        }
        var tables: [Table] = []
        let families = pairs.map(\.family).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for family in families {
            // The experiment's name, unless it is the family's own.
            let prefix = experiment.map { $0 == family ? "" : "\($0) — " } ?? ""
            let ps = pairs.filter { $0.family == family }
            let familyLevels = levels.filter { l in ps.contains { cell($0, "eps_g", l) != nil || cell($0, "pruned_accuracy", l) != nil } }
            let classification = ps.contains { cell($0, "accuracy") != nil }
            if classification {
                func accuracy(_ p: (problem: String, family: String, solver: String), _ m: String, _ u: String, _ l: Double?) -> String {
                    let text = value(p, m, l, .fixed1)
                    guard let undecided = cell(p, u, l), undecided.statistic.mean > 0 else { return text }
                    return text + " (\(NumberStyle.integer.format(undecided.statistic.mean)) undecided)"
                }
                tables.append(Table(
                    caption: "\(prefix)\(family): test accuracy (%) of x̂_p at each pruning percentage p; samples scored exactly 0 count as errors (Table 4)",
                    header: ["problem", "solver", "conv.", "unpruned"] + familyLevels.map { "p=\(Cell.format($0))" } + ["max p within 1 pt"],
                    rows: ps.map { p in
                        [p.problem, p.solver, convergence(runCounts(p)), accuracy(p, "accuracy", "undecided", nil)]
                            + familyLevels.map { l in accuracy(p, "pruned_accuracy", "pruned_undecided", l) }
                            + [value(p, "max_prunable", nil, .integer)]
                    }))
            } else {
                for (measure, what) in [("eps_f", "eps_f(p) = |f(x̂_p) − f(x*)| / max(1, |f(x*)|)"), ("eps_g", "eps_g(p) = ‖∇f(x̂_p)‖")] {
                    tables.append(Table(
                        caption: "\(prefix)\(family): \(what), mean ± std over runs (Tables 2 and 3)",
                        header: ["problem", "solver", "conv."] + familyLevels.map { "p=\(Cell.format($0))" },
                        rows: ps.map { p in
                            [p.problem, p.solver, convergence(runCounts(p))] + familyLevels.map { l in value(p, measure, l, .scientific) }
                        }))
                }
            }
            tables.append(Table(
                caption: "\(prefix)\(family): convergence (runs that reached eps, stopped at kmax, failed, with f(x_final) > f(x₀); iterations, solver time, final ‖g‖, % of |x_i| < tau_s)",
                header: ["problem", "solver", "converged", "at kmax", "failed", "f rose", "iterations", "time (s)", "‖g‖", "sparsity %"],
                rows: ps.map { p in
                    let c = runCounts(p)
                    return [p.problem, p.solver, "\(c.converged)/\(c.runs)", "\(c.iterationLimit)", "\(c.failed)", "\(c.valueIncreased)",
                            value(p, "iterations", nil, .integer), value(p, "seconds", nil, .significant3),
                            value(p, "gradient_norm", nil, .scientific), value(p, "sparsity", nil, .fixed1)]
                }))
        }
        return tables
    }

    // MARK: Figures

    static func charts(problem: String, records all: [RunRecord]) -> [(String, SVGChart)] {
        let records = all.filter { !$0.status.isFailure }
        var solvers: [String] = []
        for r in records where !solvers.contains(r.key.solver) { solvers.append(r.key.solver) }
        let firstRun = solvers.compactMap { s in records.filter { $0.key.solver == s }.min { $0.key.run < $1.key.run } }
        func traceSeries(_ value: (TracePoint) -> Double?) -> [SVGChart.Series] {
            firstRun.map { r in SVGChart.Series(name: r.key.solver, points: r.trace.compactMap { t in value(t).map { (Double(t.k), $0) } }) }
        }
        var out: [(String, SVGChart)] = [
            ("gradient", SVGChart(title: "\(problem): ‖∇f(x_k)‖ (run \(firstRun.first?.key.run ?? 0))", xLabel: "iteration k",
                                  yLabel: "‖g_k‖", logY: true, series: traceSeries { $0.gradientNorm })),
            ("sparsity", SVGChart(title: "\(problem): % of |x_i| < tau_s", xLabel: "iteration k", yLabel: "% below tau_s",
                                  series: traceSeries { $0.sparsity })),
        ]
        func meanSeries(_ pick: (PruningMeasure) -> Double?) -> [SVGChart.Series] {
            solvers.map { s in
                let rs = records.filter { $0.key.solver == s }
                let levels = rs.first?.pruning.map(\.percentage) ?? []
                let pts: [(x: Double, y: Double)] = levels.enumerated().compactMap { i, p in
                    let v = rs.compactMap { $0.pruning.count > i ? pick($0.pruning[i]) : nil }
                    return v.isEmpty ? nil : (p, v.reduce(0, +) / Double(v.count))
                }
                return SVGChart.Series(name: s, points: pts)
            }
        }
        if records.contains(where: { $0.accuracy != nil }) {
            out.append(("accuracy", SVGChart(title: "\(problem): test accuracy of x̂_p (mean over runs)", xLabel: "pruned %",
                                             yLabel: "accuracy %", series: meanSeries { $0.accuracy })))
        } else {
            out.append(("eps_g", SVGChart(title: "\(problem): eps_g(p) (mean over runs)", xLabel: "pruned %", yLabel: "eps_g",
                                          logY: true, series: meanSeries { $0.epsG })))
            out.append(("eps_f", SVGChart(title: "\(problem): eps_f(p) (mean over runs)", xLabel: "pruned %", yLabel: "eps_f",
                                          logY: true, series: meanSeries { $0.epsF })))
        }
        let sets = firstRun.filter { r in r.trace.contains { $0.acceptable != nil } }
        if !sets.isEmpty {
            var series: [SVGChart.Series] = []
            for (i, r) in sets.enumerated() {
                series.append(SVGChart.Series(name: "\(r.key.solver) |A|", points: r.trace.compactMap { t in t.acceptable.map { (Double(t.k), Double($0)) } }, dashed: false, color: i))
                series.append(SVGChart.Series(name: "\(r.key.solver) |D|", points: r.trace.compactMap { t in t.decreasable.map { (Double(t.k), Double($0)) } }, dashed: true, color: i))
            }
            out.append(("sets", SVGChart(title: "\(problem): sizes of A_k (solid) and D_k (dashed)", xLabel: "iteration k",
                                         yLabel: "components", series: series)))
        }
        return out
    }

    // MARK: Index

    /// The protocol of a set of results in words: runs, kmax, eps, pruning levels,
    /// record_every, quick or full.
    public static func protocolDescription(records: [RunRecord], experiment: ExperimentInfo?) -> [String] {
        var lines: [String] = []
        let kind = experiment?.protocolKind ?? records.first?.fingerprint.protocolKind ?? .custom
        let kindText: String
        switch kind {
        case .full: kindText = "full (the experiment as declared, with its [converged] budget)"
        case .fixedBudget: kindText = "fixed-budget (the experiment with its families' own kmax, without its [converged] budget)"
        case .quick: kindText = "quick (the experiment's CI-sized [quick] form: not comparable with the full protocol)"
        case .custom: kindText = "custom (problemsuite run with its own options)"
        }
        lines.append("Protocol: " + kindText + ".")
        let runs = Dictionary(grouping: records, by: { $0.key.problem + "|" + $0.key.solver }).values.map(\.count).max() ?? 0
        lines.append("Runs per problem and solver: \(experiment?.runs ?? runs).")
        func grouped(_ value: (RunRecord) -> String) -> String {
            var byValue: [String: [String]] = [:]
            var order: [String] = []
            for r in records {
                let v = value(r)
                if byValue[v] == nil { order.append(v) }
                if !byValue[v, default: []].contains(r.key.problem) { byValue[v, default: []].append(r.key.problem) }
            }
            if order.count == 1 { return order[0] }
            return order.map { "\($0) (\(byValue[$0]!.joined(separator: ", ")))" }.joined(separator: "; ")
        }
        if !records.isEmpty {
            lines.append("kmax: \(grouped { String($0.settings.maxIterations) }); eps: \(grouped { NumberStyle.scientific.format($0.settings.gradientTolerance) }); record_every: \(grouped { String($0.settings.recordEvery) }).")
            lines.append("Pruning levels (%): \(grouped { $0.fingerprint.pruning.map { Cell.format($0) }.joined(separator: ", ") }).")
        }
        if let e = experiment, !e.overrides.isEmpty { lines.append("Settings overridden by the experiment: \(e.overrides.joined(separator: ", ")).") }
        if let p = experiment?.select, !p.isEmpty { lines.append("Problems selected by: \(p.joined(separator: ", ")).") }
        if let p = experiment?.perturbations, !p.isEmpty {
            lines.append("Perturbed problems (NAME+label; measured in the original variables): \(p.joined(separator: "; ")).")
        }
        return lines
    }

    static func html(tables: [Table], figures: [(problem: String, file: String)], records: [RunRecord],
                     experiment: ExperimentInfo?, extra: String = "") -> String {
        let prov = records.first?.provenance
        let esc = SVGChart.escape
        let heading = experiment.map { "\($0.name): \($0.title)" } ?? "ProblemSuite report"
        var out = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>\(esc(heading))</title>
        <style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1400px}
        table{border-collapse:collapse;margin-bottom:1.5em;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
        td:first-child,td:nth-child(2),th{text-align:left}img{margin:4px;border:1px solid #eee}.warn{color:#a00}</style></head><body>
        <h1>\(esc(heading))</h1>

        """
        out += "<p>" + protocolDescription(records: records, experiment: experiment).map(esc).joined(separator: "<br>\n") + "</p>\n"
        let failed = records.filter { $0.status.isFailure }
        out += "<p>\(records.count) results, \(failed.count) failed. Suite \(esc(prov?.suiteVersion ?? "?")) (numerical version \(esc(records.first?.fingerprint.numericalVersion ?? "?"))), commit \(esc(prov?.commit ?? "unknown")), \(esc(prov?.machine ?? "")).\n"
        out += "Tables as <a href=\"tables.md\">Markdown</a>, <a href=\"tables.tex\">LaTeX</a> and <a href=\"cells.csv\">CSV</a>.</p>\n"
        if let e = experiment, !e.leftOut.isEmpty {
            out += "<h2>Left out</h2>\n<ul>\n" + e.leftOut.map { "<li class=\"warn\">\(esc($0))</li>\n" }.joined() + "</ul>\n"
        }
        if !failed.isEmpty {
            out += "<h2>Failed runs</h2>\n<ul>\n"
            for r in failed.prefix(50) { out += "<li class=\"warn\">\(esc(r.key.description)): \(esc(r.failure ?? r.status.rawValue))</li>\n" }
            if failed.count > 50 { out += "<li>… and \(failed.count - 50) more</li>\n" }
            out += "</ul>\n"
        }
        out += "<h2>Tables</h2>\n<p>\(esc(legend))</p>\n" + tables.map { $0.html() }.joined()
        out += "<h2>Figures</h2>\n"
        var current = ""
        for f in figures {
            if f.problem != current { out += "<h3>\(esc(f.problem))</h3>\n"; current = f.problem }
            out += "<img src=\"\(f.file)\" width=\"480\">\n"
        }
        return out + extra + "</body></html>\n"
    }

    /// One line of the top-level index: an experiment's report and its outcome.
    public struct IndexEntry: Sendable {
        public var name: String
        public var title: String
        /// The experiment's report, relative to the index's directory; nil when it was skipped.
        public var report: String?
        /// One sentence: runs, failures, left out, or why it was skipped.
        public var summary: String
        public init(name: String, title: String, report: String?, summary: String) {
            self.name = name
            self.title = title
            self.report = report
            self.summary = summary
        }
    }

    /// Writes `directory/index.html`, linking every experiment's report; `extra` is HTML
    /// put after the list (the claims section, ``Claims/html(_:)``).
    @discardableResult
    public static func writeIndex(_ entries: [IndexEntry], to directory: String, heading: String, extra: String = "") throws -> String {
        let esc = SVGChart.escape
        var out = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>\(esc(heading))</title>
        <style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1000px}li{margin:.4em 0}.skip{color:#777}</style></head><body>
        <h1>\(esc(heading))</h1>
        <ul>

        """
        for e in entries {
            if let report = e.report {
                out += "<li><a href=\"\(esc(report))\">\(esc(e.name))</a>: \(esc(e.title)) — \(esc(e.summary))</li>\n"
            } else {
                out += "<li class=\"skip\">\(esc(e.name)): \(esc(e.title)) — \(esc(e.summary))</li>\n"
            }
        }
        out += "</ul>\n" + extra + "</body></html>\n"
        let path = directory + "/index.html"
        do {
            try out.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw HarnessError.unwritable(path: path, reason: error.localizedDescription)
        }
        return path
    }
}
