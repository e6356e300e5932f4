import Foundation

/// Tables (Markdown, CSV, LaTeX) and figures (SVG) from stored results, with an HTML
/// index that shows them all. Laid out like the paper: robustness tables (Tables 2
/// and 3: eps_f and eps_g at each pruning level, mean ± standard deviation over runs),
/// a convergence table, the classification table (Table 4), and per problem the figures
/// of gradient norm and sparsity against iterations, eps against pruning percentage,
/// the sizes of A_k and D_k, and accuracy against pruning.
public enum Report {
    /// What ``write(records:to:)`` produced.
    public struct Output: Sendable {
        public var directory: String
        public var index: String
        public var files: [String]
    }

    /// Writes the report of `records` into `directory` (created if needed).
    public static func write(records: [RunRecord], to directory: String) throws -> Output {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/figures", withIntermediateDirectories: true)
        var files: [String] = []
        func save(_ text: String, _ name: String) throws {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            files.append(name)
        }
        let cells = Aggregate.cells(records)
        try save(CellCSV.write(cells), "cells.csv")
        let tables = self.tables(cells)
        try save(tables.map { $0.markdown() }.joined(separator: "\n\n") + "\n", "tables.md")
        try save(tables.map { $0.latex() }.joined(separator: "\n\n") + "\n", "tables.tex")
        var figures: [(problem: String, file: String)] = []
        for (problem, rs) in grouped(records) {
            for (name, chart) in charts(problem: problem, records: rs) {
                let file = "figures/\(problem)-\(name).svg"
                try save(chart.render(), file)
                figures.append((problem, file))
            }
        }
        try save(html(tables: tables, figures: figures, records: records), "index.html")
        return Output(directory: directory, index: directory + "/index.html", files: files)
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
                s.replacingOccurrences(of: "_", with: "\\_").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "±", with: "$\\pm$").replacingOccurrences(of: "‖g‖", with: "$\\|g\\|$")
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

    static func pm(_ s: Statistic, _ format: String = "%.2e") -> String {
        s.count > 1 ? String(format: format, s.mean) + " ± " + String(format: "%.1e", s.std) : String(format: format, s.mean)
    }

    /// The report's tables, built from cells.
    public static func tables(_ cells: [Cell]) -> [Table] {
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
        var tables: [Table] = []
        let families = pairs.map(\.family).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for family in families {
            let ps = pairs.filter { $0.family == family }
            let classification = ps.contains { cell($0, "accuracy") != nil }
            if classification {
                tables.append(Table(
                    caption: "\(family): test accuracy (%) of x̂_p at each pruning percentage p (Table 4)",
                    header: ["problem", "solver", "unpruned"] + levels.map { "p=\(Cell.format($0))" } + ["max p within 1 pt"],
                    rows: ps.map { p in
                        [p.problem, p.solver, cell(p, "accuracy").map { pm($0.statistic, "%.1f") } ?? "-"]
                            + levels.map { l in cell(p, "pruned_accuracy", l).map { pm($0.statistic, "%.1f") } ?? "-" }
                            + [cell(p, "max_prunable").map { pm($0.statistic, "%.0f") } ?? "-"]
                    }))
            } else {
                for (measure, what) in [("eps_f", "eps_f(p) = |f(x̂_p) − f(x*)| / max(1, |f(x*)|)"), ("eps_g", "eps_g(p) = ‖∇f(x̂_p)‖")] {
                    tables.append(Table(
                        caption: "\(family): \(what), mean ± std over runs (Tables 2 and 3)",
                        header: ["problem", "solver"] + levels.map { "p=\(Cell.format($0))" },
                        rows: ps.map { p in [p.problem, p.solver] + levels.map { l in cell(p, measure, l).map { pm($0.statistic) } ?? "-" } }))
                }
            }
            tables.append(Table(
                caption: "\(family): convergence (iterations, solver time, final ‖g‖, % of |x_i| < tau_s)",
                header: ["problem", "solver", "iterations", "time (s)", "‖g‖", "sparsity %"],
                rows: ps.map { p in
                    [p.problem, p.solver, cell(p, "iterations").map { pm($0.statistic, "%.0f") } ?? "-",
                     cell(p, "seconds").map { pm($0.statistic, "%.3g") } ?? "-", cell(p, "gradient_norm").map { pm($0.statistic) } ?? "-",
                     cell(p, "sparsity").map { pm($0.statistic, "%.1f") } ?? "-"]
                }))
        }
        return tables
    }

    // MARK: Figures

    static func charts(problem: String, records: [RunRecord]) -> [(String, SVGChart)] {
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
                series.append(SVGChart.Series(name: "\(r.key.solver) |A|", points: r.trace.compactMap { t in t.acceptable.map { (Double(t.k), Double($0)) } }, color: i))
                series.append(SVGChart.Series(name: "\(r.key.solver) |D|", points: r.trace.compactMap { t in t.decreasable.map { (Double(t.k), Double($0)) } }, dashed: true, color: i))
            }
            out.append(("sets", SVGChart(title: "\(problem): sizes of A_k (solid) and D_k (dashed)", xLabel: "iteration k",
                                         yLabel: "components", series: series)))
        }
        return out
    }

    // MARK: Index

    static func html(tables: [Table], figures: [(problem: String, file: String)], records: [RunRecord]) -> String {
        let prov = records.first?.provenance
        var out = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>ProblemSuite report</title>
        <style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1400px}
        table{border-collapse:collapse;margin-bottom:1.5em;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
        td:first-child,td:nth-child(2),th{text-align:left}img{margin:4px;border:1px solid #eee}</style></head><body>
        <h1>ProblemSuite report</h1>
        <p>\(records.count) results. Suite \(prov?.suiteVersion ?? "?"), commit \(prov?.commit ?? "unknown"), \(SVGChart.escape(prov?.machine ?? "")).
        Tables as <a href="tables.md">Markdown</a>, <a href="tables.tex">LaTeX</a> and <a href="cells.csv">CSV</a>.</p>

        """
        out += "<h2>Tables</h2>\n" + tables.map { $0.html() }.joined()
        out += "<h2>Figures</h2>\n"
        var current = ""
        for f in figures {
            if f.problem != current { out += "<h3>\(SVGChart.escape(f.problem))</h3>\n"; current = f.problem }
            out += "<img src=\"\(f.file)\" width=\"480\">\n"
        }
        return out + "</body></html>\n"
    }
}
