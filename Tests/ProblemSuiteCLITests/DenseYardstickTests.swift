import XCTest
import ProblemSuite
import ProblemSuiteCommandLine
import ProblemSuiteTestSupport

/// The bench yardsticks must read every entry (and the re-read pattern every entry twice):
/// their sums are checked against plain loops over shapes that leave partial groups,
/// partial chunks and partial vectors, and over thread counts.
final class DenseYardstickTests: XCTestCase {
    func testFourStreamSumReadsEveryEntry() {
        var r = testRandom()
        withEvery([0, 1, 7, 31, 32, 33, 100, 4097]) { n, label in
            let v = r.normals(n)
            let got = v.withUnsafeBufferPointer { DenseYardsticks.sumFourStreams($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, n) }
            XCTAssertEqual(got, v.reduce(0, +), accuracy: 1e-12 * max(1, v.map(abs).reduce(0, +)), label)
            for parts in [1, 2, 3] where n > 0 {
                let split = v.withUnsafeBufferPointer { DenseYardsticks.plainRead($0.baseAddress!, count: n, parts: parts) }
                XCTAssertEqual(split, v.reduce(0, +), accuracy: 1e-12 * max(1, v.map(abs).reduce(0, +)), "\(label), \(parts) parts")
            }
        }
    }

    /// The per-problem read of non-Double arrays: every 64-bit word and every byte of a
    /// trailing partial word, summed with wrap-around, whatever the split.
    func testWordReadReadsEveryByte() {
        var r = testRandom()
        for bytes in [0, 1, 7, 8, 9, 127, 128, 129, 1000, 4099] {
            let raw = (0..<bytes).map { _ in UInt8(truncatingIfNeeded: r.nextInt(below: 256)) }
            var expected: UInt64 = 0
            for w in 0..<(bytes / 8) {
                var word: UInt64 = 0
                for b in 0..<8 { word |= UInt64(raw[8 * w + b]) << (8 * b) }
                expected &+= word
            }
            for b in (8 * (bytes / 8))..<bytes { expected &+= UInt64(raw[b]) }
            for parts in [1, 2, 3] {
                let got = raw.withUnsafeBytes { DenseYardsticks.wordRead($0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, bytes: bytes, parts: parts) }
                XCTAssertEqual(got, expected, "\(bytes) bytes, \(parts) parts")
            }
        }
    }

    func testRereadPatternSumsEveryEntryAndEveryDotProduct() {
        var r = testRandom()
        withEveryCombination([(1, 5), (4, 256), (7, 300), (9, 513), (33, 1030), (64, 257)], [1, 2, 3]) { shape, parts, label in
            let (m, n) = shape
            let a = r.normals(m * n), x = r.normals(n)
            var dots = 0.0, entries = 0.0, scale = 0.0
            for i in 0..<m {
                for j in 0..<n { dots += a[i * n + j] * x[j]; entries += a[i * n + j]; scale += abs(a[i * n + j]) * (1 + abs(x[j])) }
            }
            // The C loop where the AVX2 kernels run, and the Swift loop of the portable path.
            for (threads, portable) in [(1, false), (2, false), (1, true), (2, true)] {
                DenseKernels.forcePortable(portable)
                defer { DenseKernels.forcePortable(false) }
                let got = Parallel.withThreads(threads) { a.withUnsafeBufferPointer { ap in x.withUnsafeBufferPointer { xp in
                    DenseYardsticks.rereadPattern(ap.baseAddress!, rows: m, columns: n, x: xp.baseAddress!, parts: parts)
                } } }
                XCTAssertEqual(got.dots, dots, accuracy: 1e-12 * scale, "\(label), \(threads) threads, portable \(portable)")
                XCTAssertEqual(got.entries, entries, accuracy: 1e-12 * scale, "\(label), \(threads) threads, portable \(portable)")
            }
        }
    }
}
