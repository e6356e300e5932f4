/// The problem families the catalogue knows. One line per family.
public enum FamilyRegistry {
    public static let families: [any ProblemFamily.Type] = [
        RandomLeastSquaresFamily.self,
        SparcoFamily.self,
        ClassificationFamily.self,
        SparseCodingFamily.self,
    ]

    /// The family with identifier `id`.
    public static func family(_ id: String) -> (any ProblemFamily.Type)? {
        families.first { $0.identifier == id }
    }
}
