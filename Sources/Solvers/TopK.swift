/// Selection of the K largest magnitudes in O(n), without sorting (the relevant set R_k
/// of prunAdag, eq. 2.1/2.6, and the support of the Frank-Wolfe oracle vertex, eq. 1.2).
///
/// **Order and ties.** The selected set is *the K largest |v_i|, and among equal
/// magnitudes the lower indices win*. Formally, indices are ranked by the strict total
/// order `i ≺ j ⇔ |v_i| > |v_j| or (|v_i| = |v_j| and i < j)`, and the selection is the
/// first K indices in that order. Because the order is total, the selected *set* is unique:
/// it does not depend on the selection algorithm, only on the values. A NaN magnitude
/// ranks as +∞ (largest), so the selection is well defined for any input.
///
/// **Algorithm.** The K-th largest magnitude t is found by introselect on a copy of the
/// magnitudes (contiguous doubles, no index indirection): quickselect with a deterministic
/// median-of-three pivot for at most 2·⌈log₂ n⌉ partitions, then median-of-medians pivots
/// (groups of five), which guarantee linear time on any input; three-way partitions, so
/// that equal magnitudes (many zeros, say) cost nothing extra. Then one pass counts the
/// magnitudes above t and a second keeps, in index order, those above t and the lowest
/// indices equal to t. For K ≤ 64 (prunAdag's nR) a single scan with a heap of the K best
/// so far replaces the introselect (``selectWithHeap(_:_:)``): one well-predicted
/// comparison per entry. The set is the same as any other correct selection's (above).
///
/// One selector owns O(n) scratch (an index array and the magnitudes) and does not
/// allocate when reused at the same or a smaller size. Not thread-safe.
///
/// - Complexity: O(n) per selection, worst case (K ≤ 64: O(n log K)).
public final class TopKSelector {
    @usableFromInline var order: UnsafeMutablePointer<Int>
    @usableFromInline var keys: UnsafeMutablePointer<Double>
    @usableFromInline var capacity: Int
    /// How many indices the last selection kept.
    public private(set) var selectedCount = 0

