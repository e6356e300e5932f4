/// A problem fitted on a training part whose quality can be measured on held-out data
/// (the classification family: test accuracy of a weight vector, paper Table 4).
///
/// The harness checks `problem as? HeldOutEvaluation` and reports ``testAccuracy(_:)``
/// of the returned and of the pruned solutions.
public protocol HeldOutEvaluation: AnyObject {
    /// Number of held-out samples.
    var testSampleCount: Int { get }
    /// Fraction in [0, 1] of held-out samples that `x` classifies correctly.
    func testAccuracy(_ x: [Double]) -> Double
    /// Fraction in [0, 1] of training samples that `x` classifies correctly.
    func trainingAccuracy(_ x: [Double]) -> Double
}
