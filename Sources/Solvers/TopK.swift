import _ProblemSuiteKernels
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
/// indices equal to t. For K ≤ 64 (prunAdag's nR) a heap of the K best so far replaces
/// the introselect (``selectWithHeap(_:_:)``), fed by a 4-wide scan that gathers only the
/// entries at or above a threshold taken from a sample of every 8th entry, when there are
/// K of them. For larger K the same gathered candidates go through the introselect (or,
/// when at most 256, through a bitonic sort of their magnitudes) instead of all n entries
/// (``selectAmongCandidates(_:_:)``). The set is the same as any other correct
/// selection's (above).
///
/// One selector owns O(n) scratch (index arrays and magnitudes) and does not allocate
/// when reused at the same or a smaller size. Not thread-safe.
///
/// - Complexity: O(n) per selection, worst case (K ≤ 64: O(n log K)).
public final class TopKSelector {
    @usableFromInline var order: UnsafeMutablePointer<Int>
    @usableFromInline var keys: UnsafeMutablePointer<Double>
    /// The entries gathered by ``selectWithHeap(_:_:)``: magnitudes and indices.
    var candidateKeys: UnsafeMutablePointer<Double>
    var candidateIndices: UnsafeMutablePointer<Int>
    @usableFromInline var capacity: Int
    /// How many indices the last selection kept.
    public private(set) var selectedCount = 0

