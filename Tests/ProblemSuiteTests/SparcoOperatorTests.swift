import XCTest
import ProblemSuite
import ProblemSuiteTestSupport

final class SparcoOperatorTests: XCTestCase {
    func testPlaceholder() { XCTAssertTrue(OperatorChecks.adjointMismatch(DCTOperator(length: 8)) < 1e-12) }
}
