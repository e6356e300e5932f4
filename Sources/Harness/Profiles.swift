import Foundation
import ProblemSuite

/// Benchmark profiles over a whole set of stored results: which solver is best across
/// the suite, not on one problem.
///
/// An *instance* is one (problem, run) pair: every solver of a run starts from the same
/// point, so a run of a problem is one test case of the profile (Dolan–Moré's "problem").
/// Only instances every profiled solver has a result for are used; the others are
/// counted in ``Set/incomplete``. A failed run (diverged or errored) never solves and is
/// never within any factor of the best: it lowers its solver's curve, it is not dropped.
///
/// - **Performance profile** (Dolan and Moré 2002): for the cost t(i, s) of solver s to
///   reach ‖g_k‖ ≤ τ‖g₀‖ on instance i, ρ_s(α) = share of instances with
///   t(i, s) ≤ α·min_s' t(i, s'). Drawn against log₂ α.
/// - **Data profile** (Moré and Wild 2009): d_s(κ) = share of instances with t(i, s) ≤ κ.
///   The cost is already in the unit of a gradient-based solver (a gradient, an
///   iteration, a second), so it is not divided by n + 1 as for simplex gradients.
/// - **Log-ratio profile** of two solvers a, b: log₂(t(i, a)/t(i, b)) per instance,
///   sorted (negative: a is cheaper). An instance one solver solves and the other does
///   not gets ±(largest finite |ratio| + 1); one neither solves is left out.
/// - **Pruning profile** (new to this suite): at pruning level p, the performance
///   profile of eps_f(p) (or eps_g(p)) relative to the best solver per instance — which
///   solver stays within a factor r of the best after pruning p %. Values below
///   ``measureFloor`` count as ``measureFloor`` so that an exact 0 is a tie, not an
///   infinite ratio.
/// - **Accuracy-lost profile** (classification): at level p, the loss of test accuracy
///   ℓ = accuracy(x) − accuracy(x̂_p) in points; ρ_s(d) = share of instances with
///   ℓ(i, s) ≤ min_s' ℓ(i, s') + d (a difference, since losses are often exactly 0).
///
/// The cost of reaching a tolerance is read from the trace (every `record_every`-th
/// iteration, with k = 0 and the last): the first recorded k with ‖g_k‖ ≤ τ‖g₀‖ — exact
/// with the default record_every = 1, else an upper bound within record_every − 1
/// iterations. Gradients: 1 + k·(G − 1)/K for a run of K iterations and G gradients
/// (exactly k + 1 for every solver of the suite, one gradient at x₀ and one per
/// iteration). Time: the run's solver time × k/K, a pro-rata estimate.
public enum Profiles {
    /// What a performance or data profile counts.
    public enum Cost: String, Sendable, CaseIterable {
        case gradients, iterations, time
        var label: String {
            switch self {
            case .gradients: return "gradient evaluations"
            case .iterations: return "iterations"
            case .time: return "seconds"
            }
        }
    }

    /// What one profile shows.
    public enum Kind: String, Sendable, CaseIterable {
        case performance, data
        case logRatio = "log-ratio"
        case pruningF = "pruning-eps_f", pruningG = "pruning-eps_g"
        case accuracyLost = "accuracy-lost"
    }

    /// Smallest value of eps_f and eps_g a pruning profile distinguishes: 1e-15.
    public static let measureFloor = 1e-15

    /// One solver's curve: a non-decreasing step function, y(x) = `y[j]` for
    /// `x[j] ≤ x < x[j+1]` (a log-ratio curve: the sorted values against their rank).
    public struct Curve: Sendable, Equatable {
        public var solver: String
        public var x: [Double]
        public var y: [Double]
    }

    /// One profile: its kind, parameter (τ or p), axis labels and curves.
    public struct Profile: Sendable, Equatable {
        public var kind: Kind
        /// τ for performance, data and log-ratio profiles; p (%) for pruning profiles.
        public var parameter: Double
        public var title: String
        public var xLabel: String
        public var yLabel: String
        /// The instances the profile is over.
        public var instances: Int
        public var curves: [Curve]

        /// A file name stem: `performance-tau1e-03`, `pruning-eps_f-p50`.
        public var stem: String {
            switch kind {
            case .pruningF, .pruningG, .accuracyLost: return "\(kind.rawValue)-p\(Profiles.number(parameter))"
            default: return "\(kind.rawValue)-tau\(String(format: "%.0e", parameter))"
            }
        }

        /// The curves as CSV: `profile,parameter,solver,x,y`, one row per step.
        public func csv() -> String {
            var out = ""
            for c in curves {
                for (x, y) in zip(c.x, c.y) {
                    out += "\(kind.rawValue),\(Profiles.number(parameter)),\(c.solver),\(Profiles.number(x)),\(Profiles.number(y))\n"
                }
            }
            return out
        }

