import Foundation
import Solvers

/// The paper's six qualitative claims, evaluated on stored results: per claim `holds`,
/// `fails`, `mixed` or `not evaluated`, with the checks behind it and their numbers.
///
/// Each claim is split into checks that can be read off the result tables (``Cell``
/// means over runs). Robustness is eps_f and eps_g (lower is more robust), a ranking over
/// a range of pruning levels uses each solver's mean over those levels, "on most
/// problems" is a strict majority, and "fewer / slower / faster" compare means. A claim
/// holds when every check that could be evaluated holds, fails when none does, and is
/// mixed otherwise; checks whose solvers or levels are absent are listed as not
/// evaluated. These readings of the paper's sentences are **[reconstruction]** choices,
/// stated in each check's text.
public enum Claims {
    public enum Verdict: String, Codable, Sendable {
        case holds, fails, mixed
        case notEvaluated = "not evaluated"
    }

    /// One check: a statement, whether it holds (nil: could not be evaluated), and the
    /// numbers behind it.
    public struct Check: Codable, Sendable, Equatable {
        public var statement: String
        public var holds: Bool?
        public var evidence: String
    }

    /// One claim of the paper and its verdict.
    public struct Claim: Codable, Sendable, Equatable {
        public var id: Int
        public var source: String
        public var text: String
        /// The experiment whose results it is evaluated on.
        public var experiment: String
        public var verdict: Verdict
        public var checks: [Check]
        /// Why it was not evaluated, or what is missing (GISETTE, for instance).
        public var note: String?
    }

    /// The means of one experiment's cells, looked up by (problem, solver, measure, level).
    struct Means {
        let values: [String: Double]
        let problems: [String]
        let solvers: [String]
        let levels: [Double]

        init(_ cells: [Cell]) {
            var v: [String: Double] = [:]
            var problems: [String] = [], solvers: [String] = [], levels = Set<Double>()
            for c in cells {
                v[Means.key(c.problem, c.solver, c.measure, c.level)] = c.statistic.mean
                if !problems.contains(c.problem) { problems.append(c.problem) }
                if !solvers.contains(c.solver) { solvers.append(c.solver) }
                if let l = c.level { levels.insert(l) }
            }
            values = v
            self.problems = problems
            self.solvers = solvers
            self.levels = levels.sorted()
        }

        static func key(_ p: String, _ s: String, _ m: String, _ l: Double?) -> String {
            "\(p)|\(s)|\(m)|\(l.map { "\($0)" } ?? "")"
        }

        /// The mean of a measure, nil when absent or not finite.
        func mean(_ problem: String, _ solver: String, _ measure: String, _ level: Double? = nil) -> Double? {
            guard let v = values[Means.key(problem, solver, measure, level)], v.isFinite else { return nil }
            return v
        }

        /// The mean over `levels` of a levelled measure (nil when one is missing).
        func mean(_ problem: String, _ solver: String, _ measure: String, over levels: [Double]) -> Double? {
            guard !levels.isEmpty else { return nil }
            var sum = 0.0
            for l in levels {
                guard let v = mean(problem, solver, measure, l) else { return nil }
                sum += v
            }
            return sum / Double(levels.count)
        }

        /// `solvers` ranked by a score, best first (lower is better unless `higher`);
        /// solvers without a score are left out.
        func ranking(_ solvers: [String], higher: Bool = false, score: (String) -> Double?) -> [(String, Double)] {
            let scored = solvers.compactMap { s in score(s).map { (s, $0) } }
            return scored.sorted { higher ? $0.1 > $1.1 : $0.1 < $1.1 }
        }
    }

    static let prunAdag = ["prunadag-v1", "prunadag-v2", "prunadag-v3", "prunadag-v4"]

    static func short(_ solver: String) -> String {
        solver.hasPrefix("prunadag-") ? "V" + solver.dropFirst("prunadag-v".count) : solver
    }

