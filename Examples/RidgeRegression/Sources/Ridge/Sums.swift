/// Σ v_i², summed in index order (deterministic).
func sumOfSquares<C: Collection>(_ v: C) -> Double where C.Element == Double {
    v.reduce(0) { $0 + $1 * $1 }
}

/// ‖v‖₂, summed in index order.
func euclideanNorm<C: Collection>(_ v: C) -> Double where C.Element == Double {
    sumOfSquares(v).squareRoot()
}

/// Σ v_i² for a span, summed in index order (the same order, so the same bits, as above).
func sumOfSquares(_ v: Span<Double>) -> Double {
    var sum = 0.0
    for i in v.indices { sum += v[i] * v[i] }
    return sum
}
