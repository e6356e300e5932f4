import Foundation

/// A complex FFT of a power-of-two length M on split real/imaginary arrays, in the two
/// forms the DCT needs, neither of which reorders its data:
/// - ``forward(re:im:)``: decimation in frequency, natural order in, **bit-reversed** out;
/// - ``inverse(re:im:)``: decimation in time, **bit-reversed** in, natural order out
///   (unscaled: the caller divides by M).
/// The DCT reads and writes the bit-reversed side through ``reversal``, so no separate
/// reordering pass is ever made. Each stage's twiddles are stored contiguously and the
/// butterflies of stages with span ≥ 4 run four at a time in SIMD registers.
///
/// - Complexity: O(M log M) per transform; O(M) memory set up once.
@usableFromInline package struct ComplexFFT: Sendable {
    @usableFromInline package let length: Int
    /// Twiddles of every stage, stage of span s at offset s − 1: cos and sin of πj/s, j < s.
    @usableFromInline let twiddleCos: [Double]
    @usableFromInline let twiddleSin: [Double]
    /// reversal[i] = i with its log₂M bits reversed.
    @usableFromInline package let reversal: [Int32]

    /// - Precondition: `length` is a power of two (≥ 1).
    package init(length: Int) {
        precondition(length > 0 && length & (length - 1) == 0, "FFT length \(length) is not a power of two")
        self.length = length
        var c = [Double](), s = [Double]()
        c.reserveCapacity(length)
        s.reserveCapacity(length)
        var span = 1
        while span < length {
            for j in 0..<span {
                let angle = Double.pi * Double(j) / Double(span)
                c.append(Foundation.cos(angle))
                s.append(Foundation.sin(angle))
            }
            span *= 2
        }
        twiddleCos = c
        twiddleSin = s
        let bits = length.trailingZeroBitCount
        reversal = (0..<length).map { i in
            var r = 0, v = i
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            return Int32(r)
        }
    }

    /// X[rev(k)] = Σ_j x[j]·exp(−2πijk/M): the DFT, left in bit-reversed order.
    @inlinable
    package func forward(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
        twiddleCos.withUnsafeBufferPointer { tc in
            twiddleSin.withUnsafeBufferPointer { ts in
                var span = length / 2
                while span >= 1 {
                    let wc = tc.baseAddress! + (span - 1), ws = ts.baseAddress! + (span - 1)
                    var start = 0
                    while start < length {
                        let r0 = re + start, i0 = im + start, r1 = r0 + span, i1 = i0 + span
                        if span >= 4 {
                            var j = 0
                            while j < span {
                                let ar = load(r0 + j), ai = load(i0 + j), br = load(r1 + j), bi = load(i1 + j)
                                let c = load(wc + j), s = load(ws + j)
                                store(ar + br, r0 + j); store(ai + bi, i0 + j)
                                let dr = ar - br, di = ai - bi
                                // (dr + i di)·(c − i s)
                                store(dr * c + di * s, r1 + j); store(di * c - dr * s, i1 + j)
                                j += 4
                            }
                        } else {
                            for j in 0..<span {
                                let ar = r0[j], ai = i0[j], br = r1[j], bi = i1[j]
                                let c = wc[j], s = ws[j]
                                r0[j] = ar + br; i0[j] = ai + bi
                                let dr = ar - br, di = ai - bi
                                r1[j] = dr * c + di * s; i1[j] = di * c - dr * s
                            }
                        }
                        start += 2 * span
                    }
                    span /= 2
                }
            }
        }
    }

    /// x[j] = Σ_k X[rev(k)]·exp(+2πijk/M) from bit-reversed input (unscaled inverse DFT).
    @inlinable
    package func inverse(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>) {
        twiddleCos.withUnsafeBufferPointer { tc in
            twiddleSin.withUnsafeBufferPointer { ts in
                var span = 1
                while span < length {
                    let wc = tc.baseAddress! + (span - 1), ws = ts.baseAddress! + (span - 1)
                    var start = 0
                    while start < length {
                        let r0 = re + start, i0 = im + start, r1 = r0 + span, i1 = i0 + span
                        if span >= 4 {
                            var j = 0
                            while j < span {
                                let c = load(wc + j), s = load(ws + j)
                                let xr = load(r1 + j), xi = load(i1 + j)
                                // (xr + i xi)·(c + i s)
                                let tr = xr * c - xi * s, ti = xr * s + xi * c
                                let ar = load(r0 + j), ai = load(i0 + j)
                                store(ar + tr, r0 + j); store(ai + ti, i0 + j)
                                store(ar - tr, r1 + j); store(ai - ti, i1 + j)
                                j += 4
                            }
                        } else {
                            for j in 0..<span {
                                let c = wc[j], s = ws[j]
                                let xr = r1[j], xi = i1[j]
                                let tr = xr * c - xi * s, ti = xr * s + xi * c
                                let ar = r0[j], ai = i0[j]
                                r0[j] = ar + tr; i0[j] = ai + ti
                                r1[j] = ar - tr; i1[j] = ai - ti
                            }
                        }
                        start += 2 * span
                    }
                    span *= 2
                }
            }
        }
    }

    @inlinable @inline(__always)
    func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inlinable @inline(__always)
    func load(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inlinable @inline(__always)
    func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }
}
