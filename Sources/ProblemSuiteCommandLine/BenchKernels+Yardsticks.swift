import ProblemSuite

/// Yardsticks for the one-pass dense kernels: reads of the `ls-dense-fg` matrix that do no
/// useful work (``DenseYardsticks``). Side by side with `ls-dense-fg-4096x8192` they say
/// how much of the read bandwidth a plain read reaches (`read-dense`) and how much the
/// fused kernel's access pattern alone reaches (`reread-dense`).
extension BenchKernels {
    /// The floor under any kernel that reads an m×n matrix once: the sum of its entries,
    /// each thread reading one contiguous part as four streams. With `--compare` it says
    /// how much of bandwidth.py's two-vector figure a plain read of one matrix reaches on
    /// the machine.
    static func denseRead(_ m: Int, _ n: Int) -> BenchKernel {
        BenchKernel(name: "read-dense-\(m)x\(n)", summary: "sum of the entries of the same m×n matrix: a plain read, the floor under one-pass kernels",
                    m: m, n: n, bytesPerCall: Double(8 * m * n), peer: nil) { _ in
            let a = denseLeastSquaresData(m, n).a
            let parts = max(1, Parallel.maxThreads)
            return { a.withUnsafeBufferPointer { _ = DenseYardsticks.plainRead($0.baseAddress!, count: m * n, parts: parts) } }
        }
    }

    /// The fused f+∇f kernel's reads without its gradient arithmetic: every line of the
    /// matrix read from memory by four-row dot products, then once more from cache one
    /// group later, with the kernel's chunks and prefetches
    /// (``DenseYardsticks/rereadPattern(_:rows:columns:x:parts:)``).
    static func denseReread(_ m: Int, _ n: Int) -> BenchKernel {
        BenchKernel(name: "reread-dense-\(m)x\(n)", summary: "the fused kernel's access pattern (read, then re-read from cache) without its arithmetic",
                    m: m, n: n, bytesPerCall: Double(8 * m * n), peer: nil) { _ in
            let (a, _, x) = denseLeastSquaresData(m, n)
            let parts = max(1, Parallel.maxThreads)
            return {
                a.withUnsafeBufferPointer { p in
                    x.withUnsafeBufferPointer { xp in
                        _ = DenseYardsticks.rereadPattern(p.baseAddress!, rows: m, columns: n, x: xp.baseAddress!, parts: parts)
                    }
                }
            }
        }
    }
}

/// Plain reads of the byte counts of the memory-bound kernels, for `bench --compare`'s
/// "of read" column: a kernel's calls alternate, in random order, with reads of as many
/// bytes from another huge-page advised array (``DenseYardsticks/plainRead(_:count:parts:)``,
/// each thread one contiguous part as four streams), and the fraction is the median of the per-pair
/// ratios (read time / kernel time). A pair's two calls run within milliseconds of each
/// other, so the drift of a shared machine's bandwidth, which moves `of bandwidth` by
/// tens of percent between runs, mostly cancels.
struct PlainReads {
    /// One array per byte count (the 4096×8192 kernels share one).
    private var arrays: [Int: [Double]] = [:]

    /// The median over `pairs` pairs of (plain read time / `body` time), after one
    /// warm-up call of each. The order within each pair is drawn from a seeded generator.
    /// - Complexity: `pairs` calls of `body` and as many reads of `bytes` bytes.
    mutating func fraction(of body: () -> Void, bytes: Double, pairs: Int) -> Double {
        let count = max(1, Int(bytes) / MemoryLayout<Double>.stride)
        if arrays[count] == nil { arrays[count] = LargeStorage.zeros(count) }
        let a = arrays[count]!
        let parts = max(1, Parallel.maxThreads)
        func read() { a.withUnsafeBufferPointer { _ = DenseYardsticks.plainRead($0.baseAddress!, count: count, parts: parts) } }
        func timed(_ f: () -> Void) -> Double {
            let t = monotonicSeconds()
            f()
            return monotonicSeconds() - t
        }
        body()
        read()
        var rng = SuiteRandom(seed: 0, stream: "bench/read-pairs")
        var ratios: [Double] = []
        for _ in 0..<pairs {
            let r: Double, k: Double
            if rng.nextUniform() < 0.5 {
                r = timed(read); k = timed(body)
            } else {
                k = timed(body); r = timed(read)
            }
            ratios.append(r / k)
        }
        return medianOf(ratios)
    }
}
