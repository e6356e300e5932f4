import Foundation

/// An in-place complex FFT of a power-of-two length on split real/imaginary arrays
/// (iterative radix-2, decimation in time, precomputed twiddles and bit reversal).
///
/// Written for the suite's DCT; forward is unnormalised, inverse carries 1/M.
/// - Complexity: O(M log M) per transform, O(M) memory set up once.
public struct ComplexFFT: Sendable {
    public let length: Int
    @usableFromInline let logLength: Int
    @usableFromInline let cosTable: [Double]  // cos(2πk/M), k < M/2
    @usableFromInline let sinTable: [Double]  // sin(2πk/M)
    @usableFromInline let reversal: [Int32]

    /// - Precondition: `length` is a power of two (≥ 1).
    public init(length: Int) {
        precondition(length > 0 && length & (length - 1) == 0, "FFT length \(length) is not a power of two")
        self.length = length
        logLength = length.trailingZeroBitCount
        let half = max(1, length / 2)
        cosTable = (0..<half).map { Foundation.cos(2 * Double.pi * Double($0) / Double(length)) }
        sinTable = (0..<half).map { Foundation.sin(2 * Double.pi * Double($0) / Double(length)) }
        let bits = length.trailingZeroBitCount
        reversal = (0..<length).map { i in
            var r = 0, v = i
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            return Int32(r)
        }
    }

    /// In-place DFT: X[k] = Σ x[j]·exp(∓2πijk/M), sign − when `inverse` is false.
    /// The inverse is not scaled here (the caller divides by M).
    @inlinable
    public func transform(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, inverse: Bool) {
        let m = length
        if m == 1 { return }
        reversal.withUnsafeBufferPointer { rev in
            for i in 0..<m {
                let j = Int(rev[i])
                if j > i {
                    swap(&re[i], &re[j])
                    swap(&im[i], &im[j])
                }
            }
        }
        let sgn: Double = inverse ? 1 : -1
        cosTable.withUnsafeBufferPointer { ct in
            sinTable.withUnsafeBufferPointer { st in
                // First stage (span 1): twiddle 1.
                var i = 0
                while i < m {
                    let ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1]
                    re[i] = ar + br; im[i] = ai + bi
                    re[i + 1] = ar - br; im[i + 1] = ai - bi
                    i += 2
                }
                var span = 2
                while span < m {
                    let step = m / (2 * span)
                    var start = 0
                    while start < m {
                        var k = 0
                        for j in start..<(start + span) {
                            let wr = ct[k], wi = sgn * st[k]
                            let xr = re[j + span], xi = im[j + span]
                            let tr = wr * xr - wi * xi
                            let ti = wr * xi + wi * xr
                            let ur = re[j], ui = im[j]
                            re[j] = ur + tr; im[j] = ui + ti
                            re[j + span] = ur - tr; im[j + span] = ui - ti
                            k += step
                        }
                        start += 2 * span
                    }
                    span *= 2
                }
            }
        }
    }
}
