/// One parameter a solver owns: its key in the problem and experiment files, its default,
/// the values it accepts, and one line of documentation.
///
/// The protocol's settings (nR, eps, kmax, tau_s, record_every) belong to
/// ``SolverSettings``; everything else a solver reads (prunAdag's `sigma` and `c`, the
/// Frank-Wolfe `fw_radius`, `fw_eta1`, `fw_eta2`, or a user's solver's own keys) is a
/// `SolverParameter` declared in the solver's own file and carried by its registry entry.
/// The files keep one `[settings]` table for both: a key there that no registered solver
/// declares is an error naming the file, the table and the key, and a value outside a
/// declaration's ``Domain`` is an error naming the rule.
///
/// A solver's *resolved* parameters (``SolverSettings/resolving(_:)``: every declared key,
/// the written value or else the default) are what it runs with, what its results record
/// and what their fingerprints hash.
public struct SolverParameter: Sendable, Hashable {
    /// The values a parameter accepts.
    public enum Domain: Sendable, Hashable {
        /// A finite number > 0.
        case positive
        /// A finite number ≥ 0.
        case nonNegative
        /// A finite number in `lower...upper`.
        case interval(Double, Double)
        /// An integer in the range.
        case integer(ClosedRange<Int>)
        /// `true` or `false`.
        case boolean
        /// One of the strings.
        case choice([String])
        /// Any string of at most ``maxTextLength`` characters.
        case text

        /// The rule in words, for help texts and errors.
        public var rule: String {
            switch self {
            case .positive: return "a finite number > 0"
            case .nonNegative: return "a finite number ≥ 0"
            case .interval(let a, let b): return "a finite number in [\(a), \(b)]"
            case .integer(let r): return "an integer in \(r.lowerBound)...\(r.upperBound)"
            case .boolean: return "true or false"
            case .choice(let c): return "one of " + c.map { "\"\($0)\"" }.joined(separator: ", ")
            case .text: return "a string of at most \(SolverParameter.maxTextLength) characters"
            }
        }

        /// The value in its canonical form if it is in the domain, else nil. Every number
        /// is canonically a double (an integer parameter too: JSON does not tell `5` from
        /// `5.0`, and a stored record must read back equal to what was written).
        public func accept(_ value: ParameterValue) -> ParameterValue? {
            switch self {
            case .positive, .nonNegative, .interval:
                let d: Double
                switch value {
                case .double(let v): d = v
                case .int(let v): d = Double(v)
                default: return nil
                }
                guard d.isFinite else { return nil }
                switch self {
                case .positive: return d > 0 ? .double(d) : nil
                case .nonNegative: return d >= 0 ? .double(d) : nil
                case .interval(let a, let b): return (a...b).contains(d) ? .double(d) : nil
                default: return nil
                }
            case .integer(let r):
                switch value {
                case .int(let v): return r.contains(v) ? .double(Double(v)) : nil
                case .double(let v):
                    guard v.isFinite, v == v.rounded(), let i = Int(exactly: v), r.contains(i) else { return nil }
                    return .double(v)
                default: return nil
                }
            case .boolean:
                guard case .bool = value else { return nil }
                return value
            case .choice(let c):
                guard case .string(let s) = value, c.contains(s) else { return nil }
                return value
            case .text:
                guard case .string(let s) = value, s.count <= SolverParameter.maxTextLength else { return nil }
                return value
            }
        }
    }

    /// The key in `[settings]` tables and result records (letters, digits, `_`, `-`).
    public let key: String
    /// The value when no file sets the key (in canonical form: numbers as doubles).
    public let defaultValue: ParameterValue
    /// The values accepted.
    public let domain: Domain
    /// One line for `list --solvers`, `show` and the docs.
    public let summary: String

    /// Longest string value: 4096 characters.
    public static let maxTextLength = 4096

    /// A declaration.
    /// - Precondition: `key` is a valid key, is not one of the protocol's settings
    ///   (``SolverSettings/keys``), and `defaultValue` lies in `domain` (a declaration is
    ///   code, so a bad one is a programming error).
    public init(_ key: String, default defaultValue: ParameterValue, domain: Domain, summary: String) {
        precondition(SolverParameter.isValidKey(key), "solver parameter key '\(key)': letters, digits, '_' and '-' only")
        precondition(!SolverSettings.keys.contains(key), "'\(key)' is a protocol setting, not a solver parameter")
        guard let canonical = domain.accept(defaultValue) else {
            preconditionFailure("solver parameter '\(key)': default \(defaultValue) is not \(domain.rule)")
        }
        self.key = key
        self.defaultValue = canonical
        self.domain = domain
        self.summary = summary
    }

    /// A real parameter (the common case).
    public init(_ key: String, default value: Double, domain: Domain = .positive, summary: String) {
        self.init(key, default: .double(value), domain: domain, summary: summary)
    }

    /// Whether `key` may name a solver parameter: 1–64 ASCII letters, digits, `_`, `-`,
    /// starting with a letter.
    public static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, key.unicodeScalars.count <= 64,
              first.properties.isAlphabetic, first.isASCII else { return false }
        return key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

    /// The declaration as `key = default (rule): summary`.
    public var help: String { "\(key) = \(defaultValue) (\(domain.rule)): \(summary)" }
}

/// A solver's resolved parameters (``SolverSettings/resolving(_:)``): one value for every
/// key it declares, with typed accessors.
public struct SolverParameterValues: Sendable, Equatable {
    /// Every declared key with its value.
    public let values: [String: ParameterValue]

    /// The values of a solver's declarations.
    public init(values: [String: ParameterValue]) { self.values = values }

    /// The number under a declared key.
    /// - Precondition: `key` is declared as a number (a programming error otherwise).
    public func double(_ key: String) -> Double {
        switch values[key] {
        case .double(let v)?: return v
        case .int(let v)?: return Double(v)
        default: preconditionFailure("solver parameter '\(key)' is not a declared number")
        }
    }

    /// The integer under a declared key.
    /// - Precondition: `key` is declared as an integer.
    public func int(_ key: String) -> Int {
        switch values[key] {
        case .int(let v)?: return v
        case .double(let v)?:
            guard let i = Int(exactly: v) else { preconditionFailure("solver parameter '\(key)' = \(v) is not an integer") }
            return i
        default: preconditionFailure("solver parameter '\(key)' is not a declared integer")
        }
    }

    /// The boolean under a declared key.
    /// - Precondition: `key` is declared as a boolean.
    public func bool(_ key: String) -> Bool {
        guard case .bool(let v)? = values[key] else { preconditionFailure("solver parameter '\(key)' is not a declared boolean") }
        return v
    }

    /// The string under a declared key.
    /// - Precondition: `key` is declared as a string.
    public func string(_ key: String) -> String {
        guard case .string(let v)? = values[key] else { preconditionFailure("solver parameter '\(key)' is not a declared string") }
        return v
    }
}
