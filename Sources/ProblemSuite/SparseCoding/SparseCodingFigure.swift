/// The paper's Figure 6: an image beside the reconstructions D·x̂_p of pruned solutions
/// x̂_p, for several pruning percentages p.
package enum SparseCodingFigure {
    /// `x` with its `percent`% smallest-magnitude components set to zero
    /// (⌊percent/100 · n⌉ components; ties broken by index, lowest first).
    public static func pruned(_ x: [Double], percent: Double) -> [Double] {
        precondition(percent >= 0 && percent <= 100, "pruning percentage \(percent) outside [0, 100]")
        let drop = Int((percent / 100 * Double(x.count)).rounded())
        let order = x.indices.sorted { abs(x[$0]) < abs(x[$1]) || (abs(x[$0]) == abs(x[$1]) && $0 < $1) }
        var out = x
        for i in order.prefix(drop) { out[i] = 0 }
        return out
    }

    /// The figure: `y` then D·x̂_p for each p, side by side (28×28 tiles, values clipped
    /// to [0, 1], each pixel `scale`×`scale`, `gap` white pixels between tiles).
    public static func render(problem: SparseCodingProblem, solution: [Double], percentages: [Double],
                              rows: Int = 28, columns: Int = 28, scale: Int = 4, gap: Int = 4) -> GrayImage {
        precondition(solution.count == problem.dimension, "solution has \(solution.count) entries, expected \(problem.dimension)")
        let tiles = [problem.image] + percentages.map { problem.reconstruction(pruned(solution, percent: $0)) }
        let w = columns * scale, h = rows * scale
        var image = GrayImage(width: tiles.count * w + (tiles.count + 1) * gap, height: h + 2 * gap, value: 255)
        for (i, t) in tiles.enumerated() {
            image.paste(t, rows: rows, columns: columns, x: gap + i * (w + gap), y: gap, scale: scale)
        }
        return image
    }

    /// ‖y − D·x̂_p‖ / ‖y‖ for each p.
    public static func relativeErrors(problem: SparseCodingProblem, solution: [Double], percentages: [Double]) -> [Double] {
        let ny = DenseKernels.norm(problem.image)
        return percentages.map { p in
            let r = zip(problem.image, problem.reconstruction(pruned(solution, percent: p))).map { $0 - $1 }
            return DenseKernels.norm(r) / ny
        }
    }
}
