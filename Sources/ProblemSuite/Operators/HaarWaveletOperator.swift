/// The orthonormal Haar wavelet transform of length n with a fixed number of levels,
/// as Sparco's `opHaar` builds it (Spot's `opWavelet` over the Rice Wavelet Toolbox,
/// filter `daubcqf(0)` = [1, 1]/√2), applied in O(n) and never stored.
///
/// Analysis (RWT's `mdwt`), one level on the leading `len` entries:
/// aₖ = (x₂ₖ + x₂ₖ₊₁)/√2, dₖ = (x₂ₖ − x₂ₖ₊₁)/√2, written as [a | d]; repeated `levels`
/// times on the approximation part. The coefficient vector is therefore
/// [approximation (n/2^L) | details of level L | … | details of level 1 (n/2)].
/// Synthesis (RWT's `midwt`) is its exact inverse, and, the transform being orthonormal,
/// its adjoint.
///
/// `direction` says what ``apply(_:into:)`` computes: `.synthesis` maps coefficients to a
/// signal (Sparco's intended sparsity basis B, so that b = B·x₀ with x₀ the Haar
/// coefficients of b); `.analysis` maps a signal to its coefficients, which is what
/// Spot's `opHaar` applies forward (see ``SparcoFamily`` for why this matters).
///
/// Defaults: Sparco's `opHaar(n)` uses 5 levels.
/// - Precondition: `levels ≥ 0` and n is a positive multiple of 2^levels.
/// - Complexity: O(n) per application (2n additions and 2n multiplications), one scratch
///   vector of length n.
public final class HaarWaveletOperator: LinearOperator {
    /// Which way ``apply(_:into:)`` goes.
    public enum Direction: String, Sendable, CaseIterable {
        /// Coefficients → signal (`midwt`).
        case synthesis
        /// Signal → coefficients (`mdwt`).
        case analysis
    }

    public let length: Int
    public let levels: Int
    public let direction: Direction
    public var rowCount: Int { length }
    public var columnCount: Int { length }
    public var operatorDescription: String { "Haar\(direction == .synthesis ? "Synthesis" : "Analysis")(\(length), \(levels) levels)" }

    @usableFromInline var scratch: [Double]
    /// 1/√2 (RWT's normalised filter coefficient √2/2).
    @usableFromInline static let coefficient = (0.5).squareRoot()

    /// Whether a transform of length `n` with `levels` levels exists: n a positive
    /// multiple of 2^levels.
    public static func supports(length n: Int, levels: Int) -> Bool {
        levels >= 0 && levels < 62 && n > 0 && n % (1 << levels) == 0
    }

    public init(length n: Int, levels: Int = 5, direction: Direction = .synthesis) {
        precondition(HaarWaveletOperator.supports(length: n, levels: levels),
                     "Haar transform needs n = \(n) to be a positive multiple of 2^\(levels)")
        length = n
        self.levels = levels
        self.direction = direction
        scratch = [Double](repeating: 0, count: n)
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == length && y.count == length)
        switch direction {
        case .synthesis: synthesize(x.baseAddress!, y.baseAddress!)
        case .analysis: analyze(x.baseAddress!, y.baseAddress!)
        }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == length && y.count == length)
        switch direction {
        case .synthesis: analyze(y.baseAddress!, x.baseAddress!)
        case .analysis: synthesize(y.baseAddress!, x.baseAddress!)
        }
    }

    /// Signal `x` → coefficients `c` (`mdwt`). `x` and `c` may not overlap.
    @inlinable
    func analyze(_ x: UnsafePointer<Double>, _ c: UnsafeMutablePointer<Double>) {
        let s = HaarWaveletOperator.coefficient
        if levels == 0 { c.update(from: x, count: length); return }
        scratch.withUnsafeMutableBufferPointer { tb in
            let t = tb.baseAddress!
            // Level 1 reads x and writes c directly.
            var half = length / 2
            for k in 0..<half {
                let u = x[2 * k], v = x[2 * k + 1]
                c[k] = (u + v) * s
                c[half + k] = (u - v) * s
            }
            // Levels 2...L transform the approximation part c[0..<len] in place via t.
            var len = half
            for _ in 1..<levels {
                half = len / 2
                for k in 0..<half {
                    let u = c[2 * k], v = c[2 * k + 1]
                    t[k] = (u + v) * s
                    t[half + k] = (u - v) * s
                }
                c.update(from: t, count: len)
                len = half
            }
        }
    }

    /// Coefficients `c` → signal `x` (`midwt`). `c` and `x` may not overlap.
    @inlinable
    func synthesize(_ c: UnsafePointer<Double>, _ x: UnsafeMutablePointer<Double>) {
        let s = HaarWaveletOperator.coefficient
        if levels == 0 { x.update(from: c, count: length); return }
        scratch.withUnsafeMutableBufferPointer { tb in
            let t = tb.baseAddress!
            // Build the approximation up in t, level L first; the last level writes x.
            var len = length >> levels
            t.update(from: c, count: len)
            for level in stride(from: levels, through: 1, by: -1) {
                let out = level == 1 ? x : t
                // Read t[0..<len] (approximation) and c[len..<2len] (details) before writing:
                // out == t overwrites t[0..<2len], so go from the top down.
                for k in stride(from: len - 1, through: 0, by: -1) {
                    let a = t[k], d = c[len + k]
                    out[2 * k + 1] = (a - d) * s
                    out[2 * k] = (a + d) * s
                }
                len *= 2
            }
        }
    }
}
