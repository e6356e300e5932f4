/// How a data set's labels code its classes.
public enum LabelCoding: Sendable, Equatable, CustomStringConvertible {
    /// Labels are −1 and/or +1 already.
    case signs
    /// Two classes with other codes (0/1, 1/2, ...): `negative` maps to −1, `positive`
    /// to +1. With codes {0, 1}, 0 is negative; otherwise the smaller code is negative.
    case twoClass(negative: Double, positive: Double)
    /// Three or more distinct labels (kept as they are, MNIST-like), or a single label
    /// that is not a sign or 0/1.
    case multiClass([Double])

    public var description: String {
        switch self {
        case .signs: return "±1"
        case let .twoClass(n, p): return "\(LabelCoding.format(n))→−1, \(LabelCoding.format(p))→+1"
        case let .multiClass(v): return "\(v.count) classes"
        }
    }

    /// Whether the labels form (at most) two classes.
    public var isBinary: Bool {
        if case .multiClass = self { return false }
        return true
    }

    /// Decides the coding from the distinct label values.
    public static func detect(distinct: [Double]) -> LabelCoding {
        let values = distinct.sorted()
        if values.allSatisfy({ $0 == -1 || $0 == 1 }) { return .signs }
        if values.allSatisfy({ $0 == 0 || $0 == 1 }) { return .twoClass(negative: 0, positive: 1) }
        if values.count == 2 { return .twoClass(negative: values[0], positive: values[1]) }
        return .multiClass(values)
    }

    /// A label as text: integers without a decimal point.
    public static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

/// A labelled data set as read from a file: features (dense or CSR) and one label per row.
public struct LabelledDataSet: Sendable {
    /// The file it came from (for messages).
    public var source: String
    /// One row per sample.
    public var features: FeatureMatrix
    /// The labels as written in the file.
    public var labels: [Double]
    /// How the labels code the classes.
    public var labelCoding: LabelCoding

    public init(source: String, features: FeatureMatrix, labels: [Double]) {
        precondition(features.rowCount == labels.count)
        self.source = source
        self.features = features
        self.labels = labels
        var distinct = Set<Double>()
        for l in labels {
            distinct.insert(l)
            if distinct.count > 1000 { break }
        }
        labelCoding = LabelCoding.detect(distinct: Array(distinct))
    }

    public var rowCount: Int { features.rowCount }
    public var columnCount: Int { features.columnCount }

    /// (label, count) pairs in increasing label order.
    public var labelCounts: [(label: Double, count: Int)] {
        var counts: [Double: Int] = [:]
        for l in labels { counts[l, default: 0] += 1 }
        return counts.keys.sorted().map { ($0, counts[$0]!) }
    }

    /// The labels mapped to ±1 (see ``LabelCoding``).
    /// - Throws: `ProblemSuiteError/dataMismatch(file:reason:)` if there are more than
    ///   two classes.
    public func signLabels() throws -> [Double] {
        try LabelledDataSet.signLabels(labels, coding: labelCoding, source: source)
    }

    /// `labels` mapped to ±1 under their detected coding; `source` names the file in errors.
    public static func signLabels(_ labels: [Double], source: String) throws -> [Double] {
        var distinct = Set<Double>()
        for l in labels {
            distinct.insert(l)
            if distinct.count > 1000 { break }
        }
        return try signLabels(labels, coding: LabelCoding.detect(distinct: Array(distinct)), source: source)
    }

    static func signLabels(_ labels: [Double], coding: LabelCoding, source: String) throws -> [Double] {
        switch coding {
        case .signs:
            return labels
        case let .twoClass(negative, _):
            return labels.map { $0 == negative ? -1 : 1 }
        case let .multiClass(values):
            let shown = values.prefix(10).map(LabelCoding.format).joined(separator: ", ")
            throw ProblemSuiteError.dataMismatch(
                file: source,
                reason: "labels are not two-class: found \(values.count) distinct values (\(shown)\(values.count > 10 ? ", ..." : ""))")
        }
    }
}
