/// Closest-name suggestions for unknown problem names and keys.
package enum NameSuggestion {
    /// Levenshtein distance between two strings, case-insensitively.
    package static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// Up to `limit` candidates closest to `name`: those containing it (ignoring case)
    /// first, then by edit distance, keeping only plausible ones (distance at most
    /// half the longer name, and at least 1 character off allowed for short names).
    package static func closest(to name: String, among candidates: [String], limit: Int = 3) -> [String] {
        let lower = name.lowercased()
        let scored = candidates.map { c -> (String, Int) in
            let cl = c.lowercased()
            if !lower.isEmpty && (cl.contains(lower) || lower.contains(cl)) { return (c, 0) }
            return (c, distance(name, c))
        }
        let threshold = max(2, (name.count + 1) / 2)
        return scored.filter { $0.1 <= threshold }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .prefix(limit).map(\.0)
    }
}
