/// The sparse coefficient matrix X (atoms × signals) of a sparse-coding step, stored by
/// signal: signal j has ``count(_:)`` nonzeros, in slots `j·capacity ..< j·capacity + count`
/// of ``indices`` and ``values``, in the order the coder selected them.
///
/// Fixed capacity per signal (the sparsity T) keeps it one flat allocation, and the
/// support of a signal never grows during the K-SVD dictionary update (only values
/// change), so slots stay put and ``AtomIndex`` stays valid.
public struct SparseCodes: Sendable, Equatable {
    /// Number of signals N (columns of X).
    public let signalCount: Int
    /// Number of atoms K (rows of X).
    public let atomCount: Int
    /// Slots per signal (the maximum number of nonzeros, T).
    public let capacity: Int
    /// Nonzeros per signal.
    public var counts: [Int]
    /// Atom index of each slot.
    public var indices: [Int]
    /// Coefficient of each slot.
    public var values: [Double]

    /// All-zero codes.
    public init(signalCount: Int, atomCount: Int, capacity: Int) {
        precondition(signalCount >= 0 && atomCount > 0 && capacity >= 0, "invalid sparse-code sizes")
        self.signalCount = signalCount
        self.atomCount = atomCount
        self.capacity = capacity
        counts = [Int](repeating: 0, count: signalCount)
        indices = [Int](repeating: 0, count: signalCount * capacity)
        values = [Double](repeating: 0, count: signalCount * capacity)
    }

    /// Nonzeros of signal `j`.
    @inlinable public func count(_ j: Int) -> Int { counts[j] }

    /// The (atom, coefficient) pairs of signal `j`.
    public func entries(_ j: Int) -> [(atom: Int, value: Double)] {
        (0..<counts[j]).map { (indices[j * capacity + $0], values[j * capacity + $0]) }
    }

    /// Column `j` of X as a dense K-vector.
    public func dense(_ j: Int) -> [Double] {
        var x = [Double](repeating: 0, count: atomCount)
        for t in 0..<counts[j] { x[indices[j * capacity + t]] += values[j * capacity + t] }
        return x
    }

    /// Total number of stored nonzeros.
    public var nonzeroCount: Int { counts.reduce(0, +) }

    /// For each atom, the number of signals whose coefficient on it exceeds `threshold`
    /// in magnitude (KSVD-Box's "use count" takes 1e-7).
    public func usage(threshold: Double = 0) -> [Int] {
        var use = [Int](repeating: 0, count: atomCount)
        for j in 0..<signalCount {
            for t in 0..<counts[j] where abs(values[j * capacity + t]) > threshold {
                use[indices[j * capacity + t]] += 1
            }
        }
        return use
    }
}

/// The transpose view of ``SparseCodes``: for each atom k, the signals that use it and
/// the slot of the coefficient (compressed rows of X). Built in O(nnz + K).
public struct AtomIndex: Sendable {
    /// Entries of atom k are `start[k] ..< start[k+1]`.
    public var start: [Int]
    /// Signal of each entry (increasing within an atom).
    public var signal: [Int]
    /// Slot (into ``SparseCodes/values``) of each entry.
    public var slot: [Int]

    public init(_ codes: SparseCodes) {
        let k = codes.atomCount, cap = codes.capacity
        var start = [Int](repeating: 0, count: k + 1)
        for j in 0..<codes.signalCount {
            for t in 0..<codes.counts[j] { start[codes.indices[j * cap + t] + 1] += 1 }
        }
        for a in 0..<k { start[a + 1] += start[a] }
        var fill = start
        var signal = [Int](repeating: 0, count: start[k])
        var slot = [Int](repeating: 0, count: start[k])
        for j in 0..<codes.signalCount {
            for t in 0..<codes.counts[j] {
                let a = codes.indices[j * cap + t]
                signal[fill[a]] = j
                slot[fill[a]] = j * cap + t
                fill[a] += 1
            }
        }
        self.start = start
        self.signal = signal
        self.slot = slot
    }

    /// Number of signals using atom `k`.
    @inlinable public func count(_ k: Int) -> Int { start[k + 1] - start[k] }
}
