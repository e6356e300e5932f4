/// Compares results with a reference table, cell by cell.
public enum ReferenceCheck {
    /// One cell that moved beyond tolerance, is missing, is new, or cannot be compared.
    public struct Change: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case better, worse, changed
            /// In the reference, not in the results.
            case missing
            /// In the results, not in the reference (a failure unless new cells are allowed).
            case new
            /// The number of runs differs from the reference's.
            case runs
            /// The reference holds a non-finite value: it cannot vouch for anything.
            case nonFinite = "non-finite"
        }
        public var id: String
        public var kind: Kind
        public var reference: Double?
        public var current: Double?
    }

    /// The outcome of a comparison.
    public struct Outcome: Sendable {
        public var compared: Int
        public var changes: [Change]
        /// Whether cells absent from the reference are accepted.
        public var allowNew = false
        /// What fails a check: worse cells, reference cells missing from the results,
        /// cells whose run count differs, non-finite reference values, and cells the
        /// reference lacks (unless ``allowNew``).
        public var regressions: [Change] {
            changes.filter { [.worse, .missing, .runs, .nonFinite].contains($0.kind) || (!allowNew && $0.kind == .new) }
        }
    }

    /// Compares the means of `current` against `reference`: a cell moves when
    /// |cur − ref| > atol + rtol·|ref|. Moves are `better` or `worse` by the measure's
    /// direction (``Cell/direction(of:)``), `changed` for neutral measures. The run count
    /// of every cell is compared exactly. Measures in `ignore` (wall time by default: it
    /// depends on the machine) are skipped.
    public static func compare(current: [Cell], reference: [Cell], rtol: Double, atol: Double,
                               ignore: Set<String> = ["seconds"], allowNew: Bool = false) -> Outcome {
        let cur = Dictionary(current.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [Change] = []
        var compared = 0
        var seen = Set<String>()
        for r in reference where !ignore.contains(r.measure) {
            seen.insert(r.id)
            let a = r.statistic.mean
            guard let c = cur[r.id] else {
                changes.append(Change(id: r.id, kind: .missing, reference: a, current: nil))
                continue
            }
            compared += 1
            let b = c.statistic.mean
            let values = [r.statistic.mean, r.statistic.std, r.statistic.min, r.statistic.max]
            if values.contains(where: { !$0.isFinite }) {
                changes.append(Change(id: r.id, kind: .nonFinite, reference: a, current: b))
                continue
            }
            if r.statistic.count != c.statistic.count {
                changes.append(Change(id: r.id, kind: .runs, reference: Double(r.statistic.count), current: Double(c.statistic.count)))
                continue
            }
            let moved = !b.isFinite || abs(b - a) > atol + rtol * abs(a)
            guard moved else { continue }
            let kind: Change.Kind
            switch Cell.direction(of: r.measure) {
            case .lowerIsBetter: kind = b < a ? .better : .worse
            case .higherIsBetter: kind = b > a ? .better : .worse
            case .neutral: kind = .changed
            }
            changes.append(Change(id: r.id, kind: b.isFinite ? kind : .worse, reference: a, current: b))
        }
        for c in current where !ignore.contains(c.measure) && !seen.contains(c.id) {
            changes.append(Change(id: c.id, kind: .new, reference: nil, current: c.statistic.mean))
        }
        return Outcome(compared: compared, changes: changes, allowNew: allowNew)
    }
}
