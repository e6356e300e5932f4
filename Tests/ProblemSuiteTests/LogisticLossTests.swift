import Foundation
import XCTest
@testable import ProblemSuite

/// The logistic and sigmoid losses are built from `+ - * /` only (the same bits on every
/// platform) and four rows at a time: they must stay close to the C library's exp and
/// log1p, give every lane the bits of the one-row form, handle the extremes, and keep the
/// bits pinned below (a compiler that fused a multiply-add would change them).
final class LogisticLossTests: XCTestCase {
    /// The stable formulas through the C library, as the losses were computed before.
    func libmLogistic(_ t: Double) -> (Double, Double) {
        if t >= 0 { let e = Foundation.exp(-t); return (Foundation.log1p(e), -e / (1 + e)) }
        let e = Foundation.exp(t)
        return (Foundation.log1p(e) - t, -1 / (1 + e))
    }

    func libmSigmoid(_ t: Double) -> (Double, Double) {
        let s = t >= 0 ? Foundation.exp(-t) / (1 + Foundation.exp(-t)) : 1 / (1 + Foundation.exp(t))
        return (s * s, -2 * s * s * (1 - s))
    }

    func relativeError(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        return abs(a - b) / max(abs(b), Double.leastNormalMagnitude)
    }

    func testCloseToTheCLibraryOverTheWholeRange() {
        var worst = (value: 0.0, slope: 0.0, sigmoid: 0.0, sigmoidSlope: 0.0)
        var t = -760.0
        while t <= 760 {
            let (v, s) = LogisticRegressionProblem.logistic(t), (rv, rs) = libmLogistic(t)
            worst.value = max(worst.value, relativeError(v, rv))
            worst.slope = max(worst.slope, relativeError(s, rs))
            let (sv, ss) = LogisticRegressionProblem.sigmoid(t), (rsv, rss) = libmSigmoid(t)
            // σ² and its slope underflow to subnormals past t ≈ 372: compare absolutely there.
            worst.sigmoid = max(worst.sigmoid, abs(rsv) < 1e-290 ? abs(sv - rsv) / 1e-290 : relativeError(sv, rsv))
            // ℓ′ = −2σ²(1 − σ): 1 − σ cancels for t ≪ 0 in both forms, so an ulp of σ weighs
            // by 2σ², not by ℓ′ itself.
            worst.sigmoidSlope = max(worst.sigmoidSlope, abs(ss - rss) / max(2 * rsv, 1e-290))
            t += t.magnitude < 40 ? 0.000377 : 0.0371
        }
        // A few ulps (2.2e-16 each) of the C library's results.
        XCTAssertLessThan(worst.value, 1e-15, "logistic value")
        XCTAssertLessThan(worst.slope, 1e-15, "logistic slope")
        XCTAssertLessThan(worst.sigmoid, 2e-15, "sigmoid value")
        XCTAssertLessThan(worst.sigmoidSlope, 2e-15, "sigmoid slope (error relative to 2σ², the factor before the cancelling 1 − σ)")
    }

