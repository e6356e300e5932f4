#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsing of decimal numbers straight from bytes, for the data-file parsers.
///
/// Accepted: `[+-]digits[.digits][(e|E)[+-]digits]` and `[+-].digits[...]`; at least one
/// mantissa digit. Not accepted: `inf`, `nan`, hexadecimal floats, or a value that
/// overflows to infinity.
///
/// Correct rounding: a number with at most 19 significant digits whose mantissa M fits
/// in 53 bits and whose decimal exponent e has |e| ≤ 22 is M·10^e or M/10^−e in one
/// IEEE operation on exact operands, hence correctly rounded (Clinger's fast path).
/// That covers integers and the short decimals data files hold. Any other number is
/// handed to the C library's `strtod`, which rounds correctly on glibc and Darwin.
package enum DecimalParsing {
    /// 10^k for 0 ≤ k ≤ 22, all exactly representable. A switch over literals rather than
    /// a global table, so the hot path has no lazy-initialisation check.
    @inlinable @inline(__always)
    static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// Parses a number starting at `p` (not past `end`) and advances `p` past it.
    /// - Returns: the value, or nil if no valid finite number starts at `p` (then `p` is
    ///   left where the problem was found).
    @inlinable
    package static func parseDouble(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        let start = p
        var negative = false
        if p < end && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) {
            negative = p.pointee == UInt8(ascii: "-")
            p += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var dropped = false
        var digits = 0
        while p < end {
            let d = p.pointee &- 48
            if d > 9 { break }
            if significant < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if d != 0 { dropped = true }
            }
            digits += 1
            p += 1
        }
        if p < end && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end {
                let d = p.pointee &- 48
                if d > 9 { break }
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    dropped = true
                }
                digits += 1
                p += 1
            }
        }
        if digits == 0 { return nil }
        if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
            p += 1
            var expNegative = false
            if p < end && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) {
                expNegative = p.pointee == UInt8(ascii: "-")
                p += 1
            }
            var e = 0, expDigits = 0
            while p < end {
                let d = p.pointee &- 48
                if d > 9 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                expDigits += 1
                p += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -e : e
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if !dropped && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let v = exponent >= 0 ? m * powerOfTen(exponent) : m / powerOfTen(-exponent)
            return negative ? -v : v
        }
        return slowPath(start, p)
    }

    /// `strtod` on the token [start, end), copied and terminated.
    @usableFromInline
    static func slowPath(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        let n = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf -> Double? in
            let b = buf.baseAddress!
            UnsafeMutableRawPointer(b).copyMemory(from: start, byteCount: n)
            b[n] = 0
            var stop: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(b, &stop)
            guard let stop, stop - b == n, v.isFinite else { return nil }
            return v
        }
    }

    /// Parses a whole string as a number (for tests and small inputs).
    package static func parse(_ text: String) -> Double? {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buf -> Double? in
            var p = buf.baseAddress!
            let end = p + (buf.count - 1)
            guard let v = parseDouble(&p, end), p == end else { return nil }
            return v
        }
    }
}
