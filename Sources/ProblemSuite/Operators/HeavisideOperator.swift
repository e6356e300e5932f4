/// The n×n Heaviside matrix (ones on and below the diagonal) as a matrix-free
/// operator: H·x is the cumulative sum of x, Hᵀ·y the reverse cumulative sum of y
/// (Spot's `opHeaviside`).
///
/// With `normalized`, the columns are scaled to unit Euclidean norm: column j (0-based)
/// holds n − j ones, so it is divided by √(n − j); then (H·x)ᵢ = Σ_{j≤i} xⱼ/√(n − j)
/// (Spot's `opHeaviside(n, 1)`, Sparco problem 10).
/// - Complexity: O(n) per application, no scratch space.
public final class HeavisideOperator: LinearOperator {
    public let length: Int
    public let normalized: Bool
    /// Column scales: 1/√(n − j) when normalized, else empty.
    @usableFromInline let scales: [Double]
    public var rowCount: Int { length }
    public var columnCount: Int { length }
    public var operatorDescription: String { normalized ? "NormalizedHeaviside(\(length))" : "Heaviside(\(length))" }

    /// - Precondition: `n ≥ 1`.
    public init(length n: Int, normalized: Bool = false) {
        precondition(n >= 1, "Heaviside operator needs n ≥ 1, got \(n)")
        length = n
        self.normalized = normalized
        scales = normalized ? (0..<n).map { 1 / Double(n - $0).squareRoot() } : []
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == length && y.count == length)
        var sum = 0.0
        if normalized {
            scales.withUnsafeBufferPointer { w in
                for i in 0..<length { sum += w[i] * x[i]; y[i] = sum }
            }
        } else {
            for i in 0..<length { sum += x[i]; y[i] = sum }
        }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == length && y.count == length)
        var sum = 0.0
        if normalized {
            scales.withUnsafeBufferPointer { w in
                for j in stride(from: length - 1, through: 0, by: -1) { sum += y[j]; x[j] = w[j] * sum }
            }
        } else {
            for j in stride(from: length - 1, through: 0, by: -1) { sum += y[j]; x[j] = sum }
        }
    }
}
