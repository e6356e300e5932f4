/// Dense vector kernels on raw pointers, SIMD-unrolled with a fixed summation order
/// (the same bits whatever the thread count or call site).
public enum DenseKernels {
    /// Σ a[i]·b[i] over `0..<n`, summed in four 4-wide accumulators, then the tail.
    @inlinable
    public static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 16 <= n {
            let o = i * 8
            s0 += ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
            s1 += ra.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self)
            s2 += ra.loadUnaligned(fromByteOffset: o + 64, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: o + 64, as: SIMD4<Double>.self)
            s3 += ra.loadUnaligned(fromByteOffset: o + 96, as: SIMD4<Double>.self) * rb.loadUnaligned(fromByteOffset: o + 96, as: SIMD4<Double>.self)
            i += 16
        }
        let s = (s0 + s1) + (s2 + s3)
        var t = (s[0] + s[1]) + (s[2] + s[3])
        while i < n {
            t += a[i] * b[i]
            i += 1
        }
        return t
    }

    /// y[i] += alpha·x[i] over `0..<n`.
    @inlinable
    public static func axpy(_ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        let va = SIMD4<Double>(repeating: alpha)
        var i = 0
        while i + 8 <= n {
            let o = i * 8
            let y0 = ry.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self) + va * rx.loadUnaligned(fromByteOffset: o, as: SIMD4<Double>.self)
            let y1 = ry.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self) + va * rx.loadUnaligned(fromByteOffset: o + 32, as: SIMD4<Double>.self)
            ry.storeBytes(of: y0, toByteOffset: o, as: SIMD4<Double>.self)
            ry.storeBytes(of: y1, toByteOffset: o + 32, as: SIMD4<Double>.self)
            i += 8
        }
        while i < n {
            y[i] += alpha * x[i]
            i += 1
        }
    }

    /// Σ x[i]² (same accumulation order as ``dot(_:_:_:)``).
    @inlinable
    public static func squaredNorm(_ x: UnsafePointer<Double>, _ n: Int) -> Double { dot(x, x, n) }

    /// ‖x‖₂ of a buffer.
    @inlinable
    public static func norm(_ x: UnsafeBufferPointer<Double>) -> Double {
        guard let p = x.baseAddress else { return 0 }
        return dot(p, p, x.count).squareRoot()
    }

    /// ‖x‖₂ of an array.
    public static func norm(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { norm($0) } }

    /// Σ x[i]·y[i] of two arrays.
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot of vectors of lengths \(x.count) and \(y.count)")
        return x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in
            guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
            return dot(pa, pb, a.count)
        } }
    }
}
