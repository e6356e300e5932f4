import Foundation

/// The orthonormal DCT-II of length n as a ``LinearOperator`` (square, n×n), applied
/// in O(n log n); its adjoint is its inverse, the orthonormal DCT-III.
///
/// Definition (SciPy's `dct(type=2, norm="ortho")`, MATLAB's `dct`, Sparco's `opDCT`):
/// y_k = s_k Σ_j x_j cos(πk(2j+1)/(2n)), s_0 = √(1/n), s_k = √(2/n) for k ≥ 1.
///
/// Algorithm: Makhoul (1980): reorder x into v (evens ascending, odds descending),
/// take one real DFT of length n through a complex FFT of length n/2, and rotate by
/// exp(−iπk/(2n)). The inverse runs the same steps backwards.
/// - Precondition: n is a power of two, n ≥ 2.
public final class DCTOperator: LinearOperator {
    public let length: Int
    public var rowCount: Int { length }
    public var columnCount: Int { length }
    public var operatorDescription: String { "DCT(\(length))" }

    @usableFromInline let fft: ComplexFFT
    @usableFromInline var re: [Double]
    @usableFromInline var im: [Double]
    /// cos and sin of πk/(2n), k < n.
    @usableFromInline let rotCos: [Double]
    @usableFromInline let rotSin: [Double]
    /// cos and sin of 2πk/n, k < n/2.
    @usableFromInline let splitCos: [Double]
    @usableFromInline let splitSin: [Double]

    /// Whether `n` is a length this operator supports (a power of two, at least 2).
    public static func supports(_ n: Int) -> Bool { n >= 2 && n & (n - 1) == 0 }

    public init(length n: Int) {
        precondition(DCTOperator.supports(n), "DCT length \(n) must be a power of two ≥ 2")
        length = n
        fft = ComplexFFT(length: n / 2)
        re = [Double](repeating: 0, count: n / 2)
        im = [Double](repeating: 0, count: n / 2)
        rotCos = (0..<n).map { Foundation.cos(Double.pi * Double($0) / Double(2 * n)) }
        rotSin = (0..<n).map { Foundation.sin(Double.pi * Double($0) / Double(2 * n)) }
        splitCos = (0..<(n / 2)).map { Foundation.cos(2 * Double.pi * Double($0) / Double(n)) }
        splitSin = (0..<(n / 2)).map { Foundation.sin(2 * Double.pi * Double($0) / Double(n)) }
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == length && y.count == length)
        forward(x.baseAddress!, y.baseAddress!)
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == length && y.count == length)
        inverse(y.baseAddress!, x.baseAddress!)
    }

    @usableFromInline
    func forward(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        let n = length, h = n / 2
        re.withUnsafeMutableBufferPointer { rb in
            im.withUnsafeMutableBufferPointer { ib in
                let zr = rb.baseAddress!, zi = ib.baseAddress!
                // v[k] = x[2k], v[n-1-k] = x[2k+1]; z[j] = v[2j] + i v[2j+1].
                for j in 0..<h {
                    let a = 2 * j, b = 2 * j + 1
                    zr[j] = a < h ? x[2 * a] : x[2 * (n - 1 - a) + 1]
                    zi[j] = b < h ? x[2 * b] : x[2 * (n - 1 - b) + 1]
                }
                fft.forward(re: zr, im: zi)  // Z in bit-reversed order: Z[k] is at rev[k]
                let s0 = (1 / Double(n)).squareRoot(), s1 = (2 / Double(n)).squareRoot()
                let rev = fft.reversal
                for k in 0..<h {
                    let pk = Int(rev[k]), pq = Int(rev[k == 0 ? 0 : h - k])
                    // E = (Z[k] + conj Z[q])/2, O = (Z[k] − conj Z[q])/(2i), q = h − k
                    let er = 0.5 * (zr[pk] + zr[pq]), ei = 0.5 * (zi[pk] - zi[pq])
                    let or = 0.5 * (zi[pk] + zi[pq]), oi = -0.5 * (zr[pk] - zr[pq])
                    // t^k O with t = exp(−2πi/n)
                    let c = splitCos[k], s = splitSin[k]
                    let tr = c * or + s * oi, ti = c * oi - s * or
                    // V[k] = E + tO, V[k+h] = E − tO; X = Re(exp(−iπk/(2n)) V)
                    let vr0 = er + tr, vi0 = ei + ti
                    let vr1 = er - tr, vi1 = ei - ti
                    let k1 = k + h
                    y[k] = (rotCos[k] * vr0 + rotSin[k] * vi0) * (k == 0 ? s0 : s1)
                    y[k1] = (rotCos[k1] * vr1 + rotSin[k1] * vi1) * s1
                }
            }
        }
    }

    @usableFromInline
    func inverse(_ c: UnsafePointer<Double>, _ x: UnsafeMutablePointer<Double>) {
        let n = length, h = n / 2
        let u0 = Double(n).squareRoot(), u1 = (Double(n) / 2).squareRoot()
        let rev = fft.reversal
        re.withUnsafeMutableBufferPointer { rb in
            im.withUnsafeMutableBufferPointer { ib in
                let zr = rb.baseAddress!, zi = ib.baseAddress!
                for k in 0..<h {
                    // Unnormalised X[k] and X[n−k] (X[n] = 0), then
                    // V[k] = exp(iπk/(2n))·(X[k] − i X[n−k]).
                    let xk = c[k] * (k == 0 ? u0 : u1)
                    let xnk = k == 0 ? 0 : c[n - k] * u1
                    let k1 = k + h
                    let xk1 = c[k1] * u1
                    let xnk1 = c[n - k1] * u1  // n − k1 = h − k ≥ 1
                    let cr = rotCos[k], ci = rotSin[k]
                    let v0r = cr * xk + ci * xnk, v0i = ci * xk - cr * xnk
                    let dr = rotCos[k1], di = rotSin[k1]
                    let v1r = dr * xk1 + di * xnk1, v1i = di * xk1 - dr * xnk1
                    // E = (V[k] + V[k+h])/2, O = (V[k] − V[k+h])·exp(2πik/n)/2
                    let er = 0.5 * (v0r + v1r), ei = 0.5 * (v0i + v1i)
                    let pr = 0.5 * (v0r - v1r), pi = 0.5 * (v0i - v1i)
                    let sc = splitCos[k], ss = splitSin[k]
                    let or = sc * pr - ss * pi, oi = sc * pi + ss * pr
                    // Z = E + iO, written in bit-reversed order for the inverse FFT.
                    let pk = Int(rev[k])
                    zr[pk] = er - oi
                    zi[pk] = ei + or
                }
                fft.inverse(re: zr, im: zi)
                let scale = 1 / Double(h)
                // z[j] = v[2j] + i v[2j+1]; x[2k] = v[k], x[2k+1] = v[n−1−k].
                for j in 0..<h {
                    let a = 2 * j, b = 2 * j + 1
                    let va = zr[j] * scale, vb = zi[j] * scale
                    if a < h { x[2 * a] = va } else { x[2 * (n - 1 - a) + 1] = va }
                    if b < h { x[2 * b] = vb } else { x[2 * (n - 1 - b) + 1] = vb }
                }
            }
        }
    }
}
