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

extension DenseKernels {
    /// The dot products of four rows with one vector, reading the vector once for all four.
    /// Each row is summed in two 4-wide accumulators, then the tail in order.
    @inlinable
    public static func dot4(_ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>, _ r2: UnsafePointer<Double>,
                            _ r3: UnsafePointer<Double>, _ x: UnsafePointer<Double>, _ n: Int) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let p0 = UnsafeRawPointer(r0), p1 = UnsafeRawPointer(r1), p2 = UnsafeRawPointer(r2), p3 = UnsafeRawPointer(r3)
        let px = UnsafeRawPointer(x)
        var a0 = V(), b0 = V(), a1 = V(), b1 = V(), a2 = V(), b2 = V(), a3 = V(), b3 = V()
        var i = 0
        while i + 8 <= n {
            let o = i * 8
            let x0 = px.loadUnaligned(fromByteOffset: o, as: V.self)
            let x1 = px.loadUnaligned(fromByteOffset: o + 32, as: V.self)
            a0 += p0.loadUnaligned(fromByteOffset: o, as: V.self) * x0
            b0 += p0.loadUnaligned(fromByteOffset: o + 32, as: V.self) * x1
            a1 += p1.loadUnaligned(fromByteOffset: o, as: V.self) * x0
            b1 += p1.loadUnaligned(fromByteOffset: o + 32, as: V.self) * x1
            a2 += p2.loadUnaligned(fromByteOffset: o, as: V.self) * x0
            b2 += p2.loadUnaligned(fromByteOffset: o + 32, as: V.self) * x1
            a3 += p3.loadUnaligned(fromByteOffset: o, as: V.self) * x0
            b3 += p3.loadUnaligned(fromByteOffset: o + 32, as: V.self) * x1
            i += 8
        }
        let s0 = a0 + b0, s1 = a1 + b1, s2 = a2 + b2, s3 = a3 + b3
        var t = V((s0[0] + s0[1]) + (s0[2] + s0[3]), (s1[0] + s1[1]) + (s1[2] + s1[3]),
                  (s2[0] + s2[1]) + (s2[2] + s2[3]), (s3[0] + s3[1]) + (s3[2] + s3[3]))
        while i < n {
            t += V(r0[i], r1[i], r2[i], r3[i]) * x[i]
            i += 1
        }
        return t
    }

    /// y += c[0]·r0 + c[1]·r1 + c[2]·r2 + c[3]·r3, reading and writing y once; each
    /// entry is updated in row order, so the bits equal four successive ``axpy(_:_:_:_:)``.
    @inlinable
    public static func axpy4(_ c: SIMD4<Double>, _ r0: UnsafePointer<Double>, _ r1: UnsafePointer<Double>,
                             _ r2: UnsafePointer<Double>, _ r3: UnsafePointer<Double>,
                             _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        typealias V = SIMD4<Double>
        let p0 = UnsafeRawPointer(r0), p1 = UnsafeRawPointer(r1), p2 = UnsafeRawPointer(r2), p3 = UnsafeRawPointer(r3)
        let py = UnsafeMutableRawPointer(y)
        let c0 = V(repeating: c[0]), c1 = V(repeating: c[1]), c2 = V(repeating: c[2]), c3 = V(repeating: c[3])
        var i = 0
        while i + 4 <= n {
            let o = i * 8
            var v = py.loadUnaligned(fromByteOffset: o, as: V.self)
            v += c0 * p0.loadUnaligned(fromByteOffset: o, as: V.self)
            v += c1 * p1.loadUnaligned(fromByteOffset: o, as: V.self)
            v += c2 * p2.loadUnaligned(fromByteOffset: o, as: V.self)
            v += c3 * p3.loadUnaligned(fromByteOffset: o, as: V.self)
            py.storeBytes(of: v, toByteOffset: o, as: V.self)
            i += 4
        }
        while i < n {
            var v = y[i]
            v += c[0] * r0[i]; v += c[1] * r1[i]; v += c[2] * r2[i]; v += c[3] * r3[i]
            y[i] = v
            i += 1
        }
    }
}