    static func fmt(_ v: Double) -> String { String(format: "%.3g", v) }

    static func list(_ pairs: [(String, Double)]) -> String {
        pairs.map { "\(short($0.0)) \(fmt($0.1))" }.joined(separator: ", ")
    }

    /// A check counting the problems where `predicate` holds; it holds when that count
    /// reaches `needed` of the problems evaluated.
    static func counting(_ statement: String, problems: [String], needed: (Int) -> Int,
                         _ predicate: (String) -> (Bool, String)?) -> Check {
        var yes = 0, evaluated = 0
        var lines: [String] = []
        for p in problems {
            guard let (ok, text) = predicate(p) else { continue }
            evaluated += 1
            if ok { yes += 1 }
            lines.append("\(p): \(text)")
        }
        guard evaluated > 0 else { return Check(statement: statement, holds: nil, evidence: "no problem has the cells this check needs") }
        let need = needed(evaluated)
        return Check(statement: statement, holds: yes >= need,
                     evidence: "\(yes) of \(evaluated) problems (needed \(need)). " + lines.joined(separator: "; "))
    }

    static func majority(_ n: Int) -> Int { n / 2 + 1 }

    /// The six claims evaluated on `cells` (the result cells of each experiment, by
    /// experiment name: `relevant-vs-optimisable`, `random-least-squares`, `sparco`,
    /// `sparse-coding`, `classification`); `leftOut` lists, per experiment, the problems
    /// its run left out (for the notes).
    public static func evaluate(cells: [String: [Cell]], leftOut: [String: [String]] = [:]) -> [Claim] {
        func claim(_ id: Int, _ source: String, _ text: String, _ experiment: String,
                   _ checks: (Means) -> [Check]) -> Claim {
            guard let c = cells[experiment], !c.isEmpty else {
                return Claim(id: id, source: source, text: text, experiment: experiment, verdict: .notEvaluated, checks: [],
                             note: "not evaluated (no results for \(experiment))")
            }
            let list = checks(Means(c))
            let done = list.compactMap(\.holds)
            let verdict: Verdict = done.isEmpty ? .notEvaluated : (done.allSatisfy { $0 } ? .holds : (done.contains(true) ? .mixed : .fails))
            let missing = leftOut[experiment] ?? []
            return Claim(id: id, source: source, text: text, experiment: experiment, verdict: verdict, checks: list,
                         note: missing.isEmpty ? nil : "left out of the results: " + missing.joined(separator: ", "))
        }
        return [
            claim(1, "Figure 1 (A3)", "Relevant only reaches far fewer components below tau_s than V1–V4 and is less robust to pruning; it does not converge faster than V1, V2, V4.",
                  "relevant-vs-optimisable", figure1),
            claim(2, "Table 2 (random least squares)", "Below 50 % pruning V3 has the lowest eps on five of the six problems, followed by V4; V1 is very reliable at low pruning levels but degrades quickly as p grows; around 90 % pruning FW1, FW2 and V4 are best.",
                  "random-least-squares", table2),
            claim(3, "Figure 4 (random least squares)", "V1 is the fastest prunAdag version, comparable to Adagrad; V3 meets the gradient tolerance; FW1 and FW2 converge slowest.",
                  "random-least-squares", figure4),
            claim(4, "Table 3 (SPARCO)", "V3 is the most robust in four of five problems below 50 %; FW1 and V3 are the most reliable beyond 50 %; FW2 converges fastest but is about as fragile as Adagrad; every prunAdag version is more robust than Adagrad.",
                  "sparco", table3),
            claim(5, "Figures 6–7 (sparse coding)", "V1 is the most robust at moderate pruning; V3 and V4 are best for aggressive pruning.",
                  "sparse-coding", figures67),
            claim(6, "Table 4 (classification)", "Every prunAdag version prunes more than 80 % of the parameters without losing test accuracy and is more robust than Adagrad; V4 tolerates the largest pruning.",
                  "classification", table4),
        ]
    }

