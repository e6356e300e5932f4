/// Σ v_i², summed in index order (deterministic).
func sumOfSquares<C: Collection>(_ v: C) -> Double where C.Element == Double {
    v.reduce(0) { $0 + $1 * $1 }
}

/// ‖v‖₂, summed in index order.
func euclideanNorm<C: Collection>(_ v: C) -> Double where C.Element == Double {
    sumOfSquares(v).squareRoot()
}
