/// A problem fitted on a training part whose quality can be measured on held-out data
/// (the classification family: test accuracy of a weight vector, paper Table 4).
///
/// The harness checks `problem as? HeldOutEvaluation` and reports ``testAccuracy(_:)``
/// of the returned and of the pruned solutions.
public protocol HeldOutEvaluation: AnyObject {
    /// Number of held-out samples.
    var testSampleCount: Int { get }
    /// Fraction in [0, 1] of held-out samples that `x` classifies correctly. A sample
    /// whose score is exactly 0 is neither class and counts as an error.
    func testAccuracy(_ x: [Double]) -> Double
    /// How `x` classifies the held-out samples: correct, undecided (score exactly 0,
    /// counted as errors) and the total.
    func testScore(_ x: [Double]) -> ClassificationScore
    /// Fraction in [0, 1] of training samples that `x` classifies correctly.
    func trainingAccuracy(_ x: [Double]) -> Double
}

/// The outcome of classifying a set of samples with a weight vector.
///
/// A sample whose score aᵢᵀx is exactly 0 is *undecided*: it belongs to neither class
/// and counts as an error. (A pruned solution can make many scores exactly 0: on A9A at
/// 90 % pruning, Adagrad's solution leaves 122 of 300 test samples at 0; crediting them
/// to the +1 class would report 63 % accuracy for a classifier that decides nothing.)
public struct ClassificationScore: Sendable, Equatable, Codable {
    /// Samples with sign(aᵢᵀx) = yᵢ.
    public var correct: Int
    /// Samples with aᵢᵀx = 0.
    public var undecided: Int
    /// All samples.
    public var total: Int

    public init(correct: Int, undecided: Int, total: Int) {
        self.correct = correct
        self.undecided = undecided
        self.total = total
    }

    /// correct / total, NaN for no sample.
    public var accuracy: Double { total > 0 ? Double(correct) / Double(total) : .nan }
}