        /// The profile as an SVG chart, steps drawn as steps (x as labelled: log₂ of the
        /// ratio for performance and pruning profiles).
        public func chart() -> SVGChart {
            let series = curves.enumerated().map { i, c -> SVGChart.Series in
                var pts: [(x: Double, y: Double)] = []
                let logX = kind == .performance || kind == .pruningF || kind == .pruningG
                for j in c.x.indices where c.x[j].isFinite {
                    let x = logX ? log2(c.x[j]) : c.x[j]
                    if kind != .logRatio, let last = pts.last { pts.append((x, last.y)) }
                    pts.append((x, c.y[j]))
                }
                return SVGChart.Series(name: c.solver, points: pts, color: i)
            }
            // Each step curve runs on flat to the right end of the chart.
            let right = series.flatMap { $0.points.map(\.x) }.max()
            let extended = kind == .logRatio ? series : series.map { s -> SVGChart.Series in
                var s = s
                if let right, let last = s.points.last, last.x < right { s.points.append((right, last.y)) }
                return s
            }
            var chart = SVGChart(title: title, xLabel: xLabel, yLabel: yLabel, series: extended)
            if kind != .logRatio { chart.yRange = (0, 1) }
            return chart
        }
    }

    /// A set of results ready to profile: the instances × solvers grid.
    public struct Set: Sendable {
        /// The solvers profiled, in order.
        public var solvers: [String]
        /// The instances (problem, run) every solver has a result for, sorted.
        public var instances: [TaskKey]
        /// `records[i][s]`: the result of solver `s` on instance `i`.
        public var records: [[RunRecord]]
        /// Instances left out because some solver has no result for them.
        public var incomplete: [TaskKey]

        /// Groups `records` by instance. `solvers` nil: every solver present, in
        /// first-seen order.
        /// - Throws: ``HarnessError/conflictingResults(first:second:reason:)`` for two
        ///   results of one task with different fingerprints (from two experiments that
        ///   ran the same task differently); ``HarnessError/noTasks(_:)`` when no
        ///   instance has every solver, or a solver asked for has no result.
        public init(_ all: [RunRecord], solvers: [String]? = nil) throws {
            var byTask: [TaskKey: RunRecord] = [:]
            var order: [String] = []
            for r in all {
                if let other = byTask[r.key] {
                    if other.fingerprint.digest != r.fingerprint.digest {
                        throw HarnessError.conflictingResults(first: r.key.description, second: r.key.description,
                                                              reason: "two stored results with different fingerprints (\(other.fingerprint.digest.prefix(12)) and \(r.fingerprint.digest.prefix(12)))")
                    }
                    continue
                }
                byTask[r.key] = r
                if !order.contains(r.key.solver) { order.append(r.key.solver) }
            }
            let chosen = solvers ?? order
            for s in chosen where !order.contains(s) {
                throw HarnessError.noTasks("no stored result of solver \(s) (solvers present: \(order.joined(separator: ", ")))")
            }
            guard !chosen.isEmpty else { throw HarnessError.noTasks("no stored results to profile") }
            var keys = Swift.Set<TaskKey>()
            for k in byTask.keys { keys.insert(TaskKey(problem: k.problem, solver: "", run: k.run)) }
            var instances: [TaskKey] = [], grid: [[RunRecord]] = [], incomplete: [TaskKey] = []
            let sortedKeys = keys.sorted { x, y in
                x.problem != y.problem ? x.problem.compare(y.problem, options: .numeric) == .orderedAscending : x.run < y.run
            }
            for k in sortedKeys {
                let row = chosen.compactMap { byTask[TaskKey(problem: k.problem, solver: $0, run: k.run)] }
                if row.count == chosen.count { instances.append(k); grid.append(row) } else { incomplete.append(k) }
            }
            guard !instances.isEmpty else {
                throw HarnessError.noTasks("no (problem, run) has a result of every solver \(chosen.joined(separator: ", "))")
            }
            self.solvers = chosen
            self.instances = instances
            self.records = grid
            self.incomplete = incomplete
        }
    }

