import ProblemSuite

/// Yardsticks for the one-pass dense kernels: reads of the `ls-dense-fg` matrix that do no
/// useful work (``DenseYardsticks``). Side by side with `ls-dense-fg-4096x8192` they say
/// how much of the read bandwidth a plain read reaches (`read-dense`) and how much the
/// fused kernel's access pattern alone reaches (`reread-dense`).
extension BenchKernels {
    /// The same m×n Gaussian matrix as ``denseLeastSquares(_:_:valueOnly:)`` (same stream,
    /// same huge-page advised storage) and a vector x.
    static func yardstickMatrix(_ m: Int, _ n: Int) -> (a: [Double], x: [Double]) {
        var rng = SuiteRandom(seed: 0, stream: "bench/ls")
        let a = rng.normals(m * n, scale: 1 / Double(m).squareRoot())
        _ = rng.normals(m)
        return (a, rng.normals(n))
    }

    /// The floor under any kernel that reads an m×n matrix once: the sum of its entries,
    /// each thread reading one contiguous part as four streams. With `--compare` it says
    /// how much of bandwidth.py's two-vector figure a plain read of one matrix reaches on
    /// the machine.
    static func denseRead(_ m: Int, _ n: Int) -> BenchKernel {
        BenchKernel(name: "read-dense-\(m)x\(n)", summary: "sum of the entries of the same m×n matrix: a plain read, the floor under one-pass kernels",
                    m: m, n: n, bytesPerCall: Double(8 * m * n), peer: nil) { _ in
            let a = yardstickMatrix(m, n).a
            let parts = max(1, Parallel.maxThreads)
            var sums = [Double](repeating: 0, count: parts)
            return {
                a.withUnsafeBufferPointer { p in
                    sums.withUnsafeMutableBufferPointer { out in
                        let base = p.baseAddress!, o = out.baseAddress!
                        Parallel.forEach(parts, work: m * n) { t in
                            let r = DenseRowPass.range(t, of: parts, m * n)
                            o[t] = DenseYardsticks.sumFourStreams(base + r.lowerBound, r.count)
                        }
                    }
                }
            }
        }
    }

    /// The fused f+∇f kernel's reads without its gradient arithmetic: every line of the
    /// matrix read from memory by four-row dot products, then once more from cache one
    /// group later, with the kernel's chunks and prefetches
    /// (``DenseYardsticks/rereadPattern(_:rows:columns:x:parts:)``).
    static func denseReread(_ m: Int, _ n: Int) -> BenchKernel {
        BenchKernel(name: "reread-dense-\(m)x\(n)", summary: "the fused kernel's access pattern (read, then re-read from cache) without its arithmetic",
                    m: m, n: n, bytesPerCall: Double(8 * m * n), peer: nil) { _ in
            let (a, x) = yardstickMatrix(m, n)
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
/// bytes from another huge-page advised array (``DenseYardsticks/sumFourStreams(_:_:)``,
/// each thread one contiguous part), and the fraction is the median of the per-pair
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
        var sums = [Double](repeating: 0, count: parts)
        func read() {
            a.withUnsafeBufferPointer { p in
                sums.withUnsafeMutableBufferPointer { out in
                    let base = p.baseAddress!, o = out.baseAddress!
                    Parallel.forEach(parts, work: count) { t in
                        let r = DenseRowPass.range(t, of: parts, count)
                        o[t] = DenseYardsticks.sumFourStreams(base + r.lowerBound, r.count)
                    }
                }
            }
        }
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
            let readFirst = rng.nextUniform() < 0.5
            let r0 = readFirst ? timed(read) : 0
            let k = timed(body)
            let r1 = readFirst ? r0 : timed(read)
            ratios.append(r1 / k)
        }
        return medianOf(ratios)
    }
}
