extension SuiteRandom {
    /// A uniform draw in [0, 1): the top 53 bits of ``next()`` times 2⁻⁵³.
    @inlinable
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform draw in [low, high).
    @inlinable
    public mutating func nextUniform(in low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUniform()
    }

    /// A standard normal draw N(0, 1) by Marsaglia's polar method.
    ///
    /// Uses ``nextUniform()``, `sqrt` (exact in IEEE-754) and
    /// ``DeterministicMath/log(_:)``, so the values are platform-independent.
    /// The method produces draws in pairs; the second is kept for the next call.
    @inlinable
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let factor = (-2 * DeterministicMath.log(s) / s).squareRoot()
            spareNormal = v * factor
            return u * factor
        }
    }

    /// A normal draw N(mean, sd²).
    @inlinable
    public mutating func nextNormal(mean: Double, standardDeviation sd: Double) -> Double {
        mean + sd * nextNormal()
    }

    /// `true` with probability `p` (a uniform draw below `p`).
    @inlinable
    public mutating func nextBernoulli(_ p: Double = 0.5) -> Bool {
        nextUniform() < p
    }

    /// A sign, +1 or −1 with equal probability (one bit of ``next()``).
    @inlinable
    public mutating func nextSign() -> Double {
        (next() >> 63) == 0 ? 1.0 : -1.0
    }

    /// An integer uniform in `0..<bound` by Lemire's multiply-and-reject method.
    ///
    /// - Precondition: `bound > 0`.
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold {
                product = next().multipliedFullWidth(by: b)
            }
        }
        return Int(product.high)
    }

    /// A uniformly random permutation of `0..<n` (Fisher–Yates, drawing from the top).
    ///
    /// - Complexity: O(n).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            p.swapAt(i, j)
        }
        return p
    }

    /// `k` distinct indices drawn uniformly from `0..<n`, in the order drawn
    /// (a partial Fisher–Yates shuffle).
    ///
    /// - Complexity: O(k) time beyond an O(n) index table (O(k) with a sparse map when
    ///   `k` is much smaller than `n`).
    public mutating func sample(_ k: Int, from n: Int) -> [Int] {
        precondition(k >= 0 && k <= n, "cannot draw \(k) distinct indices from \(n)")
        // Sparse Fisher–Yates: positions that were swapped are remembered in a map.
        var moved: [Int: Int] = [:]
        moved.reserveCapacity(2 * k)
        var out = [Int]()
        out.reserveCapacity(k)
        for i in 0..<k {
            let j = i + nextInt(below: n - i)
            let vj = moved[j] ?? j
            let vi = moved[i] ?? i
            moved[j] = vi
            out.append(vj)
        }
        return out
    }

    /// `k` distinct indices from `0..<n`, sorted increasingly.
    public mutating func sortedSample(_ k: Int, from n: Int) -> [Int] {
        sample(k, from: n).sorted()
    }

    /// Fills `buffer` with standard normal draws.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Double>, scale: Double = 1) {
        for i in buffer.indices { buffer[i] = scale * nextNormal() }
    }

    /// An array of `count` standard normal draws times `scale`.
    public mutating func normals(_ count: Int, scale: Double = 1) -> [Double] {
        var out = LargeStorage.zeros(count)
        out.withUnsafeMutableBufferPointer { fillNormal($0, scale: scale) }
        return out
    }
}