    /// The cost of `r` to reach ‖g_k‖ ≤ τ‖g₀‖ (``Profiles`` explains the units);
    /// `.infinity` when its trace never does or the run failed.
    /// - Throws: ``HarnessError/corruptResult(file:reason:)`` for a result whose trace
    ///   does not start at k = 0 (no ‖g₀‖ to measure against).
    public static func cost(_ r: RunRecord, tolerance tau: Double, _ cost: Cost) throws -> Double {
        guard !r.status.isFailure else { return .infinity }
        guard let first = r.trace.first, first.k == 0 else {
            throw HarnessError.corruptResult(file: r.key.description, reason: "its trace does not start at k = 0: no ‖g₀‖ for a profile")
        }
        let target = tau * first.gradientNorm
        guard let hit = r.trace.first(where: { $0.gradientNorm <= target }) else { return .infinity }
        let k = Double(hit.k), total = Double(max(r.iterations, 1))
        switch cost {
        case .iterations: return k
        case .gradients: return 1 + k * Double(max(r.gradientEvaluations - 1, 0)) / total
        case .time: return r.seconds * k / total
        }
    }

    /// ρ_s(α) for each column of `t` (instances × solvers): the share of instances with
    /// t ≤ α·(row minimum). A row whose minimum is 0 gives 1 to a 0 and ∞ to the rest.
    public static func performance(_ t: [[Double]], solvers: [String]) -> [Curve] {
        let ratios = t.map { row -> [Double] in
            let best = row.min() ?? .infinity
            return row.map { v in
                guard v.isFinite, best.isFinite else { return .infinity }
                if best == 0 { return v == 0 ? 1 : .infinity }
                return v / best
            }
        }
        return solvers.indices.map { s in stepCurve(solvers[s], ratios.map { $0[s] }, total: t.count) }
    }

    /// d_s(κ): the share of instances with t ≤ κ, for each column of `t`.
    public static func data(_ t: [[Double]], solvers: [String]) -> [Curve] {
        solvers.indices.map { s in stepCurve(solvers[s], t.map { $0[s] }, total: t.count) }
    }

    /// The share of instances within `d` of the row minimum, for each column (the
    /// accuracy-lost profile).
    public static func difference(_ t: [[Double]], solvers: [String]) -> [Curve] {
        let gaps = t.map { row -> [Double] in
            let best = row.min() ?? .infinity
            return row.map { $0.isFinite && best.isFinite ? $0 - best : .infinity }
        }
        return solvers.indices.map { s in stepCurve(solvers[s], gaps.map { $0[s] }, total: t.count) }
    }

    /// log₂(a/b) per row, sorted; x is the rank 1, 2, ….
    public static func logRatio(_ a: [Double], _ b: [Double], name: String) -> Curve {
        enum Outcome { case ratio(Double), aWins, bWins, neither }
        let outcomes: [Outcome] = zip(a, b).map { x, y in
            switch (x.isFinite, y.isFinite) {
            case (true, true):
                if x == y { return .ratio(0) }
                if x == 0 { return .aWins }
                if y == 0 { return .bWins }
                return .ratio(log2(x / y))
            case (true, false): return .aWins
            case (false, true): return .bWins
            case (false, false): return .neither
            }
        }
        let finite = outcomes.compactMap { if case .ratio(let r) = $0 { return abs(r) } else { return nil } }
        let cap = (finite.max() ?? 0) + 1
        let sorted = outcomes.compactMap { o -> Double? in
            switch o {
            case .ratio(let r): return r
            case .aWins: return -cap
            case .bWins: return cap
            case .neither: return nil
            }
        }.sorted()
        return Curve(solver: name, x: sorted.indices.map { Double($0 + 1) }, y: sorted)
    }

    /// The step curve of `values` (∞ never counted): at each distinct finite value, the
    /// share of `total` at or below it.
    static func stepCurve(_ name: String, _ values: [Double], total: Int) -> Curve {
        let finite = values.filter(\.isFinite).sorted()
        var xs: [Double] = [], ys: [Double] = []
        for (i, v) in finite.enumerated() {
            let share = Double(i + 1) / Double(max(total, 1))
            if let last = xs.last, last == v { ys[ys.count - 1] = share } else { xs.append(v); ys.append(share) }
        }
        return Curve(solver: name, x: xs, y: ys)
    }