    // MARK: the claims

    static func figure1(_ m: Means) -> [Check] {
        var checks: [Check] = []
        let versions = prunAdag.filter(m.solvers.contains)
        for ro in ["relevant-only", "relevant-only-plain"] where m.solvers.contains(ro) {
            let name = ro == "relevant-only" ? "Relevant only (rescaled a)" : "Relevant only (plain a)"
            checks.append(counting("\(name): final sparsity (% of |x_i| < tau_s) below every one of V1–V4",
                                   problems: m.problems, needed: { $0 }) { p in
                guard let own = m.mean(p, ro, "sparsity") else { return nil }
                let others = m.ranking(versions, higher: true) { m.mean(p, $0, "sparsity") }
                guard !others.isEmpty else { return nil }
                return (others.allSatisfy { own < $0.1 }, "\(fmt(own)) % against " + list(others))
            })
            for measure in ["eps_f", "eps_g"] {
                checks.append(counting("\(name): less robust — mean \(measure) over the pruning levels above every one of V1–V4",
                                       problems: m.problems, needed: { $0 }) { p in
                    guard let own = m.mean(p, ro, measure, over: m.levels) else { return nil }
                    let others = m.ranking(versions) { m.mean(p, $0, measure, over: m.levels) }
                    guard !others.isEmpty else { return nil }
                    return (others.allSatisfy { own > $0.1 }, "\(fmt(own)) against " + list(others))
                })
            }
            checks.append(counting("\(name): not faster — mean iterations at least those of V1, V2 and V4",
                                   problems: m.problems, needed: { $0 }) { p in
                guard let own = m.mean(p, ro, "iterations") else { return nil }
                let others = m.ranking(["prunadag-v1", "prunadag-v2", "prunadag-v4"].filter(m.solvers.contains)) { m.mean(p, $0, "iterations") }
                guard !others.isEmpty else { return nil }
                return (others.allSatisfy { own >= $0.1 }, "\(fmt(own)) against " + list(others))
            })
        }
        return checks
    }

    /// The rank of `solver` in `ranking`: 1 + the number of solvers strictly better (ties
    /// share a rank, so eps = 0 for several solvers makes them all first).
    static func rank(of solver: String, in ranking: [(String, Double)], higher: Bool = false) -> Int? {
        guard let own = ranking.first(where: { $0.0 == solver })?.1 else { return nil }
        return 1 + ranking.filter { higher ? $0.1 > own : $0.1 < own }.count
    }

    /// Whether `solver` alone has the lowest value of `ranking`: for speed claims, where a
    /// shared first place (for instance every solver stopping at kmax without converging)
    /// says nothing about which is faster.
    static func strictlyFirst(_ solver: String, in ranking: [(String, Double)]) -> Bool? {
        guard let own = ranking.first(where: { $0.0 == solver })?.1 else { return nil }
        return ranking.allSatisfy { $0.0 == solver || $0.1 > own }
    }

    /// Ranking checks on eps_f and eps_g over `levels`: a solver of `best` is first
    /// (ties share the first place).
    static func bestIn(_ m: Measure, _ means: Means, levels: [Double], best: Set<String>, statement: String,
                       needed: @escaping (Int) -> Int) -> Check {
        counting(statement + " (\(m.rawValue), levels \(levels.map { Cell.format($0) }.joined(separator: ", ")) %)",
                 problems: means.problems, needed: needed) { p in
            guard !levels.isEmpty else { return nil }
            let r = means.ranking(means.solvers.filter { !$0.hasPrefix("relevant-only") }) { means.mean(p, $0, m.rawValue, over: levels) }
            guard !r.isEmpty else { return nil }
            let first = best.contains { rank(of: $0, in: r) == 1 }
            return (first, "best " + list(Array(r.prefix(3))))
        }
    }

    enum Measure: String, CaseIterable { case epsF = "eps_f", epsG = "eps_g" }

