/// The problem families the suite ships. One line per family.
///
/// The catalogue is open: a ``Catalogue`` reads its files against any list of families,
/// for instance `Catalogue(directory: d, families: FamilyRegistry.standard + [RidgeFamily.self])`
/// for a family written in another package. This list is only the default.
public enum FamilyRegistry {
    /// The built-in families, in catalogue order.
    public static let standard: [any ProblemFamily.Type] = [
        RandomLeastSquaresFamily.self,
        SparcoFamily.self,
        ClassificationFamily.self,
        SparseCodingFamily.self,
    ]

    /// The built-in families (``standard``; kept for source compatibility).
    public static var families: [any ProblemFamily.Type] { standard }

    /// The built-in family with identifier `id`.
    public static func family(_ id: String) -> (any ProblemFamily.Type)? {
        family(id, in: standard)
    }

    /// The family of `families` with identifier `id`.
    public static func family(_ id: String, in families: [any ProblemFamily.Type]) -> (any ProblemFamily.Type)? {
        families.first { $0.identifier == id }
    }

    /// Checks that no two of `families` share an identifier (a file naming it would be
    /// ambiguous).
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` naming the identifier.
    public static func validate(_ families: [any ProblemFamily.Type]) throws {
        var seen = Set<String>()
        for f in families where !seen.insert(f.identifier).inserted {
            throw ProblemSuiteError.invalidRequest("two families share the identifier '\(f.identifier)'")
        }
    }
}
