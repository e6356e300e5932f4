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
/// **Algorithm.** Introselect on an index array: quickselect with a deterministic
/// median-of-three pivot (first, middle, last of the current range) for at most
/// 2·⌈log₂ n⌉ partitions, then median-of-medians pivots (groups of five), which guarantee
/// linear time on any input. Lomuto partitioning under the strict order above.
///
/// One selector owns O(n) scratch (an index array and the magnitudes) and does not
/// allocate when reused at the same or a smaller size. Not thread-safe.
///
/// - Complexity: O(n) per selection, worst case.
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

    /// The indices selected by the last call, in no particular order (the first
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
        for i in 0..<n {
            let m = Swift.abs(values[i])
            keys[i] = m.isNaN ? .infinity : m
            order[i] = i
        }
        if kk > 0 && kk < n {
            introselect(lo: 0, hi: n - 1, target: kk - 1)
        }
        selectedCount = kk
    }

    /// The indices of the `k` largest |values[i]| (ties: lower index wins), sorted by index.
    /// Convenience for tests and harnesses (allocates the result).
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

    /// The strict total order: `a` ranks before `b`.
    @inlinable @inline(__always)
    func before(_ a: Int, _ b: Int) -> Bool {
        let ka = keys[a], kb = keys[b]
        return ka > kb || (ka == kb && a < b)
    }

    @inlinable @inline(__always)
    func swapAt(_ i: Int, _ j: Int) {
        let t = order[i]; order[i] = order[j]; order[j] = t
    }

    /// Rearranges `order[lo...hi]` so that position `target` holds the element of that rank,
    /// everything before it ranks before it and everything after ranks after it.
    @usableFromInline
    func introselect(lo: Int, hi: Int, target: Int) {
        var lo = lo, hi = hi
        let length = hi - lo + 1
        var budget = 2 * (Int.bitWidth - length.leadingZeroBitCount)
        while hi > lo {
            let pivot: Int
            if budget > 0 {
                budget -= 1
                pivot = medianOfThree(lo, hi)
            } else {
                pivot = medianOfMedians(lo, hi)
            }
            let p = partition(lo, hi, pivot)
            if p == target { return }
            if target < p { hi = p - 1 } else { lo = p + 1 }
        }
    }

    /// The position among lo, mid, hi holding the median of the three under ``before(_:_:)``.
    @usableFromInline
    func medianOfThree(_ lo: Int, _ hi: Int) -> Int {
        let mid = lo + (hi - lo) / 2
        let a = order[lo], b = order[mid], c = order[hi]
        if before(a, b) {
            if before(b, c) { return mid }       // a b c
            return before(a, c) ? hi : lo        // a c b  or  c a b
        } else {
            if before(a, c) { return lo }        // b a c
            return before(b, c) ? hi : mid       // b c a  or  c b a
        }
    }

    /// Median-of-medians pivot position for `order[lo...hi]` (groups of five).
    @usableFromInline
    func medianOfMedians(_ lo: Int, _ hi: Int) -> Int {
        let count = hi - lo + 1
        if count <= 5 {
            insertionSort(lo, hi)
            return lo + (count - 1) / 2
        }
        var groups = 0
        var start = lo
        while start <= hi {
            let end = min(start + 4, hi)
            insertionSort(start, end)
            swapAt(lo + groups, start + (end - start) / 2)
            groups += 1
            start += 5
        }
        let mid = lo + (groups - 1) / 2
        introselect(lo: lo, hi: lo + groups - 1, target: mid)
        return mid
    }

    @usableFromInline
    func insertionSort(_ lo: Int, _ hi: Int) {
        guard hi > lo else { return }
        for i in (lo + 1)...hi {
            let v = order[i]
            var j = i - 1
            while j >= lo && before(v, order[j]) {
                order[j + 1] = order[j]
                j -= 1
            }
            order[j + 1] = v
        }
    }

    /// Lomuto partition of `order[lo...hi]` around the element at `pivotPosition`;
    /// returns the pivot's final position.
    @usableFromInline
    func partition(_ lo: Int, _ hi: Int, _ pivotPosition: Int) -> Int {
        swapAt(pivotPosition, hi)
        let pivot = order[hi]
        var store = lo
        for i in lo..<hi where before(order[i], pivot) {
            swapAt(i, store)
            store += 1
        }
        swapAt(store, hi)
        return store
    }
}
