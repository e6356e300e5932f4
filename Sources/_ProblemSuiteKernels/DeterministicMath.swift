/// Elementary functions computed with IEEE-754 `+ - * /` only, so that their results
/// are the same bits on every platform (the C library's `log` may differ by an ulp
/// between systems). Used by ``SuiteRandom`` for its normal draws.
@usableFromInline package enum DeterministicMath {
    /// Natural logarithm, accurate to about one ulp for finite positive `x`.
    ///
    /// Reduction: x = m·2ᵉ with m in [√½, √2); log m = 2·atanh(s), s = (m−1)/(m+1),
    /// |s| ≤ 0.1716, summed as an odd series to s²³ (truncation below 1e−18); e·ln 2 is
    /// added in two parts (Cody–Waite) to keep the product exact.
    @inlinable
    package static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return .infinity }
        var e = Int(x.exponent)
        var m = x.significand  // in [1, 2)
        if x.isSubnormal {
            let scaled = x * 0x1.0p54
            e = Int(scaled.exponent) - 54
            m = scaled.significand
        }
        if m > 1.4142135623730951 {
            m *= 0.5
            e += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        // atanh(s)/s = 1 + s²/3 + s⁴/5 + ... (Horner, highest term first)
        var p = 1.0 / 23
        p = p * s2 + 1.0 / 21
        p = p * s2 + 1.0 / 19
        p = p * s2 + 1.0 / 17
        p = p * s2 + 1.0 / 15
        p = p * s2 + 1.0 / 13
        p = p * s2 + 1.0 / 11
        p = p * s2 + 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        let logm = 2 * s + 2 * s * s2 * p
        let ln2Hi = 6.93147180369123816490e-01  // high bits of ln 2, exact times any e
        let ln2Lo = 1.90821492927058770002e-10
        let de = Double(e)
        return de * ln2Hi + (logm + de * ln2Lo)
    }

    /// e^x, accurate to about one ulp, from `+ - * /` only.
    ///
    /// Reduction: x = k·ln 2 + r with |r| ≤ ½ln 2 (Cody–Waite, two-part ln 2), e^r by
    /// its Taylor series to r¹⁵ (truncation below 1e−17), then scaling by 2ᵏ.
    @inlinable
    package static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > 709.782712893384 { return .infinity }
        if x < -745.1332191019412 { return 0 }
        let ln2Hi = 6.93147180369123816490e-01
        let ln2Lo = 1.90821492927058770002e-10
        let kd = (x * 1.4426950408889634).rounded(.toNearestOrEven)
        let r = (x - kd * ln2Hi) - kd * ln2Lo
        // Horner over 1/k!, k = 15 down to 1 (each literal quotient is correctly rounded).
        var p = 1.0 / 1307674368000
        p = p * r + 1.0 / 87178291200
        p = p * r + 1.0 / 6227020800
        p = p * r + 1.0 / 479001600
        p = p * r + 1.0 / 39916800
        p = p * r + 1.0 / 3628800
        p = p * r + 1.0 / 362880
        p = p * r + 1.0 / 40320
        p = p * r + 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 1.0 / 2
        p = p * r + 1.0 / 1
        let er = p * r + 1
        return Double(sign: .plus, exponent: Int(kd), significand: er)
    }

    /// 10^x through ``exp(_:)``.
    @inlinable
    package static func pow10(_ x: Double) -> Double { exp(x * 2.302585092994046) }

    // MARK: - Four lanes at once (the logistic losses)

    /// e^u for u ≤ 0 in each lane, from `+ - * /` only and with no branch, so that four
    /// rows' losses take one pass and every lane gives the same bits as any other lane
    /// given the same input, on every platform.
    ///
    /// Reduction: u clamped to ≥ −746 (below, e^u rounds to 0 anyway), u = k·ln 2 + r with
    /// k the nearest integer to u/ln 2 (rounded by adding and subtracting 1.5·2⁵², which
    /// also leaves k in the low bits of the sum) and |r| ≲ ½ln 2 (Cody–Waite, two-part
    /// ln 2); e^r by its Taylor series to r¹³ (truncation below 5e−18), summed by Estrin's
    /// scheme (pairs, then pairs of pairs: a dependency chain of 5 multiply-adds rather than
    /// Horner's 14); then e^r·2^(k+64)·2^−64, so that the scale factor is a normal number
    /// for every k ≥ −1076 and only the last product rounds when the result is subnormal.
    /// A NaN lane gives NaN.
    /// - Complexity: about 20 multiplications and 16 additions per lane, no division.
    @inlinable @inline(__always)
    package static func expNonPositive(_ u: SIMD4<Double>) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let ln2Hi = V(repeating: 6.93147180369123816490e-01)
        let ln2Lo = V(repeating: 1.90821492927058770002e-10)
        let x = u.replacing(with: -746, where: u .< -746)
        let magic = V(repeating: 0x1.8p52)
        let shifted = x * 1.4426950408889634 + magic
        let kd = shifted - magic
        let r = (x - kd * ln2Hi) - kd * ln2Lo
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let q0 = 1 + r, q1 = 1.0 / 2 + r * (1.0 / 6), q2 = 1.0 / 24 + r * (1.0 / 120)
        let q3 = 1.0 / 720 + r * (1.0 / 5040), q4 = 1.0 / 40320 + r * (1.0 / 362880)
        let q5 = 1.0 / 3628800 + r * (1.0 / 39916800), q6 = 1.0 / 479001600 + r * (1.0 / 6227020800)
        let er = ((q0 + r2 * q1) + r4 * (q2 + r2 * q3)) + r8 * ((q4 + r2 * q5) + r4 * q6)
        // The bits of `shifted` are those of 1.5·2⁵² plus k (k ≥ −1076): 2^(k+64) is the
        // biased exponent k + 64 + 1023 > 0 shifted into place.
        let k = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- SIMD4(repeating: (0x1.8p52 as Double).bitPattern)
        let scale = unsafeBitCast((k &+ SIMD4(repeating: 64 + 1023)) &<< 52, to: V.self)
        return (er * scale) * 0x1p-64
    }

    /// log(1 + e) for e in [0, 1] in each lane, from `+ - * /` only and with no branch.
    ///
    /// log(1 + e) = 2·atanh(s) with s = e/(2 + e) for e ≤ √2 − 1, and ln 2 + 2·atanh(s)
    /// with s = (e − 1)/(e + 3) (that is, log of (1 + e)/2) above, so that |s| ≤ 0.1716
    /// either way; atanh(s) = s + s³/3 + … + s²³/23 as in ``log(_:)``, the series in s²
    /// summed by Estrin's scheme. Accurate to about one ulp, and exactly e below 2⁻⁹⁰⁰
    /// (where log1p(e) = e in every bit). A NaN lane gives NaN.
    /// - Complexity: one division, about 16 multiplications and 14 additions per lane.
    @inlinable @inline(__always)
    package static func log1pUnit(_ e: SIMD4<Double>) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let upper = e .> V(repeating: 0.41421356237309503)
        let s = (e.replacing(with: e - 1, where: upper)) / ((e + 2).replacing(with: e + 3, where: upper))
        let z = s * s, z2 = z * z, z4 = z2 * z2, z8 = z4 * z4
        let q0 = 1.0 / 3 + z * (1.0 / 5), q1 = 1.0 / 7 + z * (1.0 / 9), q2 = 1.0 / 11 + z * (1.0 / 13)
        let q3 = 1.0 / 15 + z * (1.0 / 17), q4 = 1.0 / 19 + z * (1.0 / 21)
        let p = ((q0 + z2 * q1) + z4 * (q2 + z2 * q3)) + z8 * (q4 + z2 * (1.0 / 23))
        let atanh2 = 2 * s + 2 * s * z * p
        // Below 2⁻⁹⁰⁰, log1p(e) = e to the last bit; e/(2 + e) would lose the subnormals' bits.
        return atanh2.replacing(with: atanh2 + 0.6931471805599453, where: upper).replacing(with: e, where: e .< 0x1p-900)
    }
}
