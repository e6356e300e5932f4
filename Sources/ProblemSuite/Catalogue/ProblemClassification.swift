/// A problem's classification in the CUTEst/S2MPJ scheme `XXXr-XY-n-m`, as a value.
///
/// The eight fields, in the order of the string:
/// 1. ``objective``: `N` none, `C` constant, `L` linear, `Q` quadratic, `S` sum of
///    squares, `O` other.
/// 2. ``constraints``: `U` unconstrained, `X` fixed variables, `B` bounds, `N` network,
///    `L` linear, `Q` quadratic, `O` other. Every problem of this suite is `U`.
/// 3. ``smoothness``: `R` regular (twice continuously differentiable), `I` irregular.
/// 4. ``derivatives``: the highest order of derivatives the problem provides
///    analytically, 0, 1 or 2. This suite's oracle gives values and gradients: 1.
/// 5. ``origin``: `A` academic (constructed to test algorithms), `M` modelling (a
///    model of a practical application, with made-up data), `R` real data.
/// 6. ``internalVariables``: `Y` or `N`; `N` throughout this suite.
/// 7. ``variables``: n, or nil for CUTEst's `V` (variable size).
/// 8. ``constraintCount``: the number of general constraints, or nil for `V`; 0 here.
///
/// `SUR1-AN-1024-0` is thus a sum of squares, unconstrained, smooth, with gradients,
/// academic, 1024 unknowns. S2MPJ writes an extra `X-C` prefix (its language and the
/// continuity of the variables); ``parse(_:)`` accepts and drops it.
public struct ProblemClassification: Sendable, Hashable, CustomStringConvertible {
    public var objective: Character
    public var constraints: Character
    public var smoothness: Character
    public var derivatives: Int
    public var origin: Character
    public var internalVariables: Character
    public var variables: Int?
    public var constraintCount: Int?

    public static let objectiveLetters: Set<Character> = ["N", "C", "L", "Q", "S", "O"]
    public static let constraintLetters: Set<Character> = ["U", "X", "B", "N", "L", "Q", "O"]
    public static let smoothnessLetters: Set<Character> = ["R", "I"]
    public static let originLetters: Set<Character> = ["A", "M", "R"]

    public init(objective: Character, constraints: Character = "U", smoothness: Character = "R", derivatives: Int = 1,
                origin: Character, internalVariables: Character = "N", variables: Int?, constraintCount: Int? = 0) {
        self.objective = objective
        self.constraints = constraints
        self.smoothness = smoothness
        self.derivatives = derivatives
        self.origin = origin
        self.internalVariables = internalVariables
        self.variables = variables
        self.constraintCount = constraintCount
    }

    public var description: String {
        "\(objective)\(constraints)\(smoothness)\(derivatives)-\(origin)\(internalVariables)-\(variables.map(String.init) ?? "V")-\(constraintCount.map(String.init) ?? "V")"
    }

    /// Parses `XXXr-XY-n-m` (with or without S2MPJ's `X-C` prefix). Letters outside the
    /// scheme, a derivative order outside 0...2 and a malformed count are errors.
    /// - Throws: `ProblemSuiteError/invalidRequest(_:)` naming the string and the field.
    public static func parse(_ text: String) throws -> ProblemClassification {
        var parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 5 && parts[0].count == 1 { parts.removeFirst() }
        if parts.count == 4, parts[0].count == 5 { parts[0].removeFirst() }   // "CSUR1": S2MPJ's continuity letter
        func bad(_ why: String) -> ProblemSuiteError {
            .invalidRequest("classification \"\(text)\": \(why) (the scheme is XXXr-XY-n-m, e.g. SUR1-AN-1024-0)")
        }
        guard parts.count == 4 else { throw bad("expected four fields separated by '-'") }
        let head = Array(parts[0]), mid = Array(parts[1])
        guard head.count == 4 else { throw bad("the first field has four characters (objective, constraints, smoothness, derivatives)") }
        guard mid.count == 2 else { throw bad("the second field has two characters (origin, internal variables)") }
        guard objectiveLetters.contains(head[0]) else { throw bad("objective '\(head[0])' is not one of N C L Q S O") }
        guard constraintLetters.contains(head[1]) else { throw bad("constraints '\(head[1])' is not one of U X B N L Q O") }
        guard smoothnessLetters.contains(head[2]) else { throw bad("smoothness '\(head[2])' is not R or I") }
        guard let r = head[3].wholeNumberValue, (0...2).contains(r) else { throw bad("derivatives '\(head[3])' is not 0, 1 or 2") }
        guard originLetters.contains(mid[0]) else { throw bad("origin '\(mid[0])' is not A, M or R") }
        guard mid[1] == "Y" || mid[1] == "N" else { throw bad("internal variables '\(mid[1])' is not Y or N") }
        func count(_ s: String, _ what: String) throws -> Int? {
            if s == "V" { return nil }
            guard let v = Int(s), v >= 0 else { throw bad("\(what) '\(s)' is not a non-negative integer or V") }
            return v
        }
        return ProblemClassification(objective: head[0], constraints: head[1], smoothness: head[2], derivatives: r,
                                     origin: mid[0], internalVariables: mid[1],
                                     variables: try count(parts[2], "n"), constraintCount: try count(parts[3], "m"))
    }
}
