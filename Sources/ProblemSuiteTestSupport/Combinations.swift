import ProblemSuite

/// Runs `body` for every combination of the given parameter values, and reports the
/// failing combination: XCTest's messages inside `body` should include `label`.
///
/// In the style of swift-collections' test support: loops over every parameter
/// combination, with the case printed when an assertion fails.
public func withEveryCombination<A, B>(_ a: [A], _ b: [B], _ body: (A, B, _ label: String) throws -> Void) rethrows {
    for x in a { for y in b { try body(x, y, "case (\(x), \(y))") } }
}

/// Runs `body` for every value, with a label naming it.
public func withEvery<A>(_ values: [A], _ body: (A, _ label: String) throws -> Void) rethrows {
    for v in values { try body(v, "case \(v)") }
}

/// A seeded, repeatable generator for tests: the suite's own generator under a
/// test-specific stream, so that every test draws the same numbers on every run.
public func testRandom(_ name: String = #function, seed: UInt64 = 0x5EED) -> SuiteRandom {
    SuiteRandom(seed: seed, stream: "test/" + name)
}

/// max |a_i − b_i| / max(1, max |b_i|).
public func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    let scale = max(1, b.map(abs).max() ?? 0)
    return zip(a, b).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}