    static func table2(_ m: Means) -> [Check] {
        let low = m.levels.filter { $0 < 50 }, high = m.levels.filter { $0 >= 85 }
        var checks: [Check] = []
        for e in Measure.allCases {
            checks.append(bestIn(e, m, levels: low, best: ["prunadag-v3"], statement: "below 50 %: V3 has the lowest mean eps on five of six problems",
                                 needed: { max(1, Int((Double($0) * 5 / 6).rounded(.up))) }))
        }
        checks.append(counting("below 50 %: V4 is second (eps_f, mean over the levels below 50 %) on most problems",
                               problems: m.problems, needed: majority) { p in
            guard !low.isEmpty else { return nil }
            let r = m.ranking(m.solvers) { m.mean(p, $0, "eps_f", over: low) }
            guard r.count >= 2, let v4 = rank(of: "prunadag-v4", in: r) else { return nil }
            return (v4 <= 2, "V4 rank \(v4): " + list(Array(r.prefix(3))))
        })
        checks.append(counting("V1 degrades as p grows: its eps_f rank at the highest level is worse than at the lowest, on most problems",
                               problems: m.problems, needed: majority) { p in
            guard let lo = m.levels.first, let hi = m.levels.last, lo < hi else { return nil }
            func rankAt(_ l: Double) -> Int? {
                Claims.rank(of: "prunadag-v1", in: m.ranking(m.solvers) { m.mean(p, $0, "eps_f", l) })
            }
            guard let a = rankAt(lo), let b = rankAt(hi) else { return nil }
            return (b > a, "rank \(a) at \(Cell.format(lo)) %, \(b) at \(Cell.format(hi)) %")
        })
        for e in Measure.allCases {
            checks.append(bestIn(e, m, levels: high, best: ["fw1", "fw2", "prunadag-v4"], statement: "around 90 %: the best is FW1, FW2 or V4 on most problems",
                                 needed: majority))
        }
        return checks
    }

    static func figure4(_ m: Means) -> [Check] {
        let others = m.solvers.filter { $0 != "fw1" && $0 != "fw2" }
        return [
            counting("V1 is the fastest prunAdag version: fewest mean iterations of V1–V4, on most problems",
                     problems: m.problems, needed: majority) { p in
                let r = m.ranking(prunAdag.filter(m.solvers.contains)) { m.mean(p, $0, "iterations") }
                guard let v1 = strictlyFirst("prunadag-v1", in: r) else { return nil }
                return (v1, list(r))
            },
            counting("V1 is comparable to Adagrad: mean iterations at most twice Adagrad's, on most problems",
                     problems: m.problems, needed: majority) { p in
                guard let v1 = m.mean(p, "prunadag-v1", "iterations"), let a = m.mean(p, "adagrad", "iterations") else { return nil }
                return (v1 <= 2 * a, "V1 \(fmt(v1)), Adagrad \(fmt(a))")
            },
            counting("V3 meets the gradient tolerance: every run converged, on every problem",
                     problems: m.problems, needed: { $0 }) { p in
                guard let c = m.mean(p, "prunadag-v3", "converged") else { return nil }
                return (c == 1, "converged fraction \(fmt(c))")
            },
            counting("FW1 and FW2 converge slowest: both take more mean iterations than every other solver, on most problems",
                     problems: m.problems, needed: majority) { p in
                guard let f1 = m.mean(p, "fw1", "iterations"), let f2 = m.mean(p, "fw2", "iterations") else { return nil }
                let r = m.ranking(others, higher: true) { m.mean(p, $0, "iterations") }
                guard let slowest = r.first else { return nil }
                return (min(f1, f2) > slowest.1, "FW1 \(fmt(f1)), FW2 \(fmt(f2)), slowest other \(short(slowest.0)) \(fmt(slowest.1))")
            },
        ]
    }

