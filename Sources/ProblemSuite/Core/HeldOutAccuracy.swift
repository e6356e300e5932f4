/// Problems with a held-out test set (classification): the harness reports the test
/// accuracy of every solution and of its pruned forms.
public protocol HeldOutAccuracy: SmoothProblem {
    /// Percentage (0–100) of held-out samples that x classifies correctly.
    func testAccuracy(at x: [Double]) -> Double
}
