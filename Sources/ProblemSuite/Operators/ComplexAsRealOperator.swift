/// A complex operator A = A_re + i·A_im: Cⁿ → Cᵐ written as a real operator
/// R²ⁿ → R²ᵐ on stacked vectors (real parts first, then imaginary parts):
///
///     [y_re]   [A_re  −A_im] [x_re]
///     [y_im] = [A_im   A_re] [x_im]
///
/// Its real adjoint is the stacked form of the complex adjoint Aᴴ = A_reᵀ − i·A_imᵀ, so
/// ½‖A·x − b‖² has the same value, and its real gradient stacks Re and Im of the complex
/// gradient Aᴴ(A·x − b). With no imaginary part (a real operator applied to complex data,
/// as in Sparco problem 8) the matrix is block-diagonal diag(A_re, A_re).
/// - Complexity: two applications of A_re, plus two of A_im when present (one scratch
///   vector of length max(m, n)).
public final class ComplexAsRealOperator: LinearOperator {
    public let realPart: any LinearOperator
    public let imaginaryPart: (any LinearOperator)?
    public var rowCount: Int { 2 * realPart.rowCount }
    public var columnCount: Int { 2 * realPart.columnCount }
    public var operatorDescription: String {
        if let im = imaginaryPart { return "ComplexAsReal(\(realPart.operatorDescription) + i·\(im.operatorDescription))" }
        return "ComplexAsReal(\(realPart.operatorDescription))"
    }
    @usableFromInline var scratch: [Double]

    /// - Precondition: the imaginary part, when given, has the real part's shape.
    public init(real: any LinearOperator, imaginary: (any LinearOperator)? = nil) {
        if let im = imaginary {
            precondition(im.rowCount == real.rowCount && im.columnCount == real.columnCount,
                         "real part is \(real.rowCount)×\(real.columnCount), imaginary part \(im.rowCount)×\(im.columnCount)")
        }
        realPart = real
        imaginaryPart = imaginary
        scratch = [Double](repeating: 0, count: imaginary == nil ? 0 : max(real.rowCount, real.columnCount))
    }

    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        let m = realPart.rowCount, n = realPart.columnCount
        let xr = UnsafeBufferPointer(start: x.baseAddress!, count: n)
        let xi = UnsafeBufferPointer(start: x.baseAddress! + n, count: n)
        let yr = UnsafeMutableBufferPointer(start: y.baseAddress!, count: m)
        let yi = UnsafeMutableBufferPointer(start: y.baseAddress! + m, count: m)
        realPart.apply(xr, into: yr)
        realPart.apply(xi, into: yi)
        guard let im = imaginaryPart else { return }
        scratch.withUnsafeMutableBufferPointer { sb in
            let s = UnsafeMutableBufferPointer(start: sb.baseAddress!, count: m)
            im.apply(xi, into: s)
            DenseKernels.axpy(-1, s.baseAddress!, yr.baseAddress!, m)
            im.apply(xr, into: s)
            DenseKernels.axpy(1, s.baseAddress!, yi.baseAddress!, m)
        }
    }

    public func applyAdjoint(_ y: UnsafeBufferPointer<Double>, into x: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == columnCount && y.count == rowCount)
        let m = realPart.rowCount, n = realPart.columnCount
        let yr = UnsafeBufferPointer(start: y.baseAddress!, count: m)
        let yi = UnsafeBufferPointer(start: y.baseAddress! + m, count: m)
        let xr = UnsafeMutableBufferPointer(start: x.baseAddress!, count: n)
        let xi = UnsafeMutableBufferPointer(start: x.baseAddress! + n, count: n)
        realPart.applyAdjoint(yr, into: xr)
        realPart.applyAdjoint(yi, into: xi)
        guard let im = imaginaryPart else { return }
        scratch.withUnsafeMutableBufferPointer { sb in
            let s = UnsafeMutableBufferPointer(start: sb.baseAddress!, count: n)
            // x_re += A_imᵀ y_im ; x_im −= A_imᵀ y_re
            im.applyAdjoint(yi, into: s)
            DenseKernels.axpy(1, s.baseAddress!, xr.baseAddress!, n)
            im.applyAdjoint(yr, into: s)
            DenseKernels.axpy(-1, s.baseAddress!, xi.baseAddress!, n)
        }
    }
}
