/// The "Blocks" test signal of Donoho and Johnstone (1994), as WaveLab and the Rice
/// Wavelet Toolbox's `makesig('Blocks', n)` define it, used by Sparco problems 2, 9, 10.
///
/// With tᵢ = i/n for i = 1…n (so sample 0 of the returned array is t = 1/n),
/// signal(t) = Σⱼ hⱼ·(1 + sign(t − pⱼ))/2, summed in the order of j, where sign(0) = 0:
/// at a sample lying exactly on a jump the step contributes half its height (this
/// happens, for instance, at t = 0.25 whenever 4 divides n).
public enum BlocksSignal {
    /// Jump positions pⱼ.
    public static let positions: [Double] = [0.1, 0.13, 0.15, 0.23, 0.25, 0.40, 0.44, 0.65, 0.76, 0.78, 0.81]
    /// Jump heights hⱼ.
    public static let heights: [Double] = [4, -5, 3, -4, 5, -4.2, 2.1, 4.3, -3.1, 2.1, -4.2]

    /// The signal sampled at t = (1…n)/n.
    /// - Precondition: `n ≥ 1`.
    public static func samples(_ n: Int) -> [Double] {
        precondition(n >= 1, "Blocks signal needs n ≥ 1, got \(n)")
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let t = Double(i + 1) / Double(n)
            var v = 0.0
            for j in positions.indices {
                let d = t - positions[j]
                let step: Double = d > 0 ? 2 : (d < 0 ? 0 : 1)  // 1 + sign(t − p)
                v += step * (heights[j] / 2)
            }
            y[i] = v
        }
        return y
    }
}