    /// A selector with scratch space for vectors of up to `capacity` entries (it grows if needed).
    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 0)
        order = .allocate(capacity: max(self.capacity, 1))
        keys = .allocate(capacity: max(self.capacity, 1))
    }

    deinit {
        order.deallocate()
        keys.deallocate()
    }

    /// The indices selected by the last call, in increasing order (the first
    /// ``selectedCount`` entries of the internal index array). Valid until the next call.
    public var selected: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: order, count: selectedCount) }

    /// Selects the `k` largest |values[i]| (ties: lower index wins) and marks them in `mask`
    /// (`true` for selected, `false` for all others). `k` is clipped to `0...values.count`.
    /// - Precondition: `mask.count == values.count`.
    public func select(largestMagnitudesOf values: UnsafeBufferPointer<Double>, count k: Int,
                       mask: UnsafeMutableBufferPointer<Bool>) {
        precondition(mask.count == values.count, "mask has \(mask.count) entries, values \(values.count)")
        select(largestMagnitudesOf: values, count: k)
        mask.update(repeating: false)
        for j in 0..<selectedCount { mask[order[j]] = true }
    }

    /// Selects the `k` largest |values[i]| (ties: lower index wins); read them from ``selected``.
    public func select(largestMagnitudesOf values: UnsafeBufferPointer<Double>, count k: Int) {
        let n = values.count
        reserve(n)
        let kk = min(max(k, 0), n)
        selectedCount = kk
        guard kk > 0 else { return }
        if kk == n {
            for i in 0..<n { order[i] = i }
            return
        }
        if kk <= Self.heapLimit { selectWithHeap(values, kk); return }
        for i in 0..<n { keys[i] = Self.magnitude(values[i]) }
        selectValue(lo: 0, hi: n - 1, target: kk - 1)
        let t = keys[kk - 1]
        var above = 0
        for i in 0..<n where Self.magnitude(values[i]) > t { above += 1 }
        var ties = kk - above, c = 0
        for i in 0..<n {
            let m = Self.magnitude(values[i])
            if m > t {
                order[c] = i; c += 1
            } else if m == t && ties > 0 {
                order[c] = i; c += 1; ties -= 1
            }
        }
    }

    /// Largest K selected through a heap rather than introselect: 64 (prunAdag's nR is
    /// 20–63 on the paper's problems). One comparison per entry, almost always false once the
    /// heap holds K entries, instead of several mispredicted partition branches.
    static let heapLimit = 64

    /// The K best of `values` (K ≤ ``heapLimit``, K < n) by one scan with a heap of the K
    /// best so far whose root is the worst of them (smallest magnitude, among equal
    /// magnitudes the highest index); an entry replaces the root only when its magnitude
    /// is strictly larger, since a later index never wins a tie. Then the K indices are
    /// sorted. - Complexity: O(n + K·log K·log(n/K)) expected, O(n log K) worst case.
    func selectWithHeap(_ values: UnsafeBufferPointer<Double>, _ k: Int) {
        let hk = keys, hi = order, n = values.count
        /// Whether heap entry a is worse than heap entry b.
        @inline(__always) func worse(_ a: Int, _ b: Int) -> Bool {
            hk[a] < hk[b] || (hk[a] == hk[b] && hi[a] > hi[b])
        }
        @inline(__always) func siftDown(_ start: Int) {
            var p = start
            while true {
                let l = 2 * p + 1
                if l >= k { return }
                var c = l
                if l + 1 < k && worse(l + 1, l) { c = l + 1 }
                if !worse(c, p) { return }
                let tk = hk[p]; hk[p] = hk[c]; hk[c] = tk
                let ti = hi[p]; hi[p] = hi[c]; hi[c] = ti
                p = c
            }
        }
        for i in 0..<k { hk[i] = Self.magnitude(values[i]); hi[i] = i }
        var p = k / 2 - 1
        while p >= 0 { siftDown(p); p -= 1 }
        var root = hk[0]
        for i in k..<n {
            let m = Self.magnitude(values[i])
            if m > root {
                hk[0] = m; hi[0] = i
                siftDown(0)
                root = hk[0]
            }
        }
        var chosen = UnsafeMutableBufferPointer(start: hi, count: k)
        chosen.sort()
    }

    /// |v|, with NaN ranked as +∞.
    @inlinable @inline(__always)
    static func magnitude(_ v: Double) -> Double {
        let m = Swift.abs(v)
        return m.isNaN ? .infinity : m
    }

    public static func largestMagnitudes(_ values: [Double], count k: Int) -> [Int] {
        let s = TopKSelector(capacity: values.count)
        values.withUnsafeBufferPointer { s.select(largestMagnitudesOf: $0, count: k) }
        return Array(s.selected).sorted()
    }

    func reserve(_ n: Int) {
        guard n > capacity else { return }
        order.deallocate(); keys.deallocate()
        order = .allocate(capacity: n)
        keys = .allocate(capacity: n)
        capacity = n
    }

    /// Rearranges keys[lo...hi] so that keys[target] holds the value of rank `target` in
    /// decreasing order, the larger values before it and the smaller after it.
    @usableFromInline
    func selectValue(lo: Int, hi: Int, target: Int) {
        let keys = self.keys
        var lo = lo, hi = hi
        let length = hi - lo + 1
        var budget = 2 * (Int.bitWidth - length.leadingZeroBitCount)
        while hi > lo {
            let pivot: Double
            if budget > 0 {
                budget -= 1
                let a = keys[lo], b = keys[lo + (hi - lo) / 2], c = keys[hi]
                pivot = max(min(a, b), min(max(a, b), c))
            } else {
                pivot = medianOfMedians(lo, hi)
            }
            // Three-way partition, decreasing: [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot.
            var lt = lo, i = lo, gt = hi
            while i <= gt {
                let v = keys[i]
                if v > pivot {
                    keys[i] = keys[lt]; keys[lt] = v; lt += 1; i += 1
                } else if v < pivot {
                    keys[i] = keys[gt]; keys[gt] = v; gt -= 1
                } else {
                    i += 1
                }
            }
            if target < lt { hi = lt - 1 } else if target > gt { lo = gt + 1 } else { return }
        }
    }

    /// A pivot value of keys[lo...hi] with at least 3/10 of the range on each side: the
    /// median of the medians of groups of five (moved to the front of the range).
    @usableFromInline
    func medianOfMedians(_ lo: Int, _ hi: Int) -> Double {
        var groups = 0, start = lo
        while start <= hi {
            let end = min(start + 4, hi)
            insertionSortDecreasing(start, end)
            let m = start + (end - start) / 2
            let t = keys[lo + groups]; keys[lo + groups] = keys[m]; keys[m] = t
            groups += 1
            start += 5
        }
        let mid = lo + (groups - 1) / 2
        selectValue(lo: lo, hi: lo + groups - 1, target: mid)
        return keys[mid]
    }

    @usableFromInline
    func insertionSortDecreasing(_ lo: Int, _ hi: Int) {
        guard hi > lo else { return }
        for i in (lo + 1)...hi {
            let v = keys[i]
            var j = i - 1
            while j >= lo && keys[j] < v {
                keys[j + 1] = keys[j]
                j -= 1
            }
            keys[j + 1] = v
        }
    }
}
