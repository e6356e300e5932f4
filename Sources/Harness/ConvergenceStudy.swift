import Foundation
import ProblemSuite

/// A convergence study: per (problem, solver), how many iterations the runs took to reach
/// ‖g‖ ≤ eps under a large budget, or how far from it they stopped; and, per family, the
/// iteration budget that lets every (problem, solver) pair that converges at all do so.
///
/// Built from stored results (``RunRecord``) of runs made with a large kmax (`problemsuite
/// study`, default 20000). Failed runs (diverged, errored) are counted apart and never
/// enter the iteration figures.
public struct ConvergenceStudy: Sendable, Equatable {
    /// One (problem, solver) cell.
    public struct Row: Sendable, Equatable, Codable {
        public var family: String
        public var problem: String
        public var solver: String
        /// The budget the runs had (the largest kmax among them).
        public var kmax: Int
        public var runs: Int
        /// Runs that reached ‖g‖ ≤ eps.
        public var converged: Int
        /// Runs that diverged or failed.
        public var failed: Int
        /// Median and largest iteration count of the converged runs (nil: none converged).
        public var medianIterations: Double?
        public var maxIterations: Int?
        /// Median and largest final ‖g‖ of the runs that did not fail (nil: all failed).
        public var medianFinalGradientNorm: Double?
        public var maxFinalGradientNorm: Double?

        /// `all` (every run converged), `some`, `none` (no run converged; none failed),
        /// or `failed` (a run failed).
        public var verdict: String {
            if failed > 0 { return "failed" }
            if converged == runs { return "all" }
            return converged > 0 ? "some" : "none"
        }
    }

    /// The budget chosen for one family.
    public struct Budget: Sendable, Equatable, Codable {
        public var family: String
        /// The largest iteration count of a converged run of the family.
        public var largestConverged: Int?
        /// The chosen kmax: ``ConvergenceStudy/roundedBudget(for:)`` of `largestConverged`,
        /// at most the study's own budget (nil: nothing converged, keep the family's budget).
        public var kmax: Int?
        /// (problem, solver) pairs with a run that did not converge within the study's budget.
        public var notConverging: [String]
    }

    public var rows: [Row]
    public var budgets: [Budget]

    /// The study of `records`, rows in the order of `order` (the report order).
    public init(records: [RunRecord], order: (RunRecord, RunRecord) -> Bool = RunRecord.reportOrder) {
        let sorted = records.sorted(by: order)
        var keys: [String] = []
        var groups: [String: [RunRecord]] = [:]
        for r in sorted {
            let key = r.key.problem + "\u{1}" + r.key.solver
            if groups[key] == nil { keys.append(key) }
            groups[key, default: []].append(r)
        }
        let rows: [Row] = keys.map { key in
            let group = groups[key]!
            let ok = group.filter { !$0.status.isFailure }
            let converged = ok.filter { $0.status == .converged }
            let iterations = converged.map(\.iterations).sorted()
            let norms = ok.map(\.gradientNorm).sorted()
            return Row(family: group[0].family, problem: group[0].key.problem, solver: group[0].key.solver,
                       kmax: group.map(\.settings.maxIterations).max() ?? 0, runs: group.count,
                       converged: converged.count, failed: group.count - ok.count,
                       medianIterations: ConvergenceStudy.median(iterations.map(Double.init)), maxIterations: iterations.last,
                       medianFinalGradientNorm: ConvergenceStudy.median(norms), maxFinalGradientNorm: norms.last)
        }
        var families: [String] = []
        for r in rows where !families.contains(r.family) { families.append(r.family) }
        self.rows = rows
        budgets = families.map { family in
            let own = rows.filter { $0.family == family }
            let largest = own.compactMap(\.maxIterations).max()
            let cap = own.map(\.kmax).max() ?? 0
            return Budget(family: family, largestConverged: largest, kmax: largest.map { min(ConvergenceStudy.roundedBudget(for: $0), max(cap, 1000)) },
                          notConverging: own.filter { $0.converged < $0.runs }.map { "\($0.problem)/\($0.solver)" })
        }
    }

    /// The budget for runs that converged in at most `iterations`: 1.25 × `iterations`
    /// (a margin for the runs the study did not make), rounded up to 1, 2 or 5 × 10^j,
    /// at least 1000 (the paper's budget for least squares).
    public static func roundedBudget(for iterations: Int) -> Int {
        let target = max(1000, Int((Double(iterations) * 1.25).rounded(.up)))
        var scale = 1
        while true {
            for m in [1, 2, 5] where m * scale >= target { return m * scale }
            scale *= 10
        }
    }

    static func median(_ sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// The header of ``tableRows``.
    public static let header = ["problem", "solver", "kmax", "runs", "converged", "failed", "median k", "max k",
                                "median ‖g‖", "max ‖g‖"]

    /// One row of text per cell: iterations as integers, ‖g‖ as `1.23e-04` ("–": none).
    public var tableRows: [[String]] {
        func sci(_ v: Double?) -> String { v.map { String(format: "%.2e", $0) } ?? "–" }
        return rows.map { r in
            [r.problem, r.solver, String(r.kmax), String(r.runs), String(r.converged), String(r.failed),
             r.medianIterations.map { String(format: "%.0f", $0) } ?? "–", r.maxIterations.map(String.init) ?? "–",
             sci(r.medianFinalGradientNorm), sci(r.maxFinalGradientNorm)]
        }
    }

    /// The rows as CSV (plain numbers, empty for none), one header line.
    public var csv: String {
        var out = "family,problem,solver,kmax,runs,converged,failed,median_iterations,max_iterations,median_final_gnorm,max_final_gnorm\n"
        func num(_ v: Double?) -> String { v.map { "\($0)" } ?? "" }
        for r in rows {
            out += [r.family, r.problem, r.solver, String(r.kmax), String(r.runs), String(r.converged), String(r.failed),
                    num(r.medianIterations), r.maxIterations.map(String.init) ?? "", num(r.medianFinalGradientNorm),
                    num(r.maxFinalGradientNorm)].joined(separator: ",") + "\n"
        }
        return out
    }
}

extension ConvergenceStudy: Codable {}