    static func table3(_ m: Means) -> [Check] {
        let low = m.levels.filter { $0 < 50 }, high = m.levels.filter { $0 > 50 }
        var checks: [Check] = []
        for e in Measure.allCases {
            checks.append(bestIn(e, m, levels: low, best: ["prunadag-v3"], statement: "below 50 %: V3 is the most robust on four of five problems",
                                 needed: { max(1, Int((Double($0) * 4 / 5).rounded(.up))) }))
            checks.append(bestIn(e, m, levels: high, best: ["fw1", "prunadag-v3"], statement: "beyond 50 %: FW1 or V3 is the most robust on most problems",
                                 needed: majority))
        }
        checks.append(counting("FW2 converges fastest: fewest mean iterations of all solvers, on most problems",
                               problems: m.problems, needed: majority) { p in
            let r = m.ranking(m.solvers) { m.mean(p, $0, "iterations") }
            guard let fw2 = strictlyFirst("fw2", in: r) else { return nil }
            return (fw2, list(Array(r.prefix(3))))
        })
        checks.append(counting("FW2 is about as fragile as Adagrad: mean eps_f over all levels within a factor 10 of Adagrad's, on most problems",
                               problems: m.problems, needed: majority) { p in
            guard let f = m.mean(p, "fw2", "eps_f", over: m.levels), let a = m.mean(p, "adagrad", "eps_f", over: m.levels) else { return nil }
            let ratio = f / max(a, .leastNormalMagnitude)
            return (ratio >= 0.1 && ratio <= 10, "FW2 \(fmt(f)), Adagrad \(fmt(a))")
        })
        checks.append(robusterThanAdagrad(m))
        return checks
    }

    /// Every prunAdag version has a lower mean eps_f over all levels than Adagrad, on every problem.
    static func robusterThanAdagrad(_ m: Means) -> Check {
        counting("every prunAdag version is more robust than Adagrad: lower mean eps_f over all levels, on every problem",
                 problems: m.problems, needed: { $0 }) { p in
            guard let a = m.mean(p, "adagrad", "eps_f", over: m.levels) else { return nil }
            let r = m.ranking(prunAdag.filter(m.solvers.contains)) { m.mean(p, $0, "eps_f", over: m.levels) }
            guard !r.isEmpty else { return nil }
            return (r.allSatisfy { $0.1 < a }, "Adagrad \(fmt(a)); " + list(r))
        }
    }

    static func figures67(_ m: Means) -> [Check] {
        let moderate = m.levels.filter { $0 >= 30 && $0 <= 60 }, aggressive = m.levels.filter { $0 >= 80 }
        var checks: [Check] = []
        for e in Measure.allCases {
            checks.append(bestIn(e, m, levels: moderate, best: ["prunadag-v1"], statement: "moderate pruning (30–60 %): V1 is the most robust on most problems",
                                 needed: majority))
            checks.append(bestIn(e, m, levels: aggressive, best: ["prunadag-v3", "prunadag-v4"], statement: "aggressive pruning (≥ 80 %): V3 or V4 is the most robust on most problems",
                                 needed: majority))
        }
        return checks
    }

    static func table4(_ m: Means) -> [Check] {
        let versions = prunAdag.filter(m.solvers.contains)
        return [
            counting("every prunAdag version prunes more than 80 % within one point of its unpruned test accuracy (mean max_prunable), on every problem",
                     problems: m.problems, needed: { $0 }) { p in
                let r = m.ranking(versions, higher: true) { m.mean(p, $0, "max_prunable") }
                guard !r.isEmpty else { return nil }
                return (r.allSatisfy { $0.1 > 80 }, list(r))
            },
            counting("every prunAdag version tolerates at least Adagrad's pruning (mean max_prunable), on every problem",
                     problems: m.problems, needed: { $0 }) { p in
                guard let a = m.mean(p, "adagrad", "max_prunable") else { return nil }
                let r = m.ranking(versions, higher: true) { m.mean(p, $0, "max_prunable") }
                guard !r.isEmpty else { return nil }
                return (r.allSatisfy { $0.1 >= a }, "Adagrad \(fmt(a)); " + list(r))
            },
            counting("V4 tolerates the largest pruning (mean max_prunable at least every other solver's), on most problems",
                     problems: m.problems, needed: majority) { p in
                guard let v4 = m.mean(p, "prunadag-v4", "max_prunable") else { return nil }
                let r = m.ranking(m.solvers.filter { $0 != "prunadag-v4" }, higher: true) { m.mean(p, $0, "max_prunable") }
                guard let best = r.first else { return nil }
                return (v4 >= best.1, "V4 \(fmt(v4)), best other \(short(best.0)) \(fmt(best.1))")
            },
        ]
    }