    /// The profiles of `set`: performance and data profiles for each tolerance, the
    /// log-ratio profile of the first two solvers (when there are two or more), and the
    /// pruning profiles (eps_f, eps_g; accuracy lost when every result has accuracies)
    /// at each pruning level every result measured among `pruning` (nil: all of them).
    /// - Throws: the errors of ``cost(_:tolerance:_:)``; ``HarnessError/noTasks(_:)``
    ///   for a pruning level some result did not measure.
    public static func compute(_ set: Set, cost: Cost = .gradients, tolerances: [Double] = [1e-1, 1e-3, 1e-5],
                               pruning: [Double]? = nil) throws -> [Profile] {
        let n = set.instances.count
        var out: [Profile] = []
        for tau in tolerances {
            let t = try set.records.map { row in try row.map { try Profiles.cost($0, tolerance: tau, cost) } }
            let tauText = String(format: "%.0e", tau)
            out.append(Profile(kind: .performance, parameter: tau, title: "Performance profile, ‖g‖ ≤ \(tauText)·‖g₀‖ (\(n) instances)",
                               xLabel: "log₂ α (\(cost.label) within a factor α of the best)", yLabel: "share of instances",
                               instances: n, curves: performance(t, solvers: set.solvers)))
            out.append(Profile(kind: .data, parameter: tau, title: "Data profile, ‖g‖ ≤ \(tauText)·‖g₀‖ (\(n) instances)",
                               xLabel: "budget κ (\(cost.label))", yLabel: "share of instances solved",
                               instances: n, curves: data(t, solvers: set.solvers)))
            if set.solvers.count >= 2 {
                let (a, b) = (set.solvers[0], set.solvers[1])
                out.append(Profile(kind: .logRatio, parameter: tau, title: "Log-ratio profile \(a) / \(b), ‖g‖ ≤ \(tauText)·‖g₀‖",
                                   xLabel: "instance (sorted)", yLabel: "log₂(\(cost.label) \(a) / \(b))", instances: n,
                                   curves: [logRatio(t.map { $0[0] }, t.map { $0[1] }, name: "\(a) / \(b)")]))
            }
        }
        let measured = set.records.flatMap { $0 }.filter { !$0.status.isFailure }.map { Swift.Set($0.pruning.map(\.percentage)) }
        let common = measured.dropFirst().reduce(measured.first ?? []) { $0.intersection($1) }
        let levels = pruning ?? common.sorted()
        for p in levels {
            guard common.contains(p) || measured.isEmpty else {
                throw HarnessError.noTasks("pruning level \(number(p)) %: not measured by every result (common levels: \(common.sorted().map(number).joined(separator: ", ")); recompute with `report --pruning`)")
            }
            func measure(_ pick: (PruningMeasure) -> Double) -> [[Double]] {
                set.records.map { row in row.map { r in
                    guard !r.status.isFailure, let m = r.pruning.first(where: { $0.percentage == p }) else { return .infinity }
                    return max(pick(m), measureFloor)
                } }
            }
            for (kind, name, pick) in [(Kind.pruningF, "eps_f", { (m: PruningMeasure) in m.epsF }), (Kind.pruningG, "eps_g", { (m: PruningMeasure) in m.epsG })] {
                out.append(Profile(kind: kind, parameter: p, title: "Pruning profile of \(name) at p = \(number(p)) % (\(n) instances)",
                                   xLabel: "log₂ r (\(name) within a factor r of the best)", yLabel: "share of instances",
                                   instances: n, curves: performance(measure(pick), solvers: set.solvers)))
            }
            let all = set.records.flatMap { $0 }
            if all.contains(where: { $0.accuracy != nil }) {
                let lost = set.records.map { row in row.map { r -> Double in
                    guard !r.status.isFailure, let a = r.accuracy, let m = r.pruning.first(where: { $0.percentage == p }),
                          let ap = m.accuracy else { return .infinity }
                    return a - ap
                } }
                out.append(Profile(kind: .accuracyLost, parameter: p, title: "Accuracy lost at p = \(number(p)) % (\(n) instances)",
                                   xLabel: "points of test accuracy lost beyond the best", yLabel: "share of instances",
                                   instances: n, curves: difference(lost, solvers: set.solvers)))
            }
        }
        return out
    }

    /// Writes each profile as `<stem>.csv` and `<stem>.svg` into `directory`, and
    /// `profiles.csv` with every curve.
    /// - Returns: the files written, relative to `directory`.
    /// - Throws: ``HarnessError/unwritable(path:reason:)``.
    @discardableResult
    public static func write(_ profiles: [Profile], to directory: String) throws -> [String] {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw HarnessError.unwritable(path: directory, reason: error.localizedDescription)
        }
        var files: [String] = []
        func save(_ text: String, _ name: String) throws {
            do { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) } catch {
                throw HarnessError.unwritable(path: directory + "/" + name, reason: error.localizedDescription)
            }
            files.append(name)
        }
        let header = "profile,parameter,solver,x,y\n"
        try save(header + profiles.map { $0.csv() }.joined(), "profiles.csv")
        for p in profiles {
            try save(header + p.csv(), p.stem + ".csv")
            try save(p.chart().render(), p.stem + ".svg")
        }
        return files
    }

    /// A number as the CSV and file names write it: integers without a point, others
    /// in shortest round-trip form, ∞ as `inf`.
    static func number(_ v: Double) -> String {
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)"
    }
}
