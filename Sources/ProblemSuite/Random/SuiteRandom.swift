/// The suite's one seeded random generator.
///
/// Algorithm: **xoshiro256\*\*** (Blackman and Vigna, 2018) for the bits, with its
/// 256-bit state filled from the 64-bit seed by **SplitMix64**. Every draw the suite
/// makes (problem data, planted solutions, starting points, splits and subsamples)
/// goes through this type, and every derived quantity (uniforms, normals, integers
/// below a bound, permutations, subsets) is computed here with integer arithmetic and
/// IEEE-754 `+ - * / sqrt` only, plus ``DeterministicMath/log(_:)``. The same seed
/// therefore gives the same bits on every platform and with any number of threads;
/// nothing depends on the standard library's unspecified `random(in:)` algorithms.
///
/// Independent streams are derived from one seed and a label with
/// ``init(seed:stream:)``: `SuiteRandom(seed: 7, stream: "A1/matrix")` and
/// `SuiteRandom(seed: 7, stream: "A1/start/run3")` never share a sequence in practice.
public struct SuiteRandom: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64
    /// A spare normal draw from the polar method (it yields two at a time).
    @usableFromInline var spareNormal: Double?

    /// A generator whose state is filled from `seed` by SplitMix64.
    public init(seed: UInt64) {
        var sm = seed
        s0 = SuiteRandom.splitMix64(&sm)
        s1 = SuiteRandom.splitMix64(&sm)
        s2 = SuiteRandom.splitMix64(&sm)
        s3 = SuiteRandom.splitMix64(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }  // unreachable in practice
        spareNormal = nil
    }

    /// A generator for the stream named `stream` under `seed`.
    ///
    /// The label is hashed with 64-bit FNV-1a over its UTF-8 bytes and mixed into the
    /// seed through SplitMix64, so streams are reproducible from their names alone.
    public init(seed: UInt64, stream: String) {
        var sm = seed ^ SuiteRandom.fnv1a(stream)
        let mixed = SuiteRandom.splitMix64(&sm) ^ SuiteRandom.splitMix64(&sm)
        self.init(seed: mixed)
    }

    /// 64-bit FNV-1a hash of the UTF-8 bytes of `text` (stable across platforms).
    public static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    @inlinable
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// The next 64 random bits (xoshiro256\*\*).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = SuiteRandom.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = SuiteRandom.rotl(s3, 45)
        return result
    }
}
