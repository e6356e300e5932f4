/// The rank-one atom updates of K-SVD, on raw buffers, with their scratch space.
///
/// For atom k, let ω be the signals whose codes use it, g = X_{k,ω} their coefficients,
/// and E = Y_ω − Σ_{i≠k} d_i X_{i,ω} the residual without atom k (n × |ω|). K-SVD
/// replaces (d_k, g) by the best rank-one approximation of E with ‖d_k‖ = 1, keeping
/// the support ω:
/// - **exact** (Aharon, Elad, Bruckstein 2006): the leading singular pair of E, here by
///   power iteration on E·Eᵀ started from E·g (the current coefficients), until the
///   normalised vector moves by at most ``KSVDOptions/powerTolerance`` (Euclidean) or
///   after ``KSVDOptions/powerIterations`` steps; then d = u, g = Eᵀu.
/// - **approximate** (Rubinstein, Zibulevsky, Elad 2008): one alternating step,
///   d = E·g/‖E·g‖ then g = Eᵀd — the first power step of the above. E is never formed:
///   E·g = Y_ω g − D (X_ω g) + d_k (g·g) and Eᵀd = Y_ωᵀd − X_ωᵀ(Dᵀd) + g (d_kᵀd),
///   evaluated over the few atoms that share a signal with k.
///
/// Both leave d_k and g unchanged when E·g = 0 (nothing to fit).
struct KSVDAtomUpdater {
    let n: Int
    let atoms: Int
    let capacity: Int
    var z: [Double]
    var h: [Double]
    var marked: [Bool]
    var touched: [Int]
    var direction: [Double]
    var previous: [Double]
    var residuals: [Double]
    var coefficients: [Double]

    init(length n: Int, atoms: Int, capacity: Int) {
        self.n = n
        self.atoms = atoms
        self.capacity = capacity
        z = [Double](repeating: 0, count: atoms)
        h = [Double](repeating: 0, count: atoms)
        marked = [Bool](repeating: false, count: atoms)
        touched = []
        touched.reserveCapacity(atoms)
        direction = [Double](repeating: 0, count: n)
        previous = [Double](repeating: 0, count: n)
        residuals = []
        coefficients = []
    }

    /// The approximate update of atom `k`. Returns false when E·g = 0 (atom kept).
    mutating func approximate(_ k: Int, d: UnsafeMutablePointer<Double>, y: UnsafePointer<Double>,
                              counts: UnsafePointer<Int>, indices: UnsafePointer<Int>, values: UnsafeMutablePointer<Double>,
                              index: AtomIndex) -> Bool {
        let n = self.n, cap = capacity
        let entries = index.start[k]..<index.start[k + 1]
        return z.withUnsafeMutableBufferPointer { zp in
            h.withUnsafeMutableBufferPointer { hp in
                marked.withUnsafeMutableBufferPointer { mp in
                    direction.withUnsafeMutableBufferPointer { ap in
                        let zb = zp.baseAddress!, hb = hp.baseAddress!, mb = mp.baseAddress!, a = ap.baseAddress!
                        touched.removeAll(keepingCapacity: true)
                        a.update(repeating: 0, count: n)
                        // a = Y_ω g;  z = X_ω g without row k.
                        for e in entries {
                            let j = index.signal[e]
                            let gj = values[index.slot[e]]
                            DenseKernels.axpy(gj, y + j * n, a, n)
                            let base = j * cap
                            for t in 0..<counts[j] {
                                let i = indices[base + t]
                                if i == k { continue }
                                if !mb[i] { mb[i] = true; touched.append(i) }
                                zb[i] += gj * values[base + t]
                            }
                        }
                        // E·g = a − Σ_i z_i d_i.
                        for i in touched { DenseKernels.axpy(-zb[i], d + i * n, a, n) }
                        let norm = DenseKernels.dot(a, a, n).squareRoot()
                        defer {
                            for i in touched { zb[i] = 0; mb[i] = false }
                        }
                        guard norm > 0 && norm.isFinite else { return false }
                        let scale = 1 / norm
                        let dk = d + k * n
                        for r in 0..<n { dk[r] = a[r] * scale }
                        // g = Eᵀd: h_i = d_iᵀd for the atoms sharing a signal with k.
                        for i in touched { hb[i] = DenseKernels.dot(d + i * n, dk, n) }
                        for e in entries {
                            let j = index.signal[e]
                            var v = DenseKernels.dot(y + j * n, dk, n)
                            let base = j * cap
                            for t in 0..<counts[j] {
                                let i = indices[base + t]
                                if i != k { v -= values[base + t] * hb[i] }
                            }
                            values[index.slot[e]] = v
                        }
                        return true
                    }
                }
            }
        }
    }

    /// The exact update of atom `k` (power iteration). Returns false when E·g = 0.
    mutating func exact(_ k: Int, d: UnsafeMutablePointer<Double>, y: UnsafePointer<Double>,
                        counts: UnsafePointer<Int>, indices: UnsafePointer<Int>, values: UnsafeMutablePointer<Double>,
                        index: AtomIndex, tolerance: Double, maxIterations: Int) -> Bool {
        let n = self.n, cap = capacity
        let entries = index.start[k]..<index.start[k + 1]
        let p = entries.count
        if residuals.count < p * n { residuals = [Double](repeating: 0, count: p * n) }
        if coefficients.count < p { coefficients = [Double](repeating: 0, count: p) }
        return residuals.withUnsafeMutableBufferPointer { ep in
            coefficients.withUnsafeMutableBufferPointer { vp in
                direction.withUnsafeMutableBufferPointer { up in
                    previous.withUnsafeMutableBufferPointer { pp in
                        let eb = ep.baseAddress!, v = vp.baseAddress!, u = up.baseAddress!, uPrev = pp.baseAddress!
                        // Rows of E (one residual per signal of ω) and the start v = g.
                        for (r, e) in entries.enumerated() {
                            let j = index.signal[e]
                            let row = eb + r * n
                            row.update(from: y + j * n, count: n)
                            let base = j * cap
                            for t in 0..<counts[j] {
                                let i = indices[base + t]
                                if i != k { DenseKernels.axpy(-values[base + t], d + i * n, row, n) }
                            }
                            v[r] = values[index.slot[e]]
                        }
                        // u = E v / ‖E v‖, v = Eᵀu, repeated.
                        func applyE() -> Double {
                            u.update(repeating: 0, count: n)
                            for r in 0..<p { DenseKernels.axpy(v[r], eb + r * n, u, n) }
                            return DenseKernels.dot(u, u, n).squareRoot()
                        }
                        var norm = applyE()
                        guard norm > 0 && norm.isFinite else { return false }
                        for r in 0..<n { u[r] /= norm }
                        var step = 0
                        while step < maxIterations {
                            for r in 0..<p { v[r] = DenseKernels.dot(eb + r * n, u, n) }
                            uPrev.update(from: u, count: n)
                            norm = applyE()
                            guard norm > 0 && norm.isFinite else { u.update(from: uPrev, count: n); break }
                            var change = 0.0
                            for r in 0..<n {
                                u[r] /= norm
                                let dlt = u[r] - uPrev[r]
                                change += dlt * dlt
                            }
                            step += 1
                            if change.squareRoot() <= tolerance { break }
                        }
                        let dk = d + k * n
                        dk.update(from: u, count: n)
                        for (r, e) in entries.enumerated() { values[index.slot[e]] = DenseKernels.dot(eb + r * n, dk, n) }
                        return true
                    }
                }
            }
        }
    }
}