    /// A selector with scratch space for vectors of up to `capacity` entries (it grows if needed).
    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 0)
        order = .allocate(capacity: max(self.capacity, 1))
        keys = .allocate(capacity: max(self.capacity, 1))
        candidateKeys = .allocate(capacity: max(self.capacity, 1))
        candidateIndices = .allocate(capacity: max(self.capacity, 1))
    }

    deinit {
        order.deallocate()
        keys.deallocate()
        candidateKeys.deallocate()
        candidateIndices.deallocate()
    }

    /// The indices selected by the last call, in increasing order (the first
    /// ``selectedCount`` entries of the internal index array). Valid until the next call.
    public var selected: UnsafeBufferPointer<Int> {
        if !selectedIsSorted {
            var chosen = UnsafeMutableBufferPointer(start: order, count: selectedCount)
            chosen.sort()
            selectedIsSorted = true
        }
        return UnsafeBufferPointer(start: order, count: selectedCount)
    }
    /// Whether the first ``selectedCount`` indices are in increasing order: the heap path
    /// leaves them in heap order and ``selected`` sorts them when first asked, so that the
    /// mask form (which needs no order) does not sort.
    var selectedIsSorted = true

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
        selectedIsSorted = true
        guard kk > 0 else { return }
        if kk == n {
            for i in 0..<n { order[i] = i }
            return
        }
        if kk <= Self.heapLimit { selectWithHeap(values, kk); return }
        if selectAmongCandidates(values, kk) { return }
        let v = values.baseAddress!
        introselectKeep(n, key: { Self.magnitude(v[$0]) }, index: { $0 }, kk)
    }

    /// The K best of `count` entries given in increasing index order (entry j has
    /// magnitude `key(j)` and index `index(j)`): the K-th largest magnitude t by
    /// introselect on a copy of the magnitudes (``selectValue(lo:hi:target:)``), then one
    /// pass counting those above t and one keeping, in index order, those above t and the
    /// lowest-indexed ties, into the first K entries of ``order``.
    /// - Complexity: O(count) worst case.
    @inline(__always)
    func introselectKeep(_ count: Int, key: (Int) -> Double, index: (Int) -> Int, _ k: Int) {
        for j in 0..<count { keys[j] = key(j) }
        selectValue(lo: 0, hi: count - 1, target: k - 1)
        let t = keys[k - 1]
        var above = 0
        for j in 0..<count where key(j) > t { above += 1 }
        var ties = k - above, kept = 0
        for j in 0..<count {
            let m = key(j)
            if m > t {
                order[kept] = index(j); kept += 1
            } else if m == t && ties > 0 {
                order[kept] = index(j); kept += 1; ties -= 1
            }
        }
    }

    /// Largest K selected through a heap rather than introselect: 64 (prunAdag's nR is
    /// 20–63 on the paper's problems). One comparison per entry, almost always false once the
    /// heap holds K entries, instead of several mispredicted partition branches.
    static let heapLimit = 64

    /// At most this many gathered candidates are selected through a sorting network
    /// (`psk_sort_select_avx2`: a bitonic sort of their magnitudes, O(c log² c)
    /// compare-exchanges 4 at a time, no branch on the data). Measured (`bench topk-A1`,
    /// c ≈ 77): cheaper than the heap's mispredicted branches, than the introselect's, and
    /// than the O(c²) rank selection it replaced (2.2× at c = 77, 5× at c = 200).
    static var sortLimit: Int { DenseKernels.sortSelectLimit }

    /// The K best of `values` (K ≤ ``heapLimit``, K < n).
    ///
    /// First a threshold from a sample (as Floyd and Rivest's selection does): the r-th
    /// largest magnitude t of every 8th entry, with r = K/8 + 2·√(K/8) + 2 (so that on any
    /// order of the values about r·8 ≥ K + 4√K entries are expected at or above t). The
    /// entries whose magnitude is at least t are then gathered, in index order, by a 4-wide
    /// scan (`psk_gather_at_least_avx2` where the AVX2 kernels run). If there are at least
    /// K of them, the K best of all are the K best of them: every entry left out is below
    /// t, and t is at most the K-th best gathered. Otherwise (rare: an unlucky sample)
    /// every entry is a candidate. Then, with AVX2 and at most ``sortLimit`` candidates,
    /// the K-th largest of their magnitudes from a sorting network and one pass over them
    /// in index order (`psk_sort_select_avx2`); otherwise one heap of the K best
    /// candidates so far (``heapSelect(_:key:index:_:)``), which sees about 2K entries
    /// instead of n, its K indices sorted only when ``selected`` is read. The set is the same whatever t (above), so the sample
    /// changes only the time. (Tried: introselect instead of the heaps, branch-free or
    /// not: no faster.) - Complexity: O(n + c·log K) for c candidates;
    /// O(n log K) worst case.
    func selectWithHeap(_ values: UnsafeBufferPointer<Double>, _ k: Int) {
        let n = values.count, v = values.baseAddress!
        let c = gatherCandidates(values, k)
        if c >= k && c <= Self.sortLimit && DenseKernels.usesAVX2 {
            // Few candidates: a sorting network, no branch on the data; the kept ones come
            // out in index order.
            _ = DenseKernels.sortSelectAVX2(keys: candidateKeys, indices: candidateIndices, count: c, k: k, into: order)
            selectedIsSorted = true
            return
        } else if c >= k {
            let ck = candidateKeys, ci = candidateIndices
            _ = heapSelect(c, key: { ck[$0] }, index: { ci[$0] }, k)
        } else {
            _ = heapSelect(n, key: { Self.magnitude(v[$0]) }, index: { $0 }, k)
        }
        selectedIsSorted = false
    }

    /// The K best of `values` for K above ``heapLimit`` (the relevant sets of SPARCO 3 and
    /// 5, nR = 122 and 62·2, and of larger problems), from the candidates of
    /// ``gatherCandidates(_:_:)``: through a sorting network when there are at most
    /// ``sortLimit`` of them (AVX2), else by introselect over their magnitudes, then one pass over them, in
    /// index order, keeping those above the K-th magnitude and the lowest-indexed ties.
    /// Returns false, having selected nothing, when fewer than K were gathered (the
    /// caller's introselect over every entry runs instead). The set is the same either
    /// way: every entry left out is below the sample threshold, which is at most the K-th
    /// largest candidate. - Complexity: O(n + c) expected for c candidates.
    func selectAmongCandidates(_ values: UnsafeBufferPointer<Double>, _ k: Int) -> Bool {
        let c = gatherCandidates(values, k)
        guard c >= k else { return false }
        let ck = candidateKeys, ci = candidateIndices
        if c <= Self.sortLimit && DenseKernels.usesAVX2 {
            _ = DenseKernels.sortSelectAVX2(keys: ck, indices: ci, count: c, k: k, into: order)
        } else {
            introselectKeep(c, key: { ck[$0] }, index: { ci[$0] }, k)
        }
        selectedIsSorted = true
        return true
    }

    /// Gathers into ``candidateKeys`` / ``candidateIndices``, in index order, the entries
    /// whose magnitude reaches a threshold t taken from a sample (as Floyd and Rivest's
    /// selection does): the r-th largest magnitude of every 8th entry, r = K/8 + 2·√(K/8) + 2,
    /// so that on any order of the values about 8·r ≥ K + 4√K entries are expected at or
    /// above t. When fewer than K reach t (an unlucky sample: SPARCO3's gradient, two
    /// stacked halves of different scales, does it in about 5 % of prunAdag's iterations),
    /// r is doubled and the entries gathered again, a pass of O(n) instead of a selection
    /// over all n. Returns how many were gathered; fewer than K (possibly 0) when the
    /// vector is too short to sample (fewer than 16 samples), when r reaches the sample
    /// count, or when t is 0. When the count is at least K, the K best of all are the K best
    /// of the candidates.
    /// The sample's r-th largest comes from a sorting network with AVX2
    /// (`psk_sample_threshold_avx2`, for up to 2048 samples and r ≤ 128), else from a heap
    /// of r (``heapSelect(_:key:index:_:)``); the value is the same.
    /// - Complexity: O(n + (n/8)·log² r) per try, a few tries at most (r doubles).
    func gatherCandidates(_ values: UnsafeBufferPointer<Double>, _ k: Int) -> Int {
        let n = values.count, v = values.baseAddress!
        let stride = 8, samples = n / stride
        guard samples >= 16 else { return 0 }
        let expected = Double(k) / Double(stride)
        var r = Int(expected + 2 * expected.squareRoot()) + 2, c = 0
        while r < samples {
            let t = DenseKernels.usesAVX2 && r <= DenseKernels.sampleRankLimit && samples <= DenseKernels.sampleLimit
                ? DenseKernels.sampleThresholdAVX2(v, samples: samples, stride: stride, rank: r)
                : heapSelect(samples, key: { Self.magnitude(v[$0 &* stride]) }, index: { $0 }, r)
            guard t > 0 else { return 0 }
            c = gatherAtLeast(v, n, t)
            if c >= k { return c }
            r &*= 2
        }
        return c
    }

    /// The entries of `v` whose magnitude is at least `t` > 0 (NaN counts as +∞), in index
    /// order, into ``candidateKeys`` (magnitudes) and ``candidateIndices``: their count.
    /// - Complexity: O(n), 4 entries at a time, no branch on the data with AVX2.
    func gatherAtLeast(_ v: UnsafePointer<Double>, _ n: Int, _ t: Double) -> Int {
        if DenseKernels.usesAVX2 {
            return DenseKernels.gatherAtLeastAVX2(v, count: n, threshold: t, keys: candidateKeys, indices: candidateIndices)
        }
        // Non-candidates: −t < v < t (so |v| < t; a NaN is never inside, so always gathered).
        let ck = candidateKeys, ci = candidateIndices
        typealias V4 = SIMD4<Double>
        let hi = V4(repeating: t), lo = V4(repeating: -t)
        var c = 0
        /// Entry j written at the end of the gathered ones, kept (counted) when |v_j| ≥ t:
        /// no branch on the data.
        @inline(__always) func gather(_ j: Int) {
            let m = Self.magnitude(v[j])
            ck[c] = m; ci[c] = j
            c &+= m < t ? 0 : 1
        }
        var i = 0
        while i &+ 4 <= n {
            let w = UnsafeRawPointer(v + i).loadUnaligned(as: V4.self)
            if !all((w .< hi) .& (w .> lo)) { gather(i); gather(i &+ 1); gather(i &+ 2); gather(i &+ 3) }
            i &+= 4
        }
        while i < n { gather(i); i &+= 1 }
        return c
    }

    /// The K best of `count` entries given in increasing index order (entry j has
    /// magnitude `key(j)` and index `index(j)`), by one scan with a heap of the K best so
    /// far whose root is the worst of them (smallest magnitude, among equal magnitudes the
    /// highest index); an entry replaces the root only when its magnitude is strictly
    /// larger, since a later index never wins a tie. The K indices are left in the first
    /// K entries of ``order`` (in heap order); returns the K-th largest magnitude.
    /// - Complexity: O(count + K·log K·log(count/K)) expected, O(count·log K) worst case.
    @inline(__always)
    func heapSelect(_ count: Int, key: (Int) -> Double, index: (Int) -> Int, _ k: Int) -> Double {
        let hk = keys, hi = order
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
        for j in 0..<k { hk[j] = key(j); hi[j] = index(j) }
        var p = k / 2 - 1
        while p >= 0 { siftDown(p); p -= 1 }
        var root = hk[0]
        for j in k..<count {
            let m = key(j)
            if m > root {
                hk[0] = m; hi[0] = index(j)
                siftDown(0)
                root = hk[0]
            }
        }
        return root
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
        order.deallocate(); keys.deallocate(); candidateKeys.deallocate(); candidateIndices.deallocate()
        order = .allocate(capacity: n)
        keys = .allocate(capacity: n)
        candidateKeys = .allocate(capacity: n)
        candidateIndices = .allocate(capacity: n)
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
