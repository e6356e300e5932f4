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
}