    func testExtremesAndSpecialValues() {
        let (v0, s0) = LogisticRegressionProblem.logistic(0)
        XCTAssertEqual(v0, log(2.0))
        XCTAssertEqual(s0, -0.5)
        XCTAssertEqual(LogisticRegressionProblem.logistic(1e300).value, 0)
        XCTAssertEqual(LogisticRegressionProblem.logistic(1e300).slope, 0)
        XCTAssertEqual(LogisticRegressionProblem.logistic(-1e300).value, 1e300)
        XCTAssertEqual(LogisticRegressionProblem.logistic(-1e300).slope, -1)
        XCTAssertEqual(LogisticRegressionProblem.logistic(.infinity).value, 0)
        XCTAssertEqual(LogisticRegressionProblem.logistic(-.infinity).value, .infinity)
        XCTAssertEqual(LogisticRegressionProblem.logistic(-.infinity).slope, -1)
        // Tiny margins: log1p(e) with e = e^{−t} subnormal keeps its bits (log1p(e) = e).
        for t in stride(from: 700.0, through: 745, by: 0.37) {
            XCTAssertEqual(LogisticRegressionProblem.logistic(t).value, Foundation.exp(-t), accuracy: 5e-16 * Foundation.exp(-t) + 5e-324, "t = \(t)")
        }
        XCTAssertEqual(LogisticRegressionProblem.logistic(740).value, Foundation.exp(-740))
        XCTAssertEqual(LogisticRegressionProblem.logistic(745.5).value, 0)
        XCTAssert(LogisticRegressionProblem.logistic(.nan).value.isNaN)
        XCTAssert(LogisticRegressionProblem.logistic(.nan).slope.isNaN)
        XCTAssert(LogisticRegressionProblem.sigmoid(.nan).value.isNaN)
        XCTAssertEqual(LogisticRegressionProblem.sigmoid(0).value, 0.25)
        XCTAssertEqual(LogisticRegressionProblem.sigmoid(0).slope, -0.25)
        XCTAssertEqual(LogisticRegressionProblem.sigmoid(-1e300).value, 1)
        XCTAssertEqual(LogisticRegressionProblem.sigmoid(1e300).value, 0)
    }

    /// Four rows in one call give each row the bits of the row alone, whatever its
    /// neighbours (mixed signs, extremes, NaN).
    func testEveryLaneHasTheBitsOfTheOneRowForm() {
        var rng = SuiteRandom(seed: 5, stream: "logistic-lanes")
        let specials: [Double] = [0, -0.0, 1e-300, -1e-300, 710, -710, 746, -746, .infinity, -.infinity, .nan, 0.41421356237309503]
        for trial in 0..<2000 {
            var t = SIMD4<Double>()
            for j in 0..<4 {
                t[j] = trial % 5 == 0 ? specials[rng.nextInt(below: specials.count)] : rng.nextNormal() * [0.1, 3, 40, 800][trial % 4]
            }
            for (four, one) in [(LogisticRegressionProblem.logistic(t), LogisticRegressionProblem.logistic as (Double) -> (value: Double, slope: Double)),
                                (LogisticRegressionProblem.sigmoid(t), LogisticRegressionProblem.sigmoid as (Double) -> (value: Double, slope: Double))] {
                for j in 0..<4 {
                    let alone = one(t[j])
                    XCTAssertEqual(four.value[j].bitPattern, alone.value.bitPattern, "t = \(t[j]) in \(t)")
                    XCTAssertEqual(four.slope[j].bitPattern, alone.slope.bitPattern, "t = \(t[j]) in \(t)")
                }
            }
        }
    }

    /// The bits of a few values, pinned: they must not move with the platform, the
    /// compiler or its flags (no contraction into fused multiply-adds).
    func testPinnedBits() {
        let pinned: [(Double, UInt64, UInt64)] = [
            (-37.5, 0x4042c00000000000, 0xbff0000000000000),
            (-2.25, 0x4002cd3918ab2313, 0xbfecf2e5add226b5),
            (-0.3, 0x3feb56e0cf4511ae, 0xbfe261d545e46a8b),
            (0.125, 0x3fe43e4055056374, 0xbfde00aa6681fcf3),
            (1.0, 0x3fd40c7abfbec125, 0xbfd136561454ba86),
            (3.5, 0x3f9e76e4c617c896, 0xbf9e040681ccad92),
            (20.0, 0x3e21b48655a5141d, 0xbe21b4865556b5d3),
            (700.0, 0x00d14f2b0fb9307f, 0x80d14f2b0fb9307f),
        ]
        for (t, value, slope) in pinned {
            let (v, s) = LogisticRegressionProblem.logistic(t)
            XCTAssertEqual(v.bitPattern, value, "logistic(\(t)) = \(v)")
            XCTAssertEqual(s.bitPattern, slope, "logistic′(\(t)) = \(s)")
        }
    }
}
