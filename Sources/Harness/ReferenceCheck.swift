/// Compares results with a reference table, cell by cell.
public enum ReferenceCheck {
    /// One cell that moved beyond tolerance, or is missing.
    public struct Change: Sendable, Equatable {
        public enum Kind: String, Sendable { case better, worse, changed, missing, new }
        public var id: String
        public var kind: Kind
        public var reference: Double?
        public var current: Double?
    }

    /// The outcome of a comparison.
    public struct Outcome: Sendable {
        public var compared: Int
        public var changes: [Change]
        /// Worse cells and reference cells missing from the results: these fail a check.
        public var regressions: [Change] { changes.filter { $0.kind == .worse || $0.kind == .missing } }
    }

    /// Compares the means of `current` against `reference`: a cell moves when
    /// |cur − ref| > atol + rtol·|ref|. Moves are `better` or `worse` by the measure's
    /// direction (``Cell/direction(of:)``), `changed` for neutral measures. Measures in
    /// `ignore` (wall time by default: it depends on the machine) are skipped.
    public static func compare(current: [Cell], reference: [Cell], rtol: Double, atol: Double,
                               ignore: Set<String> = ["seconds"]) -> Outcome {
        let cur = Dictionary(current.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var changes: [Change] = []
        var compared = 0
        var seen = Set<String>()
        for r in reference where !ignore.contains(r.measure) {
            seen.insert(r.id)
            guard let c = cur[r.id] else {
                changes.append(Change(id: r.id, kind: .missing, reference: r.statistic.mean, current: nil))
                continue
            }
            compared += 1
            let a = r.statistic.mean, b = c.statistic.mean
            if a.isNaN && b.isNaN { continue }
            let moved = a.isNaN != b.isNaN || abs(b - a) > atol + rtol * abs(a)
            guard moved else { continue }
            let kind: Change.Kind
            switch Cell.direction(of: r.measure) {
            case .lowerIsBetter: kind = b < a ? .better : .worse
            case .higherIsBetter: kind = b > a ? .better : .worse
            case .neutral: kind = .changed
            }
            changes.append(Change(id: r.id, kind: b.isNaN ? .worse : kind, reference: a, current: b))
        }
        for c in current where !ignore.contains(c.measure) && !seen.contains(c.id) {
            changes.append(Change(id: c.id, kind: .new, reference: nil, current: c.statistic.mean))
        }
        return Outcome(compared: compared, changes: changes)
    }
}
