/// The sizes the suite accepts from problem files, settings and data files, checked
/// before anything is allocated, so that a hostile or mistyped value is an error naming
/// the file, key and value rather than a trap, a hang or an allocation without bound.
///
/// The limits are far above every instance of the suite (the largest has n = 8192 unknowns
/// and a 2000×8192 operator; the largest data file decompresses to about 50 MB) and far
/// below what would exhaust the memory of the machines the suite runs on.
public enum SizeLimits {
    /// Largest number of unknowns, residuals, samples or features: 2^26 = 67 108 864.
    ///
    /// A run holds about ten vectors of length n (iterate, gradient, accumulators, the
    /// starting point, work space): at 2^26 doubles each is 512 MiB, some 5 GiB in all.
    /// Real data sets well beyond the suite's (url: 3.2 M features, 2.4 M samples) fit.
    public static let maxDimension = 1 << 26

    /// Largest number of doubles in one dense matrix or operator: 2^31 (16 GiB).
    ///
    /// A dense m×n operator, a dense feature matrix or an IDX payload must hold at most
    /// this many entries; the product is computed with overflow checks.
    public static let maxDenseEntries = 1 << 31

    /// Largest iteration budget `kmax` (and `record_every`): 10 000 000. A trace grows with
    /// the iterations, so a larger budget would grow memory without bound; the paper's
    /// experiments use 1000 and 2000.
    public static let maxIterations = 10_000_000

    /// Longest line of a text data file (LIBSVM, dense text): 16 MiB. GISETTE's
    /// 5000-feature lines are about 30 KB; a longer "line" is a binary file or a file
    /// without newlines (`/dev/zero`), and would otherwise be buffered whole.
    public static let maxLineLength = 16 << 20

    /// Largest number of (decompressed) bytes read from one data file: 1 GiB. The suite's
    /// largest data file (MNIST training images) decompresses to 47 MB; a gzip stream that
    /// inflates past this is a "gzip bomb" (or the wrong file) and is stopped there.
    public static let maxDataBytes = 1 << 30

    /// `a * b` when it neither overflows nor exceeds `limit`, else nil.
    @inlinable
    public static func product(_ a: Int, _ b: Int, limit: Int = maxDenseEntries) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || p > limit ? nil : p
    }

    /// `value · factor` rounded half away from zero, when finite and at most `limit`; nil
    /// otherwise (never traps, unlike `Int(_:)` on a Double out of range).
    public static func scaled(_ value: Int, by factor: Double, limit: Int = maxDimension) -> Int? {
        let x = (Double(value) * factor).rounded(.toNearestOrAwayFromZero)
        guard x.isFinite, x <= Double(limit), let i = Int(exactly: x) else { return nil }
        return i
    }
}

extension ParameterTable {
    /// A positive integer (or the default) of at most `limit` (default
    /// `SizeLimits/maxDimension`).
    /// - Throws: `ProblemSuiteError/invalidParameter(file:context:key:value:reason:)`
    ///   naming the key and value when it is not positive or too large.
    public func size(_ key: String, default value: Int? = nil, limit: Int = SizeLimits.maxDimension) throws -> Int {
        let v = try positiveInt(key, default: value)
        guard v <= limit else { throw invalid(key, "\(v) exceeds the suite's size limit \(limit)") }
        return v
    }

    /// Throws unless `product` (a dense matrix's entry count `rows · columns`) stays within
    /// `SizeLimits/maxDenseEntries` without overflow; the error names `key`.
    public func checkDense(_ key: String, rows: Int, columns: Int, what: String) throws {
        guard SizeLimits.product(rows, columns) != nil else {
            throw invalid(key, "\(what) \(rows)×\(columns) would exceed the suite's limit of \(SizeLimits.maxDenseEntries) dense entries (16 GiB)")
        }
    }
}