    // MARK: output

    /// The claims as an HTML section (for the index page).
    public static func html(_ claims: [Claim]) -> String {
        let esc = SVGChart.escape
        var out = "<h2>The paper's claims, checked</h2>\n<p>Each claim is read as the checks below it ([reconstruction] readings); it holds when every evaluated check holds, fails when none does, and is mixed otherwise. Details in <a href=\"claims.json\">claims.json</a>.</p>\n<table>\n<tr><th>#</th><th>source</th><th>claim</th><th>verdict</th></tr>\n"
        for c in claims {
            out += "<tr><td>\(c.id)</td><td>\(esc(c.source))</td><td style=\"text-align:left\">\(esc(c.text))</td><td><b>\(esc(c.verdict.rawValue))</b></td></tr>\n"
        }
        out += "</table>\n"
        for c in claims {
            out += "<h3>Claim \(c.id): \(esc(c.verdict.rawValue))</h3>\n"
            if let n = c.note { out += "<p>\(esc(n))</p>\n" }
            if !c.checks.isEmpty {
                out += "<ul>\n" + c.checks.map { k in
                    let v = k.holds.map { $0 ? "holds" : "fails" } ?? "not evaluated"
                    return "<li><b>\(v)</b>: \(esc(k.statement)). \(esc(k.evidence))</li>\n"
                }.joined() + "</ul>\n"
            }
        }
        return out
    }

    /// The claims as plain text lines: one per claim, then its checks.
    public static func text(_ claims: [Claim]) -> String {
        var out = ""
        for c in claims {
            out += "claim \(c.id) (\(c.source)): \(c.verdict.rawValue)" + (c.note.map { " — \($0)" } ?? "") + "\n"
            for k in c.checks {
                out += "  [\(k.holds.map { $0 ? "holds" : "fails" } ?? "not evaluated")] \(k.statement)\n"
            }
        }
        return out
    }

    /// Writes `claims.json` into `directory`.
    public static func writeJSON(_ claims: [Claim], to directory: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = directory + "/claims.json"
        do {
            try encoder.encode(claims).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw HarnessError.unwritable(path: path, reason: error.localizedDescription)
        }
        return path
    }

    /// The cells of every experiment directory under `root` (a `reproduce --out` root or
    /// its `quick/`), by experiment name, and the problems each left out; directories
    /// without results are skipped.
    /// - Throws: a result that cannot be read, or results that cannot share a table.
    public static func cells(under root: String, registry: SolverRegistry) throws -> (cells: [String: [Cell]], leftOut: [String: [String]]) {
        var cells: [String: [Cell]] = [:], leftOut: [String: [String]] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for name in names.sorted() where FileManager.default.fileExists(atPath: root + "/" + name + "/results") {
            let dir = root + "/" + name
            let records = try ResultStore(root: dir).all(registry: registry)
            guard !records.isEmpty else { continue }
            try Aggregate.validate(records)
            let info = try ExperimentInfo.read(from: dir)
            let key = info?.name ?? name
            cells[key] = Aggregate.cells(records)
            leftOut[key] = (info?.leftOut ?? []).map { String($0.prefix(while: { $0 != ":" })) }
        }
        return (cells, leftOut)
    }
}
